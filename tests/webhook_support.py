"""What tests of the receive side share: a loopback webhook receiver and a minimal websocket
client (the emulator's tests and the end-to-end tests of every face use both)."""

import base64
import http.server
import json
import os
import socket
import struct
import threading
import time
import urllib.parse

# Sinch's published test vector (from its Node SDK's tests): the body, as bytes, its signature
# headers (no algorithm header: the vector has none) and the secret.
SINCH_VECTOR_BODY = (
    b'{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":'
    b'"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":'
    b'{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS",'
    b'"identity":"48123456789","app_id":""}],"display_name":"New Test Contact",'
    b'"email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},'
    b'"message_metadata":""}')
SINCH_VECTOR_SIGNATURE = "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE="
SINCH_VECTOR_NONCE = "01FJA8B4A7BM43YGWSG9GBV067"
SINCH_VECTOR_TIMESTAMP = "1634579353"
SINCH_VECTOR_SECRET = "foo_secret1234"


class Receiver:
    """A loopback webhook receiver. answers: a list of (status, delay_s) used in turn for the
    requests it gets (the last one repeats); got: [(monotonic time, path, headers, raw body)]."""

    def __init__(self, answers=((200, 0),)):
        self.answers = list(answers)
        self.got = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    n = len(receiver.got)
                    receiver.got.append((time.monotonic(), self.path,
                                         {k.lower(): v for k, v in self.headers.items()}, raw))
                    status, delay = receiver.answers[min(n, len(receiver.answers) - 1)]
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the emulator gave up waiting and closed the connection

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, n, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.got) >= n:
                    return list(self.got)
            time.sleep(0.02)
        raise AssertionError("receiver got %d requests, expected %d" % (len(self.got), n))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class WebSocket:
    """A minimal websocket client. recv() returns (opcode, payload bytes)."""

    def __init__(self, url, timeout=5, headers=None, ssl_context=None):
        u = urllib.parse.urlsplit(url)
        assert u.scheme == ("wss" if ssl_context else "ws"), url
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        if ssl_context:
            self.sock = ssl_context.wrap_socket(self.sock, server_hostname=u.hostname)
        self.key = base64.b64encode(os.urandom(16)).decode()
        h = {"Host": "%s:%d" % (u.hostname, u.port), "Upgrade": "websocket",
             "Connection": "Upgrade", "Sec-WebSocket-Key": self.key,
             "Sec-WebSocket-Version": "13"}
        h.update(headers or {})
        req = "GET %s HTTP/1.1\r\n" % (u.path + ("?" + u.query if u.query else ""))
        req += "".join("%s: %s\r\n" % kv for kv in h.items() if kv[1] is not None) + "\r\n"
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                break
            head += chunk
        self.buf = b""
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                self.headers[k.strip().lower()] = v.strip()

    def send_frame(self, opcode, payload=b"", masked=True, fin=True):
        head = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        bit = 0x80 if masked else 0
        if n < 126:
            head += bytes([bit | n])
        elif n < 65536:
            head += bytes([bit | 126]) + struct.pack(">H", n)
        else:
            head += bytes([bit | 127]) + struct.pack(">Q", n)
        if masked:
            mask = os.urandom(4)
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            head += mask
        self.sock.sendall(head + payload)

    def send_json(self, doc):
        self.send_frame(0x1, json.dumps(doc).encode())

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        b0, b1 = self._read(2)
        assert not b1 & 0x80, "server frames must not be masked"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read(8))[0]
        return b0 & 0x0F, self._read(n)

    def recv_json(self):
        op, payload = self.recv()
        assert op == 0x1, (op, payload)
        return json.loads(payload)

    def subscribe(self):
        self.send_json({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}})
        return self.recv_json()

    def close(self):
        self.sock.close()
