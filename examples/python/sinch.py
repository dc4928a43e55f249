#!/usr/bin/env python3
"""Sends a typing indicator and a text message through the Sinch Conversation API.

    python3 examples/python/sinch.py http://127.0.0.1:PORT     # a running sendevent-emulator
    SENDEVENT_BASE_URL=http://127.0.0.1:PORT python3 examples/python/sinch.py

Credentials come from the environment, with the emulator's defaults: SINCH_PROJECT_ID,
SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_APP_ID, SINCH_CONTACT_ID. Without a base URL the real API
is used (set SINCH_REGION: us, eu or br). Prints the provider's id, the accepted time and the
number of attempts; exits 1 on failure.
"""
import os
import sys

import sendevent


def env(name, default):
    return os.environ.get(name) or default


def main():
    base_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SENDEVENT_BASE_URL")
    options = dict(project_id=env("SINCH_PROJECT_ID", "example-project"),
                   key_id=env("SINCH_KEY_ID", "emulator-key"),
                   key_secret=env("SINCH_KEY_SECRET", "emulator-secret"))
    if base_url:
        options.update(base_url=base_url, auth_url=base_url.rstrip("/") + "/oauth2/token")
    else:
        options.update(region=env("SINCH_REGION", "eu"))
    app_id = env("SINCH_APP_ID", "example-app")
    recipient = {"contact_id": env("SINCH_CONTACT_ID", "example-contact")}

    with sendevent.Client("sinch", **options) as sinch:
        try:
            r = sinch.send_event(app_id=app_id, recipient=recipient,
                                 event={"composing_event": {}})
            print("send_event:   id=%s accepted_time=%s attempts=%d"
                  % (r.id or "-", r.accepted_time or "-", r.attempts))
            r = sinch.send_message(app_id=app_id, recipient=recipient,
                                   message={"text_message": {"text": "Hello from sendevent"}},
                                   ttl=60)
            print("send_message: id=%s accepted_time=%s attempts=%d"
                  % (r.id or "-", r.accepted_time or "-", r.attempts))
        except sendevent.Error as err:
            print("failed: %s" % err, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
