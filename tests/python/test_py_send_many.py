"""send_many: results in input order, a Response or an Error per request, one failure never
stops the others, invalid requests are never sent."""

import pytest
import sendevent

from py_support import GROUP, api_requests, valid


def zapi_event(name):
    return {"phone": GROUP, "event": {"name": name, "dateTime": "2024-04-29T09:30:53.309Z"}}


def test_mixed_results_in_input_order(emu, zapi):
    requests = [zapi_event("e0"), {"phone": "bad/phone", "event": {}}, zapi_event("e2"),
                zapi_event("e3"), {"event": {"name": "x"}}, zapi_event("e5"), "{not json"]
    emu.fault(provider="zapi", status=400, body={"error": "smartphone is not responding"},
              count=1)
    emu.fault(provider="zapi", action="value_false", count=1)
    results = zapi.send_many("send_event", requests, concurrency=1)
    assert len(results) == len(requests)
    for i in (1, 4, 6):
        assert isinstance(results[i], sendevent.ValidationError), results[i]
        assert results[i].response.attempts == 0
    assert "phone" in results[1].message and "phone: required" in results[4].message
    sent = [results[i] for i in (0, 2, 3, 5)]
    rejected = [r for r in sent if isinstance(r, sendevent.RejectedError)]
    ok = [r for r in sent if isinstance(r, sendevent.Response)]
    assert len(rejected) == 2 and len(ok) == 2
    assert {r.http_status for r in rejected} == {400, 200}
    assert any("smartphone" in r.message for r in rejected)
    for r in rejected:
        assert r.response.operation == "send_event" and r.status == "rejected"
    for r in ok:
        assert r.ok and r.id
    # only the four valid requests reached the emulator (two were faulted)
    names = sorted(rec["body"]["event"]["name"] for rec in api_requests(emu, all=True))
    assert names == ["e0", "e2", "e3", "e5"]
    assert len(api_requests(emu)) == 2


def test_every_error_class_in_one_batch(emu, client_for):
    connect = client_for("connect", max_attempts=1, timeout=0.5)
    statuses = [(401, sendevent.AuthError), (403, sendevent.ForbiddenError),
                (404, sendevent.NotFoundError), (409, sendevent.ConflictError),
                (429, sendevent.ThrottledError), (400, sendevent.RejectedError),
                (500, sendevent.ServerError)]
    for status, _ in statuses:
        emu.fault(provider="connect", status=status, count=1)
    n = len(statuses) + 3
    results = connect.send_many("send_event", [valid("connect", "send_event")] * n +
                                [{"ContentType": "x"}], concurrency=1)
    kinds = sorted(type(r).__name__ for r in results)
    expected = sorted([cls.__name__ for _, cls in statuses] + ["Response"] * 3 +
                      ["ValidationError"])
    assert kinds == expected
    for r in results:
        if isinstance(r, sendevent.Error) and r.status != "invalid":
            assert r.http_status in dict(statuses) and r.request_id and r.provider_code


def test_large_batch(emu, zapi):
    results = zapi.send_many("send_event", [zapi_event("e%d" % i) for i in range(300)],
                             concurrency=64)
    assert all(isinstance(r, sendevent.Response) and r.ok for r in results)
    assert len({r.id for r in results}) == 300
    assert len(api_requests(emu)) == 300


def test_network_failures_in_a_batch(emu, client_for):
    connect = client_for("connect", max_attempts=1)
    emu.fault(provider="connect", action="close", count=2)
    results = connect.send_many("send_event", [valid("connect", "send_event")] * 5,
                                concurrency=1)
    assert sum(isinstance(r, sendevent.NetworkError) for r in results) == 2
    assert sum(isinstance(r, sendevent.Response) for r in results) == 3


@pytest.mark.parametrize("provider,operation", [("sinch", "send_message"),
                                                ("connect", "create_connection"),
                                                ("zapi", "respond_event")])
def test_other_operations(emu, client_for, provider, operation):
    client = client_for(provider)
    results = client.send_many(operation, [valid(provider, operation)] * 4)
    assert all(r.ok and r.operation == operation for r in results)


def test_send_many_logs_each_result(emu, zapi, caplog):
    caplog.set_level("DEBUG", logger="sendevent")
    zapi.send_many("send_event", [zapi_event("a"), {"phone": GROUP}])
    messages = [r.getMessage() for r in caplog.records]
    assert any("-> 200 ok" in m for m in messages)
    assert any("invalid" in m for m in messages)
