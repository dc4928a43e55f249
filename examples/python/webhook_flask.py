#!/usr/bin/env python3
"""The Sinch signature check inside a Flask view (Debian: python3-flask).

    SENDEVENT_WEBHOOK_SECRET=... flask --app examples/python/webhook_flask.py run

request.get_data() is the raw body (what Sinch signed); request.headers are matched
case-insensitively. A refused callback gets 401 and is never processed; one seen before gets
200 (Sinch stops re-sending) and is not processed again.
"""
import os

from flask import Flask, abort, request

import sendevent
from sendevent import webhooks

app = Flask(__name__)
SECRET = os.environ.get("SENDEVENT_WEBHOOK_SECRET", "")
processed = set()  # use a shared store (Redis SET NX with an expiry) with several workers


@app.post("/sinch")
def sinch_callback():
    body = request.get_data(cache=False)  # the bytes as received, never re-serialized
    try:
        webhooks.verify_sinch(body, request.headers.items(), SECRET)
    except sendevent.SignatureError as e:
        if e.reason != "replayed_nonce":
            abort(401)
    cb = webhooks.parse_sinch(body)
    if cb.dedup_key in processed:
        return "duplicate\n"
    processed.add(cb.dedup_key)
    app.logger.info("%s %s %s", cb.kind, cb.id, cb.status)  # your code here
    return {"kind": cb.kind, "id": cb.id, "status": cb.status}
