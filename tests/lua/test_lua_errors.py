"""The Lua module's errors: the fields of an error table, uncaught errors, bad options and
misuse, no secret in errors; what each outcome says about delivery (sent, client_token),
deadlines; hostile input (issue 13). Helpers in lua_support.py.
"""

import shutil
import subprocess

import pytest

from lua_support import api_requests, lua, pytestmark  # noqa: F401  (the same skips)


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("status,name", [(401, "auth"), (403, "forbidden"), (404, "not_found"),
                                         (409, "conflict"), (429, "throttled"),
                                         (400, "rejected"), (500, "server")])
def test_error_fields_http(emu, status, name):
    emu.fault(provider="connect", status=status)
    out = lua("""
        local c = client("connect", { max_attempts = 1 })
        local e = expect_error("%s", c.send_event, c, valid("connect", "send_event"))
        eq(e.http_status, %d, "http_status") eq(math.type(e.http_status), "integer")
        assert(type(e.code) == "number" and e.code < 0)
        assert(e.provider_code and e.request_id and e.message ~= "")
        eq(e.attempts, 1, "attempts")
        eq(e.response.status, "%s") eq(e.response.http_status, %d)
        eq(e.response.request_id, e.request_id)
        assert(type(e.response.body) == "table")
        eq(getmetatable(e), sendevent.Error)
        print(tostring(e))
    """ % (name, status, name, status), emu).stdout.strip()
    assert out.startswith("sendevent: %s: " % name) and "HTTP %d" % status in out


def test_error_fields_other_statuses(emu):
    emu.fault(provider="connect", action="close")
    lua("""
        local c = client("connect", { max_attempts = 1 })
        local e = expect_error("network", c.send_event, c, valid("connect", "send_event"))
        eq(e.http_status, 0)
    """, emu)
    emu.reset()
    emu.fault(provider="connect", latency_ms=3000)
    lua("""
        local c = client("connect", { max_attempts = 1, timeout = 0.3 })
        expect_error("timeout", c.send_event, c, valid("connect", "send_event"))
    """, emu)
    emu.reset()
    emu.fault(provider="connect", action="oversized")
    lua("""
        local c = client("connect", { max_attempts = 1, max_response_bytes = 4096 })
        expect_error("protocol", c.send_event, c, valid("connect", "send_event"))
    """, emu)
    emu.reset()
    emu.fault(provider="zapi", action="value_false")
    lua("""
        local z = client("zapi")
        local e = expect_error("rejected", z.send_event, z, valid("zapi", "send_event"))
        eq(e.http_status, 200) eq(e.response.body.value, false)
    """, emu)


def test_tls_error(emulator_factory, tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl CLI not available")
    key, crt = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    emu = emulator_factory("--tls-cert", crt, "--tls-key", key, cafile=str(crt))
    lua("""
        local c = client("connect", { max_attempts = 1 })
        expect_error("tls", c.send_event, c, valid("connect", "send_event"))
        local t = client("connect", { ca_file = arg[1] })
        eq(t:send_event(valid("connect", "send_event")).status, "ok")
    """, emu, crt)


def test_error_is_readable_when_uncaught(emu):
    proc = lua("""
        local z = client("zapi")
        z:send_event{ phone = "bad/phone" }
    """, emu, check=False)
    assert proc.returncode != 0
    assert "sendevent: invalid: phone" in proc.stderr
    assert emu.requests(all=True) == []


def test_bad_options_and_client_misuse(emu):
    lua("""
        expect_error("invalid", sendevent.client, "nope", {})
        expect_error("invalid", sendevent.client, 5)
        local e = expect_error("invalid", sendevent.client, "sinch", { region = "mars" })
        contains(e.message, "region")
        e = expect_error("invalid", sendevent.client, "sinch", { no_such = "x" })
        contains(e.message, "no_such: unknown option")
        e = expect_error("invalid", sendevent.client, "connect", { timeout = {} })
        contains(e.message, "timeout")
        expect_error("invalid", sendevent.client, "connect", "not a table")
        local c = client("connect", { timeout = 2.5, max_attempts = 2, retry_server_errors = true })
        eq(c:option("timeout"), "2.5") eq(c:option("max_attempts"), "2")
        eq(c:option("retry_server_errors"), "true")
        eq(tostring(c), "sendevent.client(connect)")
        local z = client("zapi")
        eq(z:option("token"), "[REDACTED]") eq(z:option("instance_id"), "[REDACTED]")
        local r = sendevent.client("sinch", { region = "eu", project_id = "P", key_id = "K", key_secret = "S" })
        eq(tostring(r), "sendevent.client(sinch, region=eu)")
        c:close() c:close()
        eq(tostring(c), "sendevent.client(connect, closed)")
        local e2 = expect_error("misuse", c.send_event, c, valid("connect", "send_event"))
        contains(e2.message, "closed")
        -- a dot instead of a colon: the request arrives as the client, and the error says so
        e2 = expect_error("misuse", z.send_event, valid("zapi", "send_event"))
        contains(e2.message, "with a colon")
        expect_error("invalid", z.send, z, 42, {})
        expect_error("invalid", z.send_event, z, 42)
        expect_error("invalid", z.send_event, z, nil)
        do local cl <close> = client("connect") end
    """, emu)
    assert emu.requests(all=True) == []


def test_no_secret_in_errors_or_tostring(emu):
    out = lua("""
        local z = client("zapi", { token = "SECRET-TOKEN-123" })
        local ok, e = pcall(z.send_event, z, valid("zapi", "send_event"))
        print(tostring(e), e.message, e.response and e.response.text)
        print(tostring(z), z:option("token"))
        local s = client("sinch", { key_secret = "SECRET-KEY-456" })
        ok, e = pcall(s.send_event, s, valid("sinch", "send_event"))
        print(tostring(e), e.message)
        print(s:prepare("send_event", valid("sinch", "send_event")))
    """, emu).stdout
    assert "SECRET-TOKEN-123" not in out and "SECRET-KEY-456" not in out


# ---------------------------------------------------------------- delivery states, deadlines

def test_sent_and_client_token(emu):
    out = lua("""
        local z = client("zapi")
        local r = z:send_event(valid("zapi", "send_event"))
        eq(r.sent, "yes") eq(r.client_token, nil)
        local c = client("connect")
        local r2 = c:send_event(valid("connect", "send_event"))
        eq(r2.sent, "yes") assert(type(r2.client_token) == "string" and #r2.client_token > 0)
        -- the same token again: Connect gives the first result, recorded once
        local again = valid("connect", "send_event")
        again.ClientToken = r2.client_token
        local r3 = c:send_event(again)
        eq(r3.id, r2.id) eq(r3.client_token, r2.client_token)
        print(r2.client_token)
    """, emu).stdout.split()
    recs = api_requests(emu)
    assert [q["provider"] for q in recs] == ["zapi", "connect"]
    assert recs[1]["body"]["ClientToken"] == out[0]


def test_errors_carry_sent(emu):
    lua("""
        local z = client("zapi", { max_attempts = 1 })
        local e = expect_error("invalid", z.send_event, z, { phone = "bad/phone" })
        eq(e.sent, "no") eq(e.response.sent, "no")
        local bad = expect_error("invalid", sendevent.client, "zapi", { timeout = "x" })
        eq(bad.sent, "no")
    """, emu)
    assert emu.requests(all=True) == []
    lua("""
        local z = client("zapi", { base_url = "http://127.0.0.1:1", max_attempts = 1 })
        local e = expect_error("network", z.send_event, z, valid("zapi", "send_event"))
        eq(e.sent, "no") eq(e.attempts, 0)
    """, emu)
    emu.fault(provider="zapi", status=500)
    lua("""
        local z = client("zapi")
        local e = expect_error("server", z.send_event, z, valid("zapi", "send_event"))
        eq(e.sent, "yes") eq(e.http_status, 500)
    """, emu)
    emu.reset()
    emu.fault(provider="connect", action="hang")
    lua("""
        local c = client("connect", { timeout = 0.3, max_attempts = 1 })
        local e = expect_error("timeout", c.send_event, c, valid("connect", "send_event"))
        eq(e.sent, "maybe") assert(e.client_token and e.client_token == e.response.client_token)
    """, emu)


def test_cancelled_status_name():
    out = lua("print(sendevent.status_name(-15), sendevent.status_name(-14))").stdout.split()
    assert out == ["cancelled", "misuse"]


def test_deadline_per_call(emu):
    emu.fault(provider="zapi", action="hang")
    out = lua("""
        local z = client("zapi")
        local t0 = os.clock()
        local e = expect_error("timeout", z.send_event, z, valid("zapi", "send_event"),
                               { deadline = 0.3 })
        eq(e.sent, "maybe")
        for _, bad in ipairs({ 0, -1, "1", 0/0 }) do
          local b = expect_error("invalid", z.send_event, z, valid("zapi", "send_event"),
                                 { deadline = bad })
          assert(b.message:find("deadline"), b.message)
        end
        local u = expect_error("invalid", z.send, z, "send_event", valid("zapi", "send_event"),
                               { deadlin = 1 })
        assert(u.message:find("deadlin"), u.message)
        print("done")
    """, emu, timeout=20).stdout.split()
    assert out == ["done"]
    assert len(api_requests(emu, all=True)) == 1  # only the hung one went out
    emu.reset()
    lua("""
        local z = client("zapi")
        z:send_event(valid("zapi", "send_event"), { deadline = 5 })
        z:send("send_event", valid("zapi", "send_event"), { deadline = 5 })
    """, emu)
    assert [("deadline" in q["body"]) for q in api_requests(emu)] == [False, False]


def test_send_many_options_table(emu):
    emu.fault(provider="zapi", action="hang")
    lua("""
        local z = client("zapi")
        local list = {}
        for i = 1, 4 do list[i] = valid("zapi", "send_event") end
        local rs = z:send_many("send_event", list, { concurrency = 2, deadline = 0.4 })
        local ok, timeout = 0, 0
        for _, r in ipairs(rs) do
          if r.status == "ok" then ok = ok + 1; eq(r.sent, "yes")
          else eq(r.status, "timeout"); eq(r.sent, "maybe"); timeout = timeout + 1 end
        end
        eq(ok, 3) eq(timeout, 1)
        expect_error("invalid", z.send_many, z, "send_event", list, { concurrency = 0 })
        expect_error("invalid", z.send_many, z, "send_event", list, { speed = 1 })
    """, emu, timeout=20)


# ---------------------------------------------------------------- hardening (issue 13)

def test_nul_anywhere_is_refused_naming_it(emu):
    lua(r"""
        local z = client("zapi")
        local e = expect_error("invalid", z.send_event, z,
                               { phone = GROUP, event = { name = "GOING\0NOT", dateTime = "x" } })
        contains(e.message, "event.name: value contains a NUL character")
        e = expect_error("invalid", z.send, z, "send_event\0x", valid("zapi", "send_event"))
        contains(e.message, "operation: contains a NUL character (byte 10)")
        e = expect_error("invalid", z.send_event, z,
                         '{"phone":"' .. GROUP .. '","event":{}}\0{"x":1}')
        contains(e.message, "request: request JSON contains a NUL character")
        e = expect_error("invalid", sendevent.client, "zapi\0x", {})
        contains(e.message, "provider: contains a NUL character")
        e = expect_error("invalid", sendevent.client, "zapi", { ["token\0x"] = "t" })
        contains(e.message, "option name: contains a NUL character")
        e = expect_error("invalid", sendevent.client, "zapi", { token = "emulator-token\0x" })
        contains(e.message, "token: contains a NUL character (byte 14)")
        local c = client("connect")
        e = expect_error("invalid", c.send_event, c, { ConnectionToken = "tok\0\r\nX-Injected: 1",
                         ContentType = "application/vnd.amazonaws.connect.event.typing" })
        contains(e.message, "ConnectionToken: value contains a NUL")
    """, emu)
    assert emu.requests(all=True) == []


def test_options_checked_when_set_and_limits(emu):
    lua(r"""
        local e = expect_error("invalid", sendevent.client, "zapi",
                               { base_url = "http://127.0.0.1:1/a\1b" })
        contains(e.message, "base_url: must not contain control characters (byte 20)")
        e = expect_error("invalid", sendevent.client, "zapi", { token = string.rep("k", 9 << 20) })
        eq(e.message, "token: at most 256 bytes long")
        local z = client("zapi")
        local deep = {}
        local t = deep
        for i = 1, 127 do t[1] = {} t = t[1] end
        e = expect_error("invalid", z.send_event, z,
                         { phone = GROUP, event = { name = "n", dateTime = "x", x = deep } })
        contains(e.message, "nested more than 128 levels deep")
    """, emu)
    assert emu.requests(all=True) == []


def test_plain_http_through_a_remote_proxy_is_refused(emu):
    env = {"http_proxy": "http://192.0.2.1:3128", "https_proxy": "", "all_proxy": "",
           "ALL_PROXY": "", "HTTPS_PROXY": "", "no_proxy": "", "NO_PROXY": ""}
    lua(r"""
        local z = client("zapi")
        local e = expect_error("invalid", z.send_event, z, valid("zapi", "send_event"))
        contains(e.message, "base_url: plain http:// would travel in clear through the proxy in http_proxy")
        local ok = client("zapi", { allow_insecure_http = true })
        eq(ok:validate("send_event", valid("zapi", "send_event")), true)
    """, emu, env=env)
    assert emu.requests(all=True) == []


def test_a_deeply_nested_response_is_a_protocol_error(emu):
    deep = inner = []
    for _ in range(199):
        inner.append([])
        inner = inner[0]
    emu.fault(provider="connect", status=400, body={"message": "deep", "x": deep})
    lua(r"""
        local c = client("connect")
        local e = expect_error("protocol", c.send_event, c, valid("connect", "send_event"))
        contains(e.message, "nested deeper than 128 levels")
        eq(e.attempts, 1)
    """, emu)
