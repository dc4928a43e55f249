"""sendevent.webhooks: Sinch signatures (the published vector, callbacks signed here with Python's
hmac and then tampered with, the timestamp window, algorithms, header case, replays through the
built-in cache and through nonce_seen) and reading callbacks of the three providers."""

import base64
import email.message
import hashlib
import hmac
import pickle
import threading
import time
import uuid

import pytest
import sendevent
from sendevent import webhooks

from webhook_support import (SINCH_VECTOR_BODY, SINCH_VECTOR_NONCE, SINCH_VECTOR_SIGNATURE,
                             SINCH_VECTOR_TIMESTAMP)

VECTOR_BODY = SINCH_VECTOR_BODY
VECTOR_HEADERS = {
    "x-sinch-webhook-signature": SINCH_VECTOR_SIGNATURE,
    "x-sinch-webhook-signature-nonce": SINCH_VECTOR_NONCE,
    "x-sinch-webhook-signature-timestamp": SINCH_VECTOR_TIMESTAMP,
    "x-sinch-webhook-signature-algorithm": "HmacSHA256",
}
SECRET = "webhook-secret-for-tests"
BODY = b'{"app_id":"A","message_delivery_report":{"message_id":"01M","status":"DELIVERED"}}'


def signed(body=BODY, secret=SECRET, nonce=None, timestamp=None):
    """Headers of a callback signed as Sinch signs it, with a fresh nonce."""
    nonce = nonce or "01" + uuid.uuid4().hex.upper()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(secret.encode(), body + b"." + nonce.encode() + b"." + timestamp.encode(),
                   hashlib.sha256).digest()
    return {"x-sinch-webhook-signature": base64.b64encode(mac).decode(),
            "x-sinch-webhook-signature-nonce": nonce,
            "x-sinch-webhook-signature-timestamp": timestamp,
            "x-sinch-webhook-signature-algorithm": "HmacSHA256"}


class Seen:
    """A nonce store of the caller's own: records each call."""

    def __init__(self):
        self.nonces, self.calls = set(), []

    def __call__(self, nonce, timestamp):
        self.calls.append((nonce, timestamp))
        seen = nonce in self.nonces
        self.nonces.add(nonce)
        return seen


def refused(body, headers, secret=SECRET, **kw):
    with pytest.raises(sendevent.SignatureError) as info:
        webhooks.verify_sinch(body, headers, secret, **kw)
    return info.value


def test_published_vector():
    seen = Seen()
    assert webhooks.verify_sinch(VECTOR_BODY, VECTOR_HEADERS, "foo_secret1234",
                                 now=1634579353, nonce_seen=seen) is None
    assert seen.calls == [("01FJA8B4A7BM43YGWSG9GBV067", 1634579353)]
    err = refused(VECTOR_BODY, VECTOR_HEADERS, "foo_secret1234", now=1634579353, nonce_seen=seen)
    assert err.reason == "replayed_nonce" and "01FJA8B4A7BM43YGWSG9GBV067" in str(err)
    # the real clock: that callback is years old
    assert refused(VECTOR_BODY, VECTOR_HEADERS, "foo_secret1234").reason == "stale_timestamp"


def test_signature_error_class():
    err = refused(BODY, signed(secret="another secret"))
    assert type(err) is sendevent.SignatureError and webhooks.SignatureError is type(err)
    assert isinstance(err, sendevent.Error) and err.status == "signature"
    assert err.code == sendevent._ext.SE_E_SIGNATURE and err.reason == "bad_signature"
    assert err.reason in webhooks.REASONS and err.sent == "no" and err.response is None
    assert str(err).startswith("signature: bad_signature: x-sinch-webhook-signature:")
    assert SECRET not in str(err) and "another secret" not in repr(err)
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err) and copy.reason == "bad_signature"
    assert sendevent.Error("x").reason is None


def test_a_fresh_callback_passes_once_with_the_builtin_cache():
    headers = signed()
    assert webhooks.verify_sinch(BODY, headers, SECRET) is None
    err = refused(BODY, headers)  # the same callback again: a replay
    assert err.reason == "replayed_nonce"
    assert headers["x-sinch-webhook-signature-nonce"] in err.message


def test_tampering():
    headers = signed()
    seen = Seen()
    webhooks.verify_sinch(BODY, headers, SECRET, nonce_seen=lambda n, t: False)
    assert refused(BODY.replace(b"DELIVERED", b"DELIVERET"), headers).reason == "bad_signature"
    assert refused(BODY + b" ", headers).reason == "bad_signature"
    assert refused(b'{"app_id": "A"}', headers).reason == "bad_signature"
    for name, value in (("x-sinch-webhook-signature-nonce", "01OTHER"),
                        ("x-sinch-webhook-signature-timestamp",
                         str(int(headers["x-sinch-webhook-signature-timestamp"]) - 1)),
                        ("x-sinch-webhook-signature", base64.b64encode(b"\0" * 32).decode()),
                        ("x-sinch-webhook-signature", "bm90IGEgbWFj")):
        changed = dict(headers, **{name: value})
        assert refused(BODY, changed, nonce_seen=seen).reason == "bad_signature", name
    assert refused(BODY, headers, secret=SECRET + "x").reason == "bad_signature"
    assert seen.calls == []  # asked only about authentic callbacks


def test_the_body_must_be_the_raw_bytes():
    headers = signed()
    with pytest.raises(TypeError, match="raw bytes"):
        webhooks.verify_sinch(BODY.decode(), headers, SECRET)
    assert webhooks.verify_sinch(bytearray(BODY), headers, SECRET, nonce_seen=Seen()) is None
    assert webhooks.verify_sinch(memoryview(BODY), headers, SECRET, nonce_seen=Seen()) is None


def test_timestamp_window():
    t = 1700000000
    headers = signed(timestamp=t)
    ok = dict(nonce_seen=lambda n, ts: False)
    assert webhooks.verify_sinch(BODY, headers, SECRET, now=t + 300, **ok) is None
    assert webhooks.verify_sinch(BODY, headers, SECRET, now=t - 300, **ok) is None
    err = refused(BODY, headers, now=t + 301, **ok)
    assert err.reason == "stale_timestamp" and "x-sinch-webhook-signature-timestamp" in str(err)
    assert refused(BODY, headers, now=t - 301, **ok).reason == "future_timestamp"
    assert refused(BODY, headers, now=t + 61, tolerance=60, **ok).reason == "stale_timestamp"
    assert webhooks.verify_sinch(BODY, headers, SECRET, now=t + 3000, tolerance=3600, **ok) is None
    for bad in ("1.5e9", "-1", "soon"):
        err = refused(BODY, dict(headers, **{"x-sinch-webhook-signature-timestamp": bad}), **ok)
        assert err.reason == "bad_timestamp"
    with pytest.raises(sendevent.ValidationError, match="tolerance"):
        webhooks.verify_sinch(BODY, headers, SECRET, tolerance=0)
    with pytest.raises(sendevent.ValidationError, match="now"):
        webhooks.verify_sinch(BODY, headers, SECRET, now=-5)


def test_the_algorithm_is_pinned():
    headers = signed()
    for alg in ("HmacSHA1", "HmacSHA512", "none", "RS256"):
        err = refused(BODY, dict(headers, **{"x-sinch-webhook-signature-algorithm": alg}))
        assert err.reason == "unsupported_algorithm" and alg in str(err)
    without = {k: v for k, v in headers.items() if not k.endswith("algorithm")}
    assert webhooks.verify_sinch(BODY, without, SECRET, nonce_seen=Seen()) is None


def test_header_names_in_any_case_and_http_server_headers():
    headers = signed()
    upper = {k.upper(): v for k, v in headers.items()}
    assert webhooks.verify_sinch(BODY, upper, SECRET, nonce_seen=Seen()) is None
    message = email.message.Message()  # what http.server hands a handler as self.headers
    for k, v in headers.items():
        message[k.title()] = v
    message["Content-Type"] = "application/json"
    assert webhooks.verify_sinch(BODY, message, SECRET, nonce_seen=Seen()) is None
    pairs = [(k.title(), v) for k, v in headers.items()]
    assert webhooks.verify_sinch(BODY, pairs, SECRET, nonce_seen=Seen()) is None


def test_missing_headers():
    headers = signed()
    for name in ("x-sinch-webhook-signature", "x-sinch-webhook-signature-nonce",
                 "x-sinch-webhook-signature-timestamp"):
        without = {k: v for k, v in headers.items() if k != name}
        err = refused(BODY, without)
        assert err.reason == "missing_header" and name + ":" in str(err)
        assert refused(BODY, dict(headers, **{name: ""})).reason == "missing_header"
    assert refused(BODY, {}).reason == "missing_header"


def test_nonce_seen():
    headers = signed()
    seen = Seen()
    webhooks.verify_sinch(BODY, headers, SECRET, nonce_seen=seen)
    nonce, ts = headers["x-sinch-webhook-signature-nonce"], headers[
        "x-sinch-webhook-signature-timestamp"]
    assert seen.calls == [(nonce, int(ts))]
    assert refused(BODY, headers, nonce_seen=seen).reason == "replayed_nonce"
    # a nonce_seen of one's own replaces the built-in cache: the process never saw it
    assert webhooks.verify_sinch(BODY, headers, SECRET) is None

    class StoreDown(Exception):
        pass

    def broken(nonce, timestamp):
        raise StoreDown("redis is down")

    with pytest.raises(StoreDown):
        webhooks.verify_sinch(BODY, signed(), SECRET, nonce_seen=broken)
    with pytest.raises(TypeError):
        webhooks.verify_sinch(BODY, signed(), SECRET, nonce_seen="not callable")


def test_threads_share_the_builtin_cache():
    headers = signed()
    results = []

    def verify():
        try:
            webhooks.verify_sinch(BODY, headers, SECRET)
            results.append("ok")
        except sendevent.SignatureError as e:
            results.append(e.reason)

    threads = [threading.Thread(target=verify) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["ok"] + ["replayed_nonce"] * 7


def test_bad_arguments():
    with pytest.raises(TypeError):
        webhooks.verify_sinch(BODY, signed(), b"bytes secret")
    with pytest.raises(TypeError, match="pairs"):
        webhooks.verify_sinch(BODY, [("a", "b", "c")], SECRET)
    with pytest.raises(ValueError, match="NUL"):
        webhooks.verify_sinch(BODY, {"x-sinch-webhook-signature": "a\0b"}, SECRET)
    with pytest.raises(sendevent.ValidationError, match="secret: required"):
        webhooks.verify_sinch(BODY, signed(), "")


# ---- reading callbacks ---------------------------------------------------------------------

def test_parse_sinch_delivery_report():
    body = (b'{"app_id":"01APP","accepted_time":"2024-05-01T10:00:00Z","project_id":"P",'
            b'"message_metadata":"order-7","correlation_id":"corr-9","message_delivery_report":'
            b'{"message_id":"01MSG","conversation_id":"01CONV","status":"FAILED",'
            b'"channel_identity":{"channel":"WHATSAPP","identity":"4673"},"contact_id":"K",'
            b'"reason":{"code":"RECIPIENT_NOT_REACHABLE","description":"gone"},"extra":[1]}}')
    cb = webhooks.parse_sinch(body)
    assert (cb.provider, cb.kind, cb.id, cb.status) == ("sinch", "MESSAGE_DELIVERY", "01MSG",
                                                         "FAILED")
    assert cb["trigger"] == "MESSAGE_DELIVERY" and cb["reason"] == "RECIPIENT_NOT_REACHABLE"
    assert cb["correlation_id"] == "corr-9" and cb["metadata"] == "order-7"
    assert cb["channel"] == "WHATSAPP" and cb.get("event_id") is None
    assert cb.dedup_key == "sinch:MESSAGE_DELIVERY:01MSG:FAILED"
    assert cb.data["message_delivery_report"]["extra"] == [1]  # unknown fields kept
    assert "MESSAGE_DELIVERY" in repr(cb)
    assert webhooks.parse("sinch", body.decode()).fields == cb.fields  # str works too


@pytest.mark.parametrize("member,payload,kind,id", [
    ("event_delivery_report", b'{"event_id":"E1","status":"DELIVERED"}', "EVENT_DELIVERY", "E1"),
    ("message", b'{"id":"M1","direction":"TO_APP"}', "MESSAGE_INBOUND", "M1"),
    ("event", b'{"id":"V1","contact_event":{"composing_event":{}}}', "EVENT_INBOUND", "V1"),
    ("brand_new_thing", b'{"id":"X1"}', "UNKNOWN", "X1")])
def test_parse_sinch_triggers(member, payload, kind, id):
    cb = webhooks.parse_sinch(b'{"app_id":"A","%s":%s}' % (member.encode(), payload))
    assert (cb.kind, cb.id) == (kind, id)


def test_parse_zapi_resent_callbacks_share_a_dedup_key():
    body = (b'{"instanceId":"I","status":"READ","ids":["3EB0A","3EB0B"],"momment":1714557601000,'
            b'"phone":"5511988887777","isGroup":false,"type":"MessageStatusCallback"}')
    first, resent = webhooks.parse_zapi(body), webhooks.parse_zapi(body)
    assert first.kind == "MessageStatusCallback" and first.status == "READ"
    assert first["ids"] == "3EB0A,3EB0B" and first["moment"] == "1714557601000"
    assert first.dedup_key == resent.dedup_key == "zapi:MessageStatusCallback:3EB0A,3EB0B:READ"
    played = webhooks.parse_zapi(body.replace(b'"READ"', b'"PLAYED"'))
    assert played.dedup_key != first.dedup_key
    received = webhooks.parse_zapi(
        b'{"type":"ReceivedCallback","messageId":"M1","phone":"551199","fromMe":false,'
        b'"status":"RECEIVED","text":{"message":"oi"}}')
    assert (received.kind, received.id, received["from_me"]) == ("ReceivedCallback", "M1", "false")
    assert received.data["text"]["message"] == "oi"


def test_parse_connect_frame_and_item():
    item = ('{"Type":"MESSAGE","ContentType":"text/plain","Id":"i-1","ParticipantRole":"AGENT",'
            '"Content":"hello","AbsoluteTime":"2024-05-01T10:00:00.000Z"}')
    frame = '{"topic":"aws/chat","content":%s}' % json_text(item)
    cb = webhooks.parse_connect(frame.encode())
    assert (cb.kind, cb.id, cb["participant_role"], cb["topic"]) == ("MESSAGE", "i-1", "AGENT",
                                                                     "aws/chat")
    assert cb.data["Content"] == "hello" and cb.dedup_key == "connect:i-1"
    assert webhooks.parse_connect(item).fields["id"] == "i-1"
    receipt = webhooks.parse_connect(
        '{"Type":"MESSAGEMETADATA","Id":"m-1","MessageMetadata":{"MessageId":"i-1",'
        '"Receipts":[{"DeliveredTimestamp":"t","RecipientParticipantId":"p"}]}}')
    assert (receipt.status, receipt["message_id"]) == ("DELIVERED", "i-1")
    assert webhooks.parse_connect('{"topic":"aws/heartbeat"}').kind == "aws/heartbeat"


def json_text(s):
    import json
    return json.dumps(s)


@pytest.mark.parametrize("body", [b"", b"not json", b"[1]", b'{"a":1} x', b"[" * 200])
def test_parse_refuses_what_is_not_a_callback(body):
    with pytest.raises(sendevent.ValidationError, match="callback body"):
        webhooks.parse("zapi", body)


def test_parse_unknown_provider():
    with pytest.raises(sendevent.ValidationError, match="unknown provider 'nope'"):
        webhooks.parse("nope", b"{}")
