"""The Python face is built from the C listing (sendevent/listing.h): OPERATIONS, one Client
method per operation, and the installed stub lists exactly the options and operations the
library lists."""

import ast
import inspect
import pathlib

import sendevent
from sendevent import _swig

# Client methods that are not operations (written by hand in __init__.py and the stub)
FIXED = {"__init__", "close", "__enter__", "__exit__", "closed", "provider", "region", "option",
         "cancel", "send", "validate", "prepare", "send_many", "send_iter"}


def listed(step, provider):
    out, item = [], step(provider, None)
    while item is not None:
        out.append(item)
        item = step(provider, item)
    return out


def providers():
    out, p = [], _swig.se_provider_next(None)
    while p is not None:
        out.append(p.name)
        p = _swig.se_provider_next(p)
    return out


def listed_operations():
    return {p: tuple(o.name for o in listed(_swig.se_operation_next, p)) for p in providers()}


def listed_option_keys():
    return {o.key for p in providers() for o in listed(_swig.se_option_next, p)}


def stub_client():
    path = pathlib.Path(sendevent.__file__).with_name("__init__.pyi")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Client")


def test_providers_and_operations_come_from_the_listing():
    assert providers() == ["sinch", "zapi", "connect"]
    assert sendevent.OPERATIONS == listed_operations()
    assert set(sendevent.OPERATIONS["connect"]) == {
        "send_event", "send_message", "create_connection", "disconnect"}


def test_a_method_per_operation_with_the_usual_signature():
    reference = inspect.signature(sendevent.Client.send)
    want = list(reference.parameters.values())
    want = [want[0]] + want[2:]  # self, request, /, *, deadline, **fields (no operation)
    for op in {op for ops in listed_operations().values() for op in ops}:
        method = getattr(sendevent.Client, op)
        assert method.__name__ == op and method.__doc__, op
        assert list(inspect.signature(method).parameters.values()) == want, op
        for p in providers():
            if op in sendevent.OPERATIONS[p]:
                assert p in method.__doc__


def test_installed_stub_lists_exactly_the_listing():
    client = stub_client()
    defs = {n.name: n for n in client.body if isinstance(n, ast.FunctionDef)}
    operations = {op for ops in listed_operations().values() for op in ops}
    assert set(defs) - FIXED == operations
    init = defs["__init__"].args
    assert {a.arg for a in init.kwonlyargs} == listed_option_keys()
    assert init.kwarg.arg == "options"
    for op in operations:
        args = defs[op].args
        assert [a.arg for a in args.posonlyargs] == ["self", "request"]
        assert [a.arg for a in args.kwonlyargs] == ["deadline"] and args.kwarg.arg == "fields"


def test_client_docstring_lists_every_option():
    for key in listed_option_keys():
        assert key in sendevent.Client.__doc__, key


def test_listed_options_describe_the_clients():
    for p in providers():
        # the C client as made, options unset (sendevent.Client(p) refuses a client missing
        # its required options; its option() is se_client_get)
        client = _swig.se_client_new(p)
        for o in listed(_swig.se_option_next, p):
            assert o.kind in ("string", "secret", "url", "seconds", "integer", "number", "boolean",
                              "enum")
            if o.secret or o.alias_of:
                continue
            assert _swig.se_client_get(client, o.key) == o._def  # SWIG renames the C field `def`
        del client


def test_installed_stub_names_the_async_clients_operations():
    path = pathlib.Path(sendevent.__file__).with_name("__init__.pyi")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    client = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "AsyncClient")
    coros = {n.name: n for n in client.body if isinstance(n, ast.AsyncFunctionDef)}
    defs = {n.name for n in client.body if isinstance(n, ast.FunctionDef)}
    operations = {op for ops in listed_operations().values() for op in ops}
    assert set(coros) == operations | {"aclose", "__aenter__", "__aexit__", "send", "send_many"}
    assert "send_iter" in defs  # an async generator: a plain def returning an AsyncIterator
    for op in operations:
        args = coros[op].args
        assert [a.arg for a in args.posonlyargs] == ["self", "request"]
        assert [a.arg for a in args.kwonlyargs] == ["deadline"] and args.kwarg.arg == "fields"
        assert hasattr(sendevent.AsyncClient, op)
    init = next(n for n in client.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    assert {a.arg for a in init.args.kwonlyargs} == listed_option_keys() | {"concurrency"}
    stub = path.read_text(encoding="utf-8")
    assert "retry_after: Optional[float]" in stub and "def send_iter(" in stub


def test_retry_after_is_none_except_on_throttling():
    assert sendevent.Error("x").retry_after is None
    assert sendevent.NetworkError("x").retry_after is None
    assert sendevent.ThrottledError("x").retry_after is None
