"""Requests and option values as the C library takes them: JSON text (written in C for the usual
dict, else by the json module, naming the field it cannot encode), option strings, deadlines."""

from __future__ import annotations

import os as _os
import sys as _sys
from _collections_abc import Mapping as _Mapping  # collections.abc.Mapping, loaded at startup

from . import _sendevent as _ext
from ._errors import ValidationError

_INF = float("inf")
def _dumps(obj):
    """Compact JSON text of a request. Replaces itself with the encoder on first use."""
    global _dumps
    import json
    _dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
    return _dumps(obj)


#: Requests (and responses) nest objects and arrays at most this deep (the C library's limit).
MAX_DEPTH = 128


class _ValidationTypeError(ValidationError, TypeError):
    """A request value JSON has no form for (a set, an object): a ValidationError naming the
    field, and a TypeError as it always was."""


def _unicode_problem(text):
    """The problem of a str that has no UTF-8 form (a lone surrogate), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return ValueError("not valid Unicode: a lone surrogate at index %d" % exc.start)
    return None


def _find_unencodable(value, path, seen, depth=0):
    """Path and problem of the first value json cannot encode, or None. Not recursive past
    MAX_DEPTH, so that it names the place where a request nests too deep."""
    if isinstance(value, float) and (value != value or value in (_INF, -_INF)):
        return path, ValueError("%r is not a JSON number (NaN and infinities are not allowed)"
                                % value)
    if isinstance(value, str):
        problem = _unicode_problem(value)
        return (path, problem) if problem else None
    converted = _converted(value)
    if converted is not None:
        return (path, converted) if isinstance(converted, Exception) else None
    if isinstance(value, (str, int, float, bool)) or value is None:
        try:
            _dumps(value)
        except (TypeError, ValueError) as exc:
            return path, exc
        return None
    if isinstance(value, (dict, list, tuple)):
        if depth >= MAX_DEPTH:
            return path, ValueError("nested deeper than %d levels" % MAX_DEPTH)
        if id(value) in seen:
            return path, ValueError("circular reference")
        seen.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(value, dict):
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    return path, TypeError("keys must be str, not %s" % type(key).__name__)
                sub = "%s.%s" % (path, key) if path else str(key)
                problem = _unicode_problem(key) if isinstance(key, str) else None
                if problem:
                    return sub, problem
            else:
                sub = "%s[%d]" % (path, key)
            found = _find_unencodable(item, sub, seen, depth + 1)
            if found:
                return found
        seen.discard(id(value))
        return None
    return path, TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def _encode_error(where, obj, exc, prefix=""):
    """The ValidationError (also a TypeError for a value of the wrong type) naming the field
    that could not become JSON (prefix: the path of obj in the request)."""
    found = _find_unencodable(obj, prefix, set())
    path, problem = found if found else ("", exc)
    cls = _ValidationTypeError if isinstance(problem, TypeError) else ValidationError
    if isinstance(problem, RecursionError):  # not found below the limit: say what happened
        problem = "nested too deep to encode"
    if path:
        return cls("%s: argument %r: %s" % (where, path, problem), code=-1)
    return cls("%s: %s" % (where, problem), code=-1)


def _module_type(module, name):
    """sys.modules[module].name, or None while the module is not loaded (then no value of that
    type can exist, and importing it here would slow `import sendevent`)."""
    mod = _sys.modules.get(module)
    return getattr(mod, name, None) if mod is not None else None


def _converted(value):
    """The JSON text of a datetime, UUID or Decimal value (docs/python.md, "Conversions"); the
    problem (an exception, not raised) when it has none; None for any other value."""
    datetime = _module_type("datetime", "datetime")
    if datetime is not None and isinstance(value, datetime):
        if value.utcoffset() is None:
            return ValueError("a naive datetime (%s) has no time zone: give it a tzinfo"
                              % value.isoformat())
        return _dumps(value.isoformat())
    uuid = _module_type("uuid", "UUID")
    if uuid is not None and isinstance(value, uuid):
        return '"%s"' % value
    decimal = _module_type("decimal", "Decimal")
    if decimal is not None and isinstance(value, decimal):
        if not value.is_finite():
            return ValueError("%s is not a JSON number (NaN and infinities are not allowed)"
                              % value)
        text = str(value)  # exact: scientific notation when Python writes it so, as JSON allows
        return text.replace("E", "e")
    return None


def _write(value, depth=0):
    """Compact JSON text of value as _dumps writes it, with datetime, UUID and Decimal values
    converted (_converted). Raises TypeError / ValueError / RecursionError as json does."""
    if isinstance(value, (dict, list, tuple)):
        if depth >= MAX_DEPTH:
            raise RecursionError("nested deeper than %d levels" % MAX_DEPTH)
        if isinstance(value, dict):  # a key as json writes it: '{"k":null}' less '{' ':null}'
            return "{%s}" % ",".join("%s:%s" % (_dumps({k: None})[1:-6], _write(v, depth + 1))
                                     for k, v in value.items())
        return "[%s]" % ",".join(_write(v, depth + 1) for v in value)
    converted = _converted(value)
    if converted is None:
        return _dumps(value)
    if isinstance(converted, Exception):
        raise converted
    return converted


def _text(where, obj, prefix=""):
    """The compact JSON text of obj by the Python encoder, or the ValidationError naming the
    field (under prefix) that has none."""
    try:
        try:
            text = _dumps(obj)
        except TypeError:  # maybe a datetime, UUID or Decimal
            text = _write(obj)
        if not text.isascii():
            text.encode("utf-8")  # a lone surrogate: named below, never UnicodeEncodeError
        return text
    except (TypeError, ValueError, RecursionError) as exc:
        raise _encode_error(where, obj, exc, prefix) from None


def _connect_content(where, obj):
    """obj with a top-level Content given as a dict or list replaced by its compact JSON text,
    which is what Amazon Connect takes."""
    content = obj.get("Content")
    if isinstance(content, (dict, list)):
        return {**obj, "Content": _text(where, content, "Content")}
    return obj


def _encode(where, request, fields, provider=None):
    """The request as compact JSON text. request: a dict (or Mapping), JSON text (str/bytes,
    passed through as is), or None; fields: keyword arguments merged over it; provider: the
    client's, for its conversions (Connect's Content)."""
    if request is None:
        obj = fields
    elif type(request) is dict:
        obj = {**request, **fields} if fields else request
    elif isinstance(request, (str, bytes)):
        if fields:
            raise TypeError("%s: keyword arguments cannot be combined with a JSON text request"
                            % where)
        return request
    elif isinstance(request, _Mapping):
        obj = dict(request)
        if fields:  # None from send_many
            obj.update(fields)
    else:
        raise TypeError("%s: the request must be a dict or JSON text, not %s"
                        % (where, type(request).__name__))
    text = _ext.json_text(obj)  # the usual dict, written in C; None: json decides
    if text is not None:
        return text
    if provider == "connect":
        obj = _connect_content(where, obj)
    return _text(where, obj)


def _option_text(key, value):
    if not isinstance(key, str):
        raise TypeError("option names must be str, not %s" % type(key).__name__)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = _ext.number_text(value)  # as Lua writes it (C)
    elif "datetime" in _sys.modules and isinstance(value, _sys.modules["datetime"].timedelta):
        text = _ext.number_text(value.total_seconds())  # exists only once datetime is loaded
    elif isinstance(value, _os.PathLike):
        text = _os.fsdecode(_os.fspath(value))
    else:
        raise TypeError("option %r: expected str, bool, int, float or a path, not %s"
                        % (key, type(value).__name__))
    return text  # a NUL or a lone surrogate: ValidationError from the extension


def _deadline(value):
    """A per-call deadline as the C calls take it: seconds > 0, or 0.0 (None: the client's
    `deadline` option)."""
    if value is None:
        return 0.0
    if "datetime" in _sys.modules and isinstance(value, _sys.modules["datetime"].timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("deadline must be a number of seconds, not %s" % type(value).__name__)
    if not value > 0:  # NaN too
        raise ValueError("deadline must be more than 0 seconds, got %r" % value)
    return float(value)
