"""Valid request bodies and helpers shared by the emulator tests (standard library only)."""

import copy
import re

ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
RFC3339_MS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
VALIDATION_TYPE = "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/"

SINCH_EVENT = {
    "app_id": "app-1",
    "recipient": {"contact_id": "contact-1"},
    "event": {"composing_event": {}},
}

SINCH_MESSAGE = {
    "app_id": "app-1",
    "recipient": {"identified_by": {"channel_identities": [
        {"channel": "WHATSAPP", "identity": "46732000000"}]}},
    "message": {"text_message": {"text": "hello"}},
}

ZAPI_EVENT = {
    "phone": "120363019502650977-group",
    "event": {
        "name": "Event Name",
        "description": "Event Description",
        "dateTime": "2024-04-29T09:30:53.309Z",
        "location": {"name": "Location Name"},
        "callLinkType": "voice",
        "canceled": False,
    },
}

ZAPI_EDIT = dict(ZAPI_EVENT, eventMessageId="D241XXXX732339502B68")

ZAPI_RESPONSE = {
    "phone": "120363019502650977-group",
    "eventMessageId": "D241XXXX732339502B68",
    "eventResponse": "GOING",
}

CONNECT_EVENT = {"ContentType": "application/vnd.amazonaws.connect.event.typing"}
CONNECT_MESSAGE = {"ContentType": "text/plain", "Content": "hello"}


def with_(base, **changes):
    """A deep copy of base with top-level keys replaced (None deletes)."""
    out = copy.deepcopy(base)
    for k, v in changes.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def sinch_post(emu, op, body, auth=None, project="project-1", headers=None):
    h = {"Authorization": auth or emu.sinch_basic()}
    h.update(headers or {})
    path = "/v1/projects/%s/%s:send" % (project, op)
    return emu.call("POST", path, body, h)


def zapi_post(emu, route, body, client_token=None, headers=None, **path_kw):
    h = {"Client-Token": emu.zapi_client_token if client_token is None else client_token}
    h.update(headers or {})
    return emu.call("POST", emu.zapi_path(route, **path_kw), body, h)


def connect_post(emu, route, body, bearer=None, headers=None):
    h = {"X-Amz-Bearer": bearer or emu.connect_connection_token}
    h.update(headers or {})
    return emu.call("POST", "/participant/" + route, body, h)


def assert_sinch_error(resp, code, status):
    assert resp.status == code, resp
    err = resp.json()["error"]
    assert err["code"] == code
    assert err["status"] == status
    assert err["details"] == []
    assert isinstance(err["message"], str) and err["message"]
    return err["message"]


def assert_zapi_error(resp, code):
    assert resp.status == code, resp
    body = resp.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    return body["error"]


def assert_connect_error(resp, code, error_type):
    assert resp.status == code, resp
    assert resp.headers["x-amzn-errortype"].split(":", 1)[0] == error_type
    assert UUID_RE.match(resp.headers["x-amzn-requestid"])
    body = resp.json()
    assert set(body) == {"message"} and body["message"]
    return body["message"]
