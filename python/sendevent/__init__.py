"""Send conversational events and messages through the Sinch Conversation API, Z-API (WhatsApp)
and the Amazon Connect Participant Service.

A thin Pythonic layer over libsendevent (C, wrapped with SWIG). Validation, HTTP, retries and
redaction all happen in C; this package converts arguments and raises exceptions.

    import sendevent
    sinch = sendevent.Client("sinch", project_id="P", key_id="K", key_secret="S", region="eu")
    r = sinch.send_event(app_id="A", recipient={"contact_id": "C"},
                         event={"composing_event": {}})
    print(r.id, r.accepted_time, r.attempts)

Requests use the provider's own field names (snake_case for Sinch, camelCase for Z-API,
PascalCase for Connect). Every failure raises a subclass of sendevent.Error; every outcome says
whether the request reached the provider (`sent`: "no", "maybe" or "yes").
A Client may be shared by any number of threads; the GIL is released while a call waits on the
network, and Ctrl-C interrupts a call on the main thread at once (KeyboardInterrupt).
Log records go to logging.getLogger("sendevent") and never contain a secret.
"""

from __future__ import annotations

# Only what a bare interpreter has loaded already: json, logging and datetime are reached
# lazily (below), so `import sendevent` stays cheap (docs/performance.md).
import _signal
import _thread
import builtins
import os as _os
import sys as _sys
from _collections_abc import Mapping as _Mapping  # collections.abc.Mapping, loaded at startup

from . import _swig  # the SWIG object types, and the listing of providers and options
from . import _sendevent as _ext

# the subclasses of Error, one per status, are added where they are made (below)
__all__ = ["Client", "Response", "Error", "OPERATIONS", "MAX_DEPTH", "__version__", "version"]

__version__ = _ext.se_version()


def _listed(step, provider):
    """Every item a listing call of the C library (sendevent/listing.h) hands out, in order."""
    items, item = [], step(provider, None)
    while item is not None:
        items.append(item)
        item = step(provider, item)
    return items


def _providers():
    """The providers the C library lists, in order."""
    return _listed(lambda _, prev: _swig.se_provider_next(prev), None)


#: Operations of every provider (each Client method of the same name sends one).
OPERATIONS = {p.name: tuple(o.name for o in _listed(_swig.se_operation_next, p.name))
              for p in _providers()}

def version():
    """Version of the loaded C library, e.g. "0.1.0"."""
    return _ext.se_version()


# --------------------------------------------------------------------------------------------
# responses
# --------------------------------------------------------------------------------------------

_UNSET = object()


class Response:
    """The outcome of one send. Fields are read from the C response on first access.

    Attributes: id, accepted_time, http_status, request_id, attempts, elapsed (seconds),
    body (the parsed JSON body, or None when the body is empty or not JSON), text (the raw body),
    warnings (list of str), status ("ok" or the failure's status name), ok, sent ("no", "maybe"
    or "yes"), client_token (Connect), provider, operation, provider_code, error_message;
    header(name) reads a response header.
    """

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


# --------------------------------------------------------------------------------------------
# exceptions
# --------------------------------------------------------------------------------------------

class Error(Exception):
    """Base class of every sendevent failure.

    Attributes: status (the status name: "invalid", "auth", ...), code (the C se_status number),
    http_status (0 when no HTTP answer), provider_code, message, request_id, sent ("no", "maybe"
    or "yes": whether the request reached the provider; "no" without a response), client_token
    (Connect's, else None), and response (the Response of the failed send, or None when the call
    has none, e.g. a bad option).
    """

    status = "error"

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


def _error_classes():
    """{code: class} for every failing status, in the order of the codes."""
    classes = {}
    for code in sorted((getattr(_ext, k) for k in dir(_ext) if k.startswith("SE_E_")),
                       reverse=True):
        status = _ext.se_status_name(code)
        name = _ERROR_NAMES.get(status) or status.title().replace("_", "") + "Error"
        doc = _ext.se_strerror(code)
        classes[code] = type(name, (Error,) + _ERROR_BASES.get(status, ()), {
            "__doc__": doc[:1].upper() + doc[1:] + ".", "__module__": __name__,
            "status": status})
    return classes


_ERRORS = _error_classes()
for _cls in _ERRORS.values():
    globals()[_cls.__name__] = _cls  # TimeoutError shadows the builtin on purpose
    __all__.append(_cls.__name__)
del _cls
ValidationError = _ERRORS[_ext.SE_E_INVALID]  # named for the code below


def _make_error(code, message, handle):
    """Called by the extension for every failing status: builds the exception to raise."""
    response = Response(handle) if handle is not None else None
    return _ERRORS.get(code, Error)(message, code=code, response=response)


_ext.set_error_factory(_make_error)


def _main_thread_ident():
    threading = _sys.modules.get("threading")  # not imported for this: see the module's imports
    return threading.main_thread().ident if threading else _thread.get_ident()


# Ctrl-C: blocking calls on the main thread, while SIGINT raises KeyboardInterrupt, are
# cancelled by the signal (bindings/python/sigint.i).
_ext.set_sigint_hooks(_signal.getsignal, _signal.default_int_handler, _signal.SIGINT,
                      _main_thread_ident())
if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_ext.after_fork_child)


# --------------------------------------------------------------------------------------------
# request encoding
# --------------------------------------------------------------------------------------------

_INF = float("inf")
def _dumps(obj):
    """Compact JSON text of a request. Replaces itself with the encoder on first use."""
    global _dumps
    import json
    _dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
    return _dumps(obj)


#: Requests (and responses) nest objects and arrays at most this deep (the C library's limit).
MAX_DEPTH = 128


class _ValidationTypeError(ValidationError, TypeError):
    """A request value JSON has no form for (a set, an object): a ValidationError naming the
    field, and a TypeError as it always was."""


def _unicode_problem(text):
    """The problem of a str that has no UTF-8 form (a lone surrogate), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return ValueError("not valid Unicode: a lone surrogate at index %d" % exc.start)
    return None


def _find_unencodable(value, path, seen, depth=0):
    """Path and problem of the first value json cannot encode, or None. Not recursive past
    MAX_DEPTH, so that it names the place where a request nests too deep."""
    if isinstance(value, float) and (value != value or value in (_INF, -_INF)):
        return path, ValueError("%r is not a JSON number (NaN and infinities are not allowed)"
                                % value)
    if isinstance(value, str):
        problem = _unicode_problem(value)
        return (path, problem) if problem else None
    if isinstance(value, (str, int, float, bool)) or value is None:
        try:
            _dumps(value)
        except (TypeError, ValueError) as exc:
            return path, exc
        return None
    if isinstance(value, (dict, list, tuple)):
        if depth >= MAX_DEPTH:
            return path, ValueError("nested deeper than %d levels" % MAX_DEPTH)
        if id(value) in seen:
            return path, ValueError("circular reference")
        seen.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(value, dict):
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    return path, TypeError("keys must be str, not %s" % type(key).__name__)
                sub = "%s.%s" % (path, key) if path else str(key)
                problem = _unicode_problem(key) if isinstance(key, str) else None
                if problem:
                    return sub, problem
            else:
                sub = "%s[%d]" % (path, key)
            found = _find_unencodable(item, sub, seen, depth + 1)
            if found:
                return found
        seen.discard(id(value))
        return None
    return path, TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def _encode_error(where, obj, exc):
    """The ValidationError (also a TypeError for a value of the wrong type) naming the field
    that could not become JSON."""
    found = _find_unencodable(obj, "", set())
    path, problem = found if found else ("", exc)
    cls = _ValidationTypeError if isinstance(problem, TypeError) else ValidationError
    if isinstance(problem, RecursionError):  # not found below the limit: say what happened
        problem = "nested too deep to encode"
    if path:
        return cls("%s: argument %r: %s" % (where, path, problem), code=-1)
    return cls("%s: %s" % (where, problem), code=-1)


def _encode(where, request, fields):
    """The request as compact JSON text. request: a dict (or Mapping), JSON text (str/bytes,
    passed through as is), or None; fields: keyword arguments merged over it."""
    if request is None:
        obj = fields
    elif type(request) is dict:
        obj = {**request, **fields} if fields else request
    elif isinstance(request, (str, bytes)):
        if fields:
            raise TypeError("%s: keyword arguments cannot be combined with a JSON text request"
                            % where)
        return request
    elif isinstance(request, _Mapping):
        obj = dict(request)
        if fields:  # None from send_many
            obj.update(fields)
    else:
        raise TypeError("%s: the request must be a dict or JSON text, not %s"
                        % (where, type(request).__name__))
    text = _ext.json_text(obj)  # the usual dict, written in C; None: json decides
    if text is not None:
        return text
    try:
        text = _dumps(obj)
        if not text.isascii():
            text.encode("utf-8")  # a lone surrogate: named below, never UnicodeEncodeError
        return text
    except (TypeError, ValueError, RecursionError) as exc:
        raise _encode_error(where, obj, exc) from None


def _option_text(key, value):
    if not isinstance(key, str):
        raise TypeError("option names must be str, not %s" % type(key).__name__)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = _ext.number_text(value)  # as Lua writes it (C)
    elif "datetime" in _sys.modules and isinstance(value, _sys.modules["datetime"].timedelta):
        text = _ext.number_text(value.total_seconds())  # exists only once datetime is loaded
    elif isinstance(value, _os.PathLike):
        text = _os.fsdecode(_os.fspath(value))
    else:
        raise TypeError("option %r: expected str, bool, int, float or a path, not %s"
                        % (key, type(value).__name__))
    return text  # a NUL or a lone surrogate: ValidationError from the extension


def _deadline(value):
    """A per-call deadline as the C calls take it: seconds > 0, or 0.0 (None: the client's
    `deadline` option)."""
    if value is None:
        return 0.0
    if "datetime" in _sys.modules and isinstance(value, _sys.modules["datetime"].timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("deadline must be a number of seconds, not %s" % type(value).__name__)
    if not value > 0:  # NaN too
        raise ValueError("deadline must be more than 0 seconds, got %r" % value)
    return float(value)


# --------------------------------------------------------------------------------------------
# the client
# --------------------------------------------------------------------------------------------

def _closed():
    return ValueError("the sendevent client is closed")


class Client:
    """A configured connection to one provider: "sinch", "zapi" or "connect".

    Options are keyword arguments, converted to the C library's option strings (bools give
    "true"/"false", numbers their decimal text; None leaves an option at its default):

%s

    A bad option raises ValidationError naming it. Close the client with close() or use it
    as a context manager; one client may be shared by many threads.
    """

    __slots__ = ("_c", "_provider", "_region", "__weakref__")

    def __init__(self, provider, **options):
        if not isinstance(provider, str):
            raise TypeError("provider must be a str (\"sinch\", \"zapi\" or \"connect\"), not %s"
                            % type(provider).__name__)
        c = _ext.se_client_new(provider)
        _ext.install_logger(c)  # lines to logging.getLogger("sendevent") when it emits them
        for key, value in options.items():
            if value is not None:
                _ext.se_client_set(c, key, _option_text(key, value))
        self._c = c
        self._provider = provider
        self._region = _ext.se_client_get(c, "region") if provider != "zapi" else None

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self):
        """Closes the client's connections. Calls already running finish first; any later
        call raises ValueError. Closing twice is harmless."""
        self._c = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def closed(self):
        return self._c is None

    @property
    def provider(self):
        """"sinch", "zapi" or "connect"."""
        return self._provider

    @property
    def region(self):
        return self._region

    def option(self, key):
        """The value an option has (its default when unset); secrets read "[REDACTED]"."""
        c = self._c
        if c is None:
            raise _closed()
        return _ext.se_client_get(c, key)

    def cancel(self):
        """Cancels every send and send_many of this client in progress now, on any thread:
        requests not started end with CancelledError (sent "no"), requests in flight are
        aborted (CancelledError, sent "maybe"), finished ones keep their result. Later calls
        are not affected. Safe from any thread."""
        c = self._c
        if c is None:
            raise _closed()
        _ext.se_client_cancel(c)

    def __repr__(self):
        text = "<sendevent.Client provider=%r" % self._provider
        if self._region:
            text += " region=%r" % self._region
        if self._c is None:
            text += " closed"
        return text + ">"

    # -- calls -------------------------------------------------------------------------------

    def send(self, operation, request=None, /, *, deadline=None, **fields):
        """Validates and sends one request for `operation`; returns a Response or raises a
        subclass of Error (ValidationError: nothing was sent). The request is a dict and/or
        keyword arguments with the provider's field names (or JSON text, sent as is).
        `deadline` (seconds, over all attempts; default: the client's option) is not a field."""
        if type(operation) is not str:
            raise TypeError("operation must be a str, not %s" % type(operation).__name__)
        return self._send(operation, request, fields, deadline)

    def _send(self, operation, request, fields, deadline):
        c = self._c
        if c is None:
            raise _closed()
        body = _encode(operation, request, fields)
        seconds = 0.0 if deadline is None else _deadline(deadline)
        return Response(_ext.send(c, operation, body, seconds))

    def validate(self, operation, request=None, /, **fields):
        """Checks a request without any network traffic: returns None or raises
        ValidationError naming the field and the rule."""
        c = self._c
        if c is None:
            raise _closed()
        _ext.se_validate(c, operation, _encode(operation, request, fields))

    def prepare(self, operation, request=None, /, **fields):
        """The exact HTTP request send() would make, as text (request line, headers, blank
        line, body), with every secret replaced by "[REDACTED]". Nothing is sent."""
        c = self._c
        if c is None:
            raise _closed()
        return _ext.se_prepare(c, operation, _encode(operation, request, fields))

    def send_many(self, operation, requests, concurrency=64, *, deadline=None):
        """Sends many requests of one operation at once, at most `concurrency` (1..1024) in
        flight. Returns a list in input order holding, for each request, its Response or the
        Error it failed with (nothing is raised for a failed request; an invalid one is not
        sent). Requests are dicts or JSON texts. `deadline`: seconds for each request over all
        its attempts, counted from the call (default: the client's option).

        Ctrl-C (on the main thread) stops it at once: nothing more is started, requests in
        flight are aborted, and the KeyboardInterrupt raised carries `results`, the same list
        (CancelledError for the requests cut short, sent "no" or "maybe")."""
        c = self._c
        if c is None:
            raise _closed()
        if type(operation) is not str:
            raise TypeError("operation must be a str, not %s" % type(operation).__name__)
        if isinstance(concurrency, bool) or not isinstance(concurrency, int):
            raise TypeError("concurrency must be an int, not %s" % type(concurrency).__name__)
        if not 1 <= concurrency <= 1024:
            raise ValueError("concurrency must be between 1 and 1024, got %d" % concurrency)
        seconds = 0.0 if deadline is None else _deadline(deadline)
        if isinstance(requests, (str, bytes, _Mapping)):
            raise TypeError("requests must be a list of requests, not %s"
                            % type(requests).__name__)
        if type(requests) is not list:
            requests = list(requests)
        if not requests:
            return []

        def encode(i, request):  # what the C loop leaves: raises naming requests[i]
            return _encode("%s: requests[%d]" % (operation, i), request, None)

        batch = _ext.se_batch_new(c)
        takes = None
        try:
            # se_batch_add for each, in C; dicts written as JSON there too
            _ext.batch_add_all(batch, operation, requests, encode, seconds)
            # se_batch_run (the GIL released; Ctrl-C cancels the batch), then se_batch_take for
            # each, in C
            takes = _ext.batch_run_take(batch, concurrency)
            return self._results(operation, takes)
        except KeyboardInterrupt as exc:
            if takes is None:  # raised by batch_run_take: the responses ride on the exception
                takes = exc.__dict__.pop("_sendevent_takes", None)
            if takes is not None:
                exc.results = self._results(operation, takes)
            raise
        finally:
            del batch  # freed before the client reference goes

    def _results(self, operation, takes):
        results = []
        status_of = _ext.se_response_status
        for handle in takes:
            code = status_of(handle)
            if code == 0:
                result = Response(handle)
            else:
                message = _ext.se_response_error_message(handle) or _ext.se_strerror(code)
                result = _make_error(code, message, handle)
            results.append(result)
        return results


def _option_lines():
    """The Client docstring's option list, from the C listing."""
    def keys(provider, own):
        return ", ".join(o.key + (" (alias of %s)" % o.alias_of if o.alias_of else "")
                         for o in _listed(_swig.se_option_next, provider)
                         if own == (o.provider is not None or o.alias_of is not None))
    providers = _providers()
    lines = ["    * common: " + keys(providers[0].name, False)]
    lines += ["    * %s: %s" % (p.name, keys(p.name, True)) for p in providers]
    return "\n".join(lines)


def _operation_method(name):
    """Client.<name>: sends operation `name` (request, keyword fields and deadline as send)."""
    def method(self, request=None, /, *, deadline=None, **fields):
        return self._send(name, request, fields, deadline)
    uses = ["%s %s (%s)" % (o.provider, o.route, o.help)
            for p in _providers() for o in _listed(_swig.se_operation_next, p.name)
            if o.name == name]
    method.__name__ = name
    method.__qualname__ = "Client." + name
    method.__doc__ = "Sends %s: %s." % (name, "; ".join(uses))
    return method


Client.__doc__ %= _option_lines()
# one method per operation the C library lists; an operation never hides a Client method
for _name in dict.fromkeys(op for ops in OPERATIONS.values() for op in ops):
    if not hasattr(Client, _name):
        setattr(Client, _name, _operation_method(_name))
del _name
