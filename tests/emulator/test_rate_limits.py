"""Rate limits the emulator enforces as the providers answer them: Sinch per project, the Sinch
token endpoint (a bucket of 30, 10/s, no Retry-After), Connect per API; each 429 in the
provider's own format; GET/POST /_emulator/limits; throttled requests in the log; reset.

Which request is throttled is checked against a model of the limit (GCRA) run over the times
the emulator itself logged (`received`, taken when the limit looked at the request), so the
checks are exact whatever the machine's speed."""

import http.client
import json
import math
import subprocess
import time

import pytest

from emulator_samples import (CONNECT_EVENT, CONNECT_MESSAGE, SINCH_EVENT, SINCH_MESSAGE,
                              ZAPI_EVENT, assert_connect_error, connect_post, sinch_post,
                              zapi_post)

NS = 1_000_000_000
JSON = {"Content-Type": "application/json"}
TOKEN_FORM = "grant_type=client_credentials"


class KeepAlive:
    """One keep-alive connection for tight loops (a new connection per request would be the
    bottleneck, not the emulator)."""

    def __init__(self, emu):
        self.emu = emu
        self.conn = emu.connection(timeout=10)

    def post(self, path, body, headers):
        if isinstance(body, dict):
            body = json.dumps(body)
        self.conn.request("POST", path, body=body.encode(), headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def close(self):
        self.conn.close()


def sinch_headers(emu):
    return dict(JSON, Authorization=emu.sinch_basic())


def token_headers(emu):
    return {"Authorization": emu.sinch_basic(),
            "Content-Type": "application/x-www-form-urlencoded"}


def connect_headers(emu):
    return dict(JSON, **{"X-Amz-Bearer": emu.connect_connection_token})


def sinch_path(project, op="events"):
    return "/v1/projects/%s/%s:send" % (project, op)


def hammer(emu, path, body, headers, seconds, limit):
    """POSTs on one connection until `seconds` pass or `limit` requests went (both bounds)."""
    ka = KeepAlive(emu)
    out = []
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and len(out) < limit:
            out.append(ka.post(path, body, headers))
    finally:
        ka.close()
    return out


def limits(emu):
    return emu.call("GET", "/_emulator/limits").json()


def set_limits(emu, spec):
    return emu.call("POST", "/_emulator/limits", spec)


def logged(emu, pred):
    return sorted((r for r in emu.requests(all=True) if pred(r)), key=lambda r: r["received"])


def check_gcra(records, rate, burst):
    """Replays the records (one budget, in the emulator's order) through the limit's model:
    a request at `now` passes when TAT - now <= (burst - 1) * T, T = ceil(1e9 / rate) ns, and
    then moves TAT to max(TAT, now) + T. Asserts every decision the model can make without
    doubt (a margin of 2 us absorbs the float rounding of `received`). Returns how many were
    decided by the model."""
    period = -(-NS // rate)
    tat, decided = 0, 0
    for rec in records:
        now = round(rec["received"] * NS)
        margin = (tat - now) - (burst - 1) * period  # > 0: over the budget
        throttled = rec.get("throttled", False)
        if abs(margin) > 2000:
            assert throttled == (margin > 0), (rec["seq"], margin, throttled)
            decided += 1
        if not throttled:
            tat = max(tat, now) + period
    return decided


def assert_throttled_records(records):
    for rec in records:
        if rec.get("throttled"):
            assert rec["status"] == 429 and rec["accepted"] is False
            assert "fault" not in rec
        else:
            assert rec["status"] != 429 and "throttled" not in rec


# ---------------------------------------------------------------- Sinch, per project

def test_sinch_project_rate_spaces_the_accepted_requests(emulator_factory):
    emu = emulator_factory("--sinch-rate", "20", "--sinch-burst", "1")
    answers = hammer(emu, sinch_path("p1"), SINCH_EVENT, sinch_headers(emu), 1.0, 5000)
    statuses = [a[0] for a in answers]
    assert set(statuses) <= {200, 429} and statuses[0] == 200
    assert 429 in statuses  # one connection sends far faster than 20 a second
    recs = logged(emu, lambda r: r["operation"] == "send_event")
    assert len(recs) == len(answers)
    assert_throttled_records(recs)
    assert check_gcra(recs, 20, 1) >= len(recs) - 2
    accepted = [r["received"] for r in recs if not r.get("throttled")]
    gaps = [b - a for a, b in zip(accepted, accepted[1:])]
    assert gaps and min(gaps) >= 0.05 - 1e-6  # burst 1: one every 1/20 s at most
    # and the budget is used: a throttled request comes within 1/20 s of the last accepted one
    last = None
    for r in recs:
        if r.get("throttled"):
            assert r["received"] - last < 0.05 + 1e-6
        else:
            last = r["received"]


def test_sinch_429_format(emulator_factory):
    emu = emulator_factory("--sinch-rate", "1", "--sinch-burst", "1")
    ka = KeepAlive(emu)
    try:
        first = ka.post(sinch_path("p1"), SINCH_EVENT, sinch_headers(emu))
        second = ka.post(sinch_path("p1", "messages"), SINCH_MESSAGE, sinch_headers(emu))
    finally:
        ka.close()
    assert first[0] == 200
    status, headers, body = second
    assert status == 429
    assert headers["content-type"] == "application/json"
    assert "retry-after" not in headers
    doc = json.loads(body)
    assert set(doc) == {"error"}
    assert doc["error"] == {
        "code": 429, "status": "RESOURCE_EXHAUSTED", "details": [],
        "message": "Too many requests: the project's limit is 1 per second"}


def test_sinch_projects_have_separate_budgets_shared_by_both_routes(emulator_factory):
    emu = emulator_factory("--sinch-rate", "1", "--sinch-burst", "2")
    ka = KeepAlive(emu)
    h = sinch_headers(emu)
    try:
        got = [ka.post(sinch_path("a"), SINCH_EVENT, h)[0],
               ka.post(sinch_path("a", "messages"), SINCH_MESSAGE, h)[0],
               ka.post(sinch_path("a"), SINCH_EVENT, h)[0],
               ka.post(sinch_path("b", "messages"), SINCH_MESSAGE, h)[0],
               ka.post(sinch_path("b"), SINCH_EVENT, h)[0]]
    finally:
        ka.close()
    assert got[:2] == [200, 200] and got[3:] == [200, 200]
    for project in ("a", "b"):
        recs = logged(emu, lambda r, p=project: r["path"].startswith("/v1/projects/%s/" % p))
        assert check_gcra(recs, 1, 2) == len(recs)
        assert_throttled_records(recs)
    lim = limits(emu)["sinch"]
    assert lim["projects"]["b"] == {"allowed": 2, "throttled": 0}
    a = lim["projects"]["a"]
    assert a["allowed"] + a["throttled"] == 3 and a["allowed"] == 3 - (got[2] == 429)
    assert lim["allowed"] == a["allowed"] + 2 and lim["throttled"] == a["throttled"]


def test_sinch_limit_comes_before_auth_and_validation(emulator_factory):
    emu = emulator_factory("--sinch-rate", "1", "--sinch-burst", "1")
    ka = KeepAlive(emu)
    try:
        bad_auth = ka.post(sinch_path("p"), SINCH_EVENT, dict(JSON, Authorization="Basic eA=="))
        bad_body = ka.post(sinch_path("p"), {"app_id": 5}, sinch_headers(emu))
    finally:
        ka.close()
    assert bad_auth[0] == 401  # counted: every request to the project draws from its budget
    recs = logged(emu, lambda r: r["provider"] == "sinch")
    assert check_gcra(recs, 1, 1) == 2
    # within 1 s of the first (as good as always): throttled before its body is looked at
    assert bad_body[0] == (429 if recs[1].get("throttled") else 400)
    assert json.loads(bad_body[2])["error"]["code"] == bad_body[0]
    p = limits(emu)["sinch"]["projects"]["p"]
    assert p["allowed"] + p["throttled"] == 2 and p["allowed"] >= 1


def test_fault_answering_in_place_does_not_draw_from_the_budget(emulator_factory):
    emu = emulator_factory("--sinch-rate", "1", "--sinch-burst", "1")
    emu.fault(provider="sinch", status=503, count=1)
    ka = KeepAlive(emu)
    try:
        got = [ka.post(sinch_path("p"), SINCH_EVENT, sinch_headers(emu))[0] for _ in range(2)]
    finally:
        ka.close()
    assert got == [503, 200]
    assert limits(emu)["sinch"]["projects"]["p"] == {"allowed": 1, "throttled": 0}


def test_sinch_forgets_the_least_recently_used_project(emulator_factory):
    emu = emulator_factory("--sinch-rate", "1", "--sinch-burst", "1",
                           "--sinch-max-projects", "2")
    h = sinch_headers(emu)
    ka = KeepAlive(emu)
    try:
        for p in ("p1", "p2", "p3"):
            assert ka.post(sinch_path(p), SINCH_EVENT, h)[0] == 200
        lim = limits(emu)["sinch"]
        assert lim["max_projects"] == 2 and list(lim["projects"]) == ["p2", "p3"]
        # p1 was forgotten: it starts again with a full budget, and p2 (now the oldest) goes
        assert ka.post(sinch_path("p1"), SINCH_EVENT, h)[0] == 200
        assert list(limits(emu)["sinch"]["projects"]) == ["p3", "p1"]
    finally:
        ka.close()
    lim = limits(emu)["sinch"]
    assert lim["allowed"] == 4  # the totals keep what forgotten projects counted


# ---------------------------------------------------------------- the token endpoint

def test_token_endpoint_bucket_of_30_then_10_per_second(emu):
    answers = hammer(emu, "/oauth2/token", TOKEN_FORM, token_headers(emu), 1.5, 3000)
    statuses = [a[0] for a in answers]
    assert statuses[:30] == [200] * 30  # a full bucket passes 30 at once, however slow we are
    assert 429 in statuses
    for status, headers, body in answers:
        if status == 429:
            assert "retry-after" not in headers
            assert json.loads(body) == {"error": "too_many_requests", "error_description":
                                        "too many token requests: at most 10 per second"}
    recs = logged(emu, lambda r: r["operation"] == "oauth_token")
    assert len(recs) == len(answers)
    assert_throttled_records(recs)
    assert check_gcra(recs, 10, 30) >= len(recs) - 2
    span = recs[-1]["received"] - recs[0]["received"]
    allowed = sum(1 for r in recs if not r.get("throttled"))
    assert allowed <= 30 + math.floor(span * 10) + 1
    lim = limits(emu)["sinch_token"]
    assert lim["rate"] == 10 and lim["burst"] == 30 and lim["burst_auto"] is False
    assert lim["allowed"] == allowed and lim["throttled"] == len(recs) - allowed


# ---------------------------------------------------------------- Connect, per API

def test_connect_rate_per_operation(emulator_factory):
    emu = emulator_factory("--connect-rate", "1", "--connect-burst", "2")
    ka = KeepAlive(emu)
    h = connect_headers(emu)
    try:
        events = [ka.post("/participant/event", CONNECT_EVENT, h) for _ in range(3)]
        messages = [ka.post("/participant/message", CONNECT_MESSAGE, h)[0] for _ in range(2)]
    finally:
        ka.close()
    assert [e[0] for e in events[:2]] == [200, 200] and messages == [200, 200]
    for op in ("send_event", "send_message"):
        recs = logged(emu, lambda r, o=op: r["provider"] == "connect" and r["operation"] == o)
        assert check_gcra(recs, 1, 2) == len(recs)
        assert_throttled_records(recs)
    ops = limits(emu)["connect"]["operations"]
    assert ops["send_message"] == {"allowed": 2, "throttled": 0}
    assert set(ops) == {"send_event", "send_message", "create_connection", "disconnect"}


def test_connect_429_format(emulator_factory):
    emu = emulator_factory("--connect-rate", "1", "--connect-burst", "1")
    assert connect_post(emu, "disconnect", {}).status == 200
    resp = connect_post(emu, "disconnect", {})
    message = assert_connect_error(resp, 429, "ThrottlingException")
    assert message == "Rate exceeded"
    assert resp.headers["x-amzn-errortype"] == (
        "ThrottlingException:http://internal.amazon.com/coral/com.amazonaws.connectparticipant/")
    assert "retry-after" not in resp.headers
    [rec] = [r for r in emu.requests(all=True) if r["status"] == 429]
    assert rec["throttled"] is True and rec["operation"] == "disconnect"


def test_connect_burst_defaults_to_a_tenth_of_the_rate(emulator_factory):
    emu = emulator_factory("--connect-rate", "50")
    lim = limits(emu)["connect"]
    assert (lim["rate"], lim["burst"], lim["burst_auto"]) == (50, 5, True)


# ---------------------------------------------------------------- defaults, off, Z-API

def test_defaults(emu):
    lim = limits(emu)
    assert (lim["sinch"]["rate"], lim["sinch"]["burst"], lim["sinch"]["burst_auto"]) == \
        (800, 80, True)
    assert lim["sinch"]["max_projects"] == 10000
    assert (lim["sinch_token"]["rate"], lim["sinch_token"]["burst"]) == (10, 30)
    assert lim["connect"]["rate"] == 0
    assert "zapi" not in lim  # Z-API documents no limit


def test_zero_turns_a_limit_off(emulator_factory):
    emu = emulator_factory("--sinch-rate", "0", "--sinch-token-rate", "0")
    sinch = hammer(emu, sinch_path("p"), SINCH_EVENT, sinch_headers(emu), 5.0, 300)
    tokens = hammer(emu, "/oauth2/token", TOKEN_FORM, token_headers(emu), 5.0, 60)
    assert [a[0] for a in sinch] == [200] * 300
    assert [a[0] for a in tokens] == [200] * 60
    lim = limits(emu)
    assert lim["sinch"]["rate"] == 0 and lim["sinch"]["projects"] == {}
    assert lim["sinch"]["allowed"] == 0 and lim["sinch_token"]["allowed"] == 0
    connect = hammer(emu, "/participant/event", CONNECT_EVENT, connect_headers(emu), 5.0, 100)
    assert [a[0] for a in connect] == [200] * 100  # Connect is off unless --connect-rate


def test_zapi_is_not_limited(emulator_factory):
    emu = emulator_factory("--sinch-rate", "1", "--connect-rate", "1")
    for _ in range(40):
        assert zapi_post(emu, "send-event", ZAPI_EVENT).status == 200


# ---------------------------------------------------------------- control API

def test_limits_change_at_runtime_and_reset_restores_the_flags(emulator_factory):
    emu = emulator_factory("--sinch-rate", "100", "--sinch-burst", "100")
    h = sinch_headers(emu)
    assert [sinch_post(emu, "events", SINCH_EVENT, project="p").status
            for _ in range(5)] == [200] * 5
    resp = set_limits(emu, {"sinch": {"rate": 1, "burst": 2}, "connect": {"rate": 3}})
    assert resp.status == 200
    doc = resp.json()
    assert (doc["sinch"]["rate"], doc["sinch"]["burst"], doc["sinch"]["burst_auto"]) == \
        (1, 2, False)
    assert (doc["connect"]["rate"], doc["connect"]["burst"]) == (3, 1)
    assert doc["sinch"]["projects"]["p"] == {"allowed": 5, "throttled": 0}  # counters kept
    before = len(emu.requests(all=True))
    ka = KeepAlive(emu)
    try:
        got = [ka.post(sinch_path("p"), SINCH_EVENT, h)[0] for _ in range(3)]
    finally:
        ka.close()
    assert got[:2] == [200, 200]  # a changed limit starts with a full budget
    recs = sorted(emu.requests(all=True)[before:], key=lambda r: r["received"])
    assert check_gcra(recs, 1, 2) == 3

    # only what is given changes; burst 0 is the automatic tenth of the rate
    doc = set_limits(emu, {"sinch": {"rate": 200, "burst": 0}}).json()
    assert (doc["sinch"]["rate"], doc["sinch"]["burst"], doc["sinch"]["burst_auto"]) == \
        (200, 20, True)
    assert doc["connect"]["rate"] == 3

    emu.reset()
    doc = limits(emu)
    assert (doc["sinch"]["rate"], doc["sinch"]["burst"]) == (100, 100)
    assert doc["connect"]["rate"] == 0
    assert doc["sinch"]["projects"] == {}
    assert doc["sinch"]["allowed"] == doc["sinch"]["throttled"] == 0


@pytest.mark.parametrize("spec, message", [
    ({"sinch": {"rate": -1}}, "sinch.rate: must be an integer in 0..1000000"),
    ({"sinch": {"rate": 1.5}}, "sinch.rate: must be an integer in 0..1000000"),
    ({"sinch_token": {"burst": 1000001}}, "sinch_token.burst: must be an integer in 0..1000000"),
    ({"connect": {"rate": "5"}}, "connect.rate: must be an integer in 0..1000000"),
    ({"connect": {"rate": 5, "per": 1}}, "connect.per: unknown field (rate, burst)"),
    ({"connect": 5}, "connect: must be an object with rate and/or burst"),
    ({"zapi": {"rate": 1}}, "zapi: unknown field (sinch, sinch_token, connect)"),
    ({"sinch": {"rate": 7}, "connect": {"rate": -1}}, "connect.rate: must be"),
    ([], "body must be a JSON object"),
])
def test_bad_limit_specs_change_nothing(emu, spec, message):
    before = limits(emu)
    resp = set_limits(emu, spec)
    assert resp.status == 400
    assert resp.json()["error"].startswith(message)
    assert limits(emu) == before


def test_limits_endpoint_methods(emu):
    resp = emu.call("DELETE", "/_emulator/limits")
    assert resp.status == 405 and resp.headers["allow"] == "GET, POST"
    resp = emu.call("POST", "/_emulator/limits", "not json", JSON)
    assert resp.status == 400 and resp.json() == {"error": "body must be JSON"}


def test_throttled_requests_stay_out_of_the_accepted_log(emulator_factory):
    emu = emulator_factory("--sinch-rate", "1", "--sinch-burst", "1")
    answers = hammer(emu, sinch_path("p"), SINCH_EVENT, sinch_headers(emu), 5.0, 20)
    ok = sum(1 for a in answers if a[0] == 200)
    assert len(emu.requests()) == ok
    throttled = [r for r in emu.requests(all=True) if r.get("throttled")]
    assert len(throttled) == len(answers) - ok == limits(emu)["sinch"]["throttled"]


# ---------------------------------------------------------------- flags

def test_help_lists_the_limit_flags(emulator_path):
    out = subprocess.run([emulator_path, "--help"], capture_output=True, text=True, timeout=10)
    for flag in ("--sinch-rate", "--sinch-burst", "--sinch-max-projects", "--sinch-token-rate",
                 "--sinch-token-burst", "--connect-rate", "--connect-burst"):
        assert flag in out.stdout, flag


@pytest.mark.parametrize("args", [["--sinch-rate", "-1"], ["--sinch-rate", "1000001"],
                                  ["--sinch-burst", "x"], ["--sinch-max-projects", "0"],
                                  ["--sinch-token-rate", "1.5"], ["--connect-burst", ""]])
def test_bad_limit_flags_exit_2(emulator_path, args):
    proc = subprocess.run([emulator_path, *args], capture_output=True, timeout=10)
    assert proc.returncode == 2 and proc.stdout == b""
    assert args[0].encode() in proc.stderr
