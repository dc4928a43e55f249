"""The inbox page (/_emulator/ui) in a real browser: what the library sends shows up live in the
right conversation, receipts tick their message, a Z-API event edit updates its card, a narrow
window works; screenshots of the main views go to $SE_ARTIFACTS.

Every wait is bounded (WebDriverWait, 10 s); nothing asserts timings."""

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import sendevent
from py_support import GROUP
from ui_support import (CT, agent_sends, connect_message, connect_receipt, open_chat,
                        sinch_message, tick_of, wait_tick)


# ---- 1. sends appear live, in the right conversation -------------------------------------------

SINCH_KINDS = [
    ({"text_message": {"text": "Hello from the app"}}, ["Hello from the app"]),
    ({"choice_message": {"text_message": {"text": "Pick a size"}, "choices": [
        {"text_message": {"text": "Small"}},
        {"url_message": {"title": "Size guide", "url": "https://example.com/sizes"}},
        {"call_message": {"title": "Call us", "phone_number": "+46700000000"}}]}},
     ["Pick a size", "Small", "Size guide", "Call us"]),
    ({"card_message": {"title": "Order 42", "description": "Shipped today", "choices": [
        {"text_message": {"text": "Track it"}}]}}, ["Order 42", "Shipped today", "Track it"]),
    ({"carousel_message": {"cards": [{"title": "Red shoe"}, {"title": "Blue shoe"}],
                           "choices": [{"text_message": {"text": "More shoes"}}]}},
     ["Red shoe", "Blue shoe", "More shoes"]),
    ({"location_message": {"title": "Our office", "label": "HQ",
                           "coordinates": {"latitude": 59.33, "longitude": 18.06}}},
     ["Our office", "59.33", "18.06"]),
    ({"list_message": {"title": "Menu", "sections": [
        {"title": "Drinks", "items": [{"choice": {"title": "Coffee"}}]}]}},
     ["Menu", "Drinks", "Coffee"]),
]


def test_sends_appear_live_in_their_conversation(page, clients, emu):
    sinch, zapi, connect = clients["sinch"], clients["zapi"], clients["connect"]
    sinch_message(sinch, "ui-contact-1", SINCH_KINDS[0][0])
    page.conversation("contact ui-contact-1")
    page.item("Hello from the app")
    for message, texts in SINCH_KINDS[1:]:
        sinch_message(sinch, "ui-contact-1", message)
        li = page.item(texts[0])
        for text in texts:
            assert text in li.text, (text, li.text)
    # a choice is an inert chip; its URL is a link that opens elsewhere, never loaded here
    chips = page.js("return Array.from(document.querySelectorAll('#timeline .chip'))"
                    ".map((c) => c.tagName + ':' + c.textContent)")
    assert any(c.startswith("SPAN:") and "Small" in c for c in chips), chips

    url = "https://example.com/media/pic.png"
    sinch_message(sinch, "ui-contact-1", {"media_message": {"url": url}})
    link = page.until(lambda d: page.js(
        "return document.querySelector('#timeline a.url[href=\"%s\"]')" % url), "the media link")
    assert link.text == url
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert link.get_attribute("target") == "_blank"
    assert page.js("return document.images.length") == 0  # nothing is loaded as an image

    # a channel identity is its own conversation
    sinch.send_message(app_id="APP1", message={"text_message": {"text": "Via WhatsApp"}},
                       recipient={"identified_by": {"channel_identities": [
                           {"channel": "WHATSAPP", "identity": "46732000001"}]}})
    page.conversation("WHATSAPP 46732000001")
    page.item("Via WhatsApp")
    assert page.find("#timeline .item", "Hello from the app") is None

    zapi.send_message(phone="5511999990001", message="Olá, *pedido* confirmado")
    page.conversation("5511999990001")
    page.item("Olá, *pedido* confirmado")

    connect_message(connect, emu, "Customer says hi")
    page.conversation("default connection")
    page.item("Customer says hi")

    # a connection the emulator issued is a conversation of its own, labelled by its contact
    made = connect.create_connection(ParticipantToken=emu.connect_participant_token,
                                     Type=["CONNECTION_CREDENTIALS"], ConnectParticipant=True)
    issued = json.loads(made.text)["ConnectionCredentials"]["ConnectionToken"]
    connect_message(connect, emu, "From an issued connection", token=issued)
    label = page.until(lambda d: next((x for x in page.conv_labels()
                                       if x.startswith("contact ") and x != "contact ui-contact-1"), None),
                       "the issued connection's conversation")
    page.conversation(label)
    page.item("From an issued connection")
    page.item("participant connection created")
    page.assert_not_reloaded()


# ---- 2. receipts tick their message --------------------------------------------------------------

def test_connect_receipts_tick_their_message(page, clients, emu):
    connect = clients["connect"]
    first = connect_message(connect, emu, "Read me")
    second = connect_message(connect, emu, "Deliver me")
    connect_message(connect, emu, "Leave me")
    page.conversation("default connection")
    page.item("Leave me")
    assert tick_of(page, "Read me") == "tick tick-sent"

    connect_receipt(connect, emu, "read", first.id)
    connect_receipt(connect, emu, "delivered", second.id)
    wait_tick(page, "Read me", "read")
    wait_tick(page, "Deliver me", "delivered")
    assert tick_of(page, "Leave me") == "tick tick-sent"
    # the receipt is listed in its message's detail, not as a bubble of its own
    assert page.find("#timeline .item", "read receipt") is None
    detail = page.open_detail("Read me")
    page.until(lambda d: "message.read" in detail.text, "the receipt in the detail")
    page.assert_not_reloaded()


def test_connect_transcript_shows_both_sides(page, clients, emu):
    connect = clients["connect"]
    token, label = open_chat(connect, emu)
    mine = connect_message(connect, emu, "Customer asks", token=token)
    page.conversation(label)
    page.item("Customer asks")
    agent_sends(emu, token, ContentType="text/plain", Content="Agent answers", DisplayName="Maria")
    agent_sends(emu, token, Type="EVENT", ContentType=CT + "message.read",
                Content=json.dumps({"messageId": mine.id}))
    # the agent's message arrives live, after the customer's, as a received bubble with its name
    reply = page.item("Agent answers")
    assert "Maria" in reply.text
    assert "received" in reply.get_attribute("class").split()
    order = page.js("return Array.from(document.querySelectorAll('#timeline .item'))"
                    ".map((n) => n.textContent)")
    assert [i for i, t in enumerate(order) if "Customer asks" in t] < \
        [i for i, t in enumerate(order) if "Agent answers" in t]
    wait_tick(page, "Customer asks", "read")  # the agent read it
    page.until(lambda d: d.find_element(By.ID, "chat-sub").text ==
               "2 requests · 2 from the agent side", "the chat's counts")
    assert emu.connect_participant_token not in page.d.page_source and token not in page.d.page_source
    page.assert_not_reloaded()


def test_delivery_callbacks_tick_their_message(page, clients, webhook_receiver):
    sinch_message(clients["sinch"], "ui-contact-cb", {"text_message": {"text": "Sinch, read?"}})
    clients["zapi"].send_message(phone="5511999990002", message="Z-API, read?")
    webhook_receiver.wait(6)  # Sinch: queued, delivered, read; Z-API: sent, received, read
    page.conversation("contact ui-contact-cb")
    wait_tick(page, "Sinch, read?", "read")
    detail = page.open_detail("Sinch, read?")
    page.until(lambda d: "MESSAGE_DELIVERY READ" in detail.text, "the callbacks in the detail")
    assert webhook_receiver.url in page.js("return arguments[0].textContent", detail)  # folded
    page.d.find_element(By.ID, "detail-close").click()
    page.conversation("5511999990002")
    wait_tick(page, "Z-API, read?", "read")


# ---- 3. Z-API group events as cards --------------------------------------------------------------

def test_zapi_event_edit_and_response_update_the_card(page, clients):
    zapi = clients["zapi"]
    sent = zapi.send_event(phone=GROUP, event={
        "name": "Sprint review", "dateTime": "2026-11-23T10:00:00.000Z",
        "location": {"name": "Room 4"}, "callLinkType": "video", "description": "Demo day"})
    page.conversation(GROUP)
    card = page.item("Sprint review")
    assert "Room 4" in card.text and "video call" in card.text and "Demo day" in card.text

    zapi.edit_event(phone=GROUP, eventMessageId=sent.id, event={
        "name": "Sprint review (moved)", "dateTime": "2026-11-24T15:30:00.000Z",
        "callLinkType": "voice", "canceled": True})
    page.until(lambda d: "Sprint review (moved)" in card.text, "the edit on the card")
    assert "edited once" in card.text
    assert "Cancelled" in card.text and "voice call" in card.text
    assert "Room 4" not in card.text  # an edit re-sends every field: the location is gone
    assert page.js("return arguments[0].querySelector('.event-card.canceled') !== null", card)
    when = page.js("return new Date('2026-11-24T15:30:00.000Z').toLocaleString()")
    assert when in card.text

    zapi.respond_event(phone=GROUP, eventMessageId=sent.id, eventResponse="GOING")
    zapi.respond_event(phone=GROUP, eventMessageId=sent.id, eventResponse="NOT_GOING")
    page.until(lambda d: "going 1" in card.text and "not going 1" in card.text,
               "the responses on the card")
    assert "last: NOT_GOING" in card.text
    # one card: the edit and the responses are on it, not beside it
    assert page.js("return document.querySelectorAll('#timeline .event-card').length") == 1

# ---- 8. a narrow window --------------------------------------------------------------------------

def test_narrow_window(page, clients):
    try:
        page.d.set_window_size(420, 800)
        sinch_message(clients["sinch"], "narrow", {"text_message": {"text": "fits on a phone"}})
        page.conversation("contact narrow")
        item = page.item("fits on a phone")
        width = page.js("return document.documentElement.clientWidth")
        rect = page.js("return arguments[0].getBoundingClientRect().toJSON()", item)
        assert 0 <= rect["left"] and rect["right"] <= width, (rect, width)
        sidebar = page.js("return document.querySelector('.sidebar').getBoundingClientRect().toJSON()")
        chat = page.js("return document.querySelector('.chat').getBoundingClientRect().toJSON()")
        assert sidebar["bottom"] <= chat["top"] + 1  # the list sits above the timeline
        assert page.js("return document.documentElement.scrollWidth") <= width  # no sideways scroll
        item.click()
        page.until(lambda d: d.find_element(By.ID, "detail").is_displayed(), "the detail pane")
        panel = page.js("return document.getElementById('detail').getBoundingClientRect().toJSON()")
        assert panel["width"] <= width
        page.d.switch_to.active_element.send_keys(Keys.ESCAPE)
        page.until(lambda d: not d.find_element(By.ID, "detail").is_displayed(), "Escape")
    finally:
        page.d.set_window_size(1280, 800)


# ---- 9. screenshots of the main views ------------------------------------------------------------

def test_screenshots(page, clients, emu, artifacts, webhook_receiver):
    sinch, zapi, connect = clients["sinch"], clients["zapi"], clients["connect"]
    alice = "alice"
    sinch.send_event(app_id="APP1", recipient={"contact_id": alice}, event={
        "agent_joined_event": {"agent": {"display_name": "Maria", "type": "HUMAN"}}})
    sinch_message(sinch, alice, {"text_message": {"text": "Hi Alice! Your order has shipped."}})
    sinch_message(sinch, alice, {"card_message": {
        "title": "Order 42", "description": "2 items · arriving Thursday",
        "media_message": {"url": "https://example.com/img/order-42.jpg"},
        "choices": [{"text_message": {"text": "Track"}},
                    {"url_message": {"title": "Invoice", "url": "https://example.com/invoice/42"}}]}})
    sinch_message(sinch, alice, {"choice_message": {"text_message": {"text": "Was this helpful?"},
                                                     "choices": [{"text_message": {"text": "Yes"}},
                                                                 {"text_message": {"text": "No"}}]}})
    emu.fault(provider="sinch", operation="send_message", status=503)
    with pytest.raises(sendevent.Error):
        sinch_message(sinch, alice, {"text_message": {"text": "This one met a 503 fault"}})
    sinch_message(sinch, "bob", {"text_message": {"text": "Your code is 123456"}})
    zapi.send_message(phone="5511999999999", message="Olá! Seu pedido foi confirmado.")

    team = zapi.send_event(phone=GROUP, event={
        "name": "Sprint review", "dateTime": "2026-11-23T10:00:00.000Z",
        "location": {"name": "Room 4"}, "callLinkType": "video", "description": "Demo of issue 19"})
    zapi.edit_event(phone=GROUP, eventMessageId=team.id, event={
        "name": "Sprint review", "dateTime": "2026-11-23T14:00:00.000Z",
        "location": {"name": "Room 4"}, "callLinkType": "video", "description": "Moved to 14:00"})
    zapi.respond_event(phone=GROUP, eventMessageId=team.id, eventResponse="GOING")
    zapi.send_event(phone=GROUP, event={"name": "Offsite", "dateTime": "2026-12-01T09:00:00Z",
                                        "canceled": True})

    chat, chat_label = open_chat(connect, emu)
    hello = connect_message(connect, emu, "Hello, I need help with my booking.", token=chat)
    agent_sends(emu, chat, Type="EVENT", ContentType=CT + "participant.joined", DisplayName="Sam")
    agent_sends(emu, chat, Type="EVENT", ContentType=CT + "message.read",
                Content=json.dumps({"messageId": hello.id}))
    agent_sends(emu, chat, ContentType="text/plain", DisplayName="Sam",
                Content="Hi, I'm Sam. What is the booking reference?")
    details = connect_message(connect, emu, "Booking ref ABC123.", token=chat)
    agent_sends(emu, chat, Type="EVENT", ContentType=CT + "message.delivered",
                Content=json.dumps({"messageId": details.id}))
    connect.send_event(ConnectionToken=chat, ContentType=CT + "typing")

    page.conversation("contact alice")
    page.item("This one met a 503 fault")
    wait_tick(page, "Hi Alice! Your order has shipped.", "read")
    sinch.send_event(app_id="APP1", recipient={"contact_id": alice}, event={"composing_event": {}})
    page.until(lambda d: d.find_element(By.ID, "typing").is_displayed(), "the typing indicator")
    page.shot(artifacts, "inbox-sinch.png")

    page.conversation(GROUP)
    page.wait_find("#timeline .event-card", "going 1")
    page.shot(artifacts, "zapi-event-cards.png")

    page.conversation(chat_label)
    wait_tick(page, "Hello, I need help with my booking.", "read")
    wait_tick(page, "Booking ref ABC123.", "delivered")
    page.item("What is the booking reference?")
    page.shot(artifacts, "connect-transcript.png")

    page.conversation("contact alice")
    page.open_detail("Order 42")
    page.shot(artifacts, "request-detail.png")
    page.d.find_element(By.ID, "detail-close").click()

    emu.fault(provider="zapi", status=429, retry_after="2", count=3)
    page.d.find_element(By.ID, "faults-toggle").click()
    page.wait_find("#fault-list li", "status=429")
    page.shot(artifacts, "faults-panel.png")
    page.d.find_element(By.ID, "faults-close").click()

    page.d.set_window_size(420, 800)
    try:
        page.conversation("contact alice")
        page.shot(artifacts, "narrow.png")
    finally:
        page.d.set_window_size(1280, 800)
    for name in ("inbox-sinch.png", "zapi-event-cards.png", "connect-transcript.png",
                 "request-detail.png", "faults-panel.png", "narrow.png"):
        data = (artifacts / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10000, name
