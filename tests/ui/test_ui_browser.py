"""The inbox page (/_emulator/ui) in a real browser: what the library sends shows up live in the
right conversation, receipts tick their message, a Z-API event edit updates its card, a fault added
from the page hits the next send, hostile content stays inert, secrets stay redacted, filters,
reset, keyboard and a narrow window work. Screenshots of the main views go to $SE_ARTIFACTS.

Every wait is bounded (WebDriverWait, 10 s); nothing asserts timings."""

import http.server
import json
import threading
import time

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

import sendevent
from py_support import GROUP, make_client
from webhook_support import Receiver

WAIT = 10
CT = "application/vnd.amazonaws.connect.event."

# Finds, in one script (no stale element between finding and reading), the first element of
# a selector whose text contains a string.
FIND_JS = """
const [selector, text] = arguments;
return Array.from(document.querySelectorAll(selector))
  .find((n) => n.textContent.includes(text)) || null;
"""


class Page:
    """The inbox page in the browser, with waits on what it shows."""

    def __init__(self, driver, emu):
        self.d = driver
        self.emu = emu

    def open(self, width=1280, height=800):
        self.d.set_window_size(width, height)
        self.d.get_log("browser")  # drops what earlier pages logged
        self.d.get(self.emu.url + "/_emulator/ui")
        self.until(lambda d: d.find_element(By.ID, "live").text == "live", "the page to go live")
        self.d.execute_script("window.__same_page = true")  # gone if the page reloads

    def until(self, condition, what, timeout=WAIT):
        return WebDriverWait(self.d, timeout, poll_frequency=0.05).until(
            condition, "waited %d s for %s" % (timeout, what))

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def find(self, selector, text):
        return self.js(FIND_JS, selector, text)

    def wait_find(self, selector, text, what=None):
        return self.until(lambda d: self.find(selector, text), what or "%s with %r" % (selector, text))

    def conversation(self, label):
        """Opens the conversation whose label is `label` once it is listed."""
        button = self.until(lambda d: self.js(
            "return Array.from(document.querySelectorAll('.conv')).find("
            "(b) => b.querySelector('.conv-label').textContent === arguments[0]) || null", label),
            "conversation %r in the list" % label)
        button.click()
        self.until(lambda d: d.find_element(By.ID, "chat-title").text.endswith(" · " + label),
                   "conversation %r to open" % label)
        return button

    def item(self, text):
        """The timeline entry that shows `text` (waits for it)."""
        return self.wait_find("#timeline .item", text, "a timeline item showing %r" % text)

    def conv_labels(self):
        return self.js("return Array.from(document.querySelectorAll('.conv .conv-label'))"
                       ".map((n) => n.textContent)")

    def open_detail(self, text):
        self.item(text).click()
        self.until(lambda d: d.find_element(By.ID, "detail").is_displayed(), "the detail pane")
        return self.d.find_element(By.ID, "detail-body")

    def assert_not_reloaded(self):
        assert self.js("return window.__same_page === true"), "the page was reloaded"

    def shot(self, artifacts, name):
        self.d.save_screenshot(str(artifacts / name))


@pytest.fixture
def page(browser, emu):
    p = Page(browser, emu)
    p.open()
    return p


@pytest.fixture
def clients(emu):
    made = {p: make_client(emu, p) for p in ("sinch", "zapi", "connect")}
    yield made
    for c in made.values():
        c.close()


@pytest.fixture
def receiver(emu):
    """A loopback webhook receiver the emulator's Sinch and Z-API callbacks go to."""
    made = Receiver()
    answer = emu.call("POST", "/_emulator/webhooks", {"sinch_url": made.url, "zapi_url": made.url})
    assert answer.status == 200, answer
    yield made
    made.stop()


def sinch_message(client, contact, message):
    return client.send_message(app_id="APP1", recipient={"contact_id": contact}, message=message)


def connect_message(client, emu, text, token=None):
    return client.send_message(ConnectionToken=token or emu.connect_connection_token,
                               ContentType="text/plain", Content=text)


def connect_receipt(client, emu, kind, message_id):
    return client.send_event(ConnectionToken=emu.connect_connection_token,
                             ContentType=CT + "message." + kind,
                             Content=json.dumps({"messageId": message_id}))


def test_the_page_leaves_no_trace_in_the_log(page, emu):
    """The page's own requests (its files, the control API, a favicon) are not logged."""
    page.until(lambda d: d.find_element(By.ID, "conv-empty").is_displayed(), "the empty list")
    time.sleep(0.5)
    assert emu.requests(all=True) == []
    assert page.d.find_element(By.ID, "conv-empty").text.startswith("Nothing received yet")
    assert [e for e in page.d.get_log("browser") if e["level"] == "SEVERE"] == []


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

def tick_of(page, text):
    return page.js("const li = arguments[0]; const t = li.querySelector('.tick');"
                   "return t ? t.className : null", page.item(text))


def wait_tick(page, text, tick):
    page.until(lambda d: tick_of(page, text) == "tick tick-" + tick,
               "the message %r to show %s" % (text, tick))


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


def test_delivery_callbacks_tick_their_message(page, clients, receiver):
    sinch_message(clients["sinch"], "ui-contact-cb", {"text_message": {"text": "Sinch, read?"}})
    clients["zapi"].send_message(phone="5511999990002", message="Z-API, read?")
    receiver.wait(6)  # Sinch: queued, delivered, read; Z-API: sent, received, read
    page.conversation("contact ui-contact-cb")
    wait_tick(page, "Sinch, read?", "read")
    detail = page.open_detail("Sinch, read?")
    page.until(lambda d: "MESSAGE_DELIVERY READ" in detail.text, "the callbacks in the detail")
    assert receiver.url in page.js("return arguments[0].textContent", detail)  # folded
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


# ---- 4. faults from the page ----------------------------------------------------------------------

def test_fault_added_in_the_page_hits_the_next_send(page, clients, emu):
    page.d.find_element(By.ID, "faults-toggle").click()
    page.until(lambda d: d.find_element(By.ID, "faults").is_displayed(), "the faults panel")
    Select(page.d.find_element(By.ID, "ff-provider")).select_by_value("zapi")
    Select(page.d.find_element(By.ID, "ff-operation")).select_by_value("send_message")
    page.d.find_element(By.ID, "ff-status").send_keys("503")
    count = page.d.find_element(By.ID, "ff-count")
    count.clear()
    count.send_keys("1")
    page.d.find_element(By.ID, "ff-submit").click()
    page.until(lambda d: len(emu.faults()) == 1, "the fault to reach the emulator")
    fault = emu.faults()[0]
    assert (fault["provider"], fault["operation"], fault["status"], fault["remaining"]) == \
        ("zapi", "send_message", 503, 1)
    page.wait_find("#fault-list li", "status=503", "the fault in the list")

    with pytest.raises(sendevent.Error) as caught:
        clients["zapi"].send_message(phone="5511999990003", message="This one meets the fault")
    assert caught.value.http_status == 503
    page.until(lambda d: d.find_element(By.ID, "faults-empty").is_displayed(),
               "the used fault to leave the list")
    assert emu.faults() == []
    page.d.find_element(By.ID, "faults-close").click()
    page.conversation("5511999990003")
    failed = page.item("This one meets the fault")
    assert "is-failed" in failed.get_attribute("class")
    assert "503" in failed.text and "injected fault" in failed.text

    # the next one goes through
    clients["zapi"].send_message(phone="5511999990003", message="This one passes")
    assert "is-ok" in page.item("This one passes").get_attribute("class")


def test_refused_fault_shows_the_emulators_error(page, emu):
    spec = '{"provider": "sinch", "status": 42}'
    expected = emu.call("POST", "/_emulator/faults", spec).json()["error"]
    page.d.find_element(By.ID, "faults-toggle").click()
    page.d.find_element(By.ID, "ff-raw").send_keys(spec)
    page.d.find_element(By.ID, "ff-raw-submit").click()
    page.until(lambda d: expected in d.find_element(By.ID, "fault-error").text,
               "the emulator's error text")
    assert emu.faults() == []
    page.d.find_element(By.ID, "ff-raw").clear()
    page.d.find_element(By.ID, "ff-raw").send_keys('{"provider": "sinch", "status": 500, "count": 2}')
    page.d.find_element(By.ID, "ff-raw-submit").click()
    page.until(lambda d: len(emu.faults()) == 1, "the JSON fault")
    page.d.find_element(By.ID, "faults-clear").click()
    page.until(lambda d: emu.faults() == [] and d.find_element(By.ID, "faults-empty").is_displayed(),
               "the faults to be cleared")


# ---- 5. hostile content stays inert ---------------------------------------------------------------

class Listener:
    """A loopback HTTP server that counts the requests it gets (any method)."""

    def __init__(self):
        self.hits = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _hit(self):
                listener.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_GET = do_POST = do_HEAD = _hit

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.stop()


def assert_inert(page, listener):
    time.sleep(1)  # give an image or a script that escaped the time to act
    with pytest.raises(NoAlertPresentException):
        page.d.switch_to.alert.text
    assert page.js("return typeof window.__pwned") == "undefined"
    assert listener.hits == []
    assert page.js("return Array.from(document.querySelectorAll('a'))"
                   ".filter((a) => !/^https?:/.test(a.getAttribute('href') || '')).length") == 0
    assert page.js("return document.querySelectorAll('script:not([src]), img, iframe, object, embed')"
                   ".length") == 0


def test_hostile_content_stays_inert(page, clients, emu, listener):
    leak = '<img src="http://127.0.0.1:%d/leak">' % listener.port
    script = "<script>window.__pwned=1</script>"
    onerror = '<img src=x onerror="window.__pwned=1">'
    sinch, zapi, connect = clients["sinch"], clients["zapi"], clients["connect"]
    sinch_message(sinch, "x<b>ss</b>", {"text_message": {"text": script}})
    sinch_message(sinch, "x<b>ss</b>", {"choice_message": {"text_message": {"text": onerror}, "choices": [
        {"url_message": {"title": leak, "url": "javascript:window.__pwned=1"}}]}})
    # the library refuses a javascript: media URL; the emulator takes it, so it is sent raw
    raw = emu.call("POST", "/v1/projects/P/messages:send", {
        "app_id": "A", "recipient": {"contact_id": "x<b>ss</b>"},
        "message": {"media_message": {"url": "javascript:window.__pwned=1"}}},
        {"Authorization": emu.sinch_basic()})
    assert raw.status == 200, raw
    zapi.send_message(phone="5511999990004", message=leak)
    connect_message(connect, emu, onerror + script)

    page.conversation("contact x<b>ss</b>")
    for text in (script, onerror, leak):
        page.item(text)  # shown literally, as text
    page.conversation("5511999990004")
    page.item(leak)
    page.conversation("default connection")
    page.item(onerror + script)
    page.open_detail(onerror + script)

    assert_inert(page, listener)
    page.conversation("contact x<b>ss</b>")
    # the javascript: URLs (media and a choice's link) are text, not links; a click runs nothing
    shown = page.find("#timeline .url-text", "javascript:window.__pwned=1")
    assert shown is not None
    assert page.js("return document.querySelectorAll('#timeline .url-text').length") == 2
    shown.click()
    page.open_detail(script)
    assert_inert(page, listener)
    page.assert_not_reloaded()

    answer = emu.call("GET", "/_emulator/ui")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert "default-src 'none'" in answer.headers["content-security-policy"]


# ---- 6. secrets stay redacted ---------------------------------------------------------------------

SECRETS = {
    "sinch_key_secret": "sinch-SECRET-0xA11CE",
    "zapi_instance": "ZAPI-INSTANCE-0xB0B",
    "zapi_token": "ZAPI-TOKEN-0xC0FFEE",
    "zapi_client_token": "ZAPI-CLIENT-TOKEN-0xD00D",
    "connect_connection": "CONNECT-CONN-TOKEN-0xE66",
    "connect_participant": "CONNECT-PART-TOKEN-0xF00",
}


def redacted_lines(prepared):
    """The request line (method and path) and the headers holding [REDACTED], as the detail pane
    shows them: header names in lower case."""
    lines = prepared.split("\r\n") if "\r\n" in prepared else prepared.split("\n")
    method, target, _ = lines[0].split(" ", 2)
    out = [method + " " + target]
    for line in lines[1:]:
        if not line:
            break
        name, value = line.split(": ", 1)
        if "[REDACTED]" in value:
            out.append(name.lower() + ": " + value)
    return out


def test_secrets_are_redacted_as_the_library_redacts_them(browser, emulator_factory):
    emu = emulator_factory(
        "--sinch-key-secret", SECRETS["sinch_key_secret"],
        "--zapi-instance-id", SECRETS["zapi_instance"], "--zapi-token", SECRETS["zapi_token"],
        "--zapi-client-token", SECRETS["zapi_client_token"],
        "--connect-connection-token", SECRETS["connect_connection"],
        "--connect-participant-token", SECRETS["connect_participant"])
    page = Page(browser, emu)
    page.open()
    sends = [
        ("sinch", "send_message", {"app_id": "APP1", "recipient": {"contact_id": "secret-test"},
                                   "message": {"text_message": {"text": "Sinch secret test"}}}),
        ("zapi", "send_message", {"phone": "5511999990005", "message": "Z-API secret test"}),
        ("connect", "send_message", {"ConnectionToken": SECRETS["connect_connection"],
                                     "ContentType": "text/plain", "Content": "Connect secret test"}),
    ]
    issued = []
    for provider, operation, request in sends:
        with make_client(emu, provider) as client:
            prepared = client.prepare(operation, dict(request))
            client.send(operation, dict(request))
            if provider == "connect":
                made = client.create_connection(ParticipantToken=SECRETS["connect_participant"],
                                                Type=["CONNECTION_CREDENTIALS"])
                issued.append(json.loads(made.text)["ConnectionCredentials"]["ConnectionToken"])
        expected = redacted_lines(prepared)
        assert len(expected) >= 2, prepared  # the request line and at least one secret header
        label = {"sinch": "contact secret-test", "zapi": "5511999990005",
                 "connect": "default connection"}[provider]
        text = {"sinch": "Sinch secret test", "zapi": "Z-API secret test",
                "connect": "Connect secret test"}[provider]
        page.conversation(label)
        detail = page.open_detail(text)
        page.until(lambda d: detail.find_element(By.CSS_SELECTOR, ".request-line").text,
                   "the request line")
        shown = detail.find_element(By.CSS_SELECTOR, ".request-line").text
        assert shown.split("?")[0] == expected[0], (shown, prepared)
        headers = detail.find_element(By.CSS_SELECTOR, ".headers").text.split("\n")
        for line in expected[1:]:
            assert line in headers, (line, headers)
        page.d.find_element(By.ID, "detail-close").click()

    # the issued ConnectionToken is redacted in the answer shown
    page.conversation(next(x for x in page.conv_labels() if x.startswith("contact ") and x != "contact secret-test"))
    detail = page.open_detail("participant connection created")
    page.until(lambda d: '"ConnectionToken": "[REDACTED]"' in detail.text, "the redacted token")
    # the real values appear nowhere on the page (nor the OAuth token the library got)
    bearer = [r["headers"]["authorization"][7:] for r in emu.requests(all=True)
              if r["headers"].get("authorization", "").startswith("Bearer ")]
    assert bearer
    source = page.d.page_source
    for secret in list(SECRETS.values()) + bearer + issued:
        assert secret not in source, secret


# ---- 7. filters, reset and the keyboard ----------------------------------------------------------

def test_filters_narrow_conversations_and_items(page, clients, emu):
    sinch_message(clients["sinch"], "filter-a", {"text_message": {"text": "alpha one"}})
    sinch_message(clients["sinch"], "filter-a", {"text_message": {"text": "bravo two"}})
    clients["zapi"].send_message(phone="5511999990006", message="charlie three")
    emu.fault(provider="zapi", operation="send_message", status=500)
    with pytest.raises(sendevent.Error):
        clients["zapi"].send_message(phone="5511999990007", message="delta fails")
    page.conversation("5511999990007")
    page.item("delta fails")

    def labels_become(expected, what):
        page.until(lambda d: sorted(page.conv_labels()) == sorted(expected), what)

    Select(page.d.find_element(By.ID, "f-provider")).select_by_value("zapi")
    labels_become(["5511999990006", "5511999990007"], "only the Z-API conversations")
    Select(page.d.find_element(By.ID, "f-status")).select_by_value("failed")
    labels_become(["5511999990007"], "only the failed request's conversation")
    Select(page.d.find_element(By.ID, "f-status")).select_by_value("ok")
    labels_become(["5511999990006"], "only the successful Z-API conversation")
    Select(page.d.find_element(By.ID, "f-status")).select_by_value("")
    Select(page.d.find_element(By.ID, "f-provider")).select_by_value("")
    page.d.find_element(By.ID, "f-text").send_keys("bravo")
    labels_become(["contact filter-a"], "the conversation holding the text")
    page.conversation("contact filter-a")
    page.item("bravo two")
    assert page.find("#timeline .item", "alpha one") is None  # the text filters items too
    page.d.find_element(By.ID, "f-text").clear()
    page.d.find_element(By.ID, "f-text").send_keys(Keys.BACKSPACE)  # fire an input event
    Select(page.d.find_element(By.ID, "f-operation")).select_by_value("oauth_token")
    labels_become(["Auth and settings"], "the token requests only")
    Select(page.d.find_element(By.ID, "f-operation")).select_by_value("")
    page.until(lambda d: len(page.conv_labels()) == 4, "every conversation again")


def test_keyboard_navigation(page, clients):
    sinch_message(clients["sinch"], "keys-1", {"text_message": {"text": "first conversation"}})
    sinch_message(clients["sinch"], "keys-2", {"text_message": {"text": "second conversation"}})
    page.until(lambda d: len(page.conv_labels()) == 3, "the conversations")
    page.js("document.activeElement.blur()")  # start from the top of the page
    active = None
    for _ in range(40):  # Tab until the conversation list has the focus
        ActionChains(page.d).send_keys(Keys.TAB).perform()
        active = page.d.switch_to.active_element
        if "conv" in (active.get_attribute("class") or "").split():
            break
    else:
        pytest.fail("Tab never reached the conversation list")
    assert page.js("return document.activeElement.querySelector('.conv-label').textContent") \
        == "contact keys-2"  # the newest first
    active.send_keys(Keys.ARROW_DOWN)
    assert page.js("return document.activeElement.querySelector('.conv-label').textContent") \
        == "contact keys-1"
    page.d.switch_to.active_element.send_keys(Keys.ENTER)
    page.until(lambda d: d.find_element(By.ID, "chat-title").text.endswith("contact keys-1"),
               "Enter to open the conversation")
    # a visible focus ring
    assert page.js("return getComputedStyle(document.activeElement).outlineStyle") != "none"

    for _ in range(20):  # on to the timeline
        ActionChains(page.d).send_keys(Keys.TAB).perform()
        if "item" in (page.d.switch_to.active_element.get_attribute("class") or "").split():
            break
    else:
        pytest.fail("Tab never reached the timeline")
    item = page.d.switch_to.active_element
    assert "first conversation" in item.text
    item.send_keys(Keys.ENTER)
    page.until(lambda d: d.find_element(By.ID, "detail").is_displayed(), "Enter to open the detail")
    assert "Request #" in page.d.find_element(By.ID, "detail-title").text
    page.d.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.until(lambda d: not d.find_element(By.ID, "detail").is_displayed(), "Escape to close it")
    assert page.js("return document.activeElement === arguments[0]", item)  # focus goes back


def test_reset_clears_the_page_after_a_second_click(page, clients, emu):
    sinch_message(clients["sinch"], "reset-me", {"text_message": {"text": "soon gone"}})
    page.conversation("contact reset-me")
    button = page.d.find_element(By.ID, "reset")
    button.click()
    assert button.text == "Click again to reset"
    time.sleep(0.3)
    assert emu.requests(all=True) != []  # one click does nothing
    button.click()
    page.until(lambda d: d.find_element(By.ID, "conv-empty").is_displayed(), "the empty list")
    assert page.conv_labels() == []
    assert emu.requests(all=True) == []
    # and the page goes on: a new send after the reset shows up
    sinch_message(clients["sinch"], "after-reset", {"text_message": {"text": "a fresh start"}})
    page.conversation("contact after-reset")
    page.item("a fresh start")
    page.assert_not_reloaded()


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

def test_screenshots(page, clients, emu, artifacts, receiver):
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

    hello = connect_message(connect, emu, "Hello, I need help with my booking.")
    connect.send_event(ConnectionToken=emu.connect_connection_token,
                       ContentType=CT + "participant.joined")
    connect_receipt(connect, emu, "delivered", hello.id)
    details = connect_message(connect, emu, "Booking ref ABC123.")
    connect_receipt(connect, emu, "read", hello.id)
    connect_receipt(connect, emu, "read", details.id)
    connect.send_event(ConnectionToken=emu.connect_connection_token, ContentType=CT + "typing")

    page.conversation("contact alice")
    page.item("This one met a 503 fault")
    wait_tick(page, "Hi Alice! Your order has shipped.", "read")
    sinch.send_event(app_id="APP1", recipient={"contact_id": alice}, event={"composing_event": {}})
    page.until(lambda d: d.find_element(By.ID, "typing").is_displayed(), "the typing indicator")
    page.shot(artifacts, "inbox-sinch.png")

    page.conversation(GROUP)
    page.wait_find("#timeline .event-card", "going 1")
    page.shot(artifacts, "zapi-event-cards.png")

    page.conversation("default connection")
    wait_tick(page, "Booking ref ABC123.", "read")
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
