"""`sendevent webhook verify` (body on stdin, headers as --header, the secret from
SENDEVENT_WEBHOOK_SECRET) and `sendevent webhook parse PROVIDER`."""

import base64
import hashlib
import hmac
import json
import subprocess
import time

from cli_helpers import clean_env
from webhook_support import SINCH_VECTOR_BODY

VECTOR_BODY = SINCH_VECTOR_BODY.decode()
VECTOR = ["--header", "X-Sinch-Webhook-Signature: 6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=",
          "-H", "x-sinch-webhook-signature-nonce: 01FJA8B4A7BM43YGWSG9GBV067",
          "-H", "X-SINCH-WEBHOOK-SIGNATURE-TIMESTAMP:1634579353"]
SECRET = "cli-webhook-secret"


def signed(body, secret=SECRET, nonce="01CLINONCE", ts=None):
    ts = str(int(time.time()) if ts is None else ts)
    mac = hmac.new(secret.encode(), body + b"." + nonce.encode() + b"." + ts.encode(),
                   hashlib.sha256).digest()
    return ["-H", "x-sinch-webhook-signature: " + base64.b64encode(mac).decode(),
            "-H", "x-sinch-webhook-signature-nonce: " + nonce,
            "-H", "x-sinch-webhook-signature-timestamp: " + ts]


def run_bytes(cli_path, args, body, secret=SECRET):
    env = clean_env({"SENDEVENT_WEBHOOK_SECRET": secret} if secret else None)
    return subprocess.run([cli_path, "webhook", *args], input=body, capture_output=True, env=env,
                          timeout=30)


def test_verify_the_published_vector(run_cli):
    env = {"SENDEVENT_WEBHOOK_SECRET": "foo_secret1234"}
    r = run_cli("webhook", "verify", *VECTOR, "--now", "1634579353", input=VECTOR_BODY, env=env)
    assert (r.rc, r.out, r.err) == (0, "", "")
    r = run_cli("webhook", "verify", *VECTOR, "--now", "1634579653", input=VECTOR_BODY, env=env)
    assert r.rc == 0  # 300 s later: still within the window
    r = run_cli("webhook", "verify", *VECTOR, "--now", "1634579654", input=VECTOR_BODY, env=env)
    assert r.rc == 3 and r.err.startswith("sendevent: webhook refused: stale_timestamp: ")
    assert len(r.err.splitlines()) == 1
    r = run_cli("webhook", "verify", *VECTOR, input=VECTOR_BODY, env=env)  # the real clock
    assert r.rc == 3 and "stale_timestamp" in r.err


def test_verify_hashes_the_bytes_as_read(cli_path):
    body = b'{"message":{"id":"M1","text":"ol\xc3\xa1"}}\n'  # UTF-8 and a final newline
    assert run_bytes(cli_path, ["verify", *signed(body)], body).returncode == 0
    r = run_bytes(cli_path, ["verify", *signed(body)], body.rstrip(b"\n"))
    assert r.returncode == 3 and b"bad_signature" in r.stderr
    with_nul = b'{"a":"x"}\x00junk'
    assert run_bytes(cli_path, ["verify", *signed(with_nul)], with_nul).returncode == 0
    r = run_bytes(cli_path, ["verify", *signed(with_nul)], with_nul[:9])
    assert r.returncode == 3


def test_verify_refusals(cli_path):
    body = b'{"app_id":"A"}'
    r = run_bytes(cli_path, ["verify", *signed(body)], body, secret="another-secret")
    assert r.returncode == 3 and b"bad_signature" in r.stderr
    assert b"another-secret" not in r.stderr + r.stdout and SECRET.encode() not in r.stderr
    r = run_bytes(cli_path, ["verify", *signed(body)[:4]], body)
    assert r.returncode == 3
    assert r.stderr.startswith(b"sendevent: webhook refused: missing_header: "
                               b"x-sinch-webhook-signature-timestamp:")
    r = run_bytes(cli_path, ["verify", *signed(body),
                             "-H", "x-sinch-webhook-signature-algorithm: HmacSHA1"], body)
    assert r.returncode == 3 and b"unsupported_algorithm" in r.stderr
    r = run_bytes(cli_path, ["verify", *signed(body, ts=int(time.time()) + 1000)], body)
    assert r.returncode == 3 and b"future_timestamp" in r.stderr
    r = run_bytes(cli_path, ["verify", *signed(body, ts=int(time.time()) + 1000),
                             "--tolerance", "2000"], body)
    assert r.returncode == 0


def test_verify_usage(cli_path, run_cli):
    body = b"{}"
    r = run_bytes(cli_path, ["verify", *signed(body)], body, secret=None)
    assert r.returncode == 2 and b"SENDEVENT_WEBHOOK_SECRET is not set" in r.stderr
    for args, text in ((["verify", "--provider", "zapi"], b"not signed"),
                       (["verify", "--tolerance", "0"], b"tolerance"),
                       (["verify", "--now", "never"], b"now:"),
                       (["verify", "-H", "no colon"], b"NAME: VALUE"),
                       (["verify", "--secret", "x"], b"unknown argument '--secret'"),
                       (["verify", "-H"], b"missing its value"),
                       (["frobnicate"], b"verify or parse"),
                       ([], b"verify or parse")):
        r = run_bytes(cli_path, args, body)
        assert r.returncode == 2 and text in r.stderr, (args, r.stderr)
    r = run_cli("webhook", "--help")
    assert r.rc == 0 and "SENDEVENT_WEBHOOK_SECRET" in r.out
    r = run_cli("--help")
    assert "sendevent webhook verify|parse" in r.out


def test_parse(run_cli):
    body = json.dumps({"instanceId": "I", "status": "READ", "ids": ["A1", "B2"],
                       "momment": 1714557601000, "type": "MessageStatusCallback",
                       "unknownField": {"kept": True}})
    first = run_cli("webhook", "parse", "zapi", input=body)
    again = run_cli("webhook", "parse", "zapi", input=body)
    assert first.rc == 0 and first.err == ""
    out = first.json
    assert out["provider"] == "zapi" and out["kind"] == "MessageStatusCallback"
    assert out["fields"]["dedup_key"] == "zapi:MessageStatusCallback:A1,B2:READ"
    assert out["fields"]["moment"] == "1714557601000"
    assert out["data"]["unknownField"] == {"kept": True}
    assert again.json["fields"]["dedup_key"] == out["fields"]["dedup_key"]
    r = run_cli("webhook", "parse", "sinch", input=VECTOR_BODY)
    assert r.json["kind"] == "CONTACT_CREATE"
    frame = json.dumps({"topic": "aws/chat", "content": json.dumps(
        {"Type": "EVENT", "Id": "e1", "ContentType":
         "application/vnd.amazonaws.connect.event.typing", "ParticipantRole": "CUSTOMER"})})
    r = run_cli("webhook", "parse", "connect", input=frame)
    assert r.json["kind"] == "EVENT" and r.json["fields"]["participant_role"] == "CUSTOMER"
    assert r.json["data"]["Id"] == "e1"


def test_parse_refuses(run_cli):
    r = run_cli("webhook", "parse", "zapi", input="not json")
    assert r.rc == 2 and "callback body: not JSON" in r.err and r.out == ""
    r = run_cli("webhook", "parse", "whatsapp", input="{}")
    assert r.rc == 2 and "unknown provider 'whatsapp'" in r.err
    r = run_cli("webhook", "parse", input="{}")
    assert r.rc == 2
