"""Helpers of the Python suite: valid requests for every operation and clients configured for
the emulator. (A module with a unique name: test files import it, never `conftest`.)"""

import copy
import json

try:
    import sendevent
except ImportError as exc:  # pragma: no cover
    raise ImportError("the sendevent package is not installed in this interpreter (%s); "
                      "run `make python` and use build/venv/bin/python, or `make test-py`"
                      % exc) from exc

GROUP = "120363019502650977-group"

# Distinctive credentials for a private emulator (emulator_factory(*SECRET_FLAGS)), so that a
# leak of any of them in a redaction test cannot hide.
SECRETS = {
    "sinch_key_secret": "sinch-SECRET-0xA11CE",
    "zapi_instance": "ZAPI-INSTANCE-0xB0B",
    "zapi_token": "ZAPI-TOKEN-0xC0FFEE",
    "zapi_client_token": "ZAPI-CLIENT-TOKEN-0xD00D",
    "connect_connection": "CONNECT-CONN-TOKEN-0xE66",
    "connect_participant": "CONNECT-PART-TOKEN-0xF00",
}
SECRET_FLAGS = (
    "--sinch-key-secret", SECRETS["sinch_key_secret"],
    "--zapi-instance-id", SECRETS["zapi_instance"], "--zapi-token", SECRETS["zapi_token"],
    "--zapi-client-token", SECRETS["zapi_client_token"],
    "--connect-connection-token", SECRETS["connect_connection"],
    "--connect-participant-token", SECRETS["connect_participant"])
TYPING = "application/vnd.amazonaws.connect.event.typing"

# Requests the emulator needs in particular (its tokens) or that the tests read back, with the
# provider's own field names; any other operation gets the example the C library lists.
_REQUESTS = {
    ("sinch", "send_event"): {
        "app_id": "APP1", "recipient": {"contact_id": "CONTACT1"},
        "event": {"composing_event": {}}},
    ("sinch", "send_message"): {
        "app_id": "APP1", "recipient": {"contact_id": "CONTACT1"},
        "message": {"text_message": {"text": "hi"}}, "ttl": 10},
    ("zapi", "send_event"): {
        "phone": GROUP,
        "event": {"name": "Standup", "dateTime": "2024-04-29T09:30:53.309Z", "canceled": False}},
    ("zapi", "edit_event"): {
        "phone": GROUP, "eventMessageId": "D241XXXX732339502B68",
        "event": {"name": "Standup (moved)", "dateTime": "2024-04-30T09:30:53.309Z"}},
    ("zapi", "respond_event"): {
        "phone": GROUP, "eventMessageId": "D241XXXX732339502B68", "eventResponse": "GOING"},
    ("connect", "send_event"): {
        "ConnectionToken": "emulator-connection-token", "ContentType": TYPING},
    ("connect", "send_message"): {
        "ConnectionToken": "emulator-connection-token", "ContentType": "text/plain",
        "Content": "hello"},
    ("connect", "create_connection"): {
        "ParticipantToken": "emulator-participant-token", "Type": ["CONNECTION_CREDENTIALS"],
        "ConnectParticipant": True},
    ("connect", "disconnect"): {"ConnectionToken": "emulator-connection-token"},
}


def _listed_examples():
    """(provider, operation) -> the example request the C listing gives, for every operation."""
    out = {}
    for provider in sendevent.OPERATIONS:
        op = sendevent._swig.se_operation_next(provider, None)
        while op is not None:
            out[(provider, op.name)] = json.loads(op.example)
            op = sendevent._swig.se_operation_next(provider, op)
    return out


# One valid request per (provider, operation) the library lists: exactly its operations.
VALID = {key: _REQUESTS.get(key, example) for key, example in _listed_examples().items()}


def valid(provider, operation):
    """A fresh copy of the valid request for (provider, operation)."""
    return copy.deepcopy(VALID[(provider, operation)])


def options(emu, provider, **extra):
    """Client options that reach the emulator with its credentials."""
    if provider == "sinch":
        opts = dict(project_id="PROJECT1", key_id=emu.sinch_key_id,
                    key_secret=emu.sinch_key_secret, base_url=emu.sinch_base_url,
                    auth_url=emu.sinch_token_url)
    elif provider == "zapi":
        opts = dict(instance_id=emu.zapi_instance_id, token=emu.zapi_token,
                    client_token=emu.zapi_client_token, base_url=emu.zapi_base_url)
    else:
        opts = dict(endpoint_url=emu.connect_endpoint)
    opts.update(extra)
    return opts


def make_client(emu, provider, **extra):
    return sendevent.Client(provider, **options(emu, provider, **extra))


def api_requests(emu, all=False):
    """What the emulator recorded, without Sinch's OAuth token requests."""
    return [r for r in emu.requests(all=all) if r["operation"] != "oauth_token"]


def api_bodies(emu):
    """Bodies of the recorded API requests, without Connect's generated ClientToken."""
    out = []
    for r in api_requests(emu):
        body = dict(r["body"] or {})
        body.pop("ClientToken", None)
        out.append(body)
    return out
