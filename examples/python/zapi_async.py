#!/usr/bin/env python3
"""Sends Z-API group events from asyncio: single awaits from many tasks, then a batch streamed
as it completes.

    python3 examples/python/zapi_async.py http://127.0.0.1:PORT   # a running sendevent-emulator
    SENDEVENT_BASE_URL=http://127.0.0.1:PORT python3 examples/python/zapi_async.py

Credentials come from the environment, with the emulator's defaults: ZAPI_INSTANCE_ID,
ZAPI_TOKEN, ZAPI_CLIENT_TOKEN, ZAPI_GROUP. Without a base URL the real API is used.
Exits 1 when any send failed.
"""
import asyncio
import os
import sys

import sendevent


def env(name, default):
    return os.environ.get(name) or default


async def main():
    base_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SENDEVENT_BASE_URL")
    options = dict(instance_id=env("ZAPI_INSTANCE_ID", "emulator-instance"),
                   token=env("ZAPI_TOKEN", "emulator-token"),
                   client_token=env("ZAPI_CLIENT_TOKEN", "emulator-client-token"))
    if base_url:
        options["base_url"] = base_url
    group = env("ZAPI_GROUP", "120363019502650977-group")

    def event(n):
        return {"phone": group, "event": {"name": "Standup %d" % n,
                                          "dateTime": "2024-04-29T09:30:53.309Z"}}

    async with sendevent.AsyncClient("zapi", **options) as zapi:
        try:
            # many tasks awaiting at once share one batch of the client's
            results = await asyncio.gather(*(zapi.send_event(event(n)) for n in range(3)))
            for r in results:
                print("send_event: id=%s attempts=%d" % (r.id or "-", r.attempts))
        except sendevent.Error as err:
            print("failed: %s" % err, file=sys.stderr)
            return 1
        failed = 0
        # a batch, each result as soon as it is known (a failure is a result, not raised)
        async for index, result in zapi.send_iter("send_event", [event(n) for n in range(5)]):
            if isinstance(result, sendevent.Error):
                failed += 1
                print("request %d failed: %s" % (index, result), file=sys.stderr)
            else:
                print("request %d: id=%s" % (index, result.id or "-"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
