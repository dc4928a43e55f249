"""Python logs the C logger's lines (se_client_set_logger) to logging.getLogger("sendevent"):
the lines `sendevent --verbose` prints for the same request, from any thread."""

import logging
import threading

import pytest
import sendevent

from face_log import CLI, SCENARIO, cli_lines, normalize
from py_support import GROUP, make_client, options, valid


@pytest.mark.skipif(not CLI.exists(), reason="the command line tool is not built")
def test_lines_are_the_c_loggers(emu, caplog):
    caplog.set_level(logging.DEBUG, logger="sendevent")
    expected, got = [], []
    for i, (provider, operation, request, extra) in enumerate(SCENARIO):
        if i == 0:  # the first is answered 429 once, then retried
            emu.fault(provider="zapi", status=429, retry_after="0", count=1)
        expected += cli_lines(emu, provider, operation, request, options(emu, provider, **extra))
        if i == 0:
            emu.fault(provider="zapi", status=429, retry_after="0", count=1)
        caplog.clear()
        with make_client(emu, provider, **extra) as c:
            try:
                c.send(operation, request)
            except sendevent.ValidationError:
                pass
        got += [normalize(r.levelname.lower(), r.getMessage()) for r in caplog.records]
        assert all(r.name == "sendevent" for r in caplog.records)
    assert len(expected) == 6 and got == expected
    assert expected[0][1].endswith("/send-event -> 429 throttled in N ms (attempts 1, X connection)")
    assert expected[1] == ("info", "retrying send_event after 0.000 s (throttled)")
    assert expected[3][1].startswith("zapi send_event -> invalid: phone: ")
    assert "sinch send_message: warning: " in expected[5][1]


def test_lines_from_threads_without_the_gil(emu, zapi, caplog):
    """The callback runs while the sending thread has released the GIL: it takes it."""
    caplog.set_level(logging.DEBUG, logger="sendevent")

    def work():
        for _ in range(5):
            zapi.send_event(valid("zapi", "send_event"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 20 and all("/send-event -> 200 ok in " in m for m in lines)


def test_send_many_logs_attempts_and_refusals(emu, zapi, caplog):
    caplog.set_level(logging.DEBUG, logger="sendevent")
    zapi.send_many("send_event", [valid("zapi", "send_event"), {"phone": GROUP}] * 2)
    levels = sorted((r.levelname, r.getMessage().split(" -> ")[1][:7]) for r in caplog.records)
    assert levels == [("DEBUG", "200 ok "), ("DEBUG", "200 ok "), ("INFO", "invalid"),
                      ("INFO", "invalid")]


def test_a_level_turned_off_later_stops_the_lines(emu, zapi, caplog):
    caplog.set_level(logging.DEBUG, logger="sendevent")
    zapi.send_event(valid("zapi", "send_event"))
    assert len(caplog.records) == 1
    caplog.set_level(logging.INFO, logger="sendevent")  # successes are DEBUG lines
    zapi.send_event(valid("zapi", "send_event"))
    assert len(caplog.records) == 1


def test_an_answer_turned_into_a_failure_says_so(emu, zapi, caplog):
    """Z-API's HTTP 200 {"value": false}: the attempt line reads 200, a second line the end."""
    caplog.set_level(logging.DEBUG, logger="sendevent")
    emu.fault(provider="zapi", action="value_false")
    with pytest.raises(sendevent.RejectedError) as info:
        zapi.send_event(valid("zapi", "send_event"))
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert len(lines) == 2 and " -> 200 ok in " in lines[0][1]
    assert lines[1] == ("INFO", "zapi send_event -> rejected: " + info.value.message)
