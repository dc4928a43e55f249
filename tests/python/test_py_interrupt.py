"""Ctrl-C: a child Python process blocked in send / send_many gets SIGINT and must stop at once
(KeyboardInterrupt), keeping what finished; nothing is started after the signal."""

import json
import os
import signal
import subprocess
import sys
import time

from py_support import api_requests

HERE = os.path.dirname(os.path.abspath(__file__))

PRELUDE = """
import json, os, sys, time
sys.path.insert(0, %r)
import sendevent
from py_support import valid
URL = sys.argv[1]
z = sendevent.Client("zapi", instance_id=sys.argv[2], token=sys.argv[3], client_token=sys.argv[4],
                     base_url=URL, timeout=20)
""" % HERE


def start(emu, body):
    """A child interpreter running PRELUDE + body; returns it once it printed "ready"."""
    proc = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + body, emu.zapi_base_url, emu.zapi_instance_id,
         emu.zapi_token, emu.zapi_client_token],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.strip() == "ready", (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


def interrupt(proc, after=0.5, within=1.0):
    """SIGINT after `after` s; asserts the child exits within `within` s of it. Returns
    (stdout, stderr, seconds it took)."""
    time.sleep(after)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError("the child did not stop after SIGINT:\n" + err)
    took = time.monotonic() - t0
    assert took < within, (took, err)
    return out, err, took


def test_ctrl_c_during_a_send_to_a_hung_server(emu):
    emu.fault(provider="zapi", action="hang")
    proc = start(emu, """
print("ready", flush=True)
z.send_event(valid("zapi", "send_event"))   # hangs: only Ctrl-C ends it before 20 s
print("returned", flush=True)
""")
    out, err, _ = interrupt(proc)
    assert "returned" not in out
    assert err.rstrip().endswith("KeyboardInterrupt"), err
    assert proc.returncode == -signal.SIGINT  # Python's exit on an uncaught KeyboardInterrupt


def test_ctrl_c_caught_the_client_still_works(emu):
    emu.fault(provider="zapi", action="hang")
    proc = start(emu, """
print("ready", flush=True)
try:
    z.send_event(valid("zapi", "send_event"))
    print("returned", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
import urllib.request
urllib.request.urlopen(urllib.request.Request(URL + "/_emulator/reset", method="POST")).read()
print(z.send_event(valid("zapi", "send_event")).sent, flush=True)
""")
    out, err, _ = interrupt(proc)
    assert out.split() == ["interrupted", "yes"], (out, err)
    assert proc.returncode == 0


def test_other_sigint_handlers_are_left_alone(emu):
    """With the application's own SIGINT handler the send is not cancelled: the handler runs
    and the send ends on its own (here by its deadline)."""
    emu.fault(provider="zapi", action="hang")
    proc = start(emu, """
import signal
seen = []
signal.signal(signal.SIGINT, lambda *a: seen.append(1))
print("ready", flush=True)
t0 = time.monotonic()
try:
    z.send_event(valid("zapi", "send_event"), deadline=1.5)
except sendevent.Error as e:
    print(e.status, e.sent, len(seen), round(time.monotonic() - t0, 1), flush=True)
""")
    out, err, _ = interrupt(proc, after=0.3, within=5)
    status, sent, seen, took = out.split()
    assert (status, sent, seen) == ("timeout", "maybe", "1"), (out, err)
    assert float(took) >= 1.3


def test_ctrl_c_during_send_many_keeps_what_finished(emu):
    emu.fault(provider="zapi", latency_ms=40, count=100000)
    proc = start(emu, """
print("ready", flush=True)
try:
    z.send_many("send_event", [valid("zapi", "send_event") for _ in range(2000)], 16)
    print(json.dumps({"finished": True}), flush=True)
except KeyboardInterrupt as e:
    rs = e.results
    print(json.dumps({"n": len(rs),
                      "kinds": sorted({"%s/%s" % (type(r).__name__, r.sent) for r in rs}),
                      "ok": sum(isinstance(r, sendevent.Response) for r in rs),
                      "maybe": sum(r.sent == "maybe" for r in rs),
                      "no": sum(r.sent == "no" for r in rs),
                      "ids": len({r.id for r in rs if isinstance(r, sendevent.Response)})}),
          flush=True)
""")
    out, err, _ = interrupt(proc, after=0.5)
    res = json.loads(out)
    assert "finished" not in res, "send_many ended before the signal: latency too short?"
    assert res["n"] == 2000
    assert set(res["kinds"]) <= {"Response/yes", "CancelledError/no", "CancelledError/maybe"}
    assert res["ok"] > 0 and res["no"] > 1000 and res["maybe"] <= 16
    assert res["ids"] == res["ok"]  # every finished response kept, with its id
    # nothing was started after the signal: what reached the emulator is what finished plus
    # what was in flight, and no more comes
    time.sleep(0.3)
    seen = len(api_requests(emu, all=True))
    assert res["ok"] <= seen <= res["ok"] + res["maybe"]
    time.sleep(0.3)
    assert len(api_requests(emu, all=True)) == seen
    assert proc.returncode == 0


def test_ctrl_c_not_taken_over_on_other_threads(emu):
    """A send on a thread other than the main one is not cancelled by Ctrl-C (Python raises
    KeyboardInterrupt in the main thread only)."""
    emu.fault(provider="zapi", action="hang")
    proc = start(emu, """
import threading
out = []
def run():
    try:
        z.send_event(valid("zapi", "send_event"), deadline=1.5)
        out.append("returned")
    except BaseException as e:
        out.append(getattr(e, "status", type(e).__name__))
t = threading.Thread(target=run)
t.start()
print("ready", flush=True)
try:
    while not out:  # not t.join(): an interrupted join may leave the thread looking done
        time.sleep(0.02)
except KeyboardInterrupt:
    while not out:
        time.sleep(0.02)
    print("interrupted", out[0], flush=True)
""")
    out, err, _ = interrupt(proc, after=0.3, within=5)
    assert out.split() == ["interrupted", "timeout"], (out, err)


def test_ctrl_c_outside_calls_is_pythons_as_before(emu):
    """Between calls the module's handler only hands the signal to Python's: a Ctrl-C in a
    sleep after some sends is a KeyboardInterrupt at once."""
    proc = start(emu, """
for _ in range(3):
    z.send_event(valid("zapi", "send_event"))
print("ready", flush=True)
time.sleep(20)
""")
    out, err, _ = interrupt(proc, after=0.3)
    assert err.rstrip().endswith("KeyboardInterrupt"), err
    assert proc.returncode == -signal.SIGINT


def test_ctrl_c_after_the_handler_was_set_again(emu):
    """signal.signal() puts Python's own C handler back; the next call (after the recheck
    interval, or at once when it saw another handler) puts the cancelling one in front again."""
    emu.fault(provider="zapi", action="hang")
    proc = start(emu, """
import signal, urllib.request
urllib.request.urlopen(urllib.request.Request(URL + "/_emulator/reset", method="POST")).read()
z.send_event(valid("zapi", "send_event"))      # installs it
signal.signal(signal.SIGINT, signal.SIG_IGN)    # replaced ...
signal.signal(signal.SIGINT, signal.default_int_handler)  # ... and Python's back
time.sleep(0.4)
urllib.request.urlopen(urllib.request.Request(URL + "/_emulator/faults", method="POST",
    data=json.dumps({"provider": "zapi", "action": "hang"}).encode())).read()
print("ready", flush=True)
z.send_event(valid("zapi", "send_event"))
""")
    out, err, _ = interrupt(proc)
    assert err.rstrip().endswith("KeyboardInterrupt"), err
