"""The installed stub (python/gen_stub.py, from the C listing) types requests and options:
`mypy --strict` reports each deliberate mistake of BAD at its line (a misspelled field in a dict
literal or a keyword, a field of the wrong type, a value outside an enum, a missing required
keyword field, a misspelled option, an option of the wrong type) and passes GOOD, which uses
the API as docs/python.md shows it. Skipped when mypy is not installed (Debian python3-mypy)."""

import re
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mypy")

# each line meant to be reported ends with "# E"
BAD = textwrap.dedent('''\
    import datetime
    import sendevent

    sinch = sendevent.Client("sinch", project_id="P", key_id="K", key_secret="S", region="eu")
    zapi = sendevent.Client("zapi", instance_id="I", token="T")
    sinch.send_event({"app_id": "A", "recipient": {"contact_id": "C"}, "evnt": {"composing_event": {}}})  # E
    sinch.send_event({"app_id": "A", "recipient": {"contact_idd": "C"}, "event": {"composing_event": {}}})  # E
    sinch.send_event({"app_id": 5, "recipient": {"contact_id": "C"}, "event": {"composing_event": {}}})  # E
    sinch.send_message({"app_id": "A", "recipient": {"contact_id": "C"}, "message": {"text_message": {"text": "hi"}}, "queue": "LOW"})  # E
    sinch.send_message({"app_id": "A", "recipient": {"contact_id": "C"}, "message": {"choice_message": {"choices": [{"url_message": {"title": "t", "link": "u"}}]}}})  # E
    sinch.send_event(app_id="A", recipient={"contact_id": "C"}, evnt={"composing_event": {}})  # E
    sinch.send_event(app_id="A", recipient={"contact_id": "C"})  # E
    sinch.send_event({"app_id": "A"}, recipient={"contact_id": "C"}, event={"composing_evnt": {}})  # E
    zapi.send_message(phone="5511999999999", message="hi", delayTyping="3")  # E
    zapi.respond_event(phone="1-group", eventMessageId="M", eventResponse="MAYBE")  # E
    sendevent.Client("sinch", projct_id="P")  # E
    sendevent.Client("zapi", timeout="5s")  # E
    sendevent.Client("sinch", auth="digest")  # E
    sendevent.Client("connect", max_attempts=2.5)  # E
    sendevent.AsyncClient("zapi", instance_idd="I")  # E
    sinch.send_event({"app_id": "A", "recipient": {"contact_id": "C"}, "event": {}}, deadline="5")  # E


    async def main(client: sendevent.AsyncClient) -> None:
        await client.send_message({"phone": "5511999999999", "mesage": "hi"})  # E
        await client.send_event(phone="1-group", event={"name": "x", "dateTime": "2024-04-29T09:30:00Z", "canceld": True})  # E
        r = await client.send_message(phone="5511999999999", message="hi")
        sent: bool = r.sent  # E
        retry: float = sendevent.ThrottledError("x").retry_after  # E
''')

GOOD = textwrap.dedent('''\
    import datetime
    import pathlib
    import uuid
    from typing import List, Union

    import sendevent

    sinch = sendevent.Client("sinch", project_id="P", key_id="K", key_secret="S", region="eu",
                             timeout=datetime.timedelta(seconds=5), max_attempts=3,
                             retry_server_errors=True, auth="basic", ca_file=pathlib.Path("ca"))
    zapi = sendevent.Client("zapi", instance_id="I", token="T", client_token="C", timeout=2.5)
    connect = sendevent.Client("connect", region="us-east-1", fips=False, base_url=None)
    provider: str = "sinch"
    any_client = sendevent.Client(provider, deadline=10)

    r = sinch.send_event({"app_id": "A", "recipient": {"contact_id": "C"},
                          "event": {"composing_event": {}}}, deadline=5)
    r = sinch.send_event(app_id="A", recipient={"identified_by": {"channel_identities": [
        {"channel": "WHATSAPP", "identity": "46700000000"}]}},
        event={"agent_joined_event": {"agent": {"display_name": "Ann", "type": "HUMAN"}}})
    request: sendevent.SinchSendMessageRequest = {
        "app_id": "A", "recipient": {"contact_id": "C"}, "queue": "HIGH_PRIORITY",
        "message": {"choice_message": {"choices": [{"url_message": {"title": "t", "url": "u"}}]}},
        "channel_properties": {"WHATSAPP_HEADER": "h"}, "ttl": "10s"}
    r = sinch.send_message(request, deadline=datetime.timedelta(seconds=3))
    r = sinch.send_event({"app_id": "A", "recipient": {"contact_id": "C"}},
                         event={"composing_event": {}})
    r = sinch.send_event('{"app_id": "A"}')
    r = any_client.send("send_event", {"whatever": 1}, custom=2)
    r = zapi.send_event(phone="120363019502650977-group",
                        event={"name": "Standup", "dateTime": datetime.datetime.now(datetime.timezone.utc),
                               "callLinkType": "video", "canceled": False})
    r = zapi.send_message(phone="5511999999999", message="hi", delayTyping=3)
    r = connect.send_message(ConnectionToken="T", ContentType="text/plain", Content="hi",
                             ClientToken=str(uuid.uuid4()))
    r = connect.send_event(ConnectionToken="T",
                           ContentType="application/vnd.amazonaws.connect.event.message.read",
                           Content={"messageId": "m"})
    sinch.validate("send_event", {"app_id": "A"})
    text: str = sinch.prepare("send_event", app_id="A")
    results: List[Union[sendevent.Response, sendevent.Error]] = sinch.send_many(
        "send_event", [{"app_id": "A"}], concurrency=8, deadline=30)
    for index, result in sinch.send_iter("send_event", ['{"app_id": "A"}']):
        if isinstance(result, sendevent.Error):
            print(index, result.sent, result.client_token, result.retry_after)
    state: str = r.sent
    token = r.client_token
    seconds: float = r.elapsed
    try:
        sinch.send_event(app_id="A", recipient={"contact_id": "C"}, event={"composing_event": {}})
    except sendevent.ThrottledError as e:
        wait = e.retry_after if e.retry_after is not None else 1.0
    except sendevent.Error as e:
        print(e.sent == "maybe", e.provider_code, e.http_status)


    async def main() -> None:
        async with sendevent.AsyncClient("zapi", instance_id="I", token="T",
                                         concurrency=64) as client:
            r = await client.send_message(phone="5511999999999", message="hi", deadline=2)
            r = await client.send_message({"phone": "5511999999999", "message": "hi"})
            many = await client.send_many("send_message", [{"phone": "1", "message": "m"}])
            async for index, result in client.send_iter("send_message", ['{}'], 16):
                print(index, result)
            print(r.id, r.accepted_time, r.sent, len(many))
''')


def mypy(tmp_path, name, text):
    """mypy --strict's error lines for a file holding text: {line: [messages]}."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
                          "--cache-dir", str(tmp_path / "cache"), "--python-version", "3.11",
                          str(path)], capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stderr + run.stdout
    errors = {}
    for line in run.stdout.splitlines():
        m = re.match(r"(.+?):(\d+): error: (.*)", line)
        if m:
            assert m.group(1).endswith(name), line  # never an error in the stub itself
            errors.setdefault(int(m.group(2)), []).append(m.group(3))
    return errors


def test_each_mistake_is_reported_at_its_line(tmp_path):
    errors = mypy(tmp_path, "bad.py", BAD)
    marked = {i for i, line in enumerate(BAD.splitlines(), 1) if line.endswith("# E")}
    assert len(marked) == 20
    assert sorted(marked - set(errors)) == [], errors  # every mistake reported
    assert sorted(set(errors) - marked) == [], errors  # and nothing else


def test_correct_usage_passes_clean(tmp_path):
    assert mypy(tmp_path, "good.py", GOOD) == {}
