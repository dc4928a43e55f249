"""ThrottledError.retry_after: the seconds a 429's Retry-After asked for, or None."""

import asyncio
import email.utils
import pickle
import time

import pytest
import sendevent

from py_support import make_client, options, valid


def throttled(emu, **fault):
    emu.fault(provider="zapi", status=429, **fault)
    with make_client(emu, "zapi", max_attempts=1) as c:
        with pytest.raises(sendevent.ThrottledError) as info:
            c.send_event(valid("zapi", "send_event"))
    return info.value


def test_retry_after_seconds(emu):
    err = throttled(emu, retry_after="7")
    assert err.retry_after == 7.0 and err.http_status == 429
    assert pickle.loads(pickle.dumps(err)).retry_after == 7.0


def test_retry_after_http_date(emu):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    err = throttled(emu, retry_after=when)
    assert 25 <= err.retry_after <= 31


def test_retry_after_absent_or_unparseable(emu):
    assert throttled(emu).retry_after is None
    assert throttled(emu, retry_after="soon").retry_after is None
    assert sendevent.ThrottledError.retry_after is None


def test_retry_after_in_send_many_and_async(emu):
    emu.fault(provider="zapi", status=429, retry_after="3", count=2)
    with make_client(emu, "zapi", max_attempts=1) as c:
        [err] = c.send_many("send_event", [valid("zapi", "send_event")])
    assert isinstance(err, sendevent.ThrottledError) and err.retry_after == 3.0

    async def main():
        async with sendevent.AsyncClient("zapi", **options(emu, "zapi", max_attempts=1)) as ac:
            with pytest.raises(sendevent.ThrottledError) as info:
                await ac.send_event(valid("zapi", "send_event"))
            return info.value
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(main()).retry_after == 3.0
    finally:
        loop.close()
