"""Ctrl-C during Client.send_many raises sendevent.Interrupted (a KeyboardInterrupt) with one
result per input; Client.send_iter yields (index, result) as they complete, and Ctrl-C while it
waits stops it at once, keeping everything the loop has seen."""

import json
import time

import sendevent

from py_support import api_requests, options, valid
from test_py_interrupt import interrupt, start


def test_send_iter_yields_every_index_once(emu):
    reqs = [valid("zapi", "send_event") for _ in range(300)]
    reqs[7] = {"phone": "bad/phone"}  # refused: its error is yielded like the rest
    with sendevent.Client("zapi", **options(emu, "zapi")) as c:
        got = list(c.send_iter("send_event", reqs, 16))
        assert list(c.send_iter("send_event", [])) == []
    assert sorted(i for i, _ in got) == list(range(300))
    assert isinstance(dict(got)[7], sendevent.ValidationError)
    assert all(isinstance(r, sendevent.Response) and r.ok for i, r in got if i != 7)


def test_send_iter_break_cancels_the_rest(emu):
    emu.fault(provider="zapi", latency_ms=100, count=100000)
    with sendevent.Client("zapi", **options(emu, "zapi")) as c:
        t0 = time.monotonic()
        for index, result in c.send_iter("send_event", [valid("zapi", "send_event")] * 500, 8):
            break
        assert time.monotonic() - t0 < 1.0
        emu.clear_faults()
        assert c.send_event(valid("zapi", "send_event")).ok  # the client still works


def test_ctrl_c_during_send_many_raises_interrupted(emu):
    emu.fault(provider="zapi", latency_ms=40, count=100000)
    proc = start(emu, """
print("ready", flush=True)
reqs = [valid("zapi", "send_event") for _ in range(2000)]
try:
    z.send_many("send_event", reqs, 16)
    print(json.dumps({"finished": True}), flush=True)
except sendevent.Interrupted as e:
    rs = e.results
    print(json.dumps({"n": len(rs), "keyboard": isinstance(e, KeyboardInterrupt),
                      "kinds": sorted({"%s/%s" % (type(r).__name__, r.sent) for r in rs}),
                      "ok": sum(isinstance(r, sendevent.Response) for r in rs),
                      "maybe": sum(r.sent == "maybe" for r in rs),
                      "no": sum(r.sent == "no" for r in rs)}), flush=True)
""")
    out, err, _ = interrupt(proc, after=0.5, within=1.0)
    res = json.loads(out)
    assert "finished" not in res, "send_many ended before the signal: latency too short?"
    assert res["keyboard"] and res["n"] == 2000
    assert set(res["kinds"]) <= {"Response/yes", "CancelledError/no", "CancelledError/maybe"}
    assert res["ok"] > 0 and res["no"] > 1000 and res["maybe"] <= 16
    assert res["ok"] + res["no"] + res["maybe"] == 2000
    assert proc.returncode == 0


def test_ctrl_c_during_send_iter_keeps_what_was_seen(emu):
    emu.fault(provider="zapi", latency_ms=40, count=100000)
    proc = start(emu, """
print("ready", flush=True)
seen = {}
try:
    for index, result in z.send_iter("send_event", [valid("zapi", "send_event")] * 2000, 16):
        seen[index] = result
    print(json.dumps({"finished": True}), flush=True)
except KeyboardInterrupt:
    print(json.dumps({"seen": len(seen),
                      "ok": sum(isinstance(r, sendevent.Response) and r.ok
                                for r in seen.values())}), flush=True)
""")
    out, err, took = interrupt(proc, after=0.5, within=1.0)
    assert took < 0.2 + 0.3  # the signal stops the wait at once (plus the child's exit)
    res = json.loads(out)
    assert "finished" not in res, "send_iter ended before the signal: latency too short?"
    assert 0 < res["seen"] < 2000 and res["ok"] == res["seen"]
    # little went out after the signal: what reached the emulator is what was seen plus at
    # most what was in flight, and no more comes
    time.sleep(0.3)
    sent = len(api_requests(emu, all=True))
    assert res["seen"] <= sent <= res["seen"] + 2 * 16
    time.sleep(0.3)
    assert len(api_requests(emu, all=True)) == sent
    assert proc.returncode == 0
