"""sendevent.AsyncClient: every operation of Client as a coroutine, for asyncio.

Driven by the C library's batches that an event loop drives (se_batch_attach, se_batch_step):
the batch's descriptor (se_batch_fd: its sockets and its waker) is registered with the running
loop (loop.add_reader) and each readiness, or the time the last step asked to be called again
(one timer handle), runs one non-blocking step on the loop's own thread, with the GIL released
while curl works: no thread per request, no thread per batch, no wake of the loop from another
thread. Requests are validated, sent, logged and
redacted by the C library exactly as Client's are; results are the same Response objects and
failures the same Error subclasses.
"""

from __future__ import annotations

import asyncio
import os as _os
import weakref as _weakref
from _collections_abc import Mapping as _Mapping

from . import Client, OPERATIONS, _closed, _operation_uses
from . import _sendevent as _ext
from ._encode import _deadline, _encode
from ._errors import _make_error
from ._response import Response

_MAX_CONCURRENCY = 1024
_clients = _weakref.WeakSet()  # every AsyncClient, for the fork hook below


def _concurrency(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("concurrency must be an int, not %s" % type(value).__name__)
    if not 1 <= value <= _MAX_CONCURRENCY:
        raise ValueError("concurrency must be between 1 and %d, got %d"
                         % (_MAX_CONCURRENCY, value))
    return value


def _result(handle):
    """The Response of a C response, or the Error it failed with (as Client.send_many)."""
    code = _ext.se_response_status(handle)
    if code == 0:
        return Response(handle)
    message = _ext.se_response_error_message(handle) or _ext.se_strerror(code)
    return _make_error(code, message, handle)


class _Stream:
    """One batch on one loop, each completed response handed to `deliver(index, handle)`; ends
    (reader and timer removed, batch freed) once closed and everything added has completed.

    The single awaits of a client share a batch the loop drives from its own thread
    (se_batch_attach): its descriptor registered with the loop (add_reader), each readiness or
    due time answered by one step (the GIL released while curl works), so a lone await costs no
    thread hand-off. A list given whole (send_many, send_iter: `requests`) runs on a thread of
    its own instead (se_batch_start): many responses come per wake of the loop, and the batch
    sends while the loop's thread handles what came (measured: docs/performance.md)."""

    __slots__ = ("batch", "client", "loop", "fd", "deliver", "closed", "done", "waiters",
                 "on_done", "timer", "soon", "eager", "threaded")

    def __init__(self, c, loop, concurrency, deliver, requests=None, operation=None,
                 encode=None, deadline=0.0):
        batch = _ext.se_batch_new(c)
        self.threaded = bool(requests)
        if requests:  # added before the start: one C call for the whole list
            _ext.batch_add_all(batch, operation, requests, encode, deadline)
            _ext.stream_start(batch, concurrency)
        else:
            _ext.stream_attach(batch, concurrency)
        self.batch, self.loop, self.deliver = batch, loop, deliver
        self.client = c  # the C client outlives its batch (se_batch_new's rule)
        self.closed = self.done = self.soon = False
        self.eager = True  # the loop has stepped since the last step an add made
        self.timer = None  # the one timer handle: the step's next_timeout
        self.waiters = {}  # index -> future, for the single awaits of a shared stream
        self.on_done = None
        self.fd = _ext.stream_fd(batch)
        loop.add_reader(self.fd, self._step)

    def add(self, operation, body, deadline):
        """Adds a request: its index, for the caller's future; then kick()."""
        return _ext.stream_add(self.batch, operation, body, deadline)

    def kick(self):
        """After adds: the first since the loop last stepped is sent at once (a lone await
        costs no extra turn of the loop); later ones wait for one step soon, for all of them."""
        if self.soon or self.done:
            return
        if self.eager:
            self.eager = False
            self._step(eager=True)
        else:
            self._step_soon()

    def close(self):
        """No more requests: the run ends when everything added is done."""
        if not self.closed:
            self.closed = True
            _ext.stream_close(self.batch)
            self._step()  # starts what was added, or sees it is over already

    def cancel(self):
        """Cancels every request of the batch still running (CancelledError, sent "no" or
        "maybe"); their responses still come through deliver."""
        if not self.done:
            _ext.se_batch_cancel(self.batch)

    def _step_soon(self):
        if not self.soon and not self.done:
            self.soon = True
            self.loop.call_soon(self._step)

    def _on_timer(self):
        self.timer = None
        self._step()

    def _step(self, eager=False):
        if not eager:  # the loop's: readiness, the timer, or a step soon
            self.soon = False
            self.eager = True
        if self.done:
            return
        if self.threaded:  # the batch's own thread sends: take what it finished
            timeout, ready = -1, _ext.stream_take(self.batch)
        else:
            timeout, ready = _ext.stream_step(self.batch)
        for index, handle in ready:
            self.deliver(index, handle)
        if self.closed and _ext.stream_pending(self.batch) == 0:
            self.finish()
        elif timeout == 0:
            self._step_soon()
        elif timeout > 0:
            # one timer: moved only when the step wants to be called earlier than it fires (a
            # later one fires early, steps, and is set again)
            when = self.loop.time() + timeout
            timer = self.timer
            if timer is None or when < timer.when() - 0.001:
                if timer is not None:
                    timer.cancel()
                self.timer = self.loop.call_at(when, self._on_timer)

    def finish(self):
        """Removes the reader and the timer and frees the batch (cancelling what is left)."""
        if self.done:
            return
        self.done = True
        if not self.loop.is_closed():
            self.loop.remove_reader(self.fd)
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.batch = None  # se_batch_free: cancels what is left and ends the run at once
        self.client = None
        if self.on_done is not None:
            self.on_done(self)

    def __del__(self):
        # a stream dropped unfinished (its loop closed, its client collected): the batch goes
        # first, then the client it uses (a finalizer runs before the collector clears slots)
        self.batch = None
        self.client = None


class AsyncClient:
    """Client for asyncio: `await client.send_event(...)`, `await client.send_many(...)`,
    `async for index, result in client.send_iter(...)`.

    Options are those of Client (see help(sendevent.Client)); `concurrency` (1..1024, default
    64) bounds the single awaits in flight at once (more wait their turn in C). A client belongs
    to the event loop it is first used in: using it from another raises RuntimeError (in a
    process forked from one that used it, to the first loop it is used in there). Close it
    with `await client.aclose()` or `async with`; requests still in flight are then cancelled
    (CancelledError, sent "no" or "maybe").

    Cancelling a task that awaits a send cancels exactly its request (not started: sent "no";
    in flight: aborted, sent "maybe"), while the other awaits sharing the client's batch go on;
    the outcome is on the CancelledError as `sendevent_error`. send_many and send_iter run a
    batch of their own, cancelled with the task (or when the iteration stops).
    """

    __slots__ = ("_client", "_loop", "_shared", "_streams", "_concurrency", "__weakref__")

    def __init__(self, provider, *, concurrency=64, **options):
        self._concurrency = _concurrency(concurrency)
        self._client = Client(provider, **options)
        self._loop = None
        self._shared = None  # the started batch the single awaits share
        self._streams = set()  # every stream not finished
        _clients.add(self)

    # -- lifecycle ---------------------------------------------------------------------------

    async def aclose(self):
        """Cancels what is in flight, waits for the batches to end, closes the client. Closing
        twice is harmless."""
        if self._client.closed:
            return
        streams = list(self._streams)
        for s in streams:
            s.cancel()
            s.close()
        self._shared = None
        while any(not s.done for s in streams):
            await asyncio.sleep(0)  # the cancelled batches end within a poll of the cancel
        self._client.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.aclose()

    @property
    def closed(self):
        return self._client.closed

    @property
    def provider(self):
        return self._client.provider

    @property
    def region(self):
        return self._client.region

    def option(self, key):
        """As Client.option."""
        return self._client.option(key)

    def validate(self, operation, request=None, /, **fields):
        """As Client.validate (no network: not a coroutine)."""
        return self._client.validate(operation, request, **fields)

    def prepare(self, operation, request=None, /, **fields):
        """As Client.prepare (no network: not a coroutine)."""
        return self._client.prepare(operation, request, **fields)

    def __repr__(self):
        return repr(self._client).replace("sendevent.Client", "sendevent.AsyncClient", 1)

    def _bind(self):
        """The running loop, which must be the client's own; the client's C handle."""
        c = self._client._c
        if c is None:
            raise _closed()
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif loop is not self._loop:
            raise RuntimeError("this sendevent.AsyncClient belongs to another event loop (the "
                               "one it was first used in); make one AsyncClient per loop")
        return c, loop

    def _forget_parent_loop(self):
        """In a forked child: the parent's loop and batches are not this process's. Their
        readers are left alone (the child's copy of the loop shares its epoll instance with the
        parent's loop: changing it would change the parent's), their batches are abandoned
        (se_batch_free leaves a batch attached in the parent alone: its descriptor and sockets
        are the parent's too), and the client binds to the first loop it is used in here."""
        for stream in self._streams:
            stream.done = True
            stream.timer = None
            stream.batch = None
            stream.client = None
        self._streams = set()
        self._shared = None
        self._loop = None

    def _track(self, stream):
        self._streams.add(stream)
        stream.on_done = self._streams.discard
        return stream

    # -- single sends ------------------------------------------------------------------------

    async def send(self, operation, request=None, /, *, deadline=None, **fields):
        """As Client.send, awaited: the Response, or raises a subclass of Error."""
        if type(operation) is not str:
            raise TypeError("operation must be a str, not %s" % type(operation).__name__)
        return await self._send(operation, request, fields, deadline)

    async def _send(self, operation, request, fields, deadline):
        c, loop = self._bind()
        body = _encode(operation, request, fields, self._client.provider)
        seconds = 0.0 if deadline is None else _deadline(deadline)
        stream = self._shared
        if stream is None:
            stream = self._shared = self._track(
                _Stream(c, loop, self._concurrency, None))
            stream.deliver = self._deliver_to(stream)
        index = stream.add(operation, body, seconds)
        fut = stream.waiters[index] = loop.create_future()
        stream.kick()  # may complete it at once: its future is there to take the result
        try:
            handle = await fut
        except asyncio.CancelledError as exc:
            await self._cancel_one(stream, index, exc)
            raise
        result = _result(handle)
        if isinstance(result, Response):
            return result
        raise result

    @staticmethod
    def _deliver_to(stream):
        waiters = stream.waiters

        def deliver(index, handle):
            fut = waiters.pop(index, None)
            if fut is not None and not fut.done():
                fut.set_result(handle)
        return deliver

    @staticmethod
    async def _cancel_one(stream, index, exc):
        """The task awaiting request `index` of the shared stream was cancelled: that request
        alone is cancelled in C (not started: sent "no"; in flight: aborted, sent "maybe"), the
        other awaits of the stream go on. Waits for its outcome and puts it on the
        CancelledError as `sendevent_error` (unless the task is cancelled again meanwhile)."""
        waiters = stream.waiters
        if index not in waiters or stream.done:
            return
        fut = waiters[index] = stream.loop.create_future()
        _ext.stream_cancel(stream.batch, index)
        try:
            handle = await fut
        except asyncio.CancelledError:
            return
        exc.sendevent_error = _result(handle)

    # -- many sends --------------------------------------------------------------------------

    async def send_iter(self, operation, requests, concurrency=64, *, deadline=None):
        """Sends many requests of one operation as Client.send_many does, yielding
        (index, result) as each completes (result: a Response or the Error it failed with).
        Leaving the iteration early (break, an exception, cancellation) cancels what is left."""
        c, loop = self._bind()
        operation, requests, concurrency, seconds = _many_args(operation, requests, concurrency,
                                                              deadline)
        if not requests:
            return
        ready, wake = [], [None]

        def deliver(index, handle):
            ready.append((index, handle))
            if wake[0] is not None and not wake[0].done():
                wake[0].set_result(None)

        def encode(i, request):  # what the C loop leaves: raises naming requests[i]
            return _encode("%s: requests[%d]" % (operation, i), request, None,
                           self._client.provider)

        stream = self._track(_Stream(c, loop, concurrency, deliver, requests, operation, encode,
                                     seconds))
        left = len(requests)
        try:
            stream.close()
            while left:
                if not ready:
                    wake[0] = loop.create_future()
                    await wake[0]
                batch, ready[:] = ready[:], []
                for index, handle in batch:
                    left -= 1
                    yield index, _result(handle)
        finally:
            stream.cancel()
            stream.finish()

    async def send_many(self, operation, requests, concurrency=64, *, deadline=None):
        """As Client.send_many, awaited: a list in input order of each request's Response or
        the Error it failed with. Cancelling the task cancels the batch."""
        c, loop = self._bind()
        operation, requests, concurrency, seconds = _many_args(operation, requests, concurrency,
                                                              deadline)
        if not requests:
            return []
        results = [None] * len(requests)
        left = [len(requests)]
        done = loop.create_future()

        def deliver(index, handle):  # each result put in place as it comes: one wake at the end
            results[index] = _result(handle)
            left[0] -= 1
            if not left[0] and not done.done():
                done.set_result(None)

        def encode(i, request):  # what the C loop leaves: raises naming requests[i]
            return _encode("%s: requests[%d]" % (operation, i), request, None,
                           self._client.provider)

        stream = self._track(_Stream(c, loop, concurrency, deliver, requests, operation, encode,
                                     seconds))
        try:
            stream.close()
            await done
        finally:
            stream.cancel()
            stream.finish()
        return results


def _many_args(operation, requests, concurrency, deadline):
    if type(operation) is not str:
        raise TypeError("operation must be a str, not %s" % type(operation).__name__)
    concurrency = _concurrency(concurrency)
    seconds = 0.0 if deadline is None else _deadline(deadline)
    if isinstance(requests, (str, bytes, _Mapping)):
        raise TypeError("requests must be a list of requests, not %s" % type(requests).__name__)
    if type(requests) is not list:
        requests = list(requests)
    return operation, requests, concurrency, seconds


def _operation_method(name):
    """AsyncClient.<name>: sends operation `name` (request, keyword fields and deadline as
    send), a coroutine."""
    async def method(self, request=None, /, *, deadline=None, **fields):
        return await self._send(name, request, fields, deadline)
    method.__name__ = name
    method.__qualname__ = "AsyncClient." + name
    method.__doc__ = "Sends %s, awaited: %s." % (name, _operation_uses(name))
    return method


def _after_fork_in_child():
    for client in list(_clients):
        client._forget_parent_loop()


if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_after_fork_in_child)

# one coroutine per operation the C library lists (the listing Client is built from)
for _name in dict.fromkeys(op for ops in OPERATIONS.values() for op in ops):
    if not hasattr(AsyncClient, _name):
        setattr(AsyncClient, _name, _operation_method(_name))
del _name
