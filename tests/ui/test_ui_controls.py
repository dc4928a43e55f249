"""The inbox page's controls in a real browser: a fault added from the page hits the next send
(and a refused one shows the emulator's error), filters, reset and the keyboard."""

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import sendevent
from ui_support import sinch_message


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
