"""The Lua module, driven from pytest: Lua chunks run with lua5.4 against the emulator.

The module comes from $SE_LUA_MODULE_DIR (the Makefile passes build/bindings/lua), else
build/bindings/lua under the repository. tests/lua/harness.lua is loaded first (LUA_INIT) and
defines helpers: client(provider, extra_options), valid(provider, op), eq, expect_error,
contains, URL, GROUP, TYPING. Each test checks the emulator's request log from Python.
"""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
LUA = shutil.which("lua5.4")
MODULE_DIR = pathlib.Path(os.environ.get("SE_LUA_MODULE_DIR") or REPO / "build/bindings/lua")

pytestmark = [
    pytest.mark.skipif(LUA is None, reason="lua5.4 is not installed"),
    pytest.mark.skipif(not (MODULE_DIR / "sendevent.so").exists(),
                       reason="the Lua module is not built (%s/sendevent.so; build the "
                              "'sendevent_lua' target or set SE_LUA_MODULE_DIR)" % MODULE_DIR),
]

OPS = [("sinch", "send_event"), ("sinch", "send_message"), ("zapi", "send_event"),
       ("zapi", "edit_event"), ("zapi", "respond_event"), ("connect", "send_event"),
       ("connect", "send_message"), ("connect", "create_connection"), ("connect", "disconnect")]


def lua(code, emu=None, *args, check=True, env=None, timeout=120, harness=True, cmd=None):
    """Runs a Lua chunk (or a file when `code` is a Path); returns the CompletedProcess."""
    full_env = dict(os.environ)
    for name in ("LUA_INIT_5_4", "LUA_PATH_5_4", "LUA_CPATH_5_4"):  # they would win over ours
        full_env.pop(name, None)
    full_env["SE_LUA_MODULE_DIR"] = str(MODULE_DIR)
    if harness:
        full_env["LUA_INIT"] = "@" + str(HERE / "harness.lua")
    else:
        full_env.pop("LUA_INIT", None)
    if emu is not None:
        full_env["SE_EMULATOR_URL"] = emu.url
    full_env.update(env or {})
    argv = list(cmd or [LUA])
    if isinstance(code, pathlib.Path):
        argv += [str(code), *map(str, args)]
        stdin = None
    else:
        argv += ["-", *map(str, args)]
        stdin = code
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=full_env,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError("lua failed (%d)\n--- stdout\n%s\n--- stderr\n%s"
                             % (proc.returncode, proc.stdout, proc.stderr))
    return proc


def api_requests(emu, all=False):
    return [r for r in emu.requests(all=all) if r["operation"] != "oauth_token"]


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


# ---------------------------------------------------------------- table <-> JSON

def test_encode_rules():
    out = lua(r"""
        local E = sendevent.encode
        eq(E{}, "{}") eq(E(sendevent.array{}), "[]") eq(E(sendevent.object{}), "{}")
        eq(E{1, 2, 3}, "[1,2,3]") eq(E{"a", {b = true}}, '["a",{"b":true}]')
        eq(E{x = sendevent.null}, '{"x":null}')
        eq(E{1, sendevent.null, 3}, "[1,null,3]")
        eq(E{math.maxinteger, math.mininteger}, "[9223372036854775807,-9223372036854775808]")
        eq(E{0.1, 1.5, -2.0, 1e300, 2^53}, "[0.1,1.5,-2,1e+300,9007199254740992]")
        eq(E{true, false}, "[true,false]")
        eq(E{"é€😀"}, '["é€😀"]')
        eq(E{"a\"b\\c\n\t\1"}, '["a\\"b\\\\c\\n\\t\\u0001"]')
        eq(E(sendevent.object{[1] = "x"}), '{"1":"x"}')
        eq(E{a = {b = {c = {d = {}}}}}, '{"a":{"b":{"c":{"d":{}}}}}')
        local nested = {}
        local cur = nested
        for i = 1, 100 do cur.n = {} cur = cur.n end
        assert(#E(nested) == 100 * 5 + 2 + 100)
        print("ok")
    """).stdout.strip()
    assert out == "ok"


@pytest.mark.parametrize("value,fragment", [
    ("{1, nil, 3}", "sparse array"),
    ("{[1] = 'a', [3] = 'c'}", "sparse array"),
    ("{[0] = 'a'}", "array keys must be 1..n, got 0"),
    ("{[-1] = 'a'}", "array keys must be 1..n, got -1"),
    ("{'a', b = 1}", "mixes string keys and integer keys"),
    ("{[1.5] = 1}", "keys must be strings"),
    ("{[true] = 1}", "keys must be strings"),
    ("{f = print}", "f: a function cannot become JSON"),
    ("{u = io.stdout}", "u: a userdata cannot become JSON"),
    ("{t = coroutine.create(print)}", "t: a thread cannot become JSON"),
    ("{x = {0/0}}", "x[0]: NaN is not a JSON number"),
    ("{x = math.huge}", "x: an infinity is not a JSON number"),
    ("{s = '\\xff\\xfe'}", "s: string is not valid UTF-8"),
    ("{s = '\\xed\\xa0\\x80'}", "not valid UTF-8"),
    ("{['\\xc0'] = 1}", "request: a key is not valid UTF-8"),
    ("sendevent.array{a = 1}", "string keys"),
])
def test_encode_errors_name_the_path(value, fragment):
    out = lua("""
        local e = expect_error("invalid", sendevent.encode, %s)
        print(e.message)
    """ % value).stdout.strip()
    assert fragment in out


def test_encode_cycles_and_depth():
    out = lua("""
        local t = {} t.self = t
        print(expect_error("invalid", sendevent.encode, { a = t }).message)
        local a = {} local b = { a } a[1] = b
        print(expect_error("invalid", sendevent.encode, a).message)
        local shared = { 1 }
        print(sendevent.encode{ x = shared, y = shared })   -- shared, not a cycle
        local deep = {}
        local cur = deep
        for i = 1, 500 do cur[1] = {} cur = cur[1] end
        print(expect_error("invalid", sendevent.encode, deep).message)
    """).stdout.splitlines()
    assert "a.self: a table that contains itself" in out[0]
    assert "cycle" in out[1]
    assert out[2] in ('{"x":[1],"y":[1]}', '{"y":[1],"x":[1]}')
    assert "nested more than 128 levels" in out[3]


def test_decode_rules():
    out = lua(r"""
        local D = sendevent.decode
        local v = D([=[{"i":42,"neg":-7,"big":9223372036854775807,"huge":92233720368547758080,]=]
                    .. [=["f":2.5,"e":1e2,"t":true,"n":null,"s":"\u00e9\ud83d\ude00\n","a":[],"o":{},]=]
                    .. [=["arr":[1,[2,[3]]]}]=])
        eq(v.i, 42) eq(math.type(v.i), "integer") eq(v.neg, -7)
        eq(v.big, math.maxinteger) eq(math.type(v.big), "integer")
        eq(math.type(v.huge), "float") eq(v.f, 2.5) eq(v.e, 100.0)
        eq(v.t, true) eq(v.n, sendevent.null) eq(v.s, "é😀\n")
        eq(#v.a, 0) eq(sendevent.encode(v.a), "[]")     -- decoded arrays re-encode as arrays
        eq(next(v.o), nil) eq(sendevent.encode(v.o), "{}")
        eq(v.arr[2][2][1], 3)
        local bad = { "", "{", "[1,]", [[{"a"}]], "tru", [["\x"]], "01", "1.", "[1] x", '"\1"',
                      [["\ud800"]], [[{"a":1,}]], "nul" }
        for _, text in ipairs(bad) do
          local r, msg = D(text)
          if r ~= nil or msg == nil then error("accepted: " .. text) end
        end
        print("ok")
    """).stdout.strip()
    assert out == "ok"


def test_requests_on_the_wire(emu):
    lua(r"""
        local s = client("sinch")
        s:send_event{ app_id = "A", recipient = { contact_id = "C" },
                      event = { generic_event = { payload = {
                        int = 123456789012345, neg = -42, float = 0.25, yes = true, no = false,
                        none = sendevent.null, text = "héllo wörld ✓ 日本語 🎉",
                        list = { 1, "two", { three = 3 } }, empty_obj = {}, empty_arr = sendevent.array{},
                        nested = { a = { b = { c = { d = "deep" } } } } } } } }
        local c = client("connect")
        c:send_message{ ConnectionToken = "emulator-connection-token", ContentType = "text/plain",
                        Content = "bytes: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" }
    """, emu)
    recs = api_requests(emu)
    payload = recs[0]["body"]["event"]["generic_event"]["payload"]
    assert payload == {"int": 123456789012345, "neg": -42, "float": 0.25, "yes": True,
                       "no": False, "none": None, "text": "héllo wörld ✓ 日本語 🎉",
                       "list": [1, "two", {"three": 3}], "empty_obj": {}, "empty_arr": [],
                       "nested": {"a": {"b": {"c": {"d": "deep"}}}}}
    raw = recs[0]["body_raw"]
    assert '"int":123456789012345' in raw and "héllo wörld ✓ 日本語 🎉" in raw
    assert recs[1]["body"]["Content"] == "bytes: é € 😀"


def test_large_integers_on_the_wire(emu):
    lua("""
        client("sinch"):send_event{ app_id = "A", recipient = { contact_id = "C" },
          event = { generic_event = { payload = { max = math.maxinteger, big = (1 << 53) + 1 } } } }
    """, emu)
    raw = api_requests(emu)[0]["body_raw"]
    assert '"max":9223372036854775807' in raw and '"big":9007199254740993' in raw


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


def test_bad_inputs_send_nothing(emu):
    out = lua("""
        local s, z, c = client("sinch"), client("zapi"), client("connect")
        local cases = {
          { s, "send_event", { app_id = "A" }, "recipient: required" },
          { s, "send_event", { app_id = 5, recipient = { contact_id = "C" }, event = { composing_event = {} } },
            "app_id: must be a string" },
          { s, "send_event", { app_id = "A", recipient = { contact_id = "C" }, event = { composing_event = {} }, foo = 1 },
            "foo: unknown field" },
          { s, "send_message", { app_id = "A", recipient = { contact_id = "C" },
                                 message = { choice_message = { choices = {
            {text_message={text="1"}},{text_message={text="2"}},{text_message={text="3"}},
            {text_message={text="4"}},{text_message={text="5"}},{text_message={text="6"}},
            {text_message={text="7"}},{text_message={text="8"}},{text_message={text="9"}},
            {text_message={text="10"}},{text_message={text="11"}} } } } },
            "message.choice_message.choices: at most 10 items, got 11" },
          { s, "send_event", { app_id = "A", recipient = { contact_id = "C" }, event = { composing_event = {} },
                               callback_url = print }, "callback_url: a function" },
          { z, "send_event", { phone = "bad/phone", event = { name = "N", dateTime = "2024-04-29T09:30" } }, "phone" },
          { z, "send_event", { phone = GROUP, event = { dateTime = "2024-04-29T09:30" } }, "event.name: required" },
          { z, "send_event", { phone = GROUP, event = { name = "N", dateTime = "2024-04-29T09:30", canceled = "no" } },
            "canceled" },
          { z, "respond_event", { phone = GROUP, eventMessageId = "X", eventResponse = "MAYBE" }, "eventResponse" },
          { z, "edit_event", { phone = GROUP, event = { name = "N", dateTime = "2024-04-29T09:30" } },
            "eventMessageId: required" },
          { z, "disconnect", { phone = GROUP }, "operation" },
          { c, "send_event", { ContentType = TYPING }, "ConnectionToken: required" },
          { c, "send_event", { ConnectionToken = "t", ContentType = TYPING, Content = string.rep("x", 16385) },
            "Content: at most 16384" },
          { c, "create_connection", { ParticipantToken = "p", Type = { "SOCKET" } }, "Type[0]" },
          { c, "create_connection", { ParticipantToken = "p", ConnectParticipant = "yes" }, "ConnectParticipant" },
          { c, "disconnect", { ConnectionToken = "t", ClientToken = string.rep("c", 501) }, "ClientToken" },
          { c, "send_event", { ConnectionToken = "t", ContentType = TYPING, Content = "\\xff" }, "UTF-8" },
          { c, "send_event", "{not json", "" },
          { c, "send_event", "[]", "" },
        }
        for i, case in ipairs(cases) do
          local cl, op, req, frag = case[1], case[2], case[3], case[4]
          local e = expect_error("invalid", cl.send, cl, op, req)
          contains(e.message, frag, "case " .. i)
          eq(e.http_status, 0) eq(e.attempts, 0)
          expect_error("invalid", cl.validate, cl, op, req)
          expect_error("invalid", cl.prepare, cl, op, req)
          -- send_many encodes every request before anything is sent: a table that cannot
          -- become JSON raises (naming requests[n]), an invalid request is an error result
          local ok, rs = pcall(cl.send_many, cl, op, { req })
          if ok then eq(rs[1].status, "invalid", "send_many case " .. i)
          else eq(rs.status, "invalid") contains(rs.message, "requests[1]") end
        end
        print(#cases)
    """, emu).stdout.strip()
    assert int(out) >= 19
    assert emu.requests(all=True) == []


def test_validation_data_file(emu):
    """Every case of tests/data/validation.jsonl, as JSON text: an invalid one raises the C
    message from send, validate and prepare (and is an error result of send_many), never quoting
    its secret; a passing one validates and prepares the normalized body. Warnings are checked
    by the C suite only: validate does not return them. Nothing is sent: the emulator has rules
    of its own."""
    out = lua("""
        local clients = { sinch = client("sinch"), zapi = client("zapi"),
                          connect = client("connect") }
        local function check(case)
          local c, op, req = clients[case.provider], case.operation, case.request
          if case.status == "ok" then
            eq(c:validate(op, req), true)
            local text = c:prepare(op, req)
            local body = text:sub(assert(text:find("\\r\\n\\r\\n", 1, true)) + 4)
            if case.after then eq(body, case.after, "body") end
            return
          end
          for _, call in ipairs({ c.send, c.validate, c.prepare }) do
            local e = expect_error(case.status, call, c, op, req)
            contains(e.message, case.message or "")
            assert(not (case.absent and e.message:find(case.absent, 1, true)), "quotes the secret")
            if call == c.send then eq(e.http_status, 0) eq(e.attempts, 0) end
          end
          local r = c:send_many(op, { req })[1]
          eq(r.status, case.status, "send_many") contains(r.message, case.message or "")
        end
        local seen, failures = { ok = 0, invalid = 0 }, {}
        for _, case in ipairs(validation_cases()) do
          local ok, err = pcall(check, case)
          if not ok then failures[#failures + 1] = case.where .. ": " .. tostring(err) end
          seen[case.status] = seen[case.status] + 1
        end
        print(seen.ok, seen.invalid)
        assert(#failures == 0, table.concat(failures, "\\n"))
    """, emu).stdout.split()
    lines = [line for line in (REPO / "tests/data/validation.jsonl").open(encoding="utf-8")
             if line.startswith("{")]
    assert int(out[0]) + int(out[1]) == len(lines) and int(out[1]) > 100
    assert emu.requests(all=True) == []


def test_unicode_strings_are_byte_exact(emu):
    emu.fault(provider="zapi", status=400, body={"error": "falhou: não há sinal ✓ 😀"})
    lua("""
        local z = client("zapi")
        local e = expect_error("rejected", z.send_event, z, valid("zapi", "send_event"))
        eq(e.message, "falhou: não há sinal ✓ 😀")
        eq(e.response.body.error, "falhou: não há sinal ✓ 😀")
    """, emu)


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
