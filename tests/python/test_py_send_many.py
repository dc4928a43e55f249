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


def test_every_kind_of_request_in_one_batch(emu, zapi):
    import collections
    import json
    import types
    requests = [
        zapi_event("dict"),                                                # 0 dict
        {"phone": "bad/phone", "event": {}},                               # 1 invalid dict
        json.dumps(zapi_event("str")),                                     # 2 JSON text
        '{"phone": "%s"}' % GROUP,                                         # 3 invalid text
        json.dumps(zapi_event("bytes")).encode(),                          # 4 JSON bytes
        b"{not json",                                                      # 5 invalid bytes
        collections.OrderedDict(zapi_event("ordered")),                    # 6 a dict subclass
        types.MappingProxyType(zapi_event("mapping")),                     # 7 another Mapping
        None,                                                              # 8 null: invalid
        zapi_event("last"),                                                # 9
    ]
    results = zapi.send_many("send_event", requests, concurrency=1)
    assert len(results) == len(requests)
    valid_at = (0, 2, 4, 6, 7, 9)
    for i, r in enumerate(results):
        if i in valid_at:
            assert isinstance(r, sendevent.Response) and r.ok and r.id, (i, r)
        else:
            assert isinstance(r, sendevent.ValidationError), (i, r)
            assert r.response.attempts == 0 and r.response.request_line is None
    assert "phone" in results[1].message
    assert "event" in results[3].message
    # only the valid ones were sent, each once, in input order (one in flight)
    names = [rec["body"]["event"]["name"] for rec in api_requests(emu, all=True)]
    assert names == ["dict", "str", "bytes", "ordered", "mapping", "last"]
    assert all(rec["accepted"] for rec in api_requests(emu, all=True))


@pytest.mark.parametrize("bad,exc,message", [
    ({"phone": GROUP, "event": {"name": {"a set"}}}, TypeError,
     "send_event: requests[1]: argument 'event.name': Object of type set is not JSON serializable"),
    ({"phone": GROUP, "event": {"dateTime": float("nan")}}, ValueError,
     "send_event: requests[1]: argument 'event.dateTime': nan is not a JSON number "
     "(NaN and infinities are not allowed)"),
    (42, TypeError, "send_event: requests[1]: the request must be a dict or JSON text, not int"),
    ([zapi_event("in a list")], TypeError,
     "send_event: requests[1]: the request must be a dict or JSON text, not list"),
])
def test_unencodable_request_raises_naming_it(emu, zapi, bad, exc, message):
    with pytest.raises(exc) as info:
        zapi.send_many("send_event", [zapi_event("ok"), bad, zapi_event("never")])
    if "argument" in message:  # a value that has no JSON form: it names the field (issue 13)
        assert isinstance(info.value, sendevent.ValidationError)
        assert str(info.value) == "invalid: " + message
    else:
        assert str(info.value) == message
    # a Mapping that is not a dict goes the general way and names the item the same
    if isinstance(bad, dict):
        import types
        with pytest.raises(exc) as info:
            zapi.send_many("send_event", [zapi_event("ok"), types.MappingProxyType(bad)])
        assert isinstance(info.value, sendevent.ValidationError)
        assert str(info.value) == "invalid: " + message
    assert emu.requests(all=True) == []


def test_circular_request_raises_naming_it(emu, zapi):
    loop = zapi_event("loop")
    loop["event"]["self"] = loop
    with pytest.raises(sendevent.ValidationError,
                       match=r"^invalid: send_event: requests\[2\]: .*circular reference"):
        zapi.send_many("send_event", [zapi_event("a"), zapi_event("b"), loop])
    assert emu.requests(all=True) == []


def test_text_with_a_nul_raises_and_sends_nothing(emu, zapi):
    text = '{"phone": "%s", "event": {"name": "a\0b", "dateTime": "2024-04-29T09:30:53Z"}}' % GROUP
    for body in (text, text.encode()):
        with pytest.raises(ValueError, match="request JSON contains a NUL character"):
            zapi.send_many("send_event", [zapi_event("before"), body, zapi_event("after")])
    assert emu.requests(all=True) == []


def test_two_thousand_requests(emu, zapi):
    n = 2000
    results = zapi.send_many("send_event", [zapi_event("e%d" % i) for i in range(n)])
    assert len(results) == n
    assert all(type(r) is sendevent.Response and r.ok and r.http_status == 200 for r in results)
    assert len({r.id for r in results}) == n
    # the responses outlive the batch they came from
    assert all(r.operation == "send_event" and r.attempts == 1 for r in results)
    names = sorted(rec["body"]["event"]["name"] for rec in api_requests(emu, all=True))
    assert names == sorted("e%d" % i for i in range(n))


def test_batch_helpers_refuse_misuse(zapi):
    """The C helpers behind send_many (sendevent._sendevent.batch_add_all / batch_take_all)."""
    from sendevent import _ext
    batch = _ext.se_batch_new(zapi._c)

    def refuse(i, request):
        raise ValueError("item %d: %r" % (i, request))

    def unused(i, request):
        raise AssertionError("str, bytes and dicts are added without the Python encoder")

    with pytest.raises(TypeError, match="requests must be a list, not tuple"):
        _ext.batch_add_all(batch, "send_event", ("{}",), unused)
    with pytest.raises(ValueError, match="item 1: 5"):
        _ext.batch_add_all(batch, "send_event", ["{}", 5], refuse)
    assert _ext.se_batch_size(batch) == 1  # the items before the bad one stay added
    with pytest.raises(TypeError, match="request JSON must be str or bytes, not int"):
        _ext.batch_add_all(batch, "send_event", [7], lambda i, request: request)
    _ext.batch_add_all(batch, "send_event", [b"{}", '{"phone": "%s"}' % GROUP], unused)
    # not run: the invalid items have their response, the valid one has none yet
    _ext.batch_add_all(batch, "send_event", [valid("zapi", "send_event")], unused)
    assert _ext.se_batch_size(batch) == 4
    with pytest.raises(sendevent.Error, match="response is missing") as info:
        _ext.batch_take_all(batch)
    assert info.value.status == "misuse"
    with pytest.raises(sendevent.Error, match="batch is NULL"):
        _ext.batch_take_all(None)
    ran = _ext.se_batch_new(zapi._c)
    _ext.batch_add_all(ran, "send_event", [], unused)
    _ext.se_batch_run(ran, 1)
    assert _ext.batch_take_all(ran) == []
    with pytest.raises(sendevent.Error, match="has already run") as info:
        _ext.batch_add_all(ran, "send_event", ["{}"], unused)
    assert info.value.status == "misuse"
    # freed now: the exceptions' tracebacks hold this frame, and so the batches, in a cycle
    _ext.se_batch_free(batch)
    _ext.se_batch_free(ran)
