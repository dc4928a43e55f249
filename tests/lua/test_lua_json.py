"""The Lua module's tables and JSON: encode and decode rules and their errors, Lua values as
they reach the wire, bad requests that send nothing, tests/data/validation.jsonl through
harness.lua, strings byte-exact. Helpers in lua_support.py.
"""

import pytest

from lua_support import REPO, api_requests, lua, pytestmark  # noqa: F401  (the same skips)


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
