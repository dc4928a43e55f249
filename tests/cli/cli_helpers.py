"""Helpers for the command tests: where the binary is, how it runs (Result, clean_env), one
valid request per provider and operation (the provider's own JSON body), numbered messages
recognised at the provider (numbered_message, text_of), the emulator's
credentials as --set flags, and the no-secret assertion."""

import json
import os
import pathlib
import subprocess

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]

GROUP = "120363019502650977-group"
EVENT = {"name": "Standup", "dateTime": "2024-04-29T09:30:53.309Z", "callLinkType": "video",
         "canceled": False}


def request(emu, provider, operation, **extra):
    """A dict for provider/operation that the emulator accepts."""
    if provider == "sinch":
        body = {"app_id": "demo-app", "recipient": {"contact_id": "demo-contact"}}
        if operation == "send_event":
            body["event"] = {"composing_event": {}}
        else:
            body["recipient"] = {"identified_by": {"channel_identities": [
                {"channel": "WHATSAPP", "identity": "46700000001"}]}}
            body["message"] = {"text_message": {"text": "Hello"}}
    elif provider == "zapi":
        body = {"phone": GROUP}
        if operation == "send_event":
            body["event"] = dict(EVENT)
        elif operation == "send_message":
            body = {"phone": "5511999999999", "message": "Hello from the command line"}
        elif operation == "edit_event":
            body["eventMessageId"] = "3EB0C767D71D5C6E7E4E"
            body["event"] = dict(EVENT, name="Standup (moved)")
        else:
            body["eventMessageId"] = "3EB0C767D71D5C6E7E4E"
            body["eventResponse"] = "GOING"
    else:
        if operation == "create_connection":
            body = {"ParticipantToken": emu.connect_participant_token,
                    "Type": ["CONNECTION_CREDENTIALS"], "ConnectParticipant": True}
        else:
            body = {"ConnectionToken": emu.connect_connection_token}
            if operation == "send_event":
                body["ContentType"] = "application/vnd.amazonaws.connect.event.typing"
            elif operation == "send_message":
                body.update(ContentType="text/plain", Content="Hello from the command line")
    body.update(extra)
    return body


def request_json(emu, provider, operation, **extra):
    return json.dumps(request(emu, provider, operation, **extra))


def numbered_message(emu, provider, i):
    """A send_message request whose text is "line <i>", so each line is known at the provider
    (text_of)."""
    if provider == "zapi":
        return request(emu, "zapi", "send_message", message="line %d" % i)
    if provider == "sinch":
        body = request(emu, "sinch", "send_message")
        body["message"] = {"text_message": {"text": "line %d" % i}}
        return body
    return request(emu, "connect", "send_message", Content="line %d" % i)


def text_of(record):
    """The text of a send_message the emulator recorded (numbered_message)."""
    body = record["body"]
    if record["provider"] == "zapi":
        return body["message"]
    if record["provider"] == "sinch":
        return body["message"]["text_message"]["text"]
    return body["Content"]


def _listed_operations():
    """(provider, operation) for every operation the C library lists (sendevent/listing.h), as
    the command's help shows them: its "Providers and operations" table is built from the
    listing, and these tests need no Python package."""
    out = subprocess.run([str(cli_binary()), "--help"], capture_output=True, text=True,
                         check=True).stdout
    table = out.split("Providers and operations:\n", 1)[1].split("\n\n", 1)[0]
    pairs = []
    for line in table.splitlines():
        provider, rest = line.split(None, 1)
        pairs += [(provider, op) for op in rest.split("(", 1)[0].split()]
    return pairs


# what the library calls each response's id field, for the check against the raw body
ID_FIELD = {("sinch", "send_event"): "event_id", ("sinch", "send_message"): "message_id",
            "zapi": "messageId", "connect": "Id"}


def assert_no_secret(text, secrets):
    for s in secrets:
        assert s not in text, "a secret was printed: %r in %r" % (s, text[:2000])


def cli_binary():
    env = os.environ.get("SE_CLI")
    return pathlib.Path(env) if env else REPO_ROOT / "build" / "cli" / "sendevent"


ALL_OPERATIONS = _listed_operations()


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    @property
    def lines(self):
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    @property
    def json(self):
        lines = self.lines
        assert len(lines) == 1, self.out
        return lines[0]

    def __repr__(self):
        return "Result(rc=%d, out=%r, err=%r)" % (self.rc, self.out[:2000], self.err[:2000])


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SENDEVENT_") and not k.startswith("AWS_")}
    env.update(extra or {})
    return env


def emulator_creds(emu):
    return {
        "sinch": ["--set", "base_url=" + emu.url, "--set", "auth_url=" + emu.sinch_token_url,
                  "--set", "project_id=demo-project", "--set", "key_id=" + emu.sinch_key_id,
                  "--set", "key_secret=" + emu.sinch_key_secret],
        "zapi": ["--set", "base_url=" + emu.url, "--set", "instance_id=" + emu.zapi_instance_id,
                 "--set", "token=" + emu.zapi_token,
                 "--set", "client_token=" + emu.zapi_client_token],
        "connect": ["--set", "base_url=" + emu.url],
    }
