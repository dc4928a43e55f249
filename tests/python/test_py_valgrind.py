"""The Python binding under valgrind: every wrapper path (sends of every operation, each error
kind, validate, prepare, send_many and its error paths, responses and their fields; and the
AsyncClient's: single awaits, send_many, send_iter left early, a cancelled await) in a bounded
loop. Any memory error fails; so does a definite leak whose stack passes through the extension
module or libsendevent (the interpreter's own exit-time allocations are not ours to judge)."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from py_support import options

SCRIPT = r"""
import sendevent, sys, json
opts = json.loads(sys.argv[1])
clients = {p: sendevent.Client(p, **o) for p, o in opts.items()}
s, z, c = clients["sinch"], clients["zapi"], clients["connect"]
ev = dict(app_id="A", recipient={"contact_id": "C"}, event={"composing_event": {}})
zev = dict(phone="120363019502650977-group", event={"name": "n", "dateTime": "2024-04-29T09:30:53Z"})
cev = dict(ConnectionToken="emulator-connection-token",
           ContentType="application/vnd.amazonaws.connect.event.typing")
for i in range(60):
    r = s.send_event(**ev); r.id, r.body, r.headers, r.request_line, r.warnings
    r = z.send_event(**zev); r.id, r.body, r.header("content-type")
    r = c.send_event(**cev); r.id, r.accepted_time, r.request_id
    for bad in ({"app_id": "A"}, {"app_id": 5}):
        try:
            s.send_event(bad)
        except sendevent.ValidationError as e:
            e.message, e.response
    s.validate("send_event", ev)
    z.prepare("send_event", zev)
    rs = z.send_many("send_event", [zev, {"phone": "bad/phone"}, zev], concurrency=2)
    [getattr(x, "id", None) for x in rs]
    # send_many's error paths: a body the C helper refuses after adding one, an unencodable one
    for bad, exc in (('{"phone": "\0"}', ValueError), ({"phone": {1}}, TypeError),
                     ({"phone": float("nan")}, ValueError), ({"phone": "\ud800"}, ValueError)):
        try:
            z.send_many("send_event", [zev, bad, zev])
        except exc:
            pass
    # the C JSON writer: written, and declined
    for obj in ({"a": [1, 2.5, None, True, "x\n\u00e9", {"b": 10 ** 30}]}, {"s": {1}}, {1: 2}):
        sendevent._ext.json_text(obj)
    # taking from a batch not run: the responses taken before the missing one are freed
    b = sendevent._ext.se_batch_new(z._c)
    sendevent._ext.batch_add_all(b, "send_event", ['{"phone": "bad/phone"}', zev], None)
    try:
        sendevent._ext.batch_take_all(b)
    except sendevent.Error as e:
        e.response
    del b
for cl in clients.values():
    cl.close()
print("done")
"""


ASYNC_SCRIPT = r"""
import asyncio, sendevent, sys, json
opts = json.loads(sys.argv[1])
zev = dict(phone="120363019502650977-group", event={"name": "n", "dateTime": "2024-04-29T09:30:53Z"})

async def main():
    async with sendevent.AsyncClient("zapi", **opts["zapi"]) as z, \
            sendevent.AsyncClient("connect", **opts["connect"]) as c:
        for i in range(15):
            rs = await asyncio.gather(*(z.send_event(**zev) for _ in range(4)),
                                      return_exceptions=True)
            [r.id for r in rs]
            try:
                await z.send_event(phone="bad/phone", event=zev["event"])
            except sendevent.ValidationError as e:
                e.message
            r = await c.send_event(ConnectionToken="emulator-connection-token",
                                   ContentType="application/vnd.amazonaws.connect.event.typing")
            r.client_token, r.body
            rs = await z.send_many("send_event", [zev, {"phone": "bad/phone"}, zev], 2)
            [getattr(x, "id", None) for x in rs]
            async for index, result in z.send_iter("send_event", [zev] * 6, 2):
                if index >= 0:
                    break  # left early: the rest cancelled
            # a cancelled await: its request alone cancelled, the others go on
            slow = asyncio.ensure_future(z.send_event(**zev))
            other = asyncio.ensure_future(z.send_event(**zev))
            await asyncio.sleep(0)
            slow.cancel()
            try:
                await slow
            except asyncio.CancelledError as e:
                getattr(e, "sendevent_error", None)
            (await other).id

asyncio.run(main())
print("done")
"""


@pytest.mark.parametrize("script", [SCRIPT, ASYNC_SCRIPT], ids=["client", "async_client"])
def test_binding_is_clean_under_valgrind(emu, tmp_path, script):
    valgrind = shutil.which("valgrind")
    if not valgrind:
        pytest.skip("valgrind is not installed")
    import json
    opts = {p: options(emu, p) for p in ("sinch", "zapi", "connect")}
    log = tmp_path / "valgrind.log"
    env = dict(os.environ, PYTHONMALLOC="malloc")
    proc = subprocess.run(
        [valgrind, "--quiet", "--error-exitcode=99", "--leak-check=full",
         "--show-leak-kinds=definite", "--errors-for-leak-kinds=none", "--num-callers=40",
         "--log-file=%s" % log, sys.executable, "-c", script, json.dumps(opts)],
        capture_output=True, text=True, env=env, timeout=600)
    text = log.read_text()
    assert proc.returncode == 0 and proc.stdout.strip() == "done", text[-4000:] + proc.stderr[-2000:]
    # definite leaks: one record per blank-line separated block
    ours = [block for block in re.split(r"\n==\d+== \n", text)
            if "definitely lost" in block and re.search(r"_sendevent|libsendevent|\bse_[a-z_]+", block)]
    assert not ours, "\n\n".join(ours)[:6000]
