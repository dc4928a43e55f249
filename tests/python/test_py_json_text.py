"""The C JSON writer behind send_many and every dict request (sendevent._ext.json_text): the
same text as the Python encoder the package used before, or None so that the Python encoder
decides (and raises naming the field)."""
import collections
import enum
import json

import pytest

from sendevent import _ext

_PY = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


class _Color(enum.IntEnum):
    RED = 1


class _Text(str):
    pass


WRITTEN = [
    {},
    {"a": 1},
    {"phone": "120363019502650977-group", "event": {"name": "Standup", "dateTime": "2024"}},
    {"s": "quote \" backslash \\ slash / nl \n cr \r tab \t bs \b ff \f nul \0 us \x1f del \x7f"},
    {"u": "caf\u00e9 \u4e2d\u6587 \U0001f600", "\u00e9": "key"},
    {"i": [0, -1, 2 ** 31, -(2 ** 63), 2 ** 63, 10 ** 40, -(10 ** 40)]},
    {"f": [0.0, -0.0, 1.5, 1e16, 1e-7, 123456789.123, 2.0 ** 60, 5e-324, 1.7976931348623157e308]},
    {"b": [True, False, None], "t": (1, "two", (3,))},
    {"nested": [[[[{"deep": [{}]}]]]], "empty": [], "e2": {}},
    {"": ""},
]


@pytest.mark.parametrize("obj", WRITTEN, ids=range(len(WRITTEN)))
def test_writes_what_the_python_encoder_writes(obj):
    assert _ext.json_text(obj) == _PY(obj)


DECLINED = [
    {"set": {1}},
    {"nan": float("nan")},
    {"inf": [float("inf")]},
    {1: "int key"},
    {None: "none key"},
    {"enum": _Color.RED},
    {"sub": _Text("x")},
    {"ordered": collections.OrderedDict(a=1)},
    {"surrogate": "\ud800"},
    {"\udfff": 1},
    {"bytes": b"x"},
]


@pytest.mark.parametrize("obj", DECLINED, ids=range(len(DECLINED)))
def test_declines_what_it_does_not_write(obj):
    assert _ext.json_text(obj) is None


def test_declines_deep_nesting_and_cycles():
    deep = {}
    for _ in range(100):
        deep = {"d": deep}
    assert _ext.json_text(deep) is None
    assert json.loads(_PY(deep))  # the Python encoder takes it from there
    cycle = {}
    cycle["self"] = cycle
    assert _ext.json_text(cycle) is None


def test_only_dicts():
    for obj in ([1], "text", 5, None, collections.OrderedDict(a=1)):
        assert _ext.json_text(obj) is None
