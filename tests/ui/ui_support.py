"""What the browser tests of the inbox page share: the Page wrapper (waits on what the page
shows) and the sends they make through the library."""

import json

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

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


def sinch_message(client, contact, message):
    return client.send_message(app_id="APP1", recipient={"contact_id": contact}, message=message)


def connect_message(client, emu, text, token=None):
    return client.send_message(ConnectionToken=token or emu.connect_connection_token,
                               ContentType="text/plain", Content=text)


def connect_receipt(client, emu, kind, message_id):
    return client.send_event(ConnectionToken=emu.connect_connection_token,
                             ContentType=CT + "message." + kind,
                             Content=json.dumps({"messageId": message_id}))


def tick_of(page, text):
    return page.js("const li = arguments[0]; const t = li.querySelector('.tick');"
                   "return t ? t.className : null", page.item(text))


def wait_tick(page, text, tick):
    page.until(lambda d: tick_of(page, text) == "tick tick-" + tick,
               "the message %r to show %s" % (text, tick))


def open_chat(client, emu):
    """A Connect chat the emulator issues (CreateParticipantConnection): its ConnectionToken and
    the conversation label the page lists it under."""
    created = client.create_connection(ParticipantToken=emu.connect_participant_token,
                                       Type=["CONNECTION_CREDENTIALS"])
    token = created.body["ConnectionCredentials"]["ConnectionToken"]
    label = emu.call("GET", "/_emulator/requests?redact=1").json()["requests"][-1]["conversation"]
    return token, label


def agent_sends(emu, token, **spec):
    """The agent side of the chat sends an item (POST /_emulator/connect/agent)."""
    answer = emu.call("POST", "/_emulator/connect/agent", dict(spec, ConnectionToken=token))
    assert answer.status == 200, answer
    return answer.json()
