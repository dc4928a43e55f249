"""What the Lua module takes from C rather than writing out: the error kinds (the se_status
enum), tostring(err) (the C summary), option numbers, the operations (the listing API), and
the log lines (the C logger's, as `sendevent --verbose` prints them)."""

import json
import pathlib
import re
import sys

import pytest

from lua_support import LUA, MODULE_DIR, lua, pytestmark  # noqa: F401  (the same skips)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
from face_log import CLI, SCENARIO, cli_lines, normalize  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]


def c_statuses():
    text = (REPO / "libcore/include/sendevent/common.h").read_text()
    return {int(code) for code in re.findall(r"\bSE_E_\w+\s*=\s*(-\d+)", text)}


def test_error_kinds_are_the_c_statuses():
    out = lua("""
        for name, s in pairs(sendevent.statuses) do
          eq(sendevent.status_name(s.code), name)
          print(s.code, name, s.description)
        end
    """).stdout.splitlines()
    codes = {int(line.split("\t")[0]) for line in out}
    assert codes == c_statuses() and len(out) == len(codes)


def test_tostring_is_the_c_summary(emu):
    out = lua("""
        local z = client("zapi")
        local e = expect_error("invalid", z.send_event, z, { phone = "1" })
        print(tostring(e))
        e.http_status, e.provider_code, e.request_id = 429, "ThrottlingException", "r-1"
        print(tostring(e))
        e.provider_code = "429"
        print(tostring(e))
        e.http_status, e.request_id, e.message = 0, nil, "100%s done"
        print(tostring(e))
    """, emu).stdout.splitlines()
    assert out[0].startswith("sendevent: invalid: phone: ") and "(HTTP" not in out[0]
    assert out[1].endswith(" (HTTP 429, ThrottlingException, request id r-1)")
    assert out[2].endswith(" (HTTP 429, request id r-1)")
    assert out[3] == "sendevent: invalid: 100%s done (429)"


def test_option_numbers_as_every_face_writes_them():
    out = lua("""
        local c = sendevent.client("connect", { region = "us-east-1", timeout = 2.0,
                                                retry_base_delay = 0.1, connect_timeout = 3 })
        print(c:option("timeout"), c:option("retry_base_delay"), c:option("connect_timeout"))
    """).stdout.split()
    assert out == ["2", "0.1", "3"]


def test_operations_come_from_the_listing():
    out = lua("""
        for provider, ops in pairs(sendevent.OPERATIONS) do
          for _, op in ipairs(ops) do
            assert(type(sendevent.Client[op]) == "function", op)
            print(provider, op)
          end
          assert(#sendevent.OPTIONS[provider] > 0)
        end
        local keys = {}
        for _, k in ipairs(sendevent.OPTIONS.zapi) do keys[k] = true end
        assert(keys.instance_id and keys.token and keys.timeout and not keys.project_id)
    """).stdout.splitlines()
    pairs_ = {tuple(line.split("\t")) for line in out}
    from lua_support import OPS
    assert set(OPS) <= pairs_


@pytest.mark.skipif(not CLI.exists(), reason="the command line tool is not built")
def test_logger_gets_the_c_loggers_lines(emu):
    from py_support import options
    expected = []
    for i, (provider, operation, request, extra) in enumerate(SCENARIO):
        if i == 0:
            emu.fault(provider="zapi", status=429, retry_after="0", count=1)
        expected += cli_lines(emu, provider, operation, request, options(emu, provider, **extra))
    emu.fault(provider="zapi", status=429, retry_after="0", count=1)
    scenario = json.dumps([[p, op, json.dumps(req), extra] for p, op, req, extra in SCENARIO])
    out = lua("""
        local scenario = sendevent.decode(arg[1])
        for _, s in ipairs(scenario) do
          local c = client(s[1], s[4])
          c:set_logger(function(level, message) print(level .. "\\t" .. message) end)
          local ok = pcall(c.send, c, s[2], s[3])
          c:close()
        end
    """, emu, scenario).stdout.splitlines()
    got = [normalize(*line.split("\t", 1)) for line in out]
    assert len(expected) == 6 and got == expected


def test_logger_set_and_removed(emu):
    out = lua("""
        local z = client("zapi")
        local seen = {}
        expect_error("invalid", z.set_logger, z, "not a function")
        z:set_logger(function(level, message) seen[#seen + 1] = level .. " " .. message end)
        z:send_event(valid("zapi", "send_event"))
        eq(#seen, 1) contains(seen[1], "debug POST ") contains(seen[1], " -> 200 ok in ")
        local rs = z:send_many("send_event", { valid("zapi", "send_event"), { phone = GROUP } })
        eq(#seen, 3)
        pcall(z.validate, z, "send_event", { phone = GROUP }) -- no line: nothing was sent
        eq(#seen, 3)
        local ok = pcall(z.send_event, z, { phone = "1" }) -- raised: the line still comes
        eq(#seen, 4) contains(seen[4], "info zapi send_event -> invalid: phone")
        z:set_logger(nil)
        z:send_event(valid("zapi", "send_event"))
        eq(#seen, 4)
        z:set_logger(function() error("from the logger") end)
        local ok2, err = pcall(z.send_event, z, valid("zapi", "send_event"))
        assert(not ok2) contains(tostring(err), "from the logger")
        z:close()
        collectgarbage() collectgarbage()
        local y = client("zapi")
        y:set_logger(function() end)
        y = nil
        collectgarbage() collectgarbage() -- the log goes before its client
        print("done")
    """, emu).stdout.split()
    assert out[-1] == "done"
