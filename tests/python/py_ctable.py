"""Reads the request-validation table of the C tests (tests/c/test_validation.c) so the Python
suite can run every case through the binding: the C preprocessor expands the shorthand macros,
then the CASES array is tokenized here. Returns [] when the file or a C compiler is missing."""

import os
import pathlib
import re
import shutil
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
SOURCE = REPO / "tests" / "c" / "test_validation.c"

# check function -> (provider, operation)
FUNCTIONS = {
    "se_check_sinch_send_event": ("sinch", "send_event"),
    "se_check_sinch_send_message": ("sinch", "send_message"),
    "se_check_zapi_send_event": ("zapi", "send_event"),
    "se_check_zapi_edit_event": ("zapi", "edit_event"),
    "se_check_zapi_respond_event": ("zapi", "respond_event"),
    "se_check_connect_send_event": ("connect", "send_event"),
    "se_check_connect_send_message": ("connect", "send_message"),
    "se_check_connect_create_connection": ("connect", "create_connection"),
    "se_check_connect_disconnect": ("connect", "disconnect"),
}

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|\(\(void ?\*\)0\)|[{},]|\S')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}


def _c_string(token):
    """Value of one C string literal as bytes (handles \\xNN and simple escapes)."""
    body, out, i = token[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
            out.append(int(m.group(0), 16) & 0xFF)
            i += 2 + len(m.group(0))
        else:
            out += _ESCAPES[nxt].encode()
            i += 2
    return bytes(out)


def _preprocess():
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc or not SOURCE.exists():
        return None
    includes = ["-I" + str(REPO / p) for p in ("libcore/src", "libcore/include", "tests/c")]
    try:
        out = subprocess.run([cc, "-E", "-P", *includes, str(SOURCE)], capture_output=True,
                             text=True, check=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def bad_cases():
    """[(provider, operation, rule, request_json_text, expected_message_fragment)] for every
    BAD entry of the C table (an entry whose expected error is not NULL)."""
    text = _preprocess()
    if not text:
        return []
    start = text.find("CASES[] = {")
    if start < 0:
        return []
    tokens = _TOKEN.findall(text[start + len("CASES[] = {"):])
    cases, depth, entry, strings = [], 0, [], []

    def flush_field():
        if strings:
            entry.append(b"".join(strings))
            strings.clear()

    for tok in tokens:
        if tok == "{":
            depth += 1
            entry, strings[:] = [], []
        elif tok == "}":
            if depth == 0:
                break  # end of the array
            flush_field()
            depth -= 1
            if len(entry) == 5:
                cases.append(entry)
        elif tok == ",":
            if depth == 1:
                flush_field()
        elif tok.startswith('"'):
            strings.append(_c_string(tok))
        elif tok.startswith("(("):
            entry.append(None)
        elif depth == 1 and tok in FUNCTIONS:
            entry.append(tok)
    result = []
    for rule, fn, request, err, _warn in cases:
        if err is None or fn not in FUNCTIONS:
            continue
        provider, operation = FUNCTIONS[fn]
        # the C tests write JSON with single quotes; \' is an escaped quote inside a string
        json_text = request.replace(b"'", b'"').decode("utf-8")
        result.append((provider, operation, rule.decode(), json_text,
                       err.decode("utf-8")))
    return result
