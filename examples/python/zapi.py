#!/usr/bin/env python3
"""Creates a WhatsApp group event with Z-API, edits it and answers it.

    python3 examples/python/zapi.py http://127.0.0.1:PORT      # a running sendevent-emulator
    SENDEVENT_BASE_URL=http://127.0.0.1:PORT python3 examples/python/zapi.py

Credentials come from the environment, with the emulator's defaults: ZAPI_INSTANCE_ID,
ZAPI_TOKEN, ZAPI_CLIENT_TOKEN, ZAPI_GROUP. Without a base URL the real API is used.
Prints the provider's id, the accepted time (Z-API gives none) and the number of attempts;
exits 1 on failure.
"""
import os
import sys

import sendevent


def env(name, default):
    return os.environ.get(name) or default


def main():
    base_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SENDEVENT_BASE_URL")
    options = dict(instance_id=env("ZAPI_INSTANCE_ID", "emulator-instance"),
                   token=env("ZAPI_TOKEN", "emulator-token"),
                   client_token=env("ZAPI_CLIENT_TOKEN", "emulator-client-token"))
    if base_url:
        options["base_url"] = base_url
    group = env("ZAPI_GROUP", "120363019502650977-group")
    event = {"name": "Standup", "description": "Daily standup",
             "dateTime": "2024-04-29T09:30:53.309Z", "timeZone": "UTC-3",
             "callLinkType": "video", "canceled": False}

    with sendevent.Client("zapi", **options) as zapi:
        try:
            r = zapi.send_event(phone=group, event=event)
            print("send_event:    id=%s accepted_time=%s attempts=%d"
                  % (r.id or "-", r.accepted_time or "-", r.attempts))
            event_id = r.id
            r = zapi.edit_event(phone=group, eventMessageId=event_id,
                                event=dict(event, name="Standup (moved)",
                                           dateTime="2024-04-29T10:00:00.000Z"))
            print("edit_event:    id=%s accepted_time=%s attempts=%d"
                  % (r.id or "-", r.accepted_time or "-", r.attempts))
            r = zapi.respond_event(phone=group, eventMessageId=event_id, eventResponse="GOING")
            print("respond_event: id=%s accepted_time=%s attempts=%d"
                  % (r.id or "-", r.accepted_time or "-", r.attempts))
        except sendevent.Error as err:
            print("failed: %s" % err, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
