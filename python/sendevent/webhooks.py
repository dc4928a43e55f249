"""The receive side: verifying provider callbacks and reading them.

    from sendevent import webhooks
    webhooks.verify_sinch(raw_body, request_headers, secret)   # raises sendevent.SignatureError
    cb = webhooks.parse("sinch", raw_body)
    cb.kind, cb.id, cb.status, cb.dedup_key, cb["correlation_id"], cb.data

Verification and parsing happen in C (sendevent/webhook.h); this module converts arguments.
Pass the body exactly as received (bytes): a signature is over the raw bytes, and a body parsed
and serialized again is not what was signed. See docs/webhooks.md.
"""

from __future__ import annotations

import json

from . import _sendevent as _ext
from ._errors import _ERRORS

__all__ = ["verify_sinch", "parse", "parse_sinch", "parse_zapi", "parse_connect", "Callback",
           "SignatureError", "REASONS"]

SignatureError = _ERRORS[_ext.SE_E_SIGNATURE]

# the reasons a callback is refused (SignatureError.reason), as sendevent/webhook.h names them
REASONS = ("missing_header", "unsupported_algorithm", "bad_timestamp", "bad_signature",
           "stale_timestamp", "future_timestamp", "replayed_nonce", "nonce_check_failed")


def _headers(headers):
    """(name, value) pairs of a Mapping, an email.message.Message (http.server's headers, every
    value of a repeated name) or an iterable of pairs."""
    items = headers.items() if hasattr(headers, "items") else headers
    return list(items)


def verify_sinch(body, headers, secret, *, tolerance=300, now=None, nonce_seen=None):
    """Verifies a Sinch callback; returns None, or raises SignatureError with `reason` (one of
    REASONS) and a message naming the header.

    body: the raw request body (bytes, bytearray or memoryview), as received.
    headers: the request's headers (a Mapping, http.server's self.headers, or (name, value)
    pairs); names are matched case-insensitively.
    secret: the webhook's secret (str; never printed).
    tolerance: seconds the signature's timestamp may be off the clock, either way.
    now: the clock as Unix seconds (tests, replays of recorded traffic); None: the real clock.
    nonce_seen: callable(nonce: str, timestamp: int) -> bool that checks and records a nonce in
    a store of your own (True: seen before, a replay); None: the process-wide built-in cache
    (bounded; for one process). An exception it raises propagates.

    Raises TypeError for a str body (pass the raw bytes) and ValidationError for a bad secret,
    tolerance or now.
    """
    if not isinstance(secret, str):
        raise TypeError("secret must be str, not %s" % type(secret).__name__)
    w = _ext.se_webhook_new("sinch")
    _ext.se_webhook_set(w, "secret", secret)
    _ext.se_webhook_set(w, "tolerance", repr(float(tolerance)))
    if now is not None:
        _ext.se_webhook_set(w, "now", repr(float(now)))
    refused = _ext.webhook_verify(w, body, _headers(headers), nonce_seen)
    if refused is not None:
        reason, message = refused
        err = SignatureError(message, code=_ext.SE_E_SIGNATURE)
        err.reason = reason
        raise err


class Callback:
    """A parsed callback: provider, kind, the normalized fields (`fields`, a dict of str; also
    as attributes id, status, dedup_key and by item: cb["correlation_id"], cb.get(...)) and
    `data`, the callback's JSON (for Connect, the chat item inside the websocket frame), with
    every field the provider sent, known or not."""

    __slots__ = ("provider", "kind", "fields", "data")

    def __init__(self, provider, kind, fields, data):
        self.provider = provider
        self.kind = kind
        self.fields = fields
        self.data = data

    @property
    def id(self):
        return self.fields.get("id")

    @property
    def status(self):
        return self.fields.get("status")

    @property
    def dedup_key(self):
        """The same for the same callback sent again: store it to process each callback once."""
        return self.fields.get("dedup_key")

    def __getitem__(self, name):
        return self.fields[name]

    def get(self, name, default=None):
        return self.fields.get(name, default)

    def __repr__(self):
        return "Callback(%r, kind=%r, id=%r, status=%r)" % (
            self.provider, self.kind, self.id, self.status)


def parse(provider, body):
    """Parses a callback body (bytes or str) of "sinch", "zapi" or "connect" (a participant
    websocket frame, or the chat item alone). Unknown kinds and fields are kept. Raises
    ValidationError when the body is not a JSON object or the provider is unknown."""
    cb = _ext.se_callback_parse(provider, body)
    fields = {}
    for i in range(_ext.se_callback_field_count(cb)):
        name, value = _ext.se_callback_field_at(cb, i)
        fields[name] = value
    return Callback(_ext.se_callback_provider(cb), _ext.se_callback_kind(cb), fields,
                    json.loads(_ext.se_callback_json(cb, None)))


def parse_sinch(body):
    """parse("sinch", body)."""
    return parse("sinch", body)


def parse_zapi(body):
    """parse("zapi", body)."""
    return parse("zapi", body)


def parse_connect(body):
    """parse("connect", body)."""
    return parse("connect", body)
