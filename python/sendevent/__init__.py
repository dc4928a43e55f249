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
import os as _os
import sys as _sys
from _collections_abc import Mapping as _Mapping  # collections.abc.Mapping, loaded at startup

from . import _swig  # the SWIG object types, and the listing of providers and options
from . import _sendevent as _ext
from ._encode import MAX_DEPTH, _deadline, _encode, _option_text
from ._encode import _ValidationTypeError  # noqa: F401  (tests reach it here)
from ._errors import _ERRORS, Error, Interrupted, _make_error
from ._response import Response

__all__ = ["Client", "AsyncClient", "Response", "Error", "Interrupted", "OPERATIONS", "MAX_DEPTH", "__version__", "version"]

# one subclass of Error per failing C status (_errors.py), found here as sendevent.<Name>
for _cls in _ERRORS.values():
    globals()[_cls.__name__] = _cls  # TimeoutError shadows the builtin on purpose
    __all__.append(_cls.__name__)
del _cls
_ext.set_error_factory(_make_error)

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
        _ext.client_check(c)  # required options missing or contradictory: ValidationError now
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
        """The value an option has (its default when unset); secrets read "[REDACTED]".
        Raises ValueError for a key this provider's client does not have."""
        c = self._c
        if c is None:
            raise _closed()
        if not isinstance(key, str) or _ext.se_option_find(self._provider, key) is None:
            raise ValueError("%r: not an option of a %s client" % (key, self._provider))
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
        body = _encode(operation, request, fields, self._provider)
        seconds = 0.0 if deadline is None else _deadline(deadline)
        return Response(_ext.send(c, operation, body, seconds))

    def validate(self, operation, request=None, /, **fields):
        """Checks a request without any network traffic: returns None or raises
        ValidationError naming the field and the rule."""
        c = self._c
        if c is None:
            raise _closed()
        _ext.se_validate(c, operation, _encode(operation, request, fields, self._provider))

    def prepare(self, operation, request=None, /, **fields):
        """The exact HTTP request send() would make, as text (request line, headers, blank
        line, body), with every secret replaced by "[REDACTED]". Nothing is sent."""
        c = self._c
        if c is None:
            raise _closed()
        return _ext.se_prepare(c, operation, _encode(operation, request, fields, self._provider))

    def send_many(self, operation, requests, concurrency=64, *, deadline=None):
        """Sends many requests of one operation at once, at most `concurrency` (1..1024) in
        flight. Returns a list in input order holding, for each request, its Response or the
        Error it failed with (nothing is raised for a failed request; an invalid one is not
        sent). Requests are dicts or JSON texts. `deadline`: seconds for each request over all
        its attempts, counted from the call (default: the client's option).

        Ctrl-C (on the main thread) stops it at once: nothing more is started, requests in
        flight are aborted, and it raises sendevent.Interrupted (a KeyboardInterrupt) whose
        `results` is the same list (CancelledError for the requests cut short, sent "no" or
        "maybe")."""
        c, requests, seconds, encode = self._many_args(operation, requests, concurrency,
                                                       deadline)
        if not requests:
            return []
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
            if takes is None:
                raise
            interrupted = Interrupted(self._results(operation, takes))
            raise interrupted.with_traceback(exc.__traceback__) from None
        finally:
            del batch  # freed before the client reference goes

    def send_iter(self, operation, requests, concurrency=64, *, deadline=None):
        """Sends many requests of one operation as send_many does, yielding (index, result) as
        each completes (result: a Response or the Error it failed with), so a loop has every
        result it has seen even when interrupted. Ctrl-C while it waits raises
        KeyboardInterrupt and cancels what is left; so does leaving the loop early (break, an
        exception, closing the generator)."""
        c, requests, seconds, encode = self._many_args(operation, requests, concurrency,
                                                       deadline)
        if not requests:
            return
        import select
        batch = _ext.se_batch_new(c)
        _ext.batch_add_all(batch, operation, requests, encode, seconds)
        _ext.stream_start(batch, concurrency)
        left = len(requests)
        try:
            _ext.stream_close(batch)
            fd = _ext.stream_fd(batch)
            while left:
                ready = _ext.stream_take(batch)
                if not ready:
                    select.select([fd], [], [])  # the GIL released; Ctrl-C raises here
                    continue
                for index, handle in ready:
                    left -= 1
                    yield index, self._results(operation, (handle,))[0]
        finally:
            if left:
                _ext.se_batch_cancel(batch)
            del batch  # se_batch_free: joins the batch's thread, before the client goes

    def _many_args(self, operation, requests, concurrency, deadline):
        """send_many's and send_iter's arguments checked: the C client, the requests as a list,
        the deadline in seconds and the encoder of one request."""
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

        def encode(i, request):  # what the C loop leaves: raises naming requests[i]
            return _encode("%s: requests[%d]" % (operation, i), request, None, self._provider)
        return c, requests, seconds, encode

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


def _operation_uses(name):
    """"sinch events:send (an event: ...); ..." for every provider that lists operation `name`."""
    return "; ".join("%s %s (%s)" % (o.provider, o.route, o.help)
                     for p in _providers() for o in _listed(_swig.se_operation_next, p.name)
                     if o.name == name)


def _operation_method(name):
    """Client.<name>: sends operation `name` (request, keyword fields and deadline as send)."""
    def method(self, request=None, /, *, deadline=None, **fields):
        return self._send(name, request, fields, deadline)
    method.__name__ = name
    method.__qualname__ = "Client." + name
    method.__doc__ = "Sends %s: %s." % (name, _operation_uses(name))
    return method


Client.__doc__ %= _option_lines()
# one method per operation the C library lists; an operation never hides a Client method
for _name in dict.fromkeys(op for ops in OPERATIONS.values() for op in ops):
    if not hasattr(Client, _name):
        setattr(Client, _name, _operation_method(_name))
del _name


def __getattr__(name):
    """AsyncClient is loaded on first use: asyncio is not imported by `import sendevent`; so
    is the webhooks module (sendevent.webhooks: verifying and reading callbacks)."""
    if name == "AsyncClient":
        from ._async import AsyncClient
        globals()["AsyncClient"] = AsyncClient
        return AsyncClient
    if name == "webhooks":
        __import__(__name__ + ".webhooks")  # sets the attribute; `from . import` would recurse
        return globals()["webhooks"]
    raise AttributeError("module 'sendevent' has no attribute %r" % name)
