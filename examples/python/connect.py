#!/usr/bin/env python3
"""A chat participant on Amazon Connect: connect, type, send a message, disconnect.

    python3 examples/python/connect.py http://127.0.0.1:PORT   # a running sendevent-emulator
    SENDEVENT_BASE_URL=http://127.0.0.1:PORT python3 examples/python/connect.py

Tokens come from the environment, with the emulator's defaults: CONNECT_PARTICIPANT_TOKEN,
CONNECT_CONNECTION_TOKEN (used when the connection answer carries none). Without a base URL
the real service is used (set CONNECT_REGION, e.g. us-east-1). Prints the provider's id, the
accepted time and the number of attempts; exits 1 on failure.
"""
import os
import sys

import sendevent


def env(name, default):
    return os.environ.get(name) or default


def report(operation, r):
    print("%-17s id=%s accepted_time=%s attempts=%d"
          % (operation + ":", r.id or "-", r.accepted_time or "-", r.attempts))


def main():
    base_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SENDEVENT_BASE_URL")
    options = {"endpoint_url": base_url} if base_url else \
        {"region": env("CONNECT_REGION", "us-east-1")}

    with sendevent.Client("connect", **options) as connect:
        try:
            r = connect.create_connection(
                ParticipantToken=env("CONNECT_PARTICIPANT_TOKEN", "emulator-participant-token"),
                Type=["CONNECTION_CREDENTIALS"], ConnectParticipant=True)
            report("create_connection", r)
            credentials = (r.body or {}).get("ConnectionCredentials") or {}
            token = credentials.get("ConnectionToken") or \
                env("CONNECT_CONNECTION_TOKEN", "emulator-connection-token")
            r = connect.send_event(ConnectionToken=token,
                                   ContentType="application/vnd.amazonaws.connect.event.typing")
            report("send_event", r)
            r = connect.send_message(ConnectionToken=token, ContentType="text/plain",
                                     Content="Hello from sendevent")
            report("send_message", r)
            r = connect.disconnect(ConnectionToken=token)
            report("disconnect", r)
        except sendevent.Error as err:
            print("failed: %s" % err, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
