"""sendevent.Response: the outcome of one send, read from the C response on first access."""

from __future__ import annotations

from . import _sendevent as _ext

_UNSET = object()


class Response:
    """The outcome of one send. Fields are read from the C response on first access.

    Attributes: id, accepted_time, http_status, request_id, attempts, elapsed (seconds),
    body (the parsed JSON body, or None when the body is empty or not JSON), text (the raw body),
    warnings (list of str), status ("ok" or the failure's status name), ok, sent ("no", "maybe"
    or "yes"), client_token (Connect), provider, operation, provider_code, error_message;
    header(name) reads a response header.
    """

    __module__ = "sendevent"  # where users find it
    __slots__ = ("_r", "_body")

    def __init__(self, handle):
        self._r = handle
        self._body = _UNSET

    @property
    def id(self):
        """The provider's id: Sinch event_id/message_id, Z-API messageId, Connect Id."""
        return _ext.se_response_id(self._r)

    @property
    def accepted_time(self):
        """Sinch accepted_time or Connect AbsoluteTime (ISO-8601 text); None otherwise."""
        return _ext.se_response_accepted_time(self._r)

    @property
    def http_status(self):
        """HTTP status of the last attempt; 0 when no HTTP answer was received."""
        return _ext.se_response_http_status(self._r)

    @property
    def request_id(self):
        """The provider's request id (Connect x-amzn-RequestId, ...), or None."""
        return _ext.se_response_request_id(self._r)

    @property
    def attempts(self):
        """Number of HTTP attempts made (0 when nothing was sent)."""
        return _ext.se_response_attempts(self._r)

    @property
    def sent(self):
        """Whether the request reached the provider: "yes" (an answer came, whatever it said),
        "maybe" (written, no answer: it may have been delivered) or "no" (it never left; sending
        it again cannot make a duplicate)."""
        return _ext.se_sent_name(_ext.se_response_sent(self._r))

    @property
    def client_token(self):
        """The Connect ClientToken the request carried (the caller's or the generated one):
        send the same request again with it and Connect does not deliver it twice. None for the
        other providers and operations."""
        return _ext.se_response_client_token(self._r)

    @property
    def elapsed(self):
        """Wall time of the whole send including retries, in seconds."""
        return _ext.se_response_elapsed(self._r)

    @property
    def body(self):
        """The response body parsed from JSON (usually a dict); None if empty or not JSON."""
        body = self._body
        if body is _UNSET:
            raw = _ext.se_response_body(self._r)
            import json  # first use of a body; see the module's imports
            try:
                body = json.loads(raw) if raw else None
            except (ValueError, RecursionError):  # deeper than MAX_DEPTH: a ProtocolError
                body = None
            self._body = body
        return body

    @property
    def text(self):
        """The raw response body as text (invalid UTF-8 replaced)."""
        return _ext.se_response_body(self._r).decode("utf-8", "replace")

    @property
    def content(self):
        """The raw response body as bytes."""
        return _ext.se_response_body(self._r)

    @property
    def warnings(self):
        """Warnings from local validation (unknown channel, deprecated ContentType)."""
        w = _ext.se_response_warnings(self._r)
        return w.splitlines() if w else []

    @property
    def status(self):
        """"ok", or the failure's status name ("invalid", "auth", "throttled", ...)."""
        return _ext.se_status_name(_ext.se_response_status(self._r))

    @property
    def ok(self):
        return _ext.se_response_status(self._r) == 0

    @property
    def provider(self):
        return _ext.se_response_provider(self._r)

    @property
    def operation(self):
        return _ext.se_response_operation(self._r)

    @property
    def provider_code(self):
        """The provider's error code ("INVALID_ARGUMENT", "ValidationException", ...)."""
        return _ext.se_response_provider_code(self._r)

    @property
    def error_message(self):
        """Failure detail (the provider's message or the local error); None on success."""
        return _ext.se_response_error_message(self._r)

    def header(self, name):
        """Value of a header of the last answer (name case-insensitive), or None."""
        return _ext.se_response_header(self._r, name)

    @property
    def headers(self):
        """All headers of the last answer, as (name, value) pairs in the order received."""
        r = self._r
        return [tuple(_ext.se_response_header_at(r, i))
                for i in range(_ext.se_response_header_count(r))]

    @property
    def request_line(self):
        """The request line sent, secrets redacted ("POST https://.../send-event"); None when
        the request failed validation."""
        return _ext.se_response_request_line(self._r)

    def __repr__(self):
        parts = ["provider=%r" % self.provider, "operation=%r" % self.operation,
                 "status=%r" % self.status, "sent=%r" % self.sent,
                 "http_status=%d" % self.http_status]
        if self.id is not None:
            parts.append("id=%r" % self.id)
        return "<sendevent.Response %s>" % " ".join(parts)
