"""The responder: a static nginx on 127.0.0.1 (bench/nginx/nginx.conf.in), plain http and https
with the run's throw-away CA, started and stopped by its pid."""

import os
import shutil
import socket
import subprocess
import tempfile
import time

from harness.common import HERE, log
from harness.throwaway_ca import make_tls_files


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Responder:
    """nginx on 127.0.0.1, two free ports (plain http and https), one process, config, logs
    and the run's TLS files in a temporary directory."""

    def __init__(self, nginx):
        self.nginx = nginx
        self.proc = None
        self.tmp = None
        self.urls = {}      # scheme -> base URL
        self.ca_file = None  # the CA the https certificate is signed by
        self.connections_log = None

    def start(self):
        if "--with-http_ssl_module" not in subprocess.run(
                [self.nginx, "-V"], capture_output=True, text=True).stderr:
            raise SystemExit("bench: %s has no ssl module (Debian's nginx-light has it)"
                             % self.nginx)
        self.tmp = tempfile.mkdtemp(prefix="se-bench-nginx-")
        self.ca_file = make_tls_files(os.path.join(self.tmp, "tls"))
        self.connections_log = os.path.join(self.tmp, "connections.log")
        for _ in range(5):
            ports = {"http": free_port(), "https": free_port()}
            if ports["http"] == ports["https"]:
                continue
            with open(os.path.join(HERE, "nginx", "nginx.conf.in")) as f:
                conf = (f.read().replace("@PORT@", str(ports["http"]))
                        .replace("@TLS_PORT@", str(ports["https"])).replace("@TMP@", self.tmp))
            conf_path = os.path.join(self.tmp, "nginx.conf")
            with open(conf_path, "w") as f:
                f.write(conf)
            err = os.path.join(self.tmp, "error.log")
            self.proc = subprocess.Popen(
                [self.nginx, "-p", self.tmp, "-e", err, "-c", conf_path],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    for port in ports.values():
                        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    self.urls = {scheme: "%s://127.0.0.1:%d" % (scheme, port)
                                 for scheme, port in ports.items()}
                    log("responder: nginx pid %d on %s and %s (CA %s)" % (
                        self.proc.pid, self.urls["http"], self.urls["https"], self.ca_file))
                    return self.urls
                except OSError:
                    time.sleep(0.05)
            self.stop_process()  # port taken meanwhile, or nginx failed: try other ports
        raise SystemExit("bench: nginx did not start; %s" % self.error_text())

    def log_mark(self):
        """Where the connections log ends now (see connections_since)."""
        try:
            return os.path.getsize(self.connections_log) if self.connections_log else 0
        except OSError:
            return 0

    def connections_since(self, mark):
        """(new connections, resumed TLS sessions) the responder logged after mark: nginx
        writes one line per connection at its first request, "<scheme> r" when the TLS
        session was resumed (bench/nginx/nginx.conf.in)."""
        try:
            with open(self.connections_log) as f:
                f.seek(mark)
                lines = f.read().split("\n")
        except OSError:
            return 0, 0
        lines = [line.split() for line in lines if line.strip()]
        return len(lines), sum(1 for w in lines if len(w) > 1 and w[1] == "r")

    def error_text(self):
        try:
            with open(os.path.join(self.tmp, "error.log")) as f:
                return f.read()[-2000:]
        except OSError:
            return "(no error log)"

    def check(self):
        if self.proc is None or self.proc.poll() is not None:
            raise SystemExit("bench: the responder died; %s" % self.error_text())

    def stop_process(self):
        p, self.proc = self.proc, None
        if p is None:
            return
        if p.poll() is None:
            p.terminate()  # this pid only: the nginx process we started
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        if p.stderr:
            p.stderr.close()

    def stop(self):
        self.stop_process()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
