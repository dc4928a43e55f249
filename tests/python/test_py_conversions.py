"""Conversions where the meaning is unambiguous (docs/python.md, "Conversions"): Connect's
Content given as a dict or list is sent as its compact JSON text; an aware datetime as ISO-8601,
a UUID as its canonical string, a Decimal as a JSON number written exactly. What goes on the
wire is read back from the emulator's records and from prepare()."""
import datetime
import decimal
import uuid

import pytest

import sendevent
from py_support import valid
from sendevent._encode import _encode

READ = "application/vnd.amazonaws.connect.event.message.read"
UTC = datetime.timezone.utc


def _body(prepared):
    return prepared.partition("\r\n\r\n")[2]


def test_connect_content_dict_is_sent_as_its_json_text(emu, connect):
    req = dict(valid("connect", "send_event"), ContentType=READ,
               Content={"messageId": "m-1", "n": [1, 2]})
    r = connect.send_event(req)
    assert r.ok
    rec = emu.requests()[-1]
    assert rec["body"]["Content"] == '{"messageId":"m-1","n":[1,2]}'
    assert '"Content":"{\\"messageId\\":\\"m-1\\",\\"n\\":[1,2]}"' in rec["body_raw"]


def test_connect_content_list_and_send_many(emu, connect):
    reqs = [dict(valid("connect", "send_event"), ContentType=READ, Content={"messageId": "m%d" % i})
            for i in range(3)]
    results = connect.send_many("send_event", reqs)
    assert all(r.ok for r in results)
    assert sorted(x["body"]["Content"] for x in emu.requests()) == [
        '{"messageId":"m0"}', '{"messageId":"m1"}', '{"messageId":"m2"}']
    # a list too: the text the C library is given (which then says a receipt's Content must be
    # an object)
    text = _encode("send_event", {"Content": ["a", {"b": None}]}, None, "connect")
    assert text == '{"Content":"[\\"a\\",{\\"b\\":null}]"}'


def test_content_of_other_providers_stays_an_object():
    for provider in ("sinch", "zapi", None):
        assert _encode("x", {"Content": {"x": 1}}, None, provider) == '{"Content":{"x":1}}'
    # only the top-level Content
    assert (_encode("x", {"a": {"Content": {"x": 1}}}, None, "connect")
            == '{"a":{"Content":{"x":1}}}')


def test_content_string_is_sent_as_is(connect):
    text = _body(connect.prepare("send_event", valid("connect", "send_event"), ContentType=READ,
                                 Content='{"messageId":"m"}'))
    assert '"Content":"{\\"messageId\\":\\"m\\"}"' in text


def test_aware_datetime_is_iso_8601(emu, zapi):
    when = datetime.datetime(2024, 4, 29, 9, 30, 53, 309000, tzinfo=UTC)
    req = valid("zapi", "send_event")
    req["event"]["dateTime"] = when
    assert zapi.send_event(req).ok
    rec = emu.requests()[-1]
    assert '"dateTime":"2024-04-29T09:30:53.309000+00:00"' in rec["body_raw"]
    plus2 = datetime.timezone(datetime.timedelta(hours=2))
    req["event"]["dateTime"] = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=plus2)
    assert '"dateTime":"2024-01-02T03:04:05+02:00"' in _body(zapi.prepare("send_event", req))


def test_naive_datetime_is_a_validation_error_naming_the_field(emu, zapi):
    req = valid("zapi", "send_event")
    req["event"]["dateTime"] = datetime.datetime(2024, 4, 29, 9, 30)
    with pytest.raises(sendevent.ValidationError, match=r"'event\.dateTime'.*time zone"):
        zapi.send_event(req)
    with pytest.raises(sendevent.ValidationError, match=r"requests\[1\].*'event\.dateTime'"):
        zapi.send_many("send_event", [valid("zapi", "send_event"), req])
    assert emu.requests(all=True) == []


def test_uuid_is_its_canonical_string(emu, connect):
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert connect.send_event(valid("connect", "send_event"), ClientToken=u).ok
    assert emu.requests()[-1]["body"]["ClientToken"] == "12345678-1234-5678-1234-567812345678"
    assert _encode("x", {"refs": [u]}, None, None) == (
        '{"refs":["12345678-1234-5678-1234-567812345678"]}')


@pytest.mark.parametrize("value, written", [
    ("0.1", "0.1"), ("1.10", "1.10"), ("-0", "-0"), ("12345678901234567890.123456789",
                                                     "12345678901234567890.123456789"),
    ("1E+2", "1e+2"), ("0.00000001", "1e-8"), ("7", "7")])
def test_decimal_is_an_exact_json_number(value, written):
    assert (_encode("x", {"amount": decimal.Decimal(value), "n": [decimal.Decimal(value)]},
                    None, "sinch")
            == '{"amount":%s,"n":[%s]}' % (written, written))


def test_decimal_on_the_wire(emu, sinch):
    assert sinch.send_message(valid("sinch", "send_message"), ttl=decimal.Decimal("10")).ok
    assert '"ttl":"10s"' in emu.requests()[-1]["body_raw"]  # the C library took 10


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_decimal_not_a_number_is_a_validation_error(sinch, value):
    with pytest.raises(sendevent.ValidationError, match=r"'ttl'.*not a JSON number"):
        sinch.prepare("send_message", valid("sinch", "send_message"), ttl=decimal.Decimal(value))


def test_conversions_inside_connect_content(connect):
    u = uuid.UUID(int=1)
    text = _body(connect.prepare("send_event", valid("connect", "send_event"), ContentType=READ,
                                 Content={"messageId": u}))
    assert '"Content":"{\\"messageId\\":\\"00000000-0000-0000-0000-000000000001\\"}"' in text
    assert (_encode("x", {"Content": {"n": decimal.Decimal("2.50")}}, None, "connect")
            == '{"Content":"{\\"n\\":2.50}"}')
    with pytest.raises(sendevent.ValidationError, match=r"'Content\.at'.*time zone"):
        connect.prepare("send_event", valid("connect", "send_event"), ContentType=READ,
                        Content={"at": datetime.datetime(2024, 1, 1)})


def test_other_types_still_fail_naming_the_field(zapi):
    with pytest.raises(sendevent.ValidationError, match=r"'x'.*set") as info:
        zapi.prepare("send_event", valid("zapi", "send_event"), x={1})
    assert isinstance(info.value, TypeError)


def test_async_client_converts_too(emu):
    import asyncio
    from py_support import options

    async def main():
        async with sendevent.AsyncClient("connect", **options(emu, "connect")) as c:
            req = dict(valid("connect", "send_event"), ContentType=READ,
                       Content={"messageId": "a"})
            assert (await c.send_event(req)).ok
            assert all(r.ok for r in await c.send_many("send_event", [req, req]))
    asyncio.run(main())
    assert [x["body"]["Content"] for x in emu.requests()] == ['{"messageId":"a"}'] * 3


def test_import_does_not_load_the_converted_modules():
    import subprocess
    import sys
    code = ("import sys, sendevent; "
            "print([m for m in ('datetime', 'uuid', 'decimal', 'json') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
