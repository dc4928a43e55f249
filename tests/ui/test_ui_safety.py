"""The inbox page is safe with what it shows, in a real browser: it leaves no trace in the log,
hostile request content stays inert text, and secrets are redacted as the library redacts
them."""

import http.server
import json
import threading
import time

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from py_support import SECRET_FLAGS, SECRETS, make_client
from ui_support import Page, connect_message, sinch_message


def test_the_page_leaves_no_trace_in_the_log(page, emu):
    """The page's own requests (its files, the control API, a favicon) are not logged."""
    page.until(lambda d: d.find_element(By.ID, "conv-empty").is_displayed(), "the empty list")
    time.sleep(0.5)
    assert emu.requests(all=True) == []
    assert page.d.find_element(By.ID, "conv-empty").text.startswith("Nothing received yet")
    assert [e for e in page.d.get_log("browser") if e["level"] == "SEVERE"] == []

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
    emu = emulator_factory(*SECRET_FLAGS)
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
