"""sendevent.Error and its subclasses, one per failing C status, made from the se_status enum."""

from __future__ import annotations

import builtins

from . import _sendevent as _ext
from ._response import Response

class Error(Exception):
    """Base class of every sendevent failure.

    Attributes: status (the status name: "invalid", "auth", ...), code (the C se_status number),
    http_status (0 when no HTTP answer), provider_code, message, request_id, sent ("no", "maybe"
    or "yes": whether the request reached the provider; "no" without a response), client_token
    (Connect's, else None), and response (the Response of the failed send, or None when the call
    has none, e.g. a bad option). retry_after: the seconds Retry-After asked for on a
    ThrottledError (None when absent), None on every other class. reason: why a callback was
    refused, on a SignatureError (sendevent.webhooks.REASONS), None on every other class.
    """

    __module__ = "sendevent"  # where users find it
    status = "error"
    retry_after = None  # seconds from Retry-After: set on ThrottledError only
    reason = None  # why a callback was refused: set on SignatureError only (sendevent.webhooks)

    def __init__(self, message, *, code=None, response=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.response = response
        if code is not None:
            self.status = _ext.se_status_name(code)
        if response is not None:
            self.http_status = response.http_status
            self.provider_code = response.provider_code
            self.request_id = response.request_id
            self.sent = response.sent
            self.client_token = response.client_token
        else:
            self.http_status = 0
            self.provider_code = None
            self.request_id = None
            self.sent = "no"
            self.client_token = None

    def __str__(self):
        # "status: message (HTTP 404, CODE, request id R)", as every face writes it (in C)
        return _ext.error_summary(str(self.status), str(self.message), self.http_status or 0,
                                  _text_or_none(self.provider_code),
                                  _text_or_none(self.request_id))

    def __repr__(self):
        return "%s(%r, status=%r, sent=%r, http_status=%r, provider_code=%r)" % (
            type(self).__name__, self.message, self.status, self.sent, self.http_status,
            self.provider_code)

    def __reduce__(self):
        # the response wraps a C object and does not pickle; everything else does
        state = {k: v for k, v in self.__dict__.items() if k != "response"}
        state["response"] = None
        return (_rebuild_error, (type(self), self.message), state)


def _rebuild_error(cls, message):
    err = cls.__new__(cls, message)
    Exception.__init__(err, message)
    return err


def _text_or_none(value):
    return None if not value else value if isinstance(value, str) else str(value)


# One subclass of Error per failing C status, made from the se_status enum (its SWIG constants
# SE_E_*), se_status_name and se_strerror: a status added in C has its class here with no
# edit. The class name is the status name in CamelCase + "Error" unless named below; some also
# derive from the builtin exception they stand for.
_ERROR_NAMES = {"invalid": "ValidationError", "tls": "TLSError", "nomem": "OutOfMemoryError"}
_ERROR_BASES = {"invalid": (ValueError,), "timeout": (builtins.TimeoutError,)}
# attributes some classes add (set by _make_error from the response)
_ERROR_ATTRS = {"throttled": {"retry_after": None}}


def _error_classes():
    """{code: class} for every failing status, in the order of the codes."""
    classes = {}
    for code in sorted((getattr(_ext, k) for k in dir(_ext) if k.startswith("SE_E_")),
                       reverse=True):
        status = _ext.se_status_name(code)
        name = _ERROR_NAMES.get(status) or status.title().replace("_", "") + "Error"
        doc = _ext.se_strerror(code)
        attrs = {"__doc__": doc[:1].upper() + doc[1:] + ".", "__module__": "sendevent",
                 "status": status}
        attrs.update(_ERROR_ATTRS.get(status, {}))
        classes[code] = type(name, (Error,) + _ERROR_BASES.get(status, ()), attrs)
    return classes


_ERRORS = _error_classes()
ValidationError = _ERRORS[_ext.SE_E_INVALID]  # named for the code below


def _make_error(code, message, handle):
    """Called by the extension for every failing status: builds the exception to raise."""
    response = Response(handle) if handle is not None else None
    err = _ERRORS.get(code, Error)(message, code=code, response=response)
    if code == _ext.SE_E_THROTTLED and response is not None:
        # seconds the provider asked to wait (Retry-After: delay seconds or an HTTP-date,
        # counted from now), or None when it did not say
        err.retry_after = _ext.retry_after_seconds(response.header("Retry-After"))
    return err


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during Client.send_many: a KeyboardInterrupt (caught as one) whose `results`
    holds one entry per input request, in input order: the Response or Error of each request
    that finished before the signal, as it was, and a CancelledError for each of the others
    (sent "no" when it had not started, "maybe" when it was in flight). Nothing is started after
    the signal."""

    def __init__(self, results):
        self.results = results
        done = sum(1 for r in results if getattr(r, "code", None) != _ext.SE_E_CANCELLED)
        super().__init__("interrupted: %d of %d requests completed" % (done, len(results)))
