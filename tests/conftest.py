"""Shared pytest fixtures: a running sendevent-emulator for every suite (C API, Python, Lua, CLI).

Fixtures
    emulator_path     session-scoped: path of the binary (skips when not built)
    emulator          session-scoped: one emulator process for the whole run
    emu               function-scoped: the same object, reset (log, faults, tokens) before the test
    emulator_factory  function-scoped: start extra emulators with their own flags (TLS, short token
                      lifetimes, ...); all of them are stopped after the test
    clients           {provider: sendevent.Client} for emu, closed after the test (Python and
                      page tests: it imports the package through tests/python/py_support.py)

The binary comes from $SE_EMULATOR, else build/emulator/sendevent-emulator under the repository
root. If it is not built, tests that use these fixtures are skipped with a message saying so.

Standard library only (subprocess, http.client, json): this file is imported by every suite.
"""

import base64
import http.client
import json
import os
import pathlib
import select
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.parse

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent


def emulator_binary():
    """Path of the emulator binary: $SE_EMULATOR, else build/emulator/sendevent-emulator."""
    env = os.environ.get("SE_EMULATOR")
    if env:
        path = pathlib.Path(env)
        if not path.is_absolute() and not path.exists():
            path = REPO_ROOT / path  # relative to the repository, wherever pytest runs from
        return path
    return REPO_ROOT / "build" / "emulator" / "sendevent-emulator"


class Response:
    """An HTTP answer: .status, .headers (lower-case names), .body (bytes), .json()."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "Response(%d, %r)" % (self.status, self.body[:200])


class Emulator:
    """A running sendevent-emulator.

    Attributes: url, host, port, scheme, pid, and the credentials in effect (read from
    GET /_emulator/config): sinch_key_id, sinch_key_secret, sinch_token_lifetime, sinch_base_url,
    sinch_token_url, zapi_instance_id, zapi_token, zapi_client_token, zapi_base_url,
    connect_participant_token, connect_connection_token, connect_endpoint.
    """

    def __init__(self, proc, url, stderr_path, ssl_context=None):
        self.proc = proc
        self.pid = proc.pid
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.ssl_context = ssl_context
        self._stderr_path = stderr_path
        config = self.config()
        self.sinch_key_id = config["sinch"]["key_id"]
        self.sinch_key_secret = config["sinch"]["key_secret"]
        self.sinch_token_lifetime = config["sinch"]["token_lifetime"]
        self.sinch_base_url = config["sinch"]["base_url"]
        self.sinch_token_url = config["sinch"]["token_url"]
        self.zapi_instance_id = config["zapi"]["instance_id"]
        self.zapi_token = config["zapi"]["token"]
        self.zapi_client_token = config["zapi"]["client_token"]
        self.zapi_base_url = config["zapi"]["base_url"]
        self.connect_participant_token = config["connect"]["participant_token"]
        self.connect_connection_token = config["connect"]["connection_token"]
        self.connect_endpoint = config["connect"]["endpoint"]

    # -- raw HTTP ----------------------------------------------------------------------------

    def connection(self, timeout=10):
        """A new http.client connection to the emulator (HTTPS when it serves TLS)."""
        if self.scheme == "https":
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=timeout, context=self.ssl_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def call(self, method, path, body=None, headers=None, timeout=10):
        """Sends one request and returns a Response. A dict/list body is sent as JSON (with
        Content-Type: application/json unless headers name one); str/bytes are sent as is."""
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode()
        conn = self.connection(timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def _control(self, method, path, body=None):
        resp = self.call(method, path, body)
        if resp.status != 200:
            raise AssertionError("%s %s -> %d %s" % (method, path, resp.status, resp.body))
        return resp.json()

    # -- control API -------------------------------------------------------------------------

    def config(self):
        return self._control("GET", "/_emulator/config")

    def requests(self, all=False):
        """What the emulator accepted, in order; all=True adds what it rejected or faulted."""
        return self._control("GET", "/_emulator/requests" + ("?all=1" if all else ""))["requests"]

    def reset(self):
        """Clears the request log, faults, issued tokens, idempotency memory; drops hangs."""
        self._control("POST", "/_emulator/reset")

    def fault(self, **spec):
        """Injects a fault, e.g. fault(provider="sinch", status=429, retry_after="1").
        Returns the stored fault (with its id)."""
        return self._control("POST", "/_emulator/faults", spec)

    def faults(self):
        return self._control("GET", "/_emulator/faults")["faults"]

    def clear_faults(self):
        self._control("DELETE", "/_emulator/faults")

    # -- conveniences for building requests ---------------------------------------------------

    def sinch_basic(self):
        """The Authorization header value for Basic auth with the emulator's Sinch key."""
        raw = ("%s:%s" % (self.sinch_key_id, self.sinch_key_secret)).encode()
        return "Basic " + base64.b64encode(raw).decode()

    def sinch_token(self):
        """Fetches an OAuth2 access token from the emulator."""
        resp = self.call("POST", "/oauth2/token", "grant_type=client_credentials", {
            "Authorization": self.sinch_basic(),
            "Content-Type": "application/x-www-form-urlencoded"})
        assert resp.status == 200, resp
        return resp.json()["access_token"]

    def zapi_path(self, route, instance=None, token=None):
        return "/instances/%s/token/%s/%s" % (
            instance or self.zapi_instance_id, token or self.zapi_token, route)

    # -- lifecycle ---------------------------------------------------------------------------

    def stderr(self):
        try:
            return pathlib.Path(self._stderr_path).read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout=10):
        """SIGTERM by pid, wait; SIGKILL if it does not stop. Returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        try:
            os.unlink(self._stderr_path)
        except OSError:
            pass
        return self.proc.returncode


def start_emulator(*args, binary=None, cafile=None, timeout=10):
    """Starts an emulator with extra command-line flags and returns an Emulator once it prints
    its URL. cafile: CA/certificate to trust when it serves TLS. Raises RuntimeError on failure."""
    binary = pathlib.Path(binary) if binary else emulator_binary()
    fd, stderr_path = tempfile.mkstemp(prefix="se-emulator-", suffix=".stderr")
    with os.fdopen(fd, "wb") as stderr:
        proc = subprocess.Popen([str(binary), *map(str, args)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=stderr)
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready = select.select([proc.stdout], [], [], max(left, 0))[0] if left > 0 else []
        chunk = os.read(proc.stdout.fileno(), 1) if ready else b""
        if not chunk:
            proc.kill()
            proc.wait()
            err = pathlib.Path(stderr_path).read_text(errors="replace")
            os.unlink(stderr_path)
            raise RuntimeError("sendevent-emulator did not print its URL (exit %s): %s"
                               % (proc.returncode, err.strip()))
        line += chunk
    url = line.decode().strip()
    context = None
    if url.startswith("https://"):
        context = ssl.create_default_context(cafile=cafile) if cafile else \
            ssl._create_unverified_context()
    try:
        return Emulator(proc, url, stderr_path, context)
    except Exception:
        proc.kill()
        proc.wait()
        raise


def _require_binary():
    path = emulator_binary()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.skip("sendevent-emulator is not built (looked for %s; build the "
                    "'sendevent-emulator' target or set SE_EMULATOR)" % path)
    return path


@pytest.fixture(scope="session")
def emulator_path():
    """Path (str) of the built emulator binary; skips the test when it is not built."""
    return str(_require_binary())


@pytest.fixture(scope="session")
def emulator():
    """One emulator for the whole session (default flags)."""
    _require_binary()
    emu = start_emulator()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def emu(emulator):
    """The session emulator, reset before the test."""
    emulator.reset()
    return emulator


@pytest.fixture
def clients(emu):
    """A sendevent.Client per provider for the session emulator, closed after the test (tests of
    the Python package and of the page only: they have tests/python/py_support.py on the path)."""
    from py_support import make_client
    made = {p: make_client(emu, p) for p in ("sinch", "zapi", "connect")}
    yield made
    for c in made.values():
        c.close()


@pytest.fixture
def emulator_factory():
    """Call it with emulator flags to start a private emulator: factory("--sinch-token-lifetime",
    "1"). Keyword arguments go to start_emulator (cafile=...). All are stopped after the test."""
    _require_binary()
    started = []

    def factory(*args, **kwargs):
        emu = start_emulator(*args, **kwargs)
        started.append(emu)
        return emu

    yield factory
    for emu in started:
        emu.stop()


@pytest.fixture
def cert(tmp_path):
    """A self-signed certificate for 127.0.0.1 and its key, for the TLS tests:
    (cert_path, key_path)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl CLI not available")
    key, crt = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True, timeout=60)
    return crt, key


# ---- Redis (rate_limit_url) -----------------------------------------------------------------

class Redis:
    """A redis-server of the test's own on a free loopback port, stopped by pid."""

    def __init__(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.url = "redis://127.0.0.1:%d/0" % self.port
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def ping(self):
        import socket
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (scripts/install-deps.sh)")
    r = Redis()
    yield r
    r.stop()


@pytest.fixture
def receiver():
    """receiver(*answers) -> a loopback webhook receiver (webhook_support.Receiver), stopped
    after the test."""
    from webhook_support import Receiver
    made = []

    def make(*answers):
        r = Receiver(answers or ((200, 0),))
        made.append(r)
        return r
    yield make
    for r in made:
        r.stop()
