"""The run's throw-away CA and a server certificate signed by it, for the https responder."""

import os
import subprocess


def make_tls_files(directory):
    """A throw-away CA (key + certificate) and a server certificate for 127.0.0.1 and
    localhost signed by it, made with the openssl CLI into directory; returns the CA
    certificate's path (what the clients trust). P-256 ECDSA keys: signing is cheap, so the
    one nginx process stays far from being the limit when every connection is new."""
    os.makedirs(directory)
    ca_key, ca_pem = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr = os.path.join(directory, "server.key"), os.path.join(directory, "server.csr")
    pem, ext = os.path.join(directory, "server.pem"), os.path.join(directory, "server.ext")
    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    with open(ext, "w") as f:
        # what a verifier checks of a server certificate (Python's strict mode included)
        f.write("basicConstraints = critical, CA:FALSE\n"
                "keyUsage = critical, digitalSignature\n"
                "extendedKeyUsage = serverAuth\n"
                "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
                "subjectKeyIdentifier = hash\n"
                "authorityKeyIdentifier = keyid\n")
    for cmd in (
            ["openssl", "req", "-x509", *newkey, "-keyout", ca_key, "-out", ca_pem, "-days", "2",
             "-subj", "/CN=sendevent bench throw-away CA",
             "-addext", "basicConstraints = critical, CA:TRUE",
             "-addext", "keyUsage = critical, keyCertSign, cRLSign"],
            ["openssl", "req", "-new", *newkey, "-keyout", key, "-out", csr,
             "-subj", "/CN=127.0.0.1"],
            ["openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key,
             "-set_serial", "1", "-days", "2", "-extfile", ext, "-out", pem]):
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("bench: %s failed: %s" % (" ".join(cmd[:3]), r.stderr.strip()))
    return ca_pem
