"""What the inbox page reads: its embedded files and their headers, the recorded answers,
incremental and redacted logs, and the long poll on the control API's version."""

import json
import pathlib
import signal
import threading
import time

import pytest

from emulator_samples import (CONNECT_EVENT, CONNECT_MESSAGE, SINCH_EVENT, ZAPI_EVENT,
                              connect_post, sinch_post, zapi_post)

UI_DIR = pathlib.Path(__file__).resolve().parents[2] / "emulator" / "ui"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def get(emu, path, timeout=10):
    resp = emu.call("GET", path, timeout=timeout)
    assert resp.status == 200, resp
    return resp.json()


def version(emu):
    return get(emu, "/_emulator/changes")["version"]


def callback_seqs(emu, n):
    """The seqs of the callback record once it holds at least n attempts (bounded wait)."""
    deadline = time.monotonic() + 10
    while len(get(emu, "/_emulator/callbacks")["callbacks"]) < n and time.monotonic() < deadline:
        time.sleep(0.02)
    seqs = [c["seq"] for c in get(emu, "/_emulator/callbacks")["callbacks"]]
    assert len(seqs) >= n
    return seqs


def redacted(emu, query=""):
    return get(emu, "/_emulator/requests?all=1&redact=1" + query)["requests"]


# ---------------------------------------------------------------- the page's files

@pytest.mark.parametrize("path, name, ctype", [
    ("/_emulator/ui", "index.html", "text/html; charset=utf-8"),
    ("/_emulator/ui/", "index.html", "text/html; charset=utf-8"),
    ("/_emulator/ui/app.js", "app.js", "text/javascript; charset=utf-8"),
    ("/_emulator/ui/helpers.js", "helpers.js", "text/javascript; charset=utf-8"),
    ("/_emulator/ui/model.js", "model.js", "text/javascript; charset=utf-8"),
    ("/_emulator/ui/renderers.js", "renderers.js", "text/javascript; charset=utf-8"),
    ("/_emulator/ui/timeline.js", "timeline.js", "text/javascript; charset=utf-8"),
    ("/_emulator/ui/panels.js", "panels.js", "text/javascript; charset=utf-8"),
    ("/_emulator/ui/app.css", "app.css", "text/css; charset=utf-8"),
    ("/_emulator/ui/favicon.svg", "favicon.svg", "image/svg+xml; charset=utf-8"),
])
def test_serves_the_embedded_files_with_a_strict_policy(emu, path, name, ctype):
    resp = emu.call("GET", path)
    assert resp.status == 200, resp
    assert resp.body == (UI_DIR / name).read_bytes()  # embedded at build time, byte for byte
    assert resp.headers["content-type"] == ctype
    assert resp.headers["content-security-policy"] == CSP
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"] == "no-referrer"
    assert resp.headers["cache-control"] == "no-store"


def test_every_file_of_the_page_is_embedded(emu):
    # a module left out of emulator/embed.cmake would break the page's imports
    names = sorted(f.name for f in UI_DIR.iterdir() if f.is_file())
    assert "index.html" in names and "app.js" in names
    for name in names:
        resp = emu.call("GET", "/_emulator/ui/" + name)
        assert resp.status == 200, name
        assert resp.body == (UI_DIR / name).read_bytes(), name


def test_page_paths_are_get_only_and_unknown_files_are_404(emu):
    assert emu.call("GET", "/_emulator/ui/../config").status == 404
    assert emu.call("GET", "/_emulator/ui/app.js.map").status == 404
    assert emu.call("GET", "/_emulator/uix").status == 404
    resp = emu.call("POST", "/_emulator/ui", "{}")
    assert resp.status == 405 and resp.headers["allow"] == "GET"
    assert emu.requests(all=True) == []  # the page and its files are never logged


def test_the_page_loads_only_its_own_files(emu):
    html = emu.call("GET", "/_emulator/ui").body.decode()
    assert "/_emulator/ui/app.js" in html and "/_emulator/ui/app.css" in html
    assert "/_emulator/ui/favicon.svg" in html  # else the browser asks for /favicon.ico
    assert "http://" not in html and "https://" not in html and "<script>" not in html


# ---------------------------------------------------------------- the recorded answer

def test_each_record_keeps_the_answer_the_client_got(emu):
    sent = sinch_post(emu, "events", SINCH_EVENT)
    conn = connect_post(emu, "event", CONNECT_EVENT)
    sinch, connect = emu.requests()
    assert sinch["response"] == {
        "sent": True, "status": 200, "headers": {"content-type": "application/json"},
        "body": sent.json(), "body_raw": sent.body.decode()}
    assert connect["response"]["body"] == conn.json()
    # the request id the client got is the one recorded (made before the log, not after)
    assert connect["response"]["headers"]["x-amzn-requestid"] == conn.headers["x-amzn-requestid"]


def test_fault_answers_are_recorded_as_answered(emu):
    emu.fault(provider="zapi", status=429, retry_after=7, count=1)
    got = zapi_post(emu, "send-event", ZAPI_EVENT)
    rec = emu.requests(all=True)[0]
    assert rec["response"]["status"] == 429 and rec["response"]["sent"] is True
    assert rec["response"]["headers"]["retry-after"] == "7"
    assert rec["response"]["body_raw"] == got.body.decode()


@pytest.mark.parametrize("action, response", [("close", None), ("reset", None)])
def test_requests_not_processed_have_no_answer(emu, action, response):
    emu.fault(provider="sinch", action=action, count=1)
    with pytest.raises(OSError):
        sinch_post(emu, "events", SINCH_EVENT)
    rec = emu.requests(all=True)[0]
    assert rec["status"] is None and rec["response"] is response


def test_an_answer_dropped_after_processing_is_marked_unsent(emu):
    emu.fault(provider="sinch", action="close_after", count=1)
    with pytest.raises(OSError):
        sinch_post(emu, "events", SINCH_EVENT)
    resp = emu.requests()[0]["response"]
    assert resp["sent"] is False and resp["status"] == 200
    assert set(resp["body"]) == {"accepted_time", "event_id"}


# ---------------------------------------------------------------- incremental reads

def test_after_returns_only_newer_records(emu):
    for _ in range(3):
        zapi_post(emu, "send-event", ZAPI_EVENT)
    zapi_post(emu, "send-event", ZAPI_EVENT, client_token="wrong")  # rejected: all=1 only
    seqs = [r["seq"] for r in emu.requests(all=True)]
    newer = get(emu, "/_emulator/requests?all=1&after=%d" % seqs[1])["requests"]
    assert [r["seq"] for r in newer] == seqs[2:]
    assert get(emu, "/_emulator/requests?after=%d" % seqs[-1])["requests"] == []
    assert len(get(emu, "/_emulator/requests?after=0")["requests"]) == 3


@pytest.mark.parametrize("query", ["after=x", "after=-1", "after=", "after=1e3",
                                   "after=18446744073709551616"])
def test_after_must_be_a_seq(emu, query):
    resp = emu.call("GET", "/_emulator/requests?" + query)
    assert resp.status == 400
    assert resp.json()["error"] == "after: must be a request seq (an unsigned integer)"
    assert emu.call("GET", "/_emulator/callbacks?" + query).status == 400


def test_callbacks_after_returns_only_newer_attempts(emu, receiver):
    rx = receiver()
    emu.call("POST", "/_emulator/webhooks", {"zapi_url": rx.url})
    zapi_post(emu, "send-text", {"phone": "5511999999999", "message": "hi"})
    seqs = callback_seqs(emu, 2)
    later = get(emu, "/_emulator/callbacks?after=%d" % seqs[0])["callbacks"]
    assert [c["seq"] for c in later] == seqs[1:]


# ---------------------------------------------------------------- redaction

SECRETS = ["SINCH-SECRET-0x51", "ZAPI-INST-0x52", "ZAPI-TOKEN-0x53", "ZAPI-CLIENT-0x54",
           "CONNECT-PART-0x55", "CONNECT-CONN-0x56"]


@pytest.fixture
def private(emulator_factory):
    return emulator_factory(
        "--sinch-key-secret", SECRETS[0], "--zapi-instance-id", SECRETS[1], "--zapi-token",
        SECRETS[2], "--zapi-client-token", SECRETS[3], "--connect-participant-token",
        SECRETS[4], "--connect-connection-token", SECRETS[5])


def test_redact_hides_every_credential_as_the_dry_run_does(private):
    emu = private
    token = emu.sinch_token()
    sinch_post(emu, "events", SINCH_EVENT, auth="Bearer " + token)
    zapi_post(emu, "send-event", ZAPI_EVENT)
    created = connect_post(emu, "connection", {"Type": ["CONNECTION_CREDENTIALS"]},
                           bearer=emu.connect_participant_token).json()
    issued = created["ConnectionCredentials"]["ConnectionToken"]
    connect_post(emu, "message", CONNECT_MESSAGE, bearer=issued)
    recs = redacted(emu)
    oauth, sinch, zapi, create, message = recs
    assert oauth["headers"]["authorization"] == "Basic [REDACTED]"
    assert oauth["response"]["body"]["access_token"] == "[REDACTED]"
    assert json.loads(oauth["response"]["body_raw"])["access_token"] == "[REDACTED]"
    assert sinch["headers"]["authorization"] == "Bearer [REDACTED]"
    assert zapi["path"] == "/instances/[REDACTED]/token/[REDACTED]/send-event"
    assert zapi["headers"]["client-token"] == "[REDACTED]"
    assert create["headers"]["x-amz-bearer"] == "[REDACTED]"
    creds = create["response"]["body"]["ConnectionCredentials"]
    assert creds["ConnectionToken"] == "[REDACTED]" and creds["Expiry"]
    assert message["headers"]["x-amz-bearer"] == "[REDACTED]"
    text = json.dumps(recs)
    basic = emu.sinch_basic().split(" ", 1)[1]
    for secret in SECRETS + [token, issued, basic]:
        assert secret not in text
    # without redact the log is exact (tests and users read the real bytes)
    raw = emu.requests(all=True)
    assert raw[2]["path"] == emu.zapi_path("send-event")
    assert raw[4]["headers"]["x-amz-bearer"] == issued


def test_redact_labels_connect_records_with_their_connection(emu):
    connect_post(emu, "event", CONNECT_EVENT)  # the always-valid token of the flags
    labels = []
    for _ in range(2):
        body = connect_post(emu, "connection", {"Type": ["CONNECTION_CREDENTIALS"]},
                            bearer=emu.connect_participant_token).json()
        token = body["ConnectionCredentials"]["ConnectionToken"]
        connect_post(emu, "message", CONNECT_MESSAGE, bearer=token)
        connect_post(emu, "disconnect", {}, bearer=token)
    connect_post(emu, "event", CONNECT_EVENT, bearer="never-issued")  # rejected
    labels = [r["conversation"] for r in redacted(emu)]
    assert labels[0] == "default connection"
    first, second = labels[1:4], labels[4:7]
    assert len(set(first)) == 1 and len(set(second)) == 1 and first[0] != second[0]
    assert first[0].startswith("contact ") and labels[7] == "unknown connection"
    assert all("conversation" not in r for r in emu.requests(all=True))


# ---------------------------------------------------------------- the long poll

def test_changes_answers_at_once_when_the_version_moved(emu):
    v = version(emu)
    sinch_post(emu, "events", SINCH_EVENT)
    start = time.monotonic()
    got = get(emu, "/_emulator/changes?since=%d&wait=20" % v)["version"]
    assert got > v and time.monotonic() - start < 10


def test_changes_waits_until_something_is_recorded(emu):
    v = version(emu)
    timer = threading.Timer(0.3, lambda: zapi_post(emu, "send-event", ZAPI_EVENT))
    timer.start()
    start = time.monotonic()
    got = get(emu, "/_emulator/changes?since=%d&wait=20" % v)["version"]
    elapsed = time.monotonic() - start
    timer.join()
    assert got > v
    assert 0.25 <= elapsed < 10  # woken by the send, not by the end of the wait
    assert len(emu.requests()) == 1


def test_changes_ends_with_the_same_version_after_its_wait(emu):
    v = version(emu)
    start = time.monotonic()
    assert get(emu, "/_emulator/changes?since=%d&wait=1" % v)["version"] == v
    assert time.monotonic() - start >= 0.9


@pytest.mark.parametrize("change", ["fault", "clear", "reset", "limits", "rejected"])
def test_changes_moves_on_everything_the_page_shows(emu, change):
    v = version(emu)
    if change == "fault":
        emu.fault(provider="sinch", status=500)
    elif change == "clear":
        emu.clear_faults()
    elif change == "reset":
        emu.reset()
    elif change == "limits":
        assert emu.call("POST", "/_emulator/limits", {"connect": {"rate": 5}}).status == 200
    else:
        zapi_post(emu, "send-event", ZAPI_EVENT, client_token="wrong")
    assert version(emu) > v


def test_reading_the_control_api_does_not_move_the_version(emu):
    v = version(emu)
    emu.requests(all=True)
    emu.faults()
    get(emu, "/_emulator/callbacks")
    emu.call("GET", "/_emulator/ui")
    assert version(emu) == v


def test_one_send_wakes_every_waiting_poll(emu):
    v = version(emu)
    results = []

    def poll():
        results.append(get(emu, "/_emulator/changes?since=%d&wait=20" % v, timeout=30))

    threads = [threading.Thread(target=poll) for _ in range(12)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    start = time.monotonic()
    sinch_post(emu, "events", SINCH_EVENT)
    for t in threads:
        t.join(timeout=25)
    assert len(results) == 12 and all(r["version"] > v for r in results)
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("query", ["since=x", "since=1&wait=31", "wait=-1", "since=-5"])
def test_changes_refuses_a_bad_query(emu, query):
    resp = emu.call("GET", "/_emulator/changes?" + query)
    assert resp.status == 400
    assert resp.json()["error"] == "since: an unsigned integer; wait: seconds in 0..30"
    assert emu.call("POST", "/_emulator/changes", "{}").status == 405


def test_shutdown_ends_waiting_polls(emulator_factory):
    emu = emulator_factory()
    v = version(emu)
    errors = []

    def poll():
        try:
            emu.call("GET", "/_emulator/changes?since=%d&wait=30" % v, timeout=20)
        except OSError as exc:  # closed without an answer at shutdown
            errors.append(exc)

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.3)
    emu.proc.send_signal(signal.SIGTERM)
    assert emu.proc.wait(timeout=10) == 0
    t.join(timeout=10)
    assert not t.is_alive()


# ---------------------------------------------------------------- other sites' pages

@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1",
                                    "file://"])
def test_a_page_of_another_origin_cannot_use_the_control_api(emu, origin):
    zapi_post(emu, "send-event", ZAPI_EVENT)
    for method, path, body in [("POST", "/_emulator/reset", ""),
                               ("POST", "/_emulator/faults", '{"provider":"zapi","status":500}'),
                               ("DELETE", "/_emulator/faults", None),
                               ("GET", "/_emulator/requests", None)]:
        resp = emu.call(method, path, body, {"Origin": origin, "Content-Type": "text/plain"})
        assert resp.status == 403, (method, path, resp)
        assert resp.json()["error"] == ("Origin: a page of another origin may not use the "
                                        "control API")
    assert len(emu.requests()) == 1 and emu.faults() == []


def test_the_inbox_page_own_origin_is_allowed(emu):
    zapi_post(emu, "send-event", ZAPI_EVENT)
    own = "http://127.0.0.1:%d" % emu.port
    assert emu.call("GET", "/_emulator/requests", None, {"Origin": own}).status == 200
    assert emu.call("POST", "/_emulator/reset", "", {"Origin": own}).status == 200
    assert emu.requests() == []


# ---------------------------------------------------------------- the newest N

def test_last_returns_only_the_newest_records(emu):
    for _ in range(5):
        zapi_post(emu, "send-event", ZAPI_EVENT)
    zapi_post(emu, "send-event", ZAPI_EVENT, client_token="wrong")  # rejected: all=1 only
    seqs = [r["seq"] for r in emu.requests(all=True)]
    accepted = [r["seq"] for r in emu.requests()]
    assert [r["seq"] for r in get(emu, "/_emulator/requests?all=1&last=2")["requests"]] == seqs[-2:]
    assert [r["seq"] for r in get(emu, "/_emulator/requests?last=2")["requests"]] == accepted[-2:]
    assert [r["seq"] for r in get(emu, "/_emulator/requests?last=0")["requests"]] == accepted
    assert len(get(emu, "/_emulator/requests?last=100")["requests"]) == 5
    # with after: the newest N of those after SEQ
    got = get(emu, "/_emulator/requests?after=%d&last=10" % seqs[3])["requests"]
    assert [r["seq"] for r in got] == accepted[4:]
    resp = emu.call("GET", "/_emulator/requests?last=x")
    assert resp.status == 400
    assert resp.json()["error"] == "last: must be an unsigned integer (0 = no limit)"


def test_callbacks_last_returns_only_the_newest(emu, receiver):
    rx = receiver()
    emu.call("POST", "/_emulator/webhooks", {"zapi_url": rx.url})
    for _ in range(2):
        zapi_post(emu, "send-text", {"phone": "5511999999999", "message": "hi"})
    seqs = callback_seqs(emu, 3)
    got = get(emu, "/_emulator/callbacks?last=2")["callbacks"]
    assert [c["seq"] for c in got] == seqs[-2:]


# ---------------------------------------------------------------- the agent side of Connect chats

def test_agent_items_are_listed_for_the_transcript(emu):
    created = connect_post(emu, "connection", {"Type": ["CONNECTION_CREDENTIALS"]},
                           bearer=emu.connect_participant_token).json()
    token = created["ConnectionCredentials"]["ConnectionToken"]
    connect_post(emu, "message", CONNECT_MESSAGE, bearer=token)
    v = version(emu)
    sent = emu.call("POST", "/_emulator/connect/agent", {
        "ConnectionToken": token, "ContentType": "text/plain", "Content": "How can I help?"})
    assert sent.status == 200, sent
    assert version(emu) > v  # the page hears of it
    emu.call("POST", "/_emulator/connect/agent", {
        "ConnectionToken": token, "Type": "EVENT", "ContentType": CONNECT_EVENT["ContentType"],
        "ParticipantRole": "SYSTEM", "DisplayName": "Bot"})
    items = get(emu, "/_emulator/connect/agent")["items"]
    label = redacted(emu)[-1]["conversation"]  # the customer's message: same chat
    assert [i["conversation"] for i in items] == [label, label]
    first, second = items
    assert first["Id"] == sent.json()["Id"] and first["Content"] == "How can I help?"
    assert first["ParticipantRole"] == "AGENT" and first["Type"] == "MESSAGE"
    assert first["AbsoluteTime"] == sent.json()["AbsoluteTime"]
    # on the request log's clock: after the customer's message, before what comes next
    assert redacted(emu)[-1]["received"] < first["received"] < second["received"]
    assert "Content" not in second and second["DisplayName"] == "Bot"
    assert second["Type"] == "EVENT" and second["ParticipantRole"] == "SYSTEM"
    later = get(emu, "/_emulator/connect/agent?after=%d" % first["seq"])["items"]
    assert later == [second]
    assert get(emu, "/_emulator/connect/agent?last=1")["items"] == [second]
    assert token not in json.dumps(items)
    emu.reset()
    assert get(emu, "/_emulator/connect/agent")["items"] == []
    assert emu.call("DELETE", "/_emulator/connect/agent").status == 405
