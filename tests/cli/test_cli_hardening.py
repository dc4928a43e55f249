"""Hostile input through the command line tool (issue 13): a NUL or invalid UTF-8 in a request,
an option with a control character or over its maximum length, plain http through a remote
proxy. Each exits 2 naming the field or option, and the emulator receives nothing."""

import json

from cli_helpers import GROUP, assert_no_secret


def zapi_text(name):
    return ('{"phone":"%s","event":{"name":"%s","dateTime":"2024-04-29T09:30:53.309Z"}}'
            % (GROUP, name))


def test_nul_in_a_request_string_exits_2_naming_the_field(run_cli, emu, creds, secrets):
    r = run_cli("zapi", "send_event", zapi_text("GOING\\u0000NOT"), *creds["zapi"])
    assert r.rc == 2, r
    assert "event.name: value contains a NUL character" in r.err
    res = r.json
    assert res["status"] == "invalid" and res["attempts"] == 0
    assert "event.name" in res["message"]
    assert emu.requests(all=True) == []
    assert_no_secret(r.out + r.err, secrets)


def test_invalid_utf8_in_a_request_exits_2_with_the_offset(run_cli, emu, creds, tmp_path):
    body = zapi_text("caf\xc3").encode("latin-1")  # the byte 0xC3, cut short
    path = tmp_path / "req.json"
    path.write_bytes(body)
    r = run_cli("zapi", "send_event", "@" + str(path), *creds["zapi"])
    assert r.rc == 2, r
    assert ("event.name: value is not valid UTF-8 (byte %d of the request)"
            % body.index(b"\xc3")) in r.err
    assert emu.requests(all=True) == []


def test_options_with_control_characters_or_too_long_exit_2(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", zapi_text("n"), *creds["zapi"],
                "--set", "base_url=%s/\x1bx" % emu.url)
    assert r.rc == 2, r
    assert "base_url: must not contain control characters" in r.err
    r = run_cli("zapi", "send_event", zapi_text("n"), *creds["zapi"],
                "--set", "client_token=" + "k" * 300)
    assert r.rc == 2, r
    assert "client_token: at most 256 bytes long" in r.err and "kkkk" not in r.err
    assert emu.requests(all=True) == []


def test_plain_http_through_a_remote_proxy_exits_2(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", zapi_text("n"), *creds["zapi"],
                env={"http_proxy": "http://192.0.2.1:3128", "all_proxy": "", "ALL_PROXY": "",
                     "no_proxy": "", "NO_PROXY": ""})
    assert r.rc == 2, r
    assert "plain http:// would travel in clear through the proxy in http_proxy" in r.err
    assert json.loads(r.out.splitlines()[-1])["attempts"] == 0
    assert emu.requests(all=True) == []


def test_answer_bytes_that_are_not_utf8_become_replacement_characters(cli_path, tmp_path):
    """A server's answer with bytes that are not UTF-8 in its strings: the result line is still
    UTF-8 JSON, each bad byte a U+FFFD, in the id and in the body alike."""
    import http.server
    import subprocess
    import threading

    from cli_helpers import clean_env

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b'{"zaapId":"z","messageId":"A\xffB\xc3","id":"A"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 10  # handle_request gives up after 10 s without a request
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        batch = tmp_path / "in.jsonl"
        batch.write_text(zapi_text("Standup") + "\n")
        p = subprocess.run([cli_path, "zapi", "send_event", "--batch", str(batch), "--no-progress",
                            "--set", "base_url=http://127.0.0.1:%d" % server.server_address[1],
                            "--set", "instance_id=i", "--set", "token=t",
                            "--set", "max_attempts=1"],
                           capture_output=True, env=clean_env(), timeout=30)
    finally:
        thread.join(timeout=10)
        server.server_close()
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout.decode("utf-8"))  # strict UTF-8
    assert res["ok"] and res["id"] == "A\ufffdB\ufffd"
    assert res["body"] == {"zaapId": "z", "messageId": "A\ufffdB\ufffd", "id": "A"}
