"""The process: URL on the first stdout line, flags, clean exit on SIGTERM/SIGINT (also with
waiting connections), TLS."""

import http.client
import json
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest

from emulator_samples import CONNECT_EVENT, SINCH_EVENT, connect_post, sinch_post


@pytest.fixture
def binary(emulator_path):
    return emulator_path


def test_url_is_the_first_stdout_line(emulator_factory):
    emu = emulator_factory()
    assert emu.url.startswith("http://127.0.0.1:")
    assert 0 < emu.port < 65536
    assert emu.call("GET", "/_emulator/config").status == 200


def test_fixed_port(emulator_factory):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    emu = emulator_factory("--port", str(port))
    assert emu.url == "http://127.0.0.1:%d" % port


def test_port_in_use_fails_cleanly(binary):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    try:
        proc = subprocess.run([binary, "--port", str(s.getsockname()[1])],
                              capture_output=True, timeout=10)
    finally:
        s.close()
    assert proc.returncode != 0 and proc.stdout == b""
    assert b"cannot listen" in proc.stderr


def test_ipv6_loopback(emulator_factory):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
    except OSError:
        pytest.skip("no IPv6 loopback")
    emu = emulator_factory("--host", "::1")
    assert emu.url.startswith("http://[::1]:")
    assert connect_post(emu, "event", CONNECT_EVENT).status == 200


def test_help_lists_every_flag(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0
    for flag in ["--host", "--port", "--threads", "--max-records", "--max-body-bytes",
                 "--idle-timeout", "--tls-cert", "--tls-key", "--sinch-key-id",
                 "--sinch-key-secret", "--sinch-token-lifetime", "--zapi-instance-id",
                 "--zapi-token", "--zapi-client-token", "--connect-participant-token",
                 "--connect-connection-token", "--verbose", "--version"]:
        assert flag in out.stdout, flag


@pytest.mark.parametrize("args", [["--bogus"], ["--port", "70000"], ["--port", "x"],
                                  ["--threads", "0"], ["stray"], ["--tls-cert", "/nonexistent"]])
def test_bad_arguments_exit_nonzero_without_a_url(binary, args):
    proc = subprocess.run([binary, *args], capture_output=True, timeout=10)
    assert proc.returncode != 0 and proc.stdout == b""
    assert proc.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_cleanly(emulator_factory, sig):
    emu = emulator_factory()
    assert sinch_post(emu, "events", SINCH_EVENT).status == 200
    emu.proc.send_signal(sig)
    assert emu.proc.wait(timeout=5) == 0


def test_sigterm_with_waiting_connections(emulator_factory):
    """Hung and delayed connections must not keep the process alive or crash MHD."""
    emu = emulator_factory()
    emu.fault(provider="connect", action="hang", count=3)
    emu.fault(provider="sinch", latency_ms=60000)
    conns = []
    for _ in range(3):
        c = emu.connection(timeout=10)
        c.request("POST", "/participant/event", body=json.dumps(CONNECT_EVENT),
                  headers={"X-Amz-Bearer": emu.connect_connection_token,
                           "Content-Type": "application/json"})
        conns.append(c)
    c = emu.connection(timeout=10)
    c.request("POST", "/v1/projects/p/events:send", body=json.dumps(SINCH_EVENT),
              headers={"Authorization": emu.sinch_basic(), "Content-Type": "application/json"})
    conns.append(c)
    time.sleep(0.3)
    t0 = time.monotonic()
    emu.proc.send_signal(signal.SIGTERM)
    assert emu.proc.wait(timeout=5) == 0
    assert time.monotonic() - t0 < 3
    for c in conns:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError,
                            http.client.BadStatusLine)):
            c.getresponse()
        c.close()


def test_sigterm_under_load(emulator_factory):
    emu = emulator_factory()
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                connect_post(emu, "event", CONNECT_EVENT)
            except (OSError, http.client.HTTPException):
                pass

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    emu.proc.send_signal(signal.SIGTERM)
    try:
        assert emu.proc.wait(timeout=5) == 0
    finally:
        stop.set()
        for t in threads:
            t.join()


# ---------------------------------------------------------------- TLS

def test_tls(emulator_factory, cert):
    crt, key = cert
    emu = emulator_factory("--tls-cert", crt, "--tls-key", key, cafile=str(crt))
    assert emu.url.startswith("https://127.0.0.1:")
    resp = sinch_post(emu, "events", SINCH_EVENT)  # verified against the cert
    assert resp.status == 200
    assert emu.requests()[0]["operation"] == "send_event"
    # a client that does not trust the cert fails verification
    ctx = ssl.create_default_context()
    conn = http.client.HTTPSConnection(emu.host, emu.port, timeout=5, context=ctx)
    with pytest.raises(ssl.SSLError):
        conn.request("GET", "/_emulator/config")
    conn.close()
    # plain HTTP to the TLS port gets no HTTP answer
    plain = http.client.HTTPConnection(emu.host, emu.port, timeout=5)
    with pytest.raises((http.client.HTTPException, ConnectionError, socket.timeout)):
        plain.request("GET", "/_emulator/config")
        plain.getresponse()
    plain.close()
    emu.proc.send_signal(signal.SIGTERM)
    assert emu.proc.wait(timeout=5) == 0


def test_tls_key_without_cert_fails(binary, cert):
    _, key = cert
    proc = subprocess.run([binary, "--tls-key", str(key)], capture_output=True, timeout=10)
    assert proc.returncode != 0 and b"--tls-cert" in proc.stderr


def test_tls_bad_cert_fails(binary, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    proc = subprocess.run([binary, "--tls-cert", str(bad), "--tls-key", str(bad)],
                          capture_output=True, timeout=10)
    assert proc.returncode != 0 and proc.stdout == b""
