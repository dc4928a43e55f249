"""Independent validation of request bodies, answered in each provider's error format, with a
message that names the field. Rejected requests are never logged as accepted."""

import json

import pytest

from emulator_samples import (CONNECT_EVENT, CONNECT_MESSAGE, SINCH_EVENT, SINCH_MESSAGE,
                              VALIDATION_TYPE, ZAPI_EDIT, ZAPI_EVENT, ZAPI_RESPONSE,
                              assert_connect_error, assert_sinch_error, assert_zapi_error,
                              connect_post, sinch_post, with_, zapi_post)

# ---------------------------------------------------------------- Sinch events:send

CHAN = {"identified_by": {"channel_identities": [{"channel": "SMS", "identity": "4670000"}]}}
AGENT = {"display_name": "Ann", "type": "HUMAN", "picture_url": "https://x/y.png"}

SINCH_EVENT_OK = [
    with_(SINCH_EVENT),
    with_(SINCH_EVENT, recipient=CHAN),
    with_(SINCH_EVENT, event={"composing_end_event": {}}),
    with_(SINCH_EVENT, event={"comment_reply_event": {"text": "hi"}}),
    with_(SINCH_EVENT, event={"agent_joined_event": {"agent": AGENT}}),
    with_(SINCH_EVENT, event={"agent_left_event": {"agent": {"display_name": "B", "type": "BOT"}}}),
    with_(SINCH_EVENT, event={"generic_event": {"payload": {"any": [1, 2]}}}),
    with_(SINCH_EVENT, callback_url="https://example.com/cb", channel_priority_order=["WHATSAPP"],
          event_metadata="meta", queue="HIGH_PRIORITY"),
    # channels are an open enum: unknown names are accepted
    with_(SINCH_EVENT, recipient={"identified_by": {"channel_identities": [
        {"channel": "NEWCHANNEL", "identity": "x"}]}}, channel_priority_order=["NEWCHANNEL"]),
]

SINCH_EVENT_BAD = [
    (with_(SINCH_EVENT, app_id=None), "app_id: required"),
    (with_(SINCH_EVENT, app_id=""), "app_id: must not be empty"),
    (with_(SINCH_EVENT, app_id=5), "app_id: must be a string"),
    (with_(SINCH_EVENT, recipient=None), "recipient: required"),
    (with_(SINCH_EVENT, recipient={}), "recipient: exactly one of"),
    (with_(SINCH_EVENT, recipient=dict(CHAN, contact_id="c")), "recipient: exactly one of"),
    (with_(SINCH_EVENT, recipient={"identified_by": {}}),
     "recipient.identified_by.channel_identities: required"),
    (with_(SINCH_EVENT, recipient={"identified_by": {"channel_identities": []}}),
     "recipient.identified_by.channel_identities: at least 1 item"),
    (with_(SINCH_EVENT, recipient={"identified_by": {"channel_identities": [{"channel": "SMS"}]}}),
     "recipient.identified_by.channel_identities[0].identity: required"),
    (with_(SINCH_EVENT, recipient={"identified_by": {"channel_identities": [
        {"channel": 3, "identity": "x"}]}}),
     "recipient.identified_by.channel_identities[0].channel: must be a string"),
    (with_(SINCH_EVENT, recipient={"phone": "1"}), "recipient.phone: unknown field"),
    (with_(SINCH_EVENT, event=None), "event: required"),
    (with_(SINCH_EVENT, event={}), "event: exactly one of"),
    (with_(SINCH_EVENT, event={"composing_event": {}, "composing_end_event": {}}),
     "event: exactly one of"),
    (with_(SINCH_EVENT, event={"app_event": {"composing_event": {}}}), "event.app_event"),
    (with_(SINCH_EVENT, event={"typing": {}}), "event.typing: unknown field"),
    (with_(SINCH_EVENT, event={"composing_event": "yes"}),
     "event.composing_event: must be an object"),
    (with_(SINCH_EVENT, event={"comment_reply_event": {}}),
     "event.comment_reply_event.text: required"),
    (with_(SINCH_EVENT, event={"agent_joined_event": {}}),
     "event.agent_joined_event.agent: required"),
    (with_(SINCH_EVENT, event={"agent_joined_event": {"agent": {"display_name": "A"}}}),
     "event.agent_joined_event.agent.type: required"),
    (with_(SINCH_EVENT, event={"agent_left_event": {"agent": {"display_name": "A",
                                                              "type": "ROBOT"}}}),
     "event.agent_left_event.agent.type: must be one of UNKNOWN_AGENT_TYPE, HUMAN, BOT"),
    (with_(SINCH_EVENT, event={"generic_event": {"payload": "text"}}),
     "event.generic_event.payload: must be an object"),
    (with_(SINCH_EVENT, queue="URGENT"), "queue: must be one of NORMAL_PRIORITY, HIGH_PRIORITY"),
    (with_(SINCH_EVENT, callback_url="ftp://x"), "callback_url: must be an http"),
    (with_(SINCH_EVENT, channel_priority_order="SMS"), "channel_priority_order: must be an array"),
    (with_(SINCH_EVENT, channel_priority_order=[1]), "channel_priority_order[0]"),
    (with_(SINCH_EVENT, event_metadata={"a": 1}), "event_metadata: must be a string"),
    (with_(SINCH_EVENT, project_id="p"), "project_id: unknown field"),
]


@pytest.mark.parametrize("body", SINCH_EVENT_OK)
def test_sinch_event_valid(emu, body):
    resp = sinch_post(emu, "events", body)
    assert resp.status == 200, resp


@pytest.mark.parametrize("body,message", SINCH_EVENT_BAD)
def test_sinch_event_invalid(emu, body, message):
    msg = assert_sinch_error(sinch_post(emu, "events", body), 400, "INVALID_ARGUMENT")
    assert message in msg
    assert emu.requests() == []
    assert emu.requests(all=True)[0]["status"] == 400


# ---------------------------------------------------------------- Sinch messages:send

def msg(**kinds):
    return with_(SINCH_MESSAGE, message=kinds)


TEXT = {"text_message": {"text": "pick"}}
CARD = {"title": "t", "description": "d", "media_message": {"url": "https://x/i.png"},
        "height": "MEDIUM", "choices": [TEXT]}
LOCATION = {"coordinates": {"latitude": 59.3, "longitude": 18.0}, "title": "Here", "label": "l"}

SINCH_MESSAGE_OK = [
    msg(text_message={"text": "hi"}),
    msg(text_message={"text": "hi"}, agent=AGENT, explicit_channel_message={"WHATSAPP": "{}"},
        explicit_channel_omni_message={"SMS": {"text_message": {"text": "x"}}},
        channel_specific_message={"WHATSAPP": {"message_type": "FLOWS"}}),
    msg(media_message={"url": "https://x/a.jpg", "thumbnail_url": "https://x/t.jpg",
                       "filename_override": "a.jpg"}),
    msg(choice_message={"text_message": {"text": "Q?"}, "choices": [
        TEXT,
        {"url_message": {"title": "site", "url": "https://x"}},
        {"call_message": {"title": "call", "phone_number": "46700"}},
        {"location_message": LOCATION},
        {"calendar_message": {"title": "c"}, "postback_data": "pb"},
        {"share_location_message": {"title": "s"}},
    ]}),
    msg(choice_message={"choices": [TEXT] * 10}),
    msg(card_message=CARD),
    msg(card_message={}),
    msg(carousel_message={"cards": [CARD] * 10, "choices": [TEXT] * 3}),
    msg(location_message=LOCATION),
    msg(contact_info_message={"name": {"full_name": "Ann B"},
                              "phone_numbers": [{"phone_number": "4670"}],
                              "birthday": "1990-01-31", "email_addresses": [],
                              "organization": {"company": "x"}}),
    msg(list_message={"title": "L", "sections": [
        {"title": "s1", "items": [{"choice": {"title": "a"}}, {"choice": {"title": "b"}}]},
        {"items": [{"choice": {"title": "c"}}]}]}),
    msg(list_message={"title": "L", "sections": [
        {"items": [{"product": {"id": "p1", "marketplace": "FACEBOOK"}}]}]}),
    msg(template_message={"omni_template": {"template_id": "t", "version": "1",
                                            "language_code": "en",
                                            "parameters": {"name": "Ann"}}}),
    msg(template_message={"channel_template": {"WHATSAPP": {"template_id": "w"}}}),
    with_(SINCH_MESSAGE, callback_url="http://localhost:8080/cb", channel_priority_order=["SMS"],
          channel_properties={"WHATSAPP_HEADER": "x" * 1024}, message_metadata="m" * 1024,
          conversation_metadata={"k": "v"}, queue="NORMAL_PRIORITY", ttl="10s",
          processing_strategy="DISPATCH_ONLY", correlation_id="c" * 128,
          conversation_metadata_update_strategy="MERGE_PATCH",
          message_content_type="CONTENT_MARKETING"),
    with_(SINCH_MESSAGE, ttl="3s"),
    with_(SINCH_MESSAGE, ttl="315576000000s"),
    # lengths count characters, not bytes
    with_(SINCH_MESSAGE, message_metadata="é" * 1024),
]

SINCH_MESSAGE_BAD = [
    (with_(SINCH_MESSAGE, message=None), "message: required"),
    (msg(), "message: exactly one of"),
    (msg(text_message={"text": "a"}, media_message={"url": "u"}), "message: exactly one of"),
    (msg(agent=AGENT), "message: exactly one of"),
    (msg(text_message={}), "message.text_message.text: required"),
    (msg(text_message={"text": ""}), "message.text_message.text: must not be empty"),
    (msg(text_message={"text": "a"}, sticker={}), "message.sticker: unknown field"),
    (msg(media_message={}), "message.media_message.url: required"),
    (msg(choice_message={"choices": [TEXT] * 11}),
     "message.choice_message.choices: at most 10 items, got 11"),
    (msg(choice_message={"choices": []}), "message.choice_message.choices: at least 1 item"),
    (msg(choice_message={"choices": [{}]}), "message.choice_message.choices[0]: exactly one of"),
    (msg(choice_message={"choices": [{"url_message": {"title": "t"}}]}),
     "message.choice_message.choices[0].url_message.url: required"),
    (msg(card_message={"height": "HUGE"}), "message.card_message.height"),
    (msg(card_message={"choices": [TEXT] * 11}), "message.card_message.choices: at most 10"),
    (msg(carousel_message={"cards": [CARD] * 11}),
     "message.carousel_message.cards: at most 10 items, got 11"),
    (msg(carousel_message={"cards": [CARD], "choices": [TEXT] * 4}),
     "message.carousel_message.choices: at most 3 items, got 4"),
    (msg(carousel_message={}), "message.carousel_message.cards: required"),
    (msg(location_message={"coordinates": {"latitude": 91, "longitude": 0}, "title": "t"}),
     "message.location_message.coordinates.latitude"),
    (msg(location_message={"coordinates": {"latitude": "1", "longitude": 0}, "title": "t"}),
     "message.location_message.coordinates.latitude: must be a number"),
    (msg(location_message={"coordinates": {"latitude": 1, "longitude": 2}}),
     "message.location_message.title: required"),
    (msg(contact_info_message={"name": {"full_name": "A"}, "phone_numbers": []}),
     "message.contact_info_message.phone_numbers: at least 1 item"),
    (msg(contact_info_message={"name": {}, "phone_numbers": [{"phone_number": "1"}]}),
     "message.contact_info_message.name.full_name: required"),
    (msg(contact_info_message={"name": {"full_name": "A"}, "phone_numbers": [{"phone_number": "1"}],
                               "birthday": "31/01/1990"}),
     "message.contact_info_message.birthday: must be a date YYYY-MM-DD"),
    (msg(list_message={"title": "L", "sections": [{"items": [
        {"choice": {"title": "a"}}, {"product": {"id": "p", "marketplace": "m"}}]}]}),
     "all items must be of one kind"),
    (msg(list_message={"title": "L", "sections": [{"items": []}]}),
     "message.list_message.sections[0].items: at least 1 item"),
    (msg(list_message={"sections": [{"items": [{"choice": {"title": "a"}}]}]}),
     "message.list_message.title: required"),
    (msg(list_message={"title": "L", "sections": [{"items": [{"product": {"id": "p"}}]}]}),
     "message.list_message.sections[0].items[0].product.marketplace: required"),
    (msg(template_message={}), "message.template_message: exactly one of"),
    (msg(template_message={"omni_template": {"version": "1"}}),
     "message.template_message.omni_template.template_id: required"),
    (msg(template_message={"channel_template": {"WHATSAPP": {}}}),
     "message.template_message.channel_template.WHATSAPP.template_id: required"),
    (msg(text_message={"text": "a"}, agent={"display_name": "A", "type": "X"}),
     "message.agent.type"),
    (msg(text_message={"text": "a"}, explicit_channel_message={"WHATSAPP": {}}),
     "message.explicit_channel_message.WHATSAPP: must be a string"),
    (with_(SINCH_MESSAGE, ttl="2s"), "ttl: seconds must be in 3..315576000000"),
    (with_(SINCH_MESSAGE, ttl="315576000001s"), "ttl: seconds must be in 3..315576000000"),
    (with_(SINCH_MESSAGE, ttl="10"), "ttl: must be a string \"<seconds>s\""),
    (with_(SINCH_MESSAGE, ttl="1.5s"), "ttl: must be a string \"<seconds>s\""),
    (with_(SINCH_MESSAGE, ttl=10), "ttl: must be a string"),
    (with_(SINCH_MESSAGE, message_metadata="m" * 1025),
     "message_metadata: at most 1024 characters, got 1025"),
    (with_(SINCH_MESSAGE, correlation_id="c" * 129),
     "correlation_id: at most 128 characters, got 129"),
    (with_(SINCH_MESSAGE, channel_properties={"K": "v" * 1025}),
     "channel_properties.K: at most 1024 characters"),
    (with_(SINCH_MESSAGE, channel_properties={"K": 1}), "channel_properties.K: must be a string"),
    (with_(SINCH_MESSAGE, conversation_metadata={"k": "v" * 2100}),
     "conversation_metadata: at most 2048 characters serialized"),
    (with_(SINCH_MESSAGE, conversation_metadata="text"), "conversation_metadata: must be an object"),
    (with_(SINCH_MESSAGE, processing_strategy="FAST"), "processing_strategy: must be one of"),
    (with_(SINCH_MESSAGE, conversation_metadata_update_strategy="X"),
     "conversation_metadata_update_strategy: must be one of"),
    (with_(SINCH_MESSAGE, message_content_type="SPAM"), "message_content_type: must be one of"),
    (with_(SINCH_MESSAGE, queue=1), "queue: must be a string"),
]


@pytest.mark.parametrize("body", SINCH_MESSAGE_OK)
def test_sinch_message_valid(emu, body):
    resp = sinch_post(emu, "messages", body)
    assert resp.status == 200, resp


@pytest.mark.parametrize("body,message", SINCH_MESSAGE_BAD)
def test_sinch_message_invalid(emu, body, message):
    msg_ = assert_sinch_error(sinch_post(emu, "messages", body), 400, "INVALID_ARGUMENT")
    assert message in msg_
    assert emu.requests() == []


@pytest.mark.parametrize("raw,ctype,status", [
    ("{not json", "application/json", 400),
    ("[1,2]", "application/json", 400),
    ('{"app_id":"a"} trailing', "application/json", 400),
    ("", "application/json", 400),
    (json.dumps(SINCH_EVENT), "text/plain", 415),
])
def test_sinch_body_not_a_json_object(emu, raw, ctype, status):
    resp = emu.call("POST", "/v1/projects/p/events:send", raw,
                    {"Authorization": emu.sinch_basic(), "Content-Type": ctype})
    assert_sinch_error(resp, status, "INVALID_ARGUMENT")


def test_sinch_non_post(emu):
    resp = emu.call("GET", "/v1/projects/p/events:send", None,
                    {"Authorization": emu.sinch_basic()})
    assert_sinch_error(resp, 405, "UNIMPLEMENTED")


def test_body_too_large_is_413(emulator_factory):
    emu = emulator_factory("--max-body-bytes", "200")
    big = with_(SINCH_EVENT, event_metadata="x" * 300)
    assert_sinch_error(sinch_post(emu, "events", big), 413, "INVALID_ARGUMENT")
    assert sinch_post(emu, "events", SINCH_EVENT).status == 200


# ---------------------------------------------------------------- Z-API

@pytest.mark.parametrize("phone", ["5511999999999", "12345678", "120363019502650977-group",
                                   "5511999999999-1623281429", "123456789@lid",
                                   "abc123@newsletter"])
def test_zapi_phone_forms_accepted(emu, phone):
    assert zapi_post(emu, "send-event", with_(ZAPI_EVENT, phone=phone)).status == 200


@pytest.mark.parametrize("phone", ["+5511999999999", "55 11 99999 9999", "(11)99999-9999",
                                   "abc", "1234567", "1234567890123456", "5511/999", "5511?9",
                                   "5511#9", "5511\t9", "-group", "12-group-x", "x@lid",
                                   "@newsletter", "a b@newsletter", "1@example.com", ""])
def test_zapi_phone_syntax_rejected(emu, phone):
    msg = assert_zapi_error(zapi_post(emu, "send-event", with_(ZAPI_EVENT, phone=phone)), 400)
    assert msg.startswith("phone:")


def zevent(**changes):
    ev = dict(ZAPI_EVENT["event"])
    for k, v in changes.items():
        if v is None:
            ev.pop(k, None)
        else:
            ev[k] = v
    return with_(ZAPI_EVENT, event=ev)


@pytest.mark.parametrize("body", [
    zevent(description=None, location=None, callLinkType=None, canceled=None),
    zevent(callLinkType="video", canceled=True, timeZone="UTC-3"),
    zevent(dateTime="2024-04-29T09:30"),
    zevent(dateTime="2024-04-29T09:30:53"),
    zevent(dateTime="2024-04-29T09:30:53-03:00"),
    zevent(dateTime="2024-04-29T09:30:53.123456+0530"),
])
def test_zapi_event_valid(emu, body):
    assert zapi_post(emu, "send-event", body).status == 200


@pytest.mark.parametrize("body,message", [
    (with_(ZAPI_EVENT, phone=None), "phone: required"),
    (with_(ZAPI_EVENT, event=None), "event: required"),
    (zevent(name=None), "event.name: required"),
    (zevent(name=""), "event.name: must not be empty"),
    (zevent(dateTime=None), "event.dateTime: required"),
    (zevent(dateTime="tomorrow"), "event.dateTime: must be an ISO-8601 date-time"),
    (zevent(dateTime="2024-13-01T10:00:00Z"), "event.dateTime: must be an ISO-8601"),
    (zevent(dateTime="2024-04-29"), "event.dateTime: must be an ISO-8601"),
    (zevent(dateTime=1714383053), "event.dateTime: must be a string"),
    (zevent(callLinkType="audio"), "event.callLinkType: must be one of voice, video"),
    (zevent(canceled="no"), "event.canceled: must be true or false"),
    (zevent(location={}), "event.location.name: required"),
    (zevent(location="here"), "event.location: must be an object"),
    (zevent(color="red"), "event.color: unknown field"),
    (with_(ZAPI_EVENT, delayMessage=3), "delayMessage: unknown field"),
])
def test_zapi_event_invalid(emu, body, message):
    assert message in assert_zapi_error(zapi_post(emu, "send-event", body), 400)
    assert emu.requests() == []


@pytest.mark.parametrize("route,body,message", [
    ("send-edit-event", with_(ZAPI_EDIT, eventMessageId=None), "eventMessageId: required"),
    ("send-edit-event", with_(ZAPI_EDIT, event=None), "event: required"),
    ("send-edit-event", with_(ZAPI_EDIT, eventMessageId=""), "eventMessageId: must not be empty"),
    ("send-event-response", with_(ZAPI_RESPONSE, eventResponse="MAYBE"),
     "eventResponse: must be one of GOING, NOT_GOING"),
    ("send-event-response", with_(ZAPI_RESPONSE, eventResponse=None), "eventResponse: required"),
    ("send-event-response", with_(ZAPI_RESPONSE, eventMessageId=None), "eventMessageId: required"),
    ("send-event-response", with_(ZAPI_RESPONSE, event=ZAPI_EVENT["event"]), "event: unknown"),
])
def test_zapi_edit_and_response_invalid(emu, route, body, message):
    assert message in assert_zapi_error(zapi_post(emu, route, body), 400)


def test_zapi_not_going(emu):
    body = with_(ZAPI_RESPONSE, eventResponse="NOT_GOING")
    assert zapi_post(emu, "send-event-response", body).status == 200


def test_zapi_bad_json(emu):
    resp = zapi_post(emu, "send-event", "{oops", headers={"Content-Type": "application/json"})
    assert_zapi_error(resp, 400)


# ---------------------------------------------------------------- Connect

DELIVERED = "application/vnd.amazonaws.connect.event.message.delivered"
READ = "application/vnd.amazonaws.connect.event.message.read"


@pytest.mark.parametrize("route,body", [
    ("event", {"ContentType": "x" * 100}),
    ("event", {"ContentType": "é" * 100}),
    ("event", {"ContentType": DELIVERED, "Content": json.dumps({"messageId": "m-1"})}),
    ("event", {"ContentType": READ, "Content": '{"messageId":"m-2"}', "ClientToken": "t" * 500}),
    ("event", {"ContentType": "application/vnd.amazonaws.connect.event.connection.acknowledged"}),
    ("event", {"ContentType": "application/vnd.example.unknown", "Content": "c" * 16384}),
    ("message", {"ContentType": "text/markdown", "Content": "**hi**"}),
    ("message", {"ContentType": "text/plain", "Content": "é" * 16384}),
    ("disconnect", {"ClientToken": "t"}),
])
def test_connect_valid(emu, route, body):
    assert connect_post(emu, route, body).status == 200


@pytest.mark.parametrize("route,body,message", [
    ("event", {}, "ContentType: required"),
    ("event", {"ContentType": ""}, "ContentType: must not be empty"),
    ("event", {"ContentType": "x" * 101}, "ContentType: at most 100 characters, got 101"),
    ("event", {"ContentType": 1}, "ContentType: must be a string"),
    ("event", dict(CONNECT_EVENT, Content=""), "Content: must not be empty"),
    ("event", dict(CONNECT_EVENT, Content="c" * 16385), "Content: at most 16384 characters"),
    ("event", dict(CONNECT_EVENT, ClientToken="t" * 501), "ClientToken: at most 500 characters"),
    ("event", dict(CONNECT_EVENT, ConnectionToken="x"), "ConnectionToken: unknown field"),
    ("event", {"ContentType": DELIVERED}, "Content: required"),
    ("event", {"ContentType": READ, "Content": "m-1"}, "Content: must be a JSON string"),
    ("event", {"ContentType": READ, "Content": '{"id":"m"}'}, "Content: must be a JSON string"),
    ("message", {"ContentType": "text/plain"}, "Content: required"),
    ("message", {"Content": "x"}, "ContentType: required"),
    ("message", dict(CONNECT_MESSAGE, Content="c" * 16385), "Content: at most 16384"),
    ("message", dict(CONNECT_MESSAGE, ClientToken=5), "ClientToken: must be a string"),
    ("disconnect", {"ClientToken": "t" * 501}, "ClientToken: at most 500"),
    ("disconnect", {"Reason": "x"}, "Reason: unknown field"),
])
def test_connect_invalid(emu, route, body, message):
    resp = connect_post(emu, route, body)
    assert message in assert_connect_error(resp, 400, "ValidationException")
    assert resp.headers["x-amzn-errortype"] == VALIDATION_TYPE
    assert emu.requests() == []


@pytest.mark.parametrize("body,message", [
    ({}, "Type: required unless ConnectParticipant is true"),
    ({"ConnectParticipant": False}, "Type: required unless ConnectParticipant is true"),
    ({"Type": []}, "Type: at least 1 item"),
    ({"Type": ["CHAT"]}, "Type[0]: must be one of"),
    ({"Type": "WEBSOCKET"}, "Type: must be an array"),
    ({"ConnectParticipant": "yes"}, "ConnectParticipant: must be true or false"),
    ({"ConnectParticipant": True, "ParticipantToken": "x"}, "ParticipantToken: unknown field"),
])
def test_connect_connection_invalid(emu, body, message):
    resp = connect_post(emu, "connection", body, bearer=emu.connect_participant_token)
    assert message in assert_connect_error(resp, 400, "ValidationException")


@pytest.mark.parametrize("raw,ctype,status", [
    ("{x", "application/json", 400),
    ('"string"', "application/json", 400),
    (json.dumps(CONNECT_EVENT), "text/plain", 415),
])
def test_connect_body_format(emu, raw, ctype, status):
    resp = emu.call("POST", "/participant/event", raw,
                    {"X-Amz-Bearer": emu.connect_connection_token, "Content-Type": ctype})
    assert resp.status == status
    assert "x-amzn-errortype" in resp.headers and "x-amzn-requestid" in resp.headers
    assert "message" in resp.json()


# ---- Z-API send-text ------------------------------------------------------------------------

ZAPI_TEXT = {"phone": "5511999999999", "message": "Hello"}


@pytest.mark.parametrize("body", [
    ZAPI_TEXT,
    with_(ZAPI_TEXT, phone="120363019502650977-group", delayMessage=15, delayTyping=1),
    with_(ZAPI_TEXT, phone="123456789@lid", editMessageId="3EB0C767D71D5C6E7E4E"),
    with_(ZAPI_TEXT, messageId="3EB0C767D71D5C6E7E4E"),
])
def test_zapi_text_valid(emu, body):
    resp = zapi_post(emu, "send-text", body)
    assert resp.status == 200
    (rec,) = emu.requests()
    assert rec["provider"] == "zapi" and rec["operation"] == "send_message"
    assert rec["path"].endswith("/send-text") and rec["body"] == body


@pytest.mark.parametrize("body,message", [
    ({"phone": "5511999999999"}, "message"),
    (with_(ZAPI_TEXT, message=""), "message"),
    ({"message": "hi"}, "phone"),
    (with_(ZAPI_TEXT, phone="abc@newsletter"), "phone"),
    (with_(ZAPI_TEXT, delayMessage=0), "delayMessage"),
    (with_(ZAPI_TEXT, delayTyping=16), "delayTyping"),
    (with_(ZAPI_TEXT, delayTyping=2.5), "delayTyping"),
    (with_(ZAPI_TEXT, delayMessage="3"), "delayMessage"),
    (with_(ZAPI_TEXT, text="x"), "text"),
])
def test_zapi_text_invalid(emu, body, message):
    assert message in assert_zapi_error(zapi_post(emu, "send-text", body), 400)
    assert emu.requests() == []
