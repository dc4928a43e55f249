"""The Lua module, driven from pytest: loading it, every operation, responses, send_many,
rate limits, memory, the examples. Tables and JSON are in test_lua_json.py, errors, delivery
states, deadlines and hostile input in test_lua_errors.py; helpers in lua_support.py. Each test
checks the emulator's request log from Python.
"""

import json
import os
import shutil
import subprocess

import pytest

from lua_support import (  # noqa: F401  (pytestmark: the skips)
    HERE, LUA, MODULE_DIR, OPS, REPO, api_requests, lua, pytestmark)


# ---------------------------------------------------------------- loading

def test_require_from_the_build_tree():
    out = lua('local s = require "sendevent"; print(s.version, type(s.client))', harness=False,
              env={"LUA_CPATH": "%s/?.so;;" % MODULE_DIR}).stdout.split()
    assert out == [out[0], "function"] and out[0].count(".") == 2


def test_module_keeps_its_namespace_clean():
    out = lua("""
        local names = {}
        for k in pairs(sendevent) do names[#names + 1] = k end
        table.sort(names)
        print(table.concat(names, " "))
        print(swig_type == nil and swig_equals == nil)
    """).stdout.splitlines()
    names = out[0].split()
    assert not [n for n in names if n.lower().startswith("se_")]
    for name in ("client", "validate", "prepare", "null", "array", "object", "encode", "decode",
                 "is_error", "version", "OPERATIONS"):
        assert name in names
    assert out[1] == "true"


def test_cmake_install_puts_the_module_on_the_cpath(tmp_path):
    build = MODULE_DIR.parents[1]
    if not (build / "cmake_install.cmake").exists():
        pytest.skip("no CMake build directory above %s" % MODULE_DIR)
    subprocess.run(["cmake", "--install", str(build), "--prefix", str(tmp_path),
                    "--component", "lua"], check=True, capture_output=True)
    found = list(tmp_path.rglob("sendevent.so"))
    assert len(found) == 1 and found[0].parent.parts[-2:] == ("lua", "5.4")
    out = lua('print(require("sendevent").version)', harness=False,
              env={"LUA_CPATH": "%s/?.so" % found[0].parent}).stdout.strip()
    assert out.count(".") == 2


def test_luarocks_make(tmp_path):
    luarocks = shutil.which("luarocks")
    if not luarocks or not os.environ.get("SE_TEST_LUAROCKS", "1") == "1":
        pytest.skip("luarocks is not installed")
    src = tmp_path / "src"
    src.mkdir()
    for name in ("CMakeLists.txt", "libcore", "bindings"):
        s = REPO / name
        (shutil.copytree if s.is_dir() else shutil.copy2)(s, src / name)
    tree = tmp_path / "tree"
    proc = subprocess.run([luarocks, "--lua-version", "5.4", "make", "--tree", str(tree),
                           "bindings/lua/sendevent-0.1.0-1.rockspec"], cwd=src,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    so = list(tree.rglob("sendevent.so"))
    assert len(so) == 1
    out = lua('print(require("sendevent").version)', harness=False,
              env={"LUA_CPATH": "%s/?.so" % so[0].parent}).stdout.strip()
    assert out.count(".") == 2


def test_only_luaopen_is_exported():
    nm = shutil.which("nm")
    if not nm:
        pytest.skip("nm not available")
    out = subprocess.run([nm, "-D", "--defined-only", str(MODULE_DIR / "sendevent.so")],
                         capture_output=True, text=True, check=True).stdout
    assert [line.split()[-1] for line in out.splitlines()] == ["luaopen_sendevent"]


# ---------------------------------------------------------------- every operation

@pytest.mark.parametrize("provider,operation", OPS)
def test_every_operation(emu, provider, operation):
    out = lua("""
        local c = client("%s")
        local r = c:%s(valid("%s", "%s"))
        eq(r.status, "ok", "status")
        eq(r.http_status, 200, "http_status")
        eq(math.type(r.http_status), "integer", "http_status type")
        eq(r.attempts, 1, "attempts")
        eq(math.type(r.attempts), "integer", "attempts type")
        assert(type(r.elapsed) == "number" and r.elapsed > 0)
        assert(type(r.body) == "table", "body is a table")
        eq(#r.warnings, 0, "warnings")
        eq(r.provider, "%s") eq(r.operation, "%s")
        print(r.id or "-", r.accepted_time or "-", r.request_id or "-")
        local r2 = c:send("%s", valid("%s", "%s"))
        eq(r2.status, "ok")
    """ % (provider, operation, provider, operation, provider, operation, operation, provider,
           operation), emu).stdout.split()
    recorded = api_requests(emu)
    assert [(r["provider"], r["operation"]) for r in recorded] == [(provider, operation)] * 2
    if operation not in ("create_connection", "disconnect"):
        assert out[0] != "-"
    if provider in ("sinch", "connect") and operation in ("send_event", "send_message"):
        assert out[1] != "-"
    if provider == "connect":
        assert out[2] != "-"


def test_response_body_and_fields(emu):
    lua("""
        local s = client("sinch")
        local r = s:send_event(valid("sinch", "send_event"))
        eq(r.id, r.body.event_id, "id") eq(r.accepted_time, r.body.accepted_time, "time")
        local z = client("zapi")
        r = z:send_event{ phone = GROUP, event = { name = "Standup", dateTime = "2024-04-29T09:30:53.309Z" } }
        eq(r.id, r.body.messageId) eq(r.body.id, r.body.messageId) assert(r.body.zaapId)
        eq(r.accepted_time, nil)
        local c = client("connect")
        r = c:send_event(valid("connect", "send_event"))
        eq(r.id, r.body.Id) eq(r.accepted_time, r.body.AbsoluteTime) assert(r.request_id)
        r = c:create_connection(valid("connect", "create_connection"))
        assert(r.body.ConnectionCredentials.ConnectionToken)
        contains(r.text, "ConnectionCredentials")
    """, emu)
    body = api_requests(emu)[0]["body"]
    assert body == {"app_id": "APP1", "recipient": {"contact_id": "CONTACT1"},
                    "event": {"composing_event": {}}}


def test_zapi_send_message(emu):
    lua(r"""
        local z = client("zapi")
        local r = z:send_message{ phone = "5511999999999", message = "*Hello*", delayTyping = 2 }
        assert(r.id and r.id == r.body.messageId)
        local ok, err = pcall(z.send_message, z, { phone = "5511999999999", message = "hi",
                                                  delayMessage = 20 })
        assert(not ok and tostring(err.message):find("delayMessage", 1, true), tostring(err))
    """, emu)
    (rec,) = api_requests(emu)
    assert rec["operation"] == "send_message" and rec["path"].endswith("/send-text")
    assert rec["body"] == {"phone": "5511999999999", "message": "*Hello*", "delayTyping": 2}


def test_headers_and_request_line(emu):
    out = lua("""
        local r = client("zapi"):send_event(valid("zapi", "send_event"))
        print(r.request_line)
        local seen = {}
        for i, h in ipairs(r.headers) do seen[h[1]:lower()] = h[2] end
        print(seen["content-type"])
        local c = client("connect"):send_event(valid("connect", "send_event"))
        local id
        for _, h in ipairs(c.headers) do
          if h[1]:lower() == "x-amzn-requestid" then id = h[2] end
        end
        print(id == c.request_id)
    """, emu).stdout.splitlines()
    assert out[0] == "POST " + emu.url + "/instances/[REDACTED]/token/[REDACTED]/send-event"
    assert out[1].startswith("application/json")
    assert out[2] == "true"


def test_retries_and_token_refresh(emu):
    emu.fault(provider="connect", status=429, retry_after="0")
    lua("""
        local r = client("connect"):send_event(valid("connect", "send_event"))
        eq(r.attempts, 2)
    """, emu)
    emu.reset()
    lua("""
        local s = client("sinch")
        eq(s:send_event(valid("sinch", "send_event")).attempts, 1)
        io.stdout:flush()
    """, emu)


def test_send_many_mixed(emu):
    emu.fault(provider="zapi", status=400, body={"error": "smartphone is not responding"},
              count=1)
    out = lua("""
        local z = client("zapi")
        local ev = function(n) return { phone = GROUP, event = { name = n, dateTime = "2024-04-29T09:30" } } end
        local rs = z:send_many("send_event", { ev("e1"), { phone = "bad/x" }, ev("e3"), ev("e4"),
                                               '{"phone":"' .. GROUP .. '"}' }, 1)
        eq(#rs, 5)
        for i, r in ipairs(rs) do
          print(i, r.status, sendevent.is_error(r), r.http_status, r.message or r.id)
        end
        local err = rs[2]
        eq(err.status, "invalid") eq(err.attempts, 0) contains(err.message, "phone")
        contains(tostring(err), "sendevent: invalid: phone")
        eq(#z:send_many("send_event", {}), 0)
        local big = {}
        for i = 1, 200 do big[i] = ev("b" .. i) end
        local seen = {}
        for _, r in ipairs(z:send_many("send_event", big)) do
          eq(r.status, "ok") seen[r.id] = true
        end
        local n = 0 for _ in pairs(seen) do n = n + 1 end
        eq(n, 200, "distinct ids")
    """, emu).stdout.splitlines()
    rows = [line.split("\t") for line in out]
    assert [r[1] for r in rows] == ["rejected", "invalid", "ok", "ok", "invalid"]
    assert rows[0][2] == "true" and rows[0][3] == "400" and "smartphone" in rows[0][4]
    assert rows[2][2] == "false"
    assert len(api_requests(emu)) == 2 + 200


def test_send_many_argument_errors(emu):
    lua("""
        local z = client("zapi")
        expect_error("invalid", z.send_many, z, "send_event", "x")
        expect_error("invalid", z.send_many, z, "send_event", {valid("zapi", "send_event")}, 0)
        expect_error("invalid", z.send_many, z, "send_event", {valid("zapi", "send_event")}, 2000)
        expect_error("invalid", z.send_many, z, "send_event", {valid("zapi", "send_event")}, 1.5)
        local e = expect_error("invalid", z.send_many, z, "send_event",
                               {valid("zapi", "send_event"), {f = print}})
        contains(e.message, "requests[2].f") contains(e.message, "function")
    """, emu)
    assert emu.requests(all=True) == []


def test_validate_and_prepare(emu):
    out = lua("""
        local s = client("sinch")
        eq(s:validate("send_event", valid("sinch", "send_event")), true)
        eq(sendevent.validate(s, "send_event", valid("sinch", "send_event")), true)
        local e = expect_error("invalid", s.validate, s, "send_event", { app_id = "A" })
        contains(e.message, "recipient: required")
        local text = s:prepare("send_event", valid("sinch", "send_event"))
        assert(text == sendevent.prepare(s, "send_event", valid("sinch", "send_event")))
        io.write(text)
    """, emu).stdout
    # (text mode turned the CRLF line ends into \n)
    assert out.startswith("POST /v1/projects/PROJECT1/events:send HTTP/1.1\n")
    assert "Authorization: Bearer [REDACTED]" in out and "emulator-secret" not in out
    assert json.loads(out.split("\n\n", 1)[1]) == {
        "app_id": "APP1", "recipient": {"contact_id": "CONTACT1"},
        "event": {"composing_event": {}}}
    assert emu.requests(all=True) == []


# ---------------------------------------------------------------- rate limits

def test_max_rate_and_a_shared_budget(emu, redis_server):
    """max_rate spaces a client's sends; two clients naming one rate_limit_key share it."""
    lua("""
        local z = client("zapi", { max_rate = 20 })
        for i = 1, 6 do eq(z:send_event(valid("zapi", "send_event")).status, "ok") end
        local e = expect_error("invalid", client, "zapi", { max_rate = -1 })
        contains(e.message, "max_rate: must be between 0")
        e = expect_error("invalid", client, "zapi", { rate_limit_url = "http://x" })
        contains(e.message, "rate_limit_url: must start with redis://")
        local opts = { max_rate = 20, rate_limit_url = os.getenv("SE_TEST_REDIS"),
                       rate_limit_key = "lua-budget" }
        local a, b = client("zapi", opts), client("zapi", opts)
        for i = 1, 3 do
          eq(a:send_event(valid("zapi", "send_event")).status, "ok")
          eq(b:send_event(valid("zapi", "send_event")).status, "ok")
        end
        eq(b:option("rate_limit_url"), "[REDACTED]")
    """, emu, env={"SE_TEST_REDIS": redis_server.url})
    received = [q["received"] for q in emu.requests()]
    assert len(received) == 12
    assert received[5] - received[0] >= 5 / 20 * 0.95  # the first client alone: 20/s
    assert received[11] - received[6] >= 5 / 20 * 0.95  # the two together: 20/s in all


# ---------------------------------------------------------------- memory and safety

LEAK_LOOP = HERE / "leak_loop.lua"


def test_no_growth_over_many_sends(emu):
    """A plain run of the leak loop: the Lua heap and the RSS stay flat."""
    emu.fault(provider="connect", status=409, fraction=0.1)
    out = lua(LEAK_LOOP, emu, 30000).stdout
    assert "growth ok" in out, out


def test_valgrind_10000_sends(emu):
    valgrind = shutil.which("valgrind")
    if not valgrind:
        pytest.skip("valgrind is not installed")
    emu.fault(provider="connect", status=409, fraction=0.1)
    # memcheck holds freed blocks back (20 MB, --freelist-vol) before reusing them: the RSS
    # only levels off once that queue is full, so the baseline is taken after 3000 calls
    proc = lua(LEAK_LOOP, emu, 10000, 3000, check=False, timeout=900, cmd=[
        valgrind, "--quiet", "--error-exitcode=99", "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
        LUA])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-5000:]
    assert "growth ok" in proc.stdout
    assert "definitely lost" not in proc.stderr and "Invalid" not in proc.stderr


# ---------------------------------------------------------------- examples

EXPECTED = {"sinch": ["send_event", "send_message"],
            "zapi": ["send_event", "edit_event", "respond_event"],
            "connect": ["create_connection", "send_event", "send_message", "disconnect"]}


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_examples(emu, provider):
    script = REPO / "examples" / "lua" / (provider + ".lua")
    env = {"LUA_CPATH": "%s/?.so;;" % MODULE_DIR}
    proc = lua(script, None, emu.url, harness=False, env=env)
    lines = proc.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == EXPECTED[provider]
    for line in lines:
        assert "id=" in line and "accepted_time=" in line and "attempts=1" in line
    ops = [r["operation"] for r in api_requests(emu)]
    assert ops == EXPECTED[provider]
    proc = lua(script, None, harness=False, env=dict(env, SENDEVENT_BASE_URL=emu.url))
    assert proc.returncode == 0
    emu.fault(provider=provider, status=403, count=10)
    proc = lua(script, None, emu.url, harness=False, env=env, check=False)
    assert proc.returncode != 0 and "failed" in proc.stderr
