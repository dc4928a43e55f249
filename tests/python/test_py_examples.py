"""examples/python/*.py run against the emulator: print id, accepted time and attempts, exit 0;
exit non-zero when the send fails."""

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "python"

EXPECTED = {"sinch": ["send_event", "send_message"],
            "zapi": ["send_event", "edit_event", "respond_event"],
            "connect": ["create_connection", "send_event", "send_message", "disconnect"]}


def run(script, *args, **env):
    full_env = dict(os.environ, **env)
    return subprocess.run([sys.executable, str(EXAMPLES / script), *args], capture_output=True,
                          text=True, timeout=120, env=full_env, cwd=str(REPO / "examples"))


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_example_runs(emu, provider):
    proc = run(provider + ".py", emu.url)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == EXPECTED[provider]
    for line in lines:
        assert "id=" in line and "accepted_time=" in line and "attempts=1" in line
    ops = [r["operation"] for r in emu.requests() if r["operation"] != "oauth_token"]
    assert ops == EXPECTED[provider]


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_example_url_from_environment(emu, provider):
    proc = run(provider + ".py", SENDEVENT_BASE_URL=emu.url)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_example_fails_non_zero(emu, provider):
    emu.fault(provider=provider, status=403, count=10)
    proc = run(provider + ".py", emu.url)
    assert proc.returncode != 0
    assert "failed" in proc.stderr


# ---- the callback receivers (examples/python/webhook_receiver.py, webhook_flask.py) ----------

def _signed_sinch(body, secret, nonce):
    import base64
    import hashlib
    import hmac
    import time
    ts = str(int(time.time()))
    mac = hmac.new(secret.encode(), body + b"." + nonce.encode() + b"." + ts.encode(),
                   hashlib.sha256).digest()
    return {"X-Sinch-Webhook-Signature": base64.b64encode(mac).decode(),
            "X-Sinch-Webhook-Signature-Nonce": nonce,
            "X-Sinch-Webhook-Signature-Timestamp": ts,
            "X-Sinch-Webhook-Signature-Algorithm": "HmacSHA256",
            "Content-Type": "application/json"}


def _post(url, body, headers=None):
    import urllib.error
    import urllib.request
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_webhook_receiver(tmp_path):
    import json
    secret = "receiver-test-secret"
    env = dict(os.environ, SENDEVENT_WEBHOOK_SECRET=secret, ZAPI_WEBHOOK_PATH="p4th-s3cret")
    proc = subprocess.Popen([sys.executable, str(EXAMPLES / "webhook_receiver.py"), "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline()  # bounded: the server prints it before serving
        assert first.startswith("listening on http://127.0.0.1:"), proc.stderr.read()
        url = first.split()[-1]
        report = (b'{"app_id":"A","correlation_id":"c1","message_delivery_report":'
                  b'{"message_id":"01M","status":"DELIVERED"}}')
        headers = _signed_sinch(report, secret, "01RECEIVERNONCE1")
        assert _post(url + "/sinch", report, headers) == 200
        assert _post(url + "/sinch", report, headers) == 200  # the same again: not processed
        assert _post(url + "/sinch", report.replace(b"DELIVERED", b"READ"), headers) == 401
        assert _post(url + "/sinch", report, _signed_sinch(report, "wrong", "01N2")) == 401
        status = json.dumps({"type": "MessageStatusCallback", "ids": ["3EB0"], "status": "READ",
                             "momment": 1714557601000}).encode()
        assert _post(url + "/zapi/p4th-s3cret", status) == 200
        assert _post(url + "/zapi/p4th-s3cret", status) == 200  # Z-API re-sent it
        assert _post(url + "/zapi/wrong-path", status) == 404
        assert _post(url + "/zapi/p4th-s3cret", b"not json") == 400
        item = json.dumps({"Type": "MESSAGE", "Id": "i-1", "ContentType": "text/plain",
                           "Content": "hi", "ParticipantRole": "CUSTOMER"})
        assert _post(url + "/connect", json.dumps({"topic": "aws/chat",
                                                   "content": item}).encode()) == 200
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    lines = out.splitlines()
    assert lines == ["sinch MESSAGE_DELIVERY 01M DELIVERED",
                     "duplicate sinch:MESSAGE_DELIVERY:01M:DELIVERED",
                     "refused bad_signature", "refused bad_signature",
                     "zapi MessageStatusCallback 3EB0 READ",
                     "duplicate zapi:MessageStatusCallback:3EB0:READ",
                     "connect MESSAGE i-1 -"], (out, err)
    assert secret not in out + err


def test_webhook_flask_view():
    flask = pytest.importorskip("flask")  # Debian's python3-flask
    import importlib.util
    secret = "flask-test-secret"
    os.environ["SENDEVENT_WEBHOOK_SECRET"] = secret
    try:
        spec = importlib.util.spec_from_file_location("webhook_flask",
                                                      EXAMPLES / "webhook_flask.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        del os.environ["SENDEVENT_WEBHOOK_SECRET"]
    assert isinstance(module.app, flask.Flask)
    client = module.app.test_client()
    body = b'{"message":{"id":"01IN","direction":"TO_APP"}}'
    headers = _signed_sinch(body, secret, "01FLASKNONCE")
    r = client.post("/sinch", data=body, headers=headers)
    assert r.status_code == 200 and r.get_json() == {"kind": "MESSAGE_INBOUND", "id": "01IN",
                                                     "status": None}
    r = client.post("/sinch", data=body, headers=headers)
    assert r.status_code == 200 and r.get_data() == b"duplicate\n"
    assert client.post("/sinch", data=body + b" ", headers=headers).status_code == 401
    assert client.post("/sinch", data=body).status_code == 401
