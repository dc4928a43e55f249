"""Headless Firefox driven over Marionette, its own remote protocol, for the inbox page's
Firefox tests. Debian ships firefox-esr but no geckodriver (Selenium's bridge to Marionette), so
this speaks the protocol directly: each message is "<length>:<JSON>", a command
[0, id, name, params], its answer [1, id, error, result].

    with Firefox() as ff:
        ff.navigate(url)
        ff.js("return document.title")

Firefox runs in a throw-away profile and is stopped by process id."""

import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

PREFS = """
user_pref("marionette.port", 0);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("app.update.disabledForTesting", true);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
"""


class MarionetteError(Exception):
    pass


class Firefox:
    def __init__(self, binary, timeout=30):
        self.profile = pathlib.Path(tempfile.mkdtemp(prefix="se-firefox-"))
        (self.profile / "user.js").write_text(PREFS)
        self.proc = subprocess.Popen(
            [binary, "--headless", "--marionette", "--no-remote", "--profile", str(self.profile),
             "about:blank"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=dict(os.environ, MOZ_HEADLESS="1"))
        self.sock, self.file, self.next_id = None, None, 0
        try:
            self._connect(timeout)
            self.command("WebDriver:NewSession", {"capabilities": {}})
        except BaseException:
            self.close()
            raise

    def _connect(self, timeout):
        port_file = self.profile / "MarionetteActivePort"
        deadline = time.monotonic() + timeout
        while not port_file.exists() or not port_file.read_text().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise MarionetteError("firefox did not open its Marionette port")
            time.sleep(0.1)
        self.sock = socket.create_connection(("127.0.0.1", int(port_file.read_text())),
                                             timeout=timeout)
        self.file = self.sock.makefile("rb")
        self._read()  # the hello: {"applicationType": "gecko", "marionetteProtocol": 3}

    def _read(self):
        length = b""
        while (c := self.file.read(1)) != b":":
            if not c or len(length) > 12:
                raise MarionetteError("Marionette closed the connection")
            length += c
        return json.loads(self.file.read(int(length)))

    def command(self, name, params=None):
        self.next_id += 1
        data = json.dumps([0, self.next_id, name, params or {}]).encode()
        self.sock.sendall(b"%d:%s" % (len(data), data))
        while True:
            msg = self._read()
            if msg[0] == 1 and msg[1] == self.next_id:
                if msg[2]:
                    raise MarionetteError("%s: %s" % (name, msg[2]))
                return (msg[3] or {}).get("value")

    def navigate(self, url):
        self.command("WebDriver:Navigate", {"url": url})

    def js(self, script, *args):
        return self.command("WebDriver:ExecuteScript", {"script": script, "args": list(args)})

    def until(self, script, what, *args, timeout=10):
        """Runs script until it returns something true; returns that (bounded wait)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(script, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("waited %d s for %s" % (timeout, what))
            time.sleep(0.05)

    def close(self):
        try:
            if self.sock:
                self.command("Marionette:Quit", {"flags": ["eForceQuit"]})
        except (OSError, MarionetteError):
            pass
        if self.sock:
            self.sock.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
