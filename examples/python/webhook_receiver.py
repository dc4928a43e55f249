#!/usr/bin/env python3
"""A minimal callback receiver on the standard library's http.server: verifies Sinch's
signatures, reads the callbacks of the three providers and processes each callback once.

    SENDEVENT_WEBHOOK_SECRET=... ZAPI_WEBHOOK_PATH=some-long-random-text \\
        python3 examples/python/webhook_receiver.py [PORT]        # 0 or none: any free port

Routes (POST):
  /sinch                  a Sinch Conversation API callback, signed with the webhook's secret
  /zapi/<ZAPI_WEBHOOK_PATH>  a Z-API webhook; Z-API does not sign them, so the path holds a
                          secret only Z-API is told (set it with PUT /update-webhook-received...)
  /connect                a chat item of the Amazon Connect participant websocket, as your
                          websocket client relays it

Prints "listening on http://127.0.0.1:PORT", then one line per callback:
  "<provider> <kind> <id> <status>" when processed, "duplicate <dedup_key>" when seen before.
Answers 200 to what it accepts (and to duplicates: the provider then stops re-sending), 401 to
a callback whose signature is refused, 400 to a body that is not a callback, 404 elsewhere.
Bind it behind your TLS-terminating proxy; it listens on 127.0.0.1 only.
"""
import collections
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sendevent
from sendevent import webhooks

SECRET = os.environ.get("SENDEVENT_WEBHOOK_SECRET", "")
ZAPI_PATH = "/zapi/" + os.environ.get("ZAPI_WEBHOOK_PATH", "")
MAX_BODY = 1 << 20


class Seen:
    """The dedup keys of the last `size` callbacks processed (use a shared store, e.g. Redis
    SET NX with an expiry, when several processes receive)."""

    def __init__(self, size=100000):
        self.keys, self.size, self.lock = collections.OrderedDict(), size, threading.Lock()

    def first_time(self, key):
        with self.lock:
            if key in self.keys:
                return False
            self.keys[key] = True
            if len(self.keys) > self.size:
                self.keys.popitem(last=False)
            return True


SEEN = Seen()


def process(cb):
    """Your code: the callback's kind, id, status, and cb.data for everything else."""
    print("%s %s %s %s" % (cb.provider, cb.kind, cb.id or "-", cb.status or "-"), flush=True)


class Receiver(BaseHTTPRequestHandler):
    def answer(self, code, text):
        body = (text + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.answer(413, "too large")
        body = self.rfile.read(length)  # the raw bytes: what the signature covers
        if self.path == "/sinch":
            try:
                webhooks.verify_sinch(body, self.headers, SECRET)
            except sendevent.SignatureError as e:
                if e.reason != "replayed_nonce":
                    print("refused %s" % e.reason, flush=True)
                    return self.answer(401, "refused")
                # an authentic callback accepted before: fall through to the dedup key
            provider = "sinch"
        elif self.path == ZAPI_PATH and len(ZAPI_PATH) > len("/zapi/"):
            provider = "zapi"
        elif self.path == "/connect":
            provider = "connect"
        else:
            return self.answer(404, "no such route")
        try:
            cb = webhooks.parse(provider, body)
        except sendevent.ValidationError as e:
            return self.answer(400, str(e))
        if SEEN.first_time(cb.dedup_key):
            process(cb)
        else:
            print("duplicate %s" % cb.dedup_key, flush=True)
        self.answer(200, "ok")

    def log_message(self, fmt, *args):  # the lines above say what happened
        pass


def main():
    if not SECRET:
        sys.exit("set SENDEVENT_WEBHOOK_SECRET (the Sinch webhook's secret)")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()


if __name__ == "__main__":
    main()
