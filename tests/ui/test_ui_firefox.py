"""The inbox page in Firefox (headless firefox-esr over Marionette, tests/ui/firefox.py): it goes
live, what the library sends appears in the right conversation without a reload, a detail opens,
and hostile content stays inert text. The Chromium tests cover the rest in depth."""

import shutil

import pytest

from firefox import Firefox
from py_support import GROUP
from ui_support import connect_message, sinch_message

OPEN_CONVERSATION = """
const button = Array.from(document.querySelectorAll('.conv'))
  .find((b) => b.querySelector('.conv-label').textContent === arguments[0]);
if (!button) return false;
button.click();
return document.getElementById('chat-title').textContent.endsWith(' · ' + arguments[0]);
"""
ITEM_TEXTS = "return Array.from(document.querySelectorAll('#timeline .item')).map((n) => n.textContent)"


@pytest.fixture(scope="module")
def firefox():
    binary = shutil.which("firefox-esr") or shutil.which("firefox")
    if not binary:
        pytest.fail("firefox-esr not found: run scripts/install-deps.sh (as root)", pytrace=False)
    with Firefox(binary) as ff:
        yield ff


def open_page(ff, emu):
    ff.navigate(emu.url + "/_emulator/ui")
    ff.until("return document.getElementById('live').textContent === 'live'", "the page to go live")
    ff.js("window.__same_page = true")


def shows(ff, label, text):
    """Opens conversation `label` and waits for a timeline item showing text."""
    ff.until(OPEN_CONVERSATION, "conversation %r" % label, label)
    ff.until(ITEM_TEXTS + ".some((t) => t.includes(arguments[0]))", "item %r" % text, text)


def test_sends_appear_live_in_firefox(firefox, clients, emu):
    open_page(firefox, emu)
    sinch, zapi, connect = clients["sinch"], clients["zapi"], clients["connect"]
    sinch_message(sinch, "ff-contact", {"text_message": {"text": "Hello, Firefox"}})
    zapi.send_message(phone="5511999990077", message="Olá, Firefox")
    zapi.send_event(phone=GROUP, event={"name": "Firefox review",
                                        "dateTime": "2026-12-03T10:00:00.000Z"})
    connect_message(connect, emu, "Connect in Firefox")
    shows(firefox, "contact ff-contact", "Hello, Firefox")
    shows(firefox, "5511999990077", "Olá, Firefox")
    shows(firefox, GROUP, "Firefox review")
    shows(firefox, "default connection", "Connect in Firefox")
    assert firefox.js("return window.__same_page === true"), "the page was reloaded"
    # the detail of the Z-API text: its path redacted as the library's dry run shows it
    shows(firefox, "5511999990077", "Olá, Firefox")
    firefox.js("Array.from(document.querySelectorAll('#timeline .item')).pop().click()")
    detail = firefox.until("const d = document.getElementById('detail-body');"
                           "return d && d.textContent.includes('/send-') && d.textContent",
                           "the detail pane")
    assert "[REDACTED]" in detail and emu.zapi_token not in detail


def test_hostile_content_stays_inert_in_firefox(firefox, clients, emu):
    open_page(firefox, emu)
    script = "<script>window.__pwned=1</script>"
    onerror = '<img src=x onerror="window.__pwned=1">'
    clients["zapi"].send_message(phone="5511999990078", message=script + onerror)
    shows(firefox, "5511999990078", script + onerror)
    assert firefox.js("return typeof window.__pwned") == "undefined"
    assert firefox.js("return document.querySelectorAll('#timeline img, #timeline script')"
                      ".length") == 0
    assert emu.requests(all=True)[-1]["operation"] == "send_message"  # the page logged nothing
