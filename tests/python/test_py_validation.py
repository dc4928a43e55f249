"""Every bad input surfaces as sendevent.ValidationError (or TypeError/ValueError for values
Python cannot express as JSON) and nothing reaches the emulator."""

import json
import math

import pytest
import sendevent

import validation_cases
from py_support import GROUP, TYPING, api_requests, valid

CASES = validation_cases.load()
BAD_CASES = [c for c in CASES if c.status == "invalid"]
OK_CASES = [c for c in CASES if c.status == "ok"]


def test_the_data_file_was_read():
    assert {c.status for c in CASES} == {"ok", "invalid"}
    listed = {(p, op) for p, ops in sendevent.OPERATIONS.items() for op in ops}
    assert {(c.provider, c.operation) for c in BAD_CASES} == listed  # every operation has some
    assert len(BAD_CASES) > 100 and len(OK_CASES) > 50


def test_every_bad_case(emu, clients):
    """Every invalid case of tests/data/validation.jsonl, sent as JSON text through send(),
    validate() and prepare(): each raises ValidationError carrying the C message (and never
    the case's secret); nothing is recorded."""
    failures = []
    for case in BAD_CASES:
        client = clients[case.provider]
        for call in (client.send, client.validate, client.prepare):
            try:
                call(case.operation, case.request)
            except sendevent.ValidationError as err:
                if case.message not in err.message or err.status != "invalid":
                    failures.append((case.where, case.message, err.message))
                elif case.absent and case.absent in err.message:
                    failures.append((case.where, "absent " + case.absent, err.message))
                elif call is client.send and (err.response is None or
                                              err.response.attempts != 0):
                    failures.append((case.where, "attempts 0", err.response))
            except Exception as err:  # noqa: BLE001
                failures.append((case.where, case.message, repr(err)))
            else:
                failures.append((case.where, case.message, "accepted"))
    assert failures == []
    assert emu.requests(all=True) == []


def test_every_bad_case_through_send_many(emu, clients):
    by_op = {}
    for case in BAD_CASES:
        by_op.setdefault((case.provider, case.operation), []).append(case)
    for (provider, operation), cases in by_op.items():
        good = valid(provider, operation)
        results = clients[provider].send_many(operation, [good] + [c.request for c in cases])
        assert results[0].ok, results[0]
        for case, result in zip(cases, results[1:]):
            assert isinstance(result, sendevent.ValidationError), (case.where, result)
            assert case.message in result.message, (case.where, result.message)
    # only the good request of each operation was sent
    assert len(api_requests(emu)) == len(by_op)
    assert len(api_requests(emu, all=True)) == len(by_op)


def test_every_ok_case_validates(emu, clients):
    """The passing cases pass validate() and prepare() too, and prepare() carries the normalized
    body (their warnings are checked by the C suite: validate() does not return them). Nothing
    is sent: the emulator has rules of its own."""
    failures = []
    for case in OK_CASES:
        client = clients[case.provider]
        try:
            client.validate(case.operation, case.request)
            body = client.prepare(case.operation, case.request).split("\r\n\r\n", 1)[1]
            if case.after is not None and body != case.after:
                failures.append((case.where, case.after, body))
        except Exception as err:  # noqa: BLE001
            failures.append((case.where, repr(err)))
    assert failures == []
    assert emu.requests(all=True) == []


# Bad inputs written as Python dicts (keyword form): the same rules through the dict path.
BAD = [
    ("sinch", "send_event", {}, "app_id: required"),
    ("sinch", "send_event", {"app_id": "A", "recipient": {"contact_id": "C"}},
     "event: required"),
    ("sinch", "send_event", {"app_id": 5, "recipient": {"contact_id": "C"},
                             "event": {"composing_event": {}}}, "app_id: must be a string"),
    ("sinch", "send_event", {"app_id": "A", "recipient": {"contact_id": "C"},
                             "event": {"composing_event": {}}, "foo": 1}, "foo: unknown field"),
    ("sinch", "send_event", {"app_id": "A", "recipient": {},
                             "event": {"composing_event": {}}}, "exactly one of"),
    ("sinch", "send_event", {"app_id": "A", "recipient": {"contact_id": "C"},
                             "event": {"composing_event": {}, "composing_end_event": {}}},
     "event"),
    ("sinch", "send_event", {"app_id": "A", "recipient": {"contact_id": "C"},
                             "event": {"agent_joined_event": {"agent": {"type": "HUMAN"}}}},
     "display_name: required"),
    ("sinch", "send_event", {"app_id": "A", "recipient": {"contact_id": "C"},
                             "event": {"composing_event": {}}, "callback_url": "ftp://x"},
     "callback_url"),
    ("sinch", "send_message", {"app_id": "A", "recipient": {"contact_id": "C"},
                               "message": {"choice_message": {"choices": [
                                   {"text_message": {"text": "t"}}] * 11}}},
     "message.choice_message.choices: at most 10 items, got 11"),
    ("sinch", "send_message", {"app_id": "A", "recipient": {"contact_id": "C"},
                               "message": {"text_message": {"text": "x"}}, "ttl": 1},
     "ttl"),
    ("sinch", "send_message", {"app_id": "A", "recipient": {"contact_id": "C"},
                               "message": {"text_message": {"text": "x"}},
                               "message_metadata": "m" * 1025}, "message_metadata"),
    ("sinch", "send_message", {"app_id": "A", "recipient": {"contact_id": "C"},
                               "message": {"location_message": {
                                   "title": "T", "coordinates": {"latitude": 91,
                                                                 "longitude": 0}}}},
     "latitude"),
    ("zapi", "send_event", {"phone": "bad/phone", "event": {
        "name": "N", "dateTime": "2024-04-29T09:30:53.309Z"}}, "phone"),
    ("zapi", "send_event", {"phone": "5511 99999", "event": {
        "name": "N", "dateTime": "2024-04-29T09:30:53.309Z"}}, "phone"),
    ("zapi", "send_event", {"phone": GROUP, "event": {"dateTime": "2024-04-29T09:30"}},
     "event.name: required"),
    ("zapi", "send_event", {"phone": GROUP, "event": {"name": "N", "dateTime": "yesterday"}},
     "event.dateTime"),
    ("zapi", "send_event", {"phone": GROUP, "event": {
        "name": "N", "dateTime": "2024-04-29T09:30", "callLinkType": "fax"}},
     "callLinkType"),
    ("zapi", "send_event", {"phone": GROUP, "event": {
        "name": "N", "dateTime": "2024-04-29T09:30", "canceled": "no"}}, "canceled"),
    ("zapi", "respond_event", {"phone": GROUP, "eventMessageId": "X",
                               "eventResponse": "MAYBE"}, "eventResponse"),
    ("zapi", "edit_event", {"phone": GROUP, "event": {"name": "N",
                                                      "dateTime": "2024-04-29T09:30"}},
     "eventMessageId: required"),
    ("connect", "send_event", {"ContentType": TYPING}, "ConnectionToken: required"),
    ("connect", "send_event", {"ConnectionToken": "t"}, "ContentType: required"),
    ("connect", "send_event", {"ConnectionToken": "t", "ContentType": TYPING,
                               "Content": "x" * 16385}, "Content: at most 16384"),
    ("connect", "send_event", {"ConnectionToken": "t" * 1001, "ContentType": TYPING},
     "ConnectionToken: at most 1000"),
    ("connect", "send_message", {"ConnectionToken": "t", "ContentType": "text/plain"},
     "Content: required"),
    ("connect", "create_connection", {"ParticipantToken": "p", "Type": ["SOCKET"]}, "Type[0]"),
    ("connect", "create_connection", {"ParticipantToken": "p", "ConnectParticipant": "yes"},
     "ConnectParticipant: must be a boolean"),
    ("connect", "disconnect", {"ConnectionToken": "t", "ClientToken": "c" * 501},
     "ClientToken"),
]


@pytest.mark.parametrize("provider,operation,request_,fragment", BAD,
                         ids=["%s-%s-%d" % (b[0], b[1], i) for i, b in enumerate(BAD)])
def test_bad_dict_requests(emu, clients, provider, operation, request_, fragment):
    client = clients[provider]
    with pytest.raises(sendevent.ValidationError) as info:
        getattr(client, operation)(**request_)
    assert fragment in info.value.message
    assert info.value.http_status == 0 and info.value.response.attempts == 0
    with pytest.raises(sendevent.ValidationError):
        getattr(client, operation)(request_)
    with pytest.raises(sendevent.ValidationError):
        client.validate(operation, request_)
    assert emu.requests(all=True) == []


@pytest.mark.parametrize("text", ["", "{", "[]", "null", "1", '"x"', "{\"a\":}", "{} {}",
                                  "{\"app_id\":\"A\",\"app_id\":\"B\"}"])
def test_bad_json_text(emu, sinch, text):
    with pytest.raises(sendevent.ValidationError):
        sinch.send_event(text)
    assert emu.requests(all=True) == []


# ---------------------------------------------------------------- Python values JSON cannot hold

@pytest.mark.parametrize("value,exc,fragment", [
    ({"a", "b"}, TypeError, "set"),
    (b"bytes", TypeError, "bytes"),
    (object(), TypeError, "object"),
    (1 + 2j, TypeError, "complex"),
    (math.nan, ValueError, "nan"),
    (math.inf, ValueError, "inf"),
])
def test_non_json_values_name_the_argument(emu, sinch, value, exc, fragment):
    req = valid("sinch", "send_event")
    req["recipient"] = {"identified_by": {"channel_identities": [
        {"channel": "SMS", "identity": value}]}}
    with pytest.raises(exc) as info:
        sinch.send_event(**req)
    text = str(info.value)
    assert "recipient.identified_by.channel_identities[0].identity" in text
    assert fragment in text.lower()
    with pytest.raises(exc, match="event_metadata"):
        sinch.send_event(valid("sinch", "send_event"), event_metadata=value)
    with pytest.raises(exc):
        sinch.validate("send_event", req)
    with pytest.raises(exc, match=r"requests\[1\]"):
        sinch.send_many("send_event", [valid("sinch", "send_event"), req])
    assert emu.requests(all=True) == []


def test_circular_reference_is_a_value_error(emu, sinch):
    req = valid("sinch", "send_event")
    loop = {}
    loop["self"] = loop
    req["event"] = {"generic_event": {"payload": loop}}
    with pytest.raises(ValueError, match="event.generic_event.payload"):
        sinch.send_event(req)
    assert emu.requests(all=True) == []


def test_request_of_wrong_type(emu, sinch):
    for bad in ([1, 2], 5, {1, 2}, ("a",)):
        with pytest.raises(TypeError, match="request must be a dict"):
            sinch.send_event(bad)
    with pytest.raises(TypeError, match="operation"):
        sinch.send(5, {})
    assert emu.requests(all=True) == []


def test_lone_surrogate_and_nul(emu, connect):
    with pytest.raises(ValueError):
        connect.send_message(ConnectionToken="t", ContentType="text/plain", Content="\ud800")
    # a NUL inside a JSON string is escaped (\u0000) by the encoder and judged by C
    with pytest.raises(ValueError, match="NUL"):
        connect.send_event('{"ConnectionToken":"t"}\0')
    assert emu.requests(all=True) == []


def test_integers_floats_and_unicode_survive_encoding(emu, sinch):
    payload = {"big": 123456789012345, "neg": -7, "f": 0.1, "t": True, "n": None,
               "s": "\u00e9\u20ac\U0001F600", "nested": [[], {}, [1, [2, [3]]]]}
    r = sinch.send_event(app_id="A", recipient={"contact_id": "C"},
                         event={"generic_event": {"payload": payload}})
    assert r.ok
    raw = api_requests(emu)[0]["body_raw"]
    assert '"big":123456789012345' in raw
    assert json.loads(raw)["event"]["generic_event"]["payload"] == payload


def test_integers_beyond_15_digits_survive(emu, sinch):
    payload = {"big": 2 ** 53 + 1, "id": 1234567890123456789}
    assert sinch.send_event(app_id="A", recipient={"contact_id": "C"},
                            event={"generic_event": {"payload": payload}}).ok
    raw = api_requests(emu)[0]["body_raw"]
    assert '"big":9007199254740993' in raw and '"id":1234567890123456789' in raw
