"""Callbacks: Sinch delivery reports (signed exactly as Sinch signs them), Z-API message-status
callbacks re-sent when not answered 200 in time, callback faults, the loopback-only rule and the
record of every attempt (GET /_emulator/callbacks).

Each test runs its own receiver: an http.server on loopback in a thread, stopped at the end."""

import base64
import datetime
import hashlib
import hmac
import json
import subprocess
import time

import pytest

from emulator_samples import (SINCH_EVENT, SINCH_MESSAGE, ZAPI_EVENT, sinch_post, with_,
                              zapi_post)

SECRET = "webhook-secret-1"
SIG_HEADERS = ("x-sinch-webhook-signature", "x-sinch-webhook-signature-nonce",
               "x-sinch-webhook-signature-timestamp", "x-sinch-webhook-signature-algorithm")


def callbacks(emu):
    resp = emu.call("GET", "/_emulator/callbacks")
    assert resp.status == 200, resp
    return resp.json()["callbacks"]


def wait_callbacks(emu, n, timeout=10):
    """The record once it holds at least n attempts (bounded wait)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        recs = callbacks(emu)
        if len(recs) >= n:
            return recs
        time.sleep(0.02)
    raise AssertionError("expected %d callback records, have %r" % (n, callbacks(emu)))


def webhooks(emu, **settings):
    resp = emu.call("POST", "/_emulator/webhooks", settings)
    assert resp.status == 200, resp
    return resp.json()


def sinch_signature(secret, raw, nonce, timestamp):
    """docs/providers.md: base64(HMAC-SHA256(secret, raw_body + "." + nonce + "." + timestamp))."""
    msg = raw + b"." + nonce.encode() + b"." + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), msg, hashlib.sha256).digest()).decode()


def parse_time(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")


# ---------------------------------------------------------------- Sinch

def test_message_gets_three_signed_delivery_reports(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url, sinch_secret=SECRET)
    body = with_(SINCH_MESSAGE, message_metadata="meta-1", correlation_id="corr-1")
    resp = sinch_post(emu, "messages", body, project="proj-9")
    assert resp.status == 200, resp
    answer = resp.json()
    got = rx.wait(3)
    assert len(got) == 3
    statuses, nonces = [], set()
    for _, path, headers, raw in got:
        assert path == "/hook"
        assert headers["content-type"] == "application/json"
        assert headers["x-sinch-webhook-signature-algorithm"] == "HmacSHA256"
        nonce = headers["x-sinch-webhook-signature-nonce"]
        ts = headers["x-sinch-webhook-signature-timestamp"]
        assert ts.isdigit() and abs(int(ts) - time.time()) < 300
        assert headers["x-sinch-webhook-signature"] == sinch_signature(SECRET, raw, nonce, ts)
        assert headers["x-sinch-webhook-signature"] != sinch_signature("other", raw, nonce, ts)
        nonces.add(nonce)
        cb = json.loads(raw)
        assert set(cb) == {"app_id", "accepted_time", "event_time", "project_id",
                           "message_delivery_report", "message_metadata", "correlation_id"}
        assert cb["app_id"] == "app-1" and cb["project_id"] == "proj-9"
        assert cb["accepted_time"] == answer["accepted_time"]
        assert parse_time(cb["event_time"]) >= parse_time(cb["accepted_time"])
        assert cb["message_metadata"] == "meta-1" and cb["correlation_id"] == "corr-1"
        report = cb["message_delivery_report"]
        assert report["message_id"] == answer["message_id"]
        assert report["channel_identity"] == {"channel": "WHATSAPP", "identity": "46732000000",
                                              "app_id": "app-1"}
        assert report["metadata"] == "meta-1"
        assert report["processing_mode"] == "CONVERSATION"
        assert report["conversation_id"] and report["contact_id"]
        assert "reason" not in report
        statuses.append(report["status"])
    assert statuses == ["QUEUED_ON_CHANNEL", "DELIVERED", "READ"]
    assert len(nonces) == 3
    reports = [json.loads(raw)["message_delivery_report"] for *_, raw in got]
    assert len({(r["conversation_id"], r["contact_id"]) for r in reports}) == 1


def test_event_gets_event_delivery_reports(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url)
    resp = sinch_post(emu, "events", with_(SINCH_EVENT, event_metadata="em"))
    assert resp.status == 200, resp
    got = rx.wait(2)
    time.sleep(0.3)  # an event gets no READ: nothing more arrives
    assert len(rx.got) == 2
    reports = [json.loads(raw) for *_, raw in got]
    assert [r["event_delivery_report"]["status"] for r in reports] == [
        "QUEUED_ON_CHANNEL", "DELIVERED"]
    for r in reports:
        assert "message_delivery_report" not in r
        rep = r["event_delivery_report"]
        assert rep["event_id"] == resp.json()["event_id"]
        assert rep["contact_id"] == "contact-1"  # the recipient's contact_id
        assert rep["metadata"] == "em"
    for _, _, headers, _ in got:  # no secret set: unsigned
        assert not any(h in headers for h in SIG_HEADERS)


def test_dispatch_only_reports_without_conversation(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url)
    sinch_post(emu, "messages", with_(SINCH_MESSAGE, processing_strategy="DISPATCH_ONLY"))
    for *_, raw in rx.wait(3):
        rep = json.loads(raw)["message_delivery_report"]
        assert rep["processing_mode"] == "DISPATCH"
        assert rep["conversation_id"] == "" and rep["contact_id"] == ""


def test_per_request_callback_url_takes_precedence(emu, receiver):
    app, own = receiver(), receiver()
    webhooks(emu, sinch_url=app.url, sinch_secret=SECRET)
    resp = sinch_post(emu, "messages", with_(SINCH_MESSAGE, callback_url=own.url + "?x=1"))
    assert resp.status == 200
    got = own.wait(3)
    for _, path, headers, raw in got:
        assert path == "/hook?x=1"
        # the webhook secret signs overridden callback URLs too
        assert headers["x-sinch-webhook-signature"] == sinch_signature(
            SECRET, raw, headers["x-sinch-webhook-signature-nonce"],
            headers["x-sinch-webhook-signature-timestamp"])
    assert app.got == []
    assert {r["url"] for r in callbacks(emu)} == {own.url + "?x=1"}


def test_no_callbacks_without_a_webhook(emu, receiver):
    rx = receiver()
    first = sinch_post(emu, "messages", SINCH_MESSAGE).json()["message_id"]
    webhooks(emu, sinch_url=rx.url)
    second = sinch_post(emu, "messages", SINCH_MESSAGE).json()["message_id"]
    rx.wait(3)
    # one sender, in order: had the first send been reported, it would have come first
    ids = {json.loads(raw)["message_delivery_report"]["message_id"] for *_, raw in rx.got}
    assert ids == {second} and first != second
    assert {r["id"] for r in callbacks(emu)} == {second}


def test_rejected_send_gets_no_callbacks(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url)
    bad = sinch_post(emu, "messages", with_(SINCH_MESSAGE, app_id=""))
    assert bad.status == 400
    emu.fault(provider="sinch", operation="send_message", status=500)
    assert sinch_post(emu, "messages", SINCH_MESSAGE).status == 500
    good = sinch_post(emu, "events", SINCH_EVENT).json()["event_id"]
    rx.wait(2)
    assert {r["id"] for r in callbacks(emu)} == {good}


def test_non_loopback_callback_url_is_recorded_not_sent(emu):
    resp = sinch_post(emu, "messages", with_(SINCH_MESSAGE, callback_url="http://example.com/cb"))
    assert resp.status == 200  # accepted as Sinch would; the emulator just does not call out
    recs = wait_callbacks(emu, 3)
    assert [r["delivery_status"] for r in recs] == ["QUEUED_ON_CHANNEL", "DELIVERED", "READ"]
    for r in recs:
        assert r["attempt"] == 0 and r["url"] == "http://example.com/cb"
        assert "loopback" in r["skipped"] and "callback_url" in r["skipped"]
        assert "answer" not in r
        assert r["body"]["message_delivery_report"]["message_id"] == resp.json()["message_id"]


@pytest.mark.parametrize("url,words", [
    ("http://10.1.2.3/hook", ["sinch_url", "not loopback"]),
    ("http://example.com:8080/hook", ["sinch_url", "not loopback"]),
    ("https://127.0.0.1/hook", ["sinch_url", "https"]),
    ("ftp://127.0.0.1/hook", ["sinch_url", "http://"]),
    ("http://127.0.0.1:99999/hook", ["sinch_url", "port"]),
])
def test_webhook_setting_refuses_non_loopback(emu, url, words):
    resp = emu.call("POST", "/_emulator/webhooks", {"sinch_url": url})
    assert resp.status == 400, resp
    for w in words:
        assert w in resp.json()["error"]
    assert emu.call("GET", "/_emulator/webhooks").json()["sinch_url"] is None


def test_webhook_settings_round_trip_and_reset(emu):
    ans = webhooks(emu, sinch_url="http://localhost:1/a", sinch_secret="s3cr3t-xyz",
                   zapi_url="http://[::1]:2/b")
    assert ans["sinch_url"] == "http://localhost:1/a" and ans["zapi_url"] == "http://[::1]:2/b"
    assert ans["sinch_secret_set"] is True
    for shown in (ans, emu.config(), emu.call("GET", "/_emulator/webhooks").json()):
        assert "s3cr3t-xyz" not in json.dumps(shown)  # the secret is never shown
    assert webhooks(emu, zapi_url=None)["zapi_url"] is None  # null clears, absent keeps
    assert emu.call("GET", "/_emulator/webhooks").json()["sinch_url"] == "http://localhost:1/a"
    bad = emu.call("POST", "/_emulator/webhooks", {"sinch_url": "http://127.0.0.1:3/",
                                                   "zapi_url": "http://8.8.8.8/"})
    assert bad.status == 400 and "zapi_url" in bad.json()["error"]
    assert emu.call("GET", "/_emulator/webhooks").json()["sinch_url"] == "http://localhost:1/a"
    unknown = emu.call("POST", "/_emulator/webhooks", {"sinch_urls": "x"})
    assert unknown.status == 400 and "sinch_urls: unknown field" in unknown.json()["error"]
    emu.reset()  # back to the flags (none)
    after = emu.call("GET", "/_emulator/webhooks").json()
    assert after["sinch_url"] is None and after["zapi_url"] is None
    assert after["sinch_secret_set"] is False


@pytest.mark.parametrize("flag", ["--sinch-webhook-url", "--zapi-webhook-url"])
def test_flags_refuse_non_loopback(emulator_path, flag):
    proc = subprocess.run([emulator_path, flag, "http://192.0.2.1/hook"], capture_output=True,
                          text=True, timeout=10)
    assert proc.returncode == 2
    assert flag in proc.stderr and "not loopback" in proc.stderr


def test_flags_configure_sinch_callbacks(emulator_factory, receiver):
    rx = receiver()
    emu = emulator_factory("--sinch-webhook-url", rx.url, "--sinch-webhook-secret", SECRET)
    assert emu.config()["callbacks"]["sinch_url"] == rx.url
    sinch_post(emu, "events", SINCH_EVENT)
    for *_, headers, raw in rx.wait(2):
        assert headers["x-sinch-webhook-signature"] == sinch_signature(
            SECRET, raw, headers["x-sinch-webhook-signature-nonce"],
            headers["x-sinch-webhook-signature-timestamp"])
    emu.reset()  # reset returns to the flags, which still name the receiver
    assert emu.call("GET", "/_emulator/webhooks").json()["sinch_secret_set"] is True


def test_fault_fails_and_delays_delivery(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url)
    emu.fault(provider="sinch", operation="send_message", callback={
        "statuses": ["QUEUED_ON_CHANNEL", "FAILED"], "delay_ms": 300,
        "reason": {"code": "OUTSIDE_ALLOWED_SENDING_WINDOW", "description": "too late"}})
    sent = time.monotonic()
    first = sinch_post(emu, "messages", SINCH_MESSAGE).json()["message_id"]
    got = rx.wait(2)
    reps = [json.loads(raw) for *_, raw in got]
    assert [r["message_delivery_report"]["status"] for r in reps] == ["QUEUED_ON_CHANNEL", "FAILED"]
    assert "reason" not in reps[0]["message_delivery_report"]
    assert reps[1]["message_delivery_report"]["reason"] == {
        "code": "OUTSIDE_ALLOWED_SENDING_WINDOW", "description": "too late",
        "sub_code": "UNSPECIFIED_SUB_CODE"}
    # the n-th callback is due n * delay_ms after the send was accepted
    assert got[0][0] - sent >= 0.29 and got[1][0] - sent >= 0.59
    times = [parse_time(r["event_time"]) for r in reps]
    assert times[1] - times[0] == datetime.timedelta(milliseconds=300)
    # the fault was used up: the next message is reported normally
    second = sinch_post(emu, "messages", SINCH_MESSAGE).json()["message_id"]
    got = rx.wait(5)
    later = [json.loads(raw)["message_delivery_report"] for *_, raw in got[2:]]
    assert [(r["message_id"], r["status"]) for r in later] == [
        (second, "QUEUED_ON_CHANNEL"), (second, "DELIVERED"), (second, "READ")]
    assert first != second


def test_fault_with_no_statuses_sends_nothing(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url)
    emu.fault(provider="sinch", callback={"statuses": []})
    dropped = sinch_post(emu, "events", SINCH_EVENT).json()["event_id"]
    kept = sinch_post(emu, "events", SINCH_EVENT).json()["event_id"]
    rx.wait(2)
    assert {r["id"] for r in callbacks(emu)} == {kept} and dropped != kept


def test_request_faults_do_not_take_callback_faults(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url)
    emu.fault(provider="sinch", callback={"statuses": ["FAILED"]})
    # the callback fault does not change the answer
    resp = sinch_post(emu, "messages", SINCH_MESSAGE)
    assert resp.status == 200
    [(_, _, _, raw)] = rx.wait(1)
    assert json.loads(raw)["message_delivery_report"]["status"] == "FAILED"
    assert emu.faults() == []


@pytest.mark.parametrize("spec,words", [
    ({"provider": "sinch", "callback": {"statuses": ["SENT"]}},
     ["callback.statuses[0]", "QUEUED_ON_CHANNEL"]),
    ({"provider": "zapi", "callback": {"statuses": ["DELIVERED"]}}, ["callback.statuses[0]", "SENT"]),
    ({"provider": "zapi", "callback": {"reason": {"code": "x"}}}, ["callback.reason", "unknown"]),
    ({"provider": "sinch", "callback": {"delay_ms": -1}}, ["callback.delay_ms"]),
    ({"provider": "sinch", "callback": {"statuses": "READ"}}, ["callback.statuses"]),
    ({"provider": "sinch", "callback": {"reason": {"code": 1}}}, ["callback.reason.code"]),
    ({"provider": "sinch", "callback": {"colour": 1}}, ["callback.colour", "unknown"]),
    ({"provider": "sinch", "callback": {}, "status": 500}, ["status", "callback"]),
    ({"provider": "sinch", "callback": {}, "latency_ms": 5}, ["latency_ms", "callback"]),
    ({"provider": "connect", "callback": {}}, ["callback", "sinch or zapi"]),
    ({"provider": "sinch", "operation": "oauth_token", "callback": {}}, ["oauth_token"]),
    ({"provider": "sinch", "operation": "edit_event", "callback": {}}, ["edit_event"]),
    ({"provider": "zapi", "operation": "update_webhook", "callback": {}}, ["update_webhook"]),
    ({"provider": "sinch", "callback": []}, ["callback", "object"]),
])
def test_callback_fault_spec_is_checked(emu, spec, words):
    resp = emu.call("POST", "/_emulator/faults", spec)
    assert resp.status == 400, resp
    for w in words:
        assert w in resp.json()["error"]
    assert emu.faults() == []


def test_failed_callback_is_retried_with_the_same_body(emulator_factory, receiver):
    rx = receiver((500, 0), (200, 0))
    emu = emulator_factory("--sinch-webhook-url", rx.url, "--sinch-webhook-secret", SECRET,
                           "--callback-retry-ms", "50")
    emu.fault(provider="sinch", callback={"statuses": ["DELIVERED"]})
    sinch_post(emu, "events", SINCH_EVENT)
    got = rx.wait(2)
    recs = wait_callbacks(emu, 2)
    assert [(r["attempt"], r["answer"]) for r in recs] == [(1, 500), (2, 200)]
    assert got[0][3] == got[1][3] == recs[0]["body_raw"].encode()  # the same report, re-sent
    # each attempt is signed afresh (new nonce), and both signatures verify
    assert got[0][2]["x-sinch-webhook-signature-nonce"] != got[1][2][
        "x-sinch-webhook-signature-nonce"]
    for r in recs:
        h = r["headers"]
        assert h["x-sinch-webhook-signature"] == sinch_signature(
            SECRET, r["body_raw"].encode(), h["x-sinch-webhook-signature-nonce"],
            h["x-sinch-webhook-signature-timestamp"])
    time.sleep(0.3)
    assert len(rx.got) == 2  # answered 200: no more


def test_retries_are_bounded(emulator_factory, receiver):
    rx = receiver((503, 0))
    emu = emulator_factory("--sinch-webhook-url", rx.url, "--callback-retry-ms", "20",
                           "--callback-attempts", "3")
    emu.fault(provider="sinch", callback={"statuses": ["DELIVERED"]})
    sinch_post(emu, "events", SINCH_EVENT)
    rx.wait(3)
    time.sleep(0.5)  # 20 + 40 ms backoff would have brought a 4th attempt long before
    assert len(rx.got) == 3
    assert [(r["attempt"], r["answer"]) for r in callbacks(emu)] == [(1, 503), (2, 503), (3, 503)]


def test_unreachable_receiver_is_recorded(emulator_factory, receiver):
    rx = receiver()
    url = rx.url
    rx.stop()  # nothing listens there any more
    emu = emulator_factory("--sinch-webhook-url", url, "--callback-attempts", "1")
    emu.fault(provider="sinch", callback={"statuses": ["DELIVERED"]})
    sinch_post(emu, "events", SINCH_EVENT)
    [rec] = wait_callbacks(emu, 1)
    assert rec["answer"] is None and rec["error"] == "connection refused"


def test_callback_queue_is_bounded(emulator_factory, receiver):
    rx = receiver()
    emu = emulator_factory("--sinch-webhook-url", rx.url, "--max-records", "4")
    emu.fault(provider="sinch", count=2, callback={"delay_ms": 60000})  # they stay queued
    first = sinch_post(emu, "messages", SINCH_MESSAGE).json()["message_id"]
    second = sinch_post(emu, "messages", SINCH_MESSAGE).json()["message_id"]
    recs = callbacks(emu)  # 3 + 3 callbacks, room for 4: the last two were dropped
    assert [(r["id"], r["delivery_status"], r["attempt"]) for r in recs] == [
        (second, "DELIVERED", 0), (second, "READ", 0)]
    assert all("queue is full" in r["skipped"] for r in recs)
    assert first != second and rx.got == []


def test_callback_record_fields(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url, sinch_secret=SECRET)
    emu.fault(provider="sinch", callback={"statuses": ["READ"]})
    resp = sinch_post(emu, "messages", SINCH_MESSAGE)
    [(_, _, headers, raw)] = rx.wait(1)
    [rec] = wait_callbacks(emu, 1)
    assert set(rec) == {"seq", "provider", "trigger", "id", "delivery_status", "url", "attempt",
                        "headers", "body", "body_raw", "time", "answer", "error"}
    assert rec["provider"] == "sinch" and rec["trigger"] == "MESSAGE_DELIVERY"
    assert rec["id"] == resp.json()["message_id"] and rec["delivery_status"] == "READ"
    assert rec["url"] == rx.url and rec["attempt"] == 1
    assert rec["answer"] == 200 and rec["error"] is None
    assert rec["body_raw"].encode() == raw and rec["body"] == json.loads(raw)
    for h in SIG_HEADERS:  # what was sent, as sent
        assert rec["headers"][h] == headers[h]
    assert rec["headers"]["content-type"] == "application/json"
    assert abs(parse_time(rec["time"]) - datetime.datetime.utcnow()) < datetime.timedelta(
        minutes=5)


def test_reset_stops_pending_callbacks(emu, receiver):
    rx = receiver()
    webhooks(emu, sinch_url=rx.url)
    emu.fault(provider="sinch", callback={"delay_ms": 400})
    sinch_post(emu, "messages", SINCH_MESSAGE)
    emu.reset()
    time.sleep(1.0)  # the first of them was due after 400 ms
    assert rx.got == [] and callbacks(emu) == []
    # after the reset nothing is configured; a new webhook works again
    webhooks(emu, sinch_url=rx.url)
    sinch_post(emu, "events", SINCH_EVENT)
    rx.wait(2)


def test_reset_abandons_a_stalled_exchange(emulator_factory, receiver):
    rx = receiver((200, 5), (200, 0))
    emu = emulator_factory("--zapi-webhook-url", rx.url, "--zapi-callback-timeout-ms", "8000")
    emu.fault(provider="zapi", callback={"statuses": ["SENT"]})
    zapi_post(emu, "send-event", ZAPI_EVENT)
    rx.wait(1)  # the receiver now sits on it for 5 s
    emu.reset()
    emu.fault(provider="zapi", callback={"statuses": ["READ"]})
    second = zapi_post(emu, "send-event", ZAPI_EVENT).json()["messageId"]
    # the sender is free at once: the new callback arrives well before the stalled one would end
    got = rx.wait(2, timeout=4)
    assert json.loads(got[1][3])["status"] == "READ"
    recs = wait_callbacks(emu, 1)
    # the abandoned exchange was neither recorded nor re-sent
    assert [(r["id"], r["attempt"], r["answer"]) for r in recs] == [(second, 1, 200)]


# ---------------------------------------------------------------- Z-API

def set_zapi_hook(emu, url):
    return emu.call("PUT", emu.zapi_path("update-webhook-message-status"), {"value": url},
                    {"Client-Token": emu.zapi_client_token})


def test_zapi_status_callbacks(emu, receiver):
    rx = receiver()
    resp = set_zapi_hook(emu, rx.url)
    assert resp.status == 200 and resp.json() == {"value": True}
    assert emu.call("GET", "/_emulator/webhooks").json()["zapi_url"] == rx.url
    sent = zapi_post(emu, "send-text", {"phone": "5511999999999", "message": "hi"})
    assert sent.status == 200
    got = rx.wait(3)
    bodies = [json.loads(raw) for *_, raw in got]
    assert [b["status"] for b in bodies] == ["SENT", "RECEIVED", "READ"]
    for b in bodies:
        assert b["type"] == "MessageStatusCallback"
        assert b["ids"] == [sent.json()["messageId"]]
        assert b["phone"] == "5511999999999" and b["isGroup"] is False
        assert b["instanceId"] == emu.zapi_instance_id
        assert isinstance(b["momment"], int) and abs(b["momment"] / 1000 - time.time()) < 300
    for _, _, headers, _ in got:  # Z-API does not sign
        assert not any(h.startswith("x-sinch") for h in headers)
    group = zapi_post(emu, "send-event", ZAPI_EVENT).json()["messageId"]
    got = rx.wait(6)
    assert {json.loads(raw)["isGroup"] for *_, raw in got[3:]} == {True}
    assert {json.loads(raw)["ids"][0] for *_, raw in got[3:]} == {group}
    log = emu.requests()
    assert log[0]["operation"] == "update_webhook" and log[0]["method"] == "PUT"


def test_zapi_resends_when_not_answered_in_time(emulator_factory, receiver):
    rx = receiver((200, 1.5), (200, 0))  # the first answer comes too late
    emu = emulator_factory("--zapi-webhook-url", rx.url, "--zapi-callback-timeout-ms", "300",
                           "--callback-retry-ms", "0")
    emu.fault(provider="zapi", callback={"statuses": ["RECEIVED"]})
    msg = zapi_post(emu, "send-text", {"phone": "5511999999999", "message": "hi"})
    got = rx.wait(2)
    assert got[0][3] == got[1][3]  # the same payload, ids and all
    # a receiver that de-duplicates by ids + status sees the status once
    seen = {(tuple(b["ids"]), b["status"]) for b in (json.loads(raw) for *_, raw in got)}
    assert seen == {((msg.json()["messageId"],), "RECEIVED")}
    recs = wait_callbacks(emu, 2)
    assert [(r["attempt"], r["answer"], r["error"]) for r in recs] == [
        (1, None, "timeout"), (2, 200, None)]


def test_zapi_resends_unless_answered_200(emulator_factory, receiver):
    rx = receiver((204, 0), (200, 0))
    emu = emulator_factory("--zapi-webhook-url", rx.url, "--callback-retry-ms", "10")
    emu.fault(provider="zapi", callback={"statuses": ["SENT"]})
    zapi_post(emu, "send-event", ZAPI_EVENT)
    rx.wait(2)
    assert [(r["attempt"], r["answer"]) for r in wait_callbacks(emu, 2)] == [(1, 204), (2, 200)]


def test_zapi_update_webhook_route_is_checked(emu):
    bad = set_zapi_hook(emu, "http://203.0.113.5/hook")
    assert bad.status == 400 and "value:" in bad.json()["error"]
    assert "not loopback" in bad.json()["error"]
    missing = emu.call("PUT", emu.zapi_path("update-webhook-message-status"), {},
                       {"Client-Token": emu.zapi_client_token})
    assert missing.status == 400 and "value" in missing.json()["error"]
    post = emu.call("POST", emu.zapi_path("update-webhook-message-status"),
                    {"value": "http://127.0.0.1:1/"}, {"Client-Token": emu.zapi_client_token})
    assert post.status == 405 and post.headers["allow"] == "PUT"
    wrong = emu.call("PUT", emu.zapi_path("update-webhook-message-status", token="nope"),
                     {"value": "http://127.0.0.1:1/"}, {"Client-Token": emu.zapi_client_token})
    assert wrong.status == 401
    assert emu.call("GET", "/_emulator/webhooks").json()["zapi_url"] is None
    cleared = set_zapi_hook(emu, "")
    assert cleared.status == 200


def test_zapi_no_webhook_no_callbacks(emu, receiver):
    rx = receiver()
    first = zapi_post(emu, "send-event", ZAPI_EVENT).json()["messageId"]
    set_zapi_hook(emu, rx.url)
    second = zapi_post(emu, "send-event", ZAPI_EVENT).json()["messageId"]
    rx.wait(3)
    assert {r["id"] for r in callbacks(emu)} == {second} and first != second
