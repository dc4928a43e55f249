"""Sending through sendevent from Celery workers, on one machine or many.

    celery -A celery_app worker --concurrency 4          # in examples/python, per machine

- One client per provider per worker process, made when this module is imported, that is before
  the prefork pool forks: after fork() each child rebuilds its connections on its own (the
  engine's fork rules), so nothing is shared by accident.
- One rate budget for every worker on every machine: max_rate drawn from Redis
  (rate_limit_url, rate_limit_key). Celery's own rate_limit counts per worker, not globally.
- Celery retries only what cannot be delivered twice. A Sinch or Z-API request that may have
  been delivered (sent == "maybe": written, no answer) is recorded, never re-sent: the providers
  have no idempotency key. A Connect request carries a ClientToken fixed when it is queued, so
  it is retried with the same token and the provider delivers it once.

Configuration comes from the environment (docs/scaling.md):
    SE_BROKER           the Celery broker (default redis://127.0.0.1:6379/1)
    SE_RESULT_BACKEND   where task outcomes are kept (default: the broker)
    SENDEVENT_<PROVIDER>_<OPTION>  client options, e.g. SENDEVENT_SINCH_KEY_SECRET,
                        SENDEVENT_SINCH_MAX_RATE=800, SENDEVENT_SINCH_RATE_LIMIT_URL=redis://...,
                        SENDEVENT_SINCH_RATE_LIMIT_KEY=sinch:PROJECT
Producers call queue_send(provider, operation, request).
"""
import os
import random
import uuid

from celery import Celery

import sendevent

BROKER = os.environ.get("SE_BROKER", "redis://127.0.0.1:6379/1")
app = Celery("sendevent_celery", broker=BROKER,
             backend=os.environ.get("SE_RESULT_BACKEND", BROKER))
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                worker_prefetch_multiplier=4, broker_connection_retry_on_startup=True)

MAX_RETRIES = 10


def options_from_env(provider):
    """The client options SENDEVENT_<PROVIDER>_<OPTION> name, as the sendevent command reads."""
    prefix = "SENDEVENT_%s_" % provider.upper()
    return {k[len(prefix):].lower(): v for k, v in os.environ.items() if k.startswith(prefix)}


def _make_clients():
    made = {}
    for provider in ("sinch", "zapi", "connect"):
        opts = options_from_env(provider)
        if opts:
            made[provider] = sendevent.Client(provider, **opts)
    return made


# Made at import: in the parent before the pool forks, as Celery's prefork pool expects.
CLIENTS = _make_clients()


def _outcome(result):
    """What a task returns: enough to reconcile every request later."""
    if isinstance(result, sendevent.Response):
        return {"ok": True, "status": "ok", "sent": result.sent, "id": result.id,
                "attempts": result.attempts, "client_token": result.client_token}
    return {"ok": False, "status": result.status, "sent": result.sent, "id": None,
            "attempts": result.response.attempts if result.response else 0,
            "client_token": result.client_token, "message": str(result)}


def _countdown(task, error):
    """Seconds before Celery's next try: Retry-After when the provider gave one, else
    exponential backoff with jitter."""
    if error.retry_after:
        return error.retry_after
    return random.uniform(0, min(30.0, 0.5 * 2 ** task.request.retries))


def _send(provider, operation, request):
    try:
        return CLIENTS[provider].send(operation, request)
    except sendevent.Error as e:
        return e


@app.task(bind=True, max_retries=MAX_RETRIES)
def send_once(self, provider, operation, request):
    """Sinch and Z-API: at most once. Only what surely did not arrive is tried again: a 429
    (answered, refused) or a request that never left (sent == "no")."""
    result = _send(provider, operation, request)
    if isinstance(result, sendevent.Error) and self.request.retries < MAX_RETRIES:
        retry = isinstance(result, sendevent.ThrottledError) or (
            result.sent == "no" and not isinstance(result, sendevent.ValidationError))
        if retry:
            raise self.retry(countdown=_countdown(self, result))
    return _outcome(result)


@app.task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def send_idempotent(self, operation, request):
    """Connect: the ClientToken fixed at queue time makes a re-send harmless, so a request that
    may have arrived is retried too (and acks_late re-runs the task if the worker dies)."""
    result = _send("connect", operation, request)
    if isinstance(result, sendevent.Error) and self.request.retries < MAX_RETRIES:
        transient = not isinstance(result, (sendevent.ValidationError, sendevent.AuthError,
                                            sendevent.ForbiddenError, sendevent.NotFoundError,
                                            sendevent.RejectedError, sendevent.ConflictError))
        if transient:
            raise self.retry(countdown=_countdown(self, result))
    return _outcome(result)


def queue_send(provider, operation, request):
    """Queues one send and returns its AsyncResult. Connect requests get their ClientToken
    here, once, so that every retry carries the same one."""
    if provider == "connect" and operation in ("send_event", "send_message"):
        if "ClientToken" not in request:
            request = dict(request, ClientToken=str(uuid.uuid4()))
        return send_idempotent.delay(operation, request)
    return send_once.delay(provider, operation, request)  # create_connection too: no token
