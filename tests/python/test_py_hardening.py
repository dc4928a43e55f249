"""Hostile input and hostile servers through the Python face (issue 13): every bad input is a
sendevent.ValidationError naming the field (never UnicodeEncodeError, RecursionError or a
truncated name) and sends nothing; what a server sends back is checked (ProtocolError) and
never leaks a secret. The servers here are small sockets on loopback that count what reached
them."""

import base64
import re
import socket
import threading

import pytest
import sendevent

from py_support import GROUP, make_client, options


def zapi_event(name="n", **extra):
    body = {"phone": GROUP, "event": {"name": name, "dateTime": "2024-04-29T09:30:53.309Z"}}
    body.update(extra)
    return body


# ---- a capture server ----------------------------------------------------------------------

class Capture:
    """Answers every request with `answer(path, headers)` (bytes) and counts them."""

    def __init__(self, answer):
        self.answer = answer
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    self._serve(conn)
                except OSError:
                    pass

    def _serve(self, conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        while m and len(body) < int(m.group(1)):
            body += conn.recv(65536)
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        self.requests.append((path, headers))
        for piece in self.answer(path, headers):
            conn.sendall(piece)

    def close(self):
        self.sock.close()

    def api_requests(self):
        return [r for r in self.requests if "/oauth2/token" not in r[0]]


@pytest.fixture
def capture():
    servers = []

    def start(answer):
        s = Capture(answer)
        servers.append(s)
        return s
    yield start
    for s in servers:
        s.close()


def http_answer(status, body, headers=b""):
    return [b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n%s\r\n" % (status, len(body), headers), body]


# ---- request strings -----------------------------------------------------------------------

def test_nul_in_a_value_or_key_is_refused_naming_it(emu, zapi, connect):
    with pytest.raises(sendevent.ValidationError,
                       match=r"event\.name: value contains a NUL character"):
        zapi.send_event(zapi_event("GOING\0NOT"))
    with pytest.raises(sendevent.ValidationError, match=r"eventResponse: value contains a NUL"):
        zapi.respond_event(phone=GROUP, eventMessageId="E", eventResponse="GOING\0NOT")
    with pytest.raises(sendevent.ValidationError, match=r"ConnectionToken: value contains a NUL"):
        connect.send_event(ConnectionToken="tok\0\r\nX-Injected: 1",
                           ContentType="application/vnd.amazonaws.connect.event.typing")
    with pytest.raises(sendevent.ValidationError, match=r"Content: value contains a NUL"):
        connect.send_message(ConnectionToken="t", ContentType="text/plain",
                             Content="x\0" + "y" * 20002)
    with pytest.raises(sendevent.ValidationError, match=r"event\.na\\u0000me: key contains a NUL"):
        zapi.validate("send_event", {"phone": GROUP, "event": {"na\0me": "x"}})
    assert emu.requests(all=True) == []


def test_invalid_utf8_text_is_refused_with_field_and_offset(emu, zapi):
    text = b'{"phone":"%s","event":{"name":"caf\xc3","dateTime":"x"}}' % GROUP.encode()
    offset = text.index(b"\xc3")
    with pytest.raises(sendevent.ValidationError) as info:
        zapi.send_event(text)
    assert info.value.message == \
        "event.name: value is not valid UTF-8 (byte %d of the request)" % offset
    assert emu.requests(all=True) == []


@pytest.mark.parametrize("request_, where", [
    (zapi_event("a\ud800b"), "'event.name': not valid Unicode: a lone surrogate at index 1"),
    ({"phone": GROUP, "ev\udfffent": {}}, "'ev\\udfffent': not valid Unicode"),
    (zapi_event({"a", "set"}), "'event.name': Object of type set is not JSON serializable"),
    (zapi_event(object()), "'event.name': Object of type object is not JSON serializable"),
])
def test_unencodable_values_are_validation_errors(emu, zapi, request_, where):
    with pytest.raises(sendevent.ValidationError) as info:
        zapi.send_event(request_)
    assert "send_event: argument " + where in info.value.message
    assert info.value.status == "invalid"
    assert emu.requests(all=True) == []


def test_a_lone_surrogate_in_json_text_is_a_validation_error(emu, zapi):
    with pytest.raises(sendevent.ValidationError, match="request: not valid Unicode"):
        zapi.send_event('{"phone": "\ud800"}')
    assert emu.requests(all=True) == []


def nested(depth):
    value = inner = []
    for _ in range(depth - 1):
        inner.append([])
        inner = inner[0]
    return value


@pytest.mark.parametrize("depth", [127, 200, 100000])
def test_nesting_deeper_than_the_limit_is_a_validation_error(emu, zapi, depth):
    # the request object and "event" are two levels; x adds `depth`
    request_ = zapi_event(x=None)
    request_["event"]["x"] = nested(depth)
    with pytest.raises(sendevent.ValidationError) as info:
        zapi.send_event(request_)
    assert "event.x[0][0]" in info.value.message
    assert "nested deeper than 128 levels" in info.value.message
    assert sendevent.MAX_DEPTH == 128
    assert emu.requests(all=True) == []


def test_nesting_at_the_limit_is_not_refused_for_depth(emu, zapi):
    request_ = zapi_event()
    request_["event"]["x"] = nested(126)
    with pytest.raises(sendevent.ValidationError) as info:  # x is not a Z-API field
        zapi.validate("send_event", request_)
    assert "nested" not in info.value.message


def test_nul_in_names_is_refused_never_truncated(emu):
    with pytest.raises(sendevent.ValidationError, match=r"provider: contains a NUL"):
        sendevent.Client("zapi\0x", **options(emu, "zapi"))
    with pytest.raises(sendevent.ValidationError, match=r"option name: contains a NUL"):
        sendevent.Client("zapi", **options(emu, "zapi"), **{"user_agent\0x": "a"})
    with pytest.raises(sendevent.ValidationError, match=r"^invalid: token: contains a NUL"):
        sendevent.Client("zapi", **options(emu, "zapi", token=emu.zapi_token + "\0x"))
    with pytest.raises(sendevent.ValidationError, match=r"token: not valid Unicode"):
        sendevent.Client("zapi", **options(emu, "zapi", token="a\udc00"))
    with make_client(emu, "zapi") as z:
        with pytest.raises(sendevent.ValidationError, match=r"operation: contains a NUL"):
            z.send("send_event\0ignored", zapi_event())
        with pytest.raises(sendevent.ValidationError, match=r"operation: contains a NUL"):
            z.send_many("send_event\0ignored", [zapi_event()])
    assert emu.requests(all=True) == []


# ---- options -------------------------------------------------------------------------------

def test_options_are_checked_when_set(emu):
    with pytest.raises(sendevent.ValidationError,
                       match=r"base_url: must not contain control characters \(byte 20\)"):
        sendevent.Client("zapi", **options(emu, "zapi", base_url="http://127.0.0.1:1/a\x01b"))
    with pytest.raises(sendevent.ValidationError) as info:
        sendevent.Client("zapi", **options(emu, "zapi", token="k" * (9 << 20)))
    assert info.value.message == "token: at most 256 bytes long"
    with pytest.raises(sendevent.ValidationError, match=r"project_id: must not contain whitespace"):
        sendevent.Client("sinch", **options(emu, "sinch", project_id="a b"))
    sendevent.Client("zapi", **options(emu, "zapi", user_agent="my agent/1.0 (x)")).close()
    assert emu.requests(all=True) == []


# ---- proxies -------------------------------------------------------------------------------

def test_plain_http_through_a_remote_proxy_is_refused(emu, monkeypatch):
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://user:pw@192.0.2.1:3128")
    with make_client(emu, "zapi") as z:
        with pytest.raises(sendevent.ValidationError) as info:
            z.send_event(zapi_event())
        assert "base_url: plain http:// would travel in clear through the proxy in http_proxy" \
            in info.value.message
        assert "192.0.2.1" not in info.value.message and "pw" not in info.value.message
    with make_client(emu, "zapi", allow_insecure_http=True) as z:
        z.validate("send_event", zapi_event())  # opted in (the proxy is not there: not sent)
    monkeypatch.setenv("https_proxy", "http://192.0.2.1:3128")
    with make_client(emu, "zapi", base_url="https://api.z-api.io") as z:
        z.validate("send_event", zapi_event())  # https: a CONNECT tunnel, allowed
    assert emu.requests(all=True) == []


# ---- what servers send back ------------------------------------------------------------------

def sinch_client(url, **extra):
    return sendevent.Client("sinch", project_id="P", key_id="the-key-id",
                            key_secret="the-key-secret", base_url=url,
                            auth_url=url + "/oauth2/token", max_attempts=1, **extra)


def test_a_token_that_is_not_a_bearer_token_is_a_protocol_error(capture):
    def answer(path, headers):
        if "/oauth2/token" in path:
            return http_answer(200, b'{"access_token":"tok\\r\\nX-Injected: 1","expires_in":60}')
        return http_answer(200, b'{"event_id":"E"}')
    server = capture(answer)
    with sinch_client(server.url) as s:
        with pytest.raises(sendevent.ProtocolError) as info:
            s.send_event(app_id="A", recipient={"contact_id": "C"}, event={"composing_event": {}})
    assert "auth_url: the token endpoint answered an access_token that is not a bearer token" \
        in info.value.message
    assert "Injected" not in str(info.value)
    assert len(server.requests) == 1 and server.api_requests() == []


def test_an_echoed_basic_credential_is_scrubbed(capture, caplog):
    import logging

    def answer(path, headers):
        body = b'{"error":"invalid_client","error_description":"bad %s"}' % \
            headers.get("authorization", "").encode()
        return http_answer(401, body)
    server = capture(answer)
    b64 = base64.b64encode(b"the-key-id:the-key-secret").decode()
    with caplog.at_level(logging.DEBUG, logger="sendevent"), sinch_client(server.url) as s:
        with pytest.raises(sendevent.AuthError) as info:
            s.send_event(app_id="A", recipient={"contact_id": "C"}, event={"composing_event": {}})
    assert server.requests[0][1]["authorization"] == "Basic " + b64  # it was echoed...
    text = str(info.value) + repr(info.value) + info.value.response.error_message + caplog.text
    assert "bad Basic [REDACTED]" in info.value.message
    assert b64 not in text and b64.rstrip("=") not in text  # ...and never passed on


def test_credentials_in_base_url_are_redacted(emu, capture):
    server = capture(lambda path, headers: http_answer(500, b"failed for someuser:pa55word"))
    url = server.url.replace("http://", "http://someuser:pa55word@")
    with sendevent.Client("zapi", instance_id="i", token="t", base_url=url, max_attempts=1) as z:
        text = z.prepare("send_event", zapi_event())
        assert "\r\nHost: %s\r\n" % server.url[len("http://"):] in text
        assert "pa55word" not in text and "someuser" not in text
        with pytest.raises(sendevent.ServerError) as info:
            z.send_event(zapi_event())
    assert info.value.response.request_line.startswith("POST http://[REDACTED]@127.0.0.1:")
    assert "pa55word" not in str(info.value) + info.value.response.request_line


@pytest.mark.parametrize("answer", [
    [b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1 << 20) + b"\r\nContent-Length: 2\r\n\r\n{}"],
    [b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 100000 + b"Content-Length: 2\r\n\r\n{}"],
    [b"HTTP/1.1 100 Continue\r\n\r\n" * 10000],
], ids=["1MiB-header", "100000-headers", "endless-100-continue"])
def test_hostile_headers_are_protocol_errors_not_retried(capture, answer):
    server = capture(lambda path, headers: answer)
    with sendevent.Client("connect", endpoint_url=server.url, retry_base_delay=0.01) as c:
        with pytest.raises(sendevent.ProtocolError) as info:
            c.send_event(ConnectionToken="t",
                         ContentType="application/vnd.amazonaws.connect.event.typing")
    assert "response headers over the limits" in info.value.message
    assert info.value.response.attempts == 1
    assert len(server.requests) == 1


def test_a_deeply_nested_response_is_a_protocol_error_on_arrival(capture):
    body = b'{"Id":' + b"[" * 100000 + b"]" * 100000 + b"}"
    server = capture(lambda path, headers: http_answer(200, body))
    with sendevent.Client("connect", endpoint_url=server.url) as c:
        with pytest.raises(sendevent.ProtocolError) as info:
            c.send_event(ConnectionToken="t",
                         ContentType="application/vnd.amazonaws.connect.event.typing")
        assert "nested deeper than 128 levels" in info.value.message
        assert info.value.response.body is None  # never RecursionError
        assert info.value.response.content == body
        ok = b'{"Id":' + b"[" * 100 + b"]" * 100 + b"}"  # within the limit: read as usual
        server.answer = lambda path, headers: http_answer(200, ok)
        r = c.send_event(ConnectionToken="t",
                         ContentType="application/vnd.amazonaws.connect.event.typing")
        assert isinstance(r.body["Id"], list)
