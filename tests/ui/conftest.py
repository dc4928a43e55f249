"""Browser tests of the emulator's inbox page (/_emulator/ui): headless Chromium driven by
Selenium. The emulator fixtures (emu, emulator_factory) come from tests/conftest.py; clients and
valid requests from tests/python/py_support.py.

Chromium, its driver and Selenium are Debian packages (chromium, chromium-driver,
python3-selenium) that scripts/install-deps.sh installs: when one is missing the tests fail
saying so rather than being skipped.

Fixtures
    browser    module-scoped: one headless Chromium at 1280x800, quit at the end of the module
    page       the inbox page of the session emulator (reset), open and live
    webhook_receiver  a loopback receiver the emulator's Sinch and Z-API callbacks go to
    artifacts  session-scoped: the directory screenshots go to ($SE_ARTIFACTS, else
               build/ui-artifacts under the repository root), created
"""

import os
import pathlib
import shutil
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent / "python"))  # py_support: clients for the emulator
sys.path.insert(0, str(HERE.parent))  # webhook_support: a loopback webhook receiver

from ui_support import Page  # noqa: E402
from webhook_support import Receiver  # noqa: E402

INSTALL_HINT = "run scripts/install-deps.sh (as root) to install chromium, chromium-driver and python3-selenium"


def _find(env, *names):
    """A browser binary: $env, else the first of names on PATH or as an absolute path."""
    given = os.environ.get(env)
    if given:
        return given if os.path.exists(given) else None
    for name in names:
        found = shutil.which(name) or (name if os.path.isabs(name) and os.path.exists(name) else None)
        if found:
            return found
    return None


def _driver():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        pytest.fail("selenium is not importable (%s): %s" % (exc, INSTALL_HINT), pytrace=False)
    chromium = _find("SE_CHROMIUM", "/usr/bin/chromium", "chromium", "chromium-browser")
    chromedriver = _find("SE_CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver")
    if not chromium or not chromedriver:
        pytest.fail("chromium (%s) or chromedriver (%s) not found: %s"
                    % (chromium, chromedriver, INSTALL_HINT), pytrace=False)
    options = Options()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-default-apps", "--disable-sync", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(chromedriver), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = _driver()
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def artifacts():
    path = pathlib.Path(os.environ.get("SE_ARTIFACTS") or REPO_ROOT / "build" / "ui-artifacts")
    if not path.is_absolute():
        path = REPO_ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(browser, emu):
    """The inbox page of the session emulator, open and live."""
    p = Page(browser, emu)
    p.open()
    return p


@pytest.fixture
def webhook_receiver(emu):
    """A loopback webhook receiver the emulator's Sinch and Z-API callbacks go to."""
    made = Receiver()
    answer = emu.call("POST", "/_emulator/webhooks", {"sinch_url": made.url, "zapi_url": made.url})
    assert answer.status == 200, answer
    yield made
    made.stop()
