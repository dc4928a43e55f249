"""The exception classes are made from the C status enum, and str(Error) is the C summary."""

import builtins
import pathlib
import pickle
import re

import pytest
import sendevent
from sendevent import _ext

REPO = pathlib.Path(__file__).resolve().parents[2]


def c_statuses():
    """{code: enum name} of every failing status, read from the C header itself."""
    text = (REPO / "libcore/include/sendevent/common.h").read_text()
    return {int(code): name for name, code in re.findall(r"\b(SE_E_\w+)\s*=\s*(-\d+)", text)}


def error_classes():
    return {cls for cls in vars(sendevent).values()
            if isinstance(cls, type) and issubclass(cls, sendevent.Error)
            and cls is not sendevent.Error and not cls.__name__.startswith("_")}


def test_one_class_per_c_status():
    codes = c_statuses()
    assert len(codes) >= 15
    classes = error_classes()
    assert len(classes) == len(codes)
    assert {cls.status for cls in classes} == {_ext.se_status_name(c) for c in codes}
    for code in codes:
        err = sendevent._make_error(code, "boom", None)
        assert type(err) in classes and err.status == _ext.se_status_name(code)
        assert err.code == code and type(err).__name__ in sendevent.__all__
        assert type(err).__doc__.lower().startswith(_ext.se_strerror(code).lower())
        assert getattr(sendevent, type(err).__name__) is type(err)


def test_class_names_bases_and_mro_as_before():
    E = sendevent.Error
    assert sendevent.ValidationError.__mro__ == (
        sendevent.ValidationError, E, ValueError, Exception, BaseException, object)
    assert sendevent.TimeoutError.__mro__ == (
        sendevent.TimeoutError, E, builtins.TimeoutError, OSError, Exception, BaseException,
        object)
    for name in ("AuthError", "ForbiddenError", "NotFoundError", "ConflictError",
                 "ThrottledError", "RejectedError", "ServerError", "NetworkError", "TLSError",
                 "ProtocolError", "CancelledError", "MisuseError", "OutOfMemoryError"):
        cls = getattr(sendevent, name)
        assert cls.__bases__ == (E,) and cls.__module__ == "sendevent" and name in sendevent.__all__
    assert issubclass(sendevent._ValidationTypeError, sendevent.ValidationError)


@pytest.mark.parametrize("code", sorted(c_statuses()))
def test_every_class_pickles(code):
    err = sendevent._make_error(code, "went wrong", None)
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err) and str(copy) == str(err) and copy.code == code


def test_stubs_list_every_class():
    stubs = (REPO / "python/sendevent/__init__.pyi").read_text()
    for cls in error_classes():
        bases = ", ".join("builtins.TimeoutError" if b is builtins.TimeoutError else b.__name__
                          for b in cls.__bases__)
        assert "class %s(%s): ..." % (cls.__name__, bases) in stubs


def test_summary_text():
    err = sendevent.ThrottledError("slow down")
    assert str(err) == "throttled: slow down"
    err.http_status, err.provider_code, err.request_id = 429, "ThrottlingException", "r-1"
    assert str(err) == "throttled: slow down (HTTP 429, ThrottlingException, request id r-1)"
    err.provider_code = "429"  # the HTTP status again: not repeated
    assert str(err) == "throttled: slow down (HTTP 429, request id r-1)"
    err.http_status, err.request_id = 0, None
    assert str(err) == "throttled: slow down (429)"
    assert str(sendevent.Error("plain")) == "error: plain"
    odd = sendevent.NetworkError("caf\u00e9 \ud800 100%s")  # any str, even a lone surrogate
    assert str(odd) == "network: caf\u00e9 \ud800 100%s"


def test_option_numbers_as_every_face_writes_them():
    assert _ext.number_text(2.5) == "2.5" and _ext.number_text(2.0) == "2"
    assert _ext.number_text(0.1) == "0.1" and _ext.number_text(-0.0) == "0"
    assert _ext.number_text(1e15) == "1e+15" and _ext.number_text(1 / 3) == repr(1 / 3)
    c = sendevent.Client("connect", region="us-east-1", timeout=2.0, retry_base_delay=0.25)
    assert c.option("timeout") == "2" and c.option("retry_base_delay") == "0.25"
