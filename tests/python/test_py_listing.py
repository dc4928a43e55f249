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


def stub_tree():
    path = pathlib.Path(sendevent.__file__).with_name("__init__.pyi")
    return ast.parse(path.read_text(encoding="utf-8"))


def stub_class(name, tree=None):
    tree = tree or stub_tree()
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def overloads(cls, name, kind=ast.FunctionDef):
    defs = [n for n in cls.body if isinstance(n, kind) and n.name == name]
    assert defs and all(ast.unparse(d.decorator_list[0]) == "overload" for d in defs), name
    return defs


def listed_fields(provider, operation):
    return listed(lambda p, prev: _swig.se_field_next(p, operation, prev), provider)


def top_fields(provider, operation):
    return [f for f in listed_fields(provider, operation) if "." not in f.path and "[" not in f.path]


def check_init_overloads(cls, extra):
    """__init__: one overload per provider (Literal["sinch"], ...) whose keywords are its
    client's options, then one for any provider name with every option; no **options."""
    inits = overloads(cls, "__init__")
    assert [ast.unparse(d.args.args[1].annotation) for d in inits] == \
        ["Literal['%s']" % p for p in providers()] + ["str"]
    for d, p in zip(inits, providers() + [None]):
        keys = [a.arg for a in d.args.kwonlyargs]
        want = [o.key for o in listed(_swig.se_option_next, p)] if p else listed_option_keys()
        assert keys[:len(extra)] == extra and set(keys[len(extra):]) == set(want), p
        assert d.args.kwarg is None


def check_operation_overloads(cls, kind):
    """Each operation: the request as a TypedDict union (or JSON text); per provider its top
    level fields as keywords (the required ones without a default); per provider a partial
    request completed by keywords."""
    operations = {op for ops in listed_operations().values() for op in ops}
    for op in operations:
        defs = overloads(cls, op, kind)
        having = [p for p in providers() if op in sendevent.OPERATIONS[p]]
        assert len(defs) == 1 + 2 * len(having), op
        first = defs[0].args
        assert [a.arg for a in first.posonlyargs] == ["self", "request"]
        assert ast.unparse(first.posonlyargs[1].annotation) == "Union[%s, str, bytes]" % ", ".join(
            "%s%sRequest" % (p.capitalize(), camel(op)) for p in having)
        for d, p in zip(defs[1:], having):
            fields = top_fields(p, op)
            args = d.args
            assert [a.arg for a in args.kwonlyargs] == ["deadline"] + \
                [f.path for f in fields if f.required] + [f.path for f in fields if not f.required]
            assert len(args.kw_defaults) == len(args.kwonlyargs)
            required = [a.arg for a, dflt in zip(args.kwonlyargs, args.kw_defaults) if dflt is None]
            assert required == [f.path for f in fields if f.required], (p, op)
        for d, p in zip(defs[1 + len(having):], having):
            assert ast.unparse(d.args.posonlyargs[1].annotation) == \
                "%s%sFields" % (p.capitalize(), camel(op))
            assert all(dflt is not None for dflt in d.args.kw_defaults)
        assert hasattr(sendevent.AsyncClient if kind is ast.AsyncFunctionDef
                       else sendevent.Client, op)


def camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


def test_installed_stub_lists_exactly_the_listing():
    client = stub_class("Client")
    defs = {n.name for n in client.body if isinstance(n, ast.FunctionDef)}
    operations = {op for ops in listed_operations().values() for op in ops}
    assert defs - FIXED == operations
    check_init_overloads(client, [])
    check_operation_overloads(client, ast.FunctionDef)


FIELD_TYPES = {"string": "StrValue", "number": "NumberValue", "boolean": "bool", "any": "JSONValue"}


def test_stub_request_types_are_the_listed_fields():
    """Every field the C library lists is in its operation's TypedDict, at its path, Required
    exactly when required, with its JSON type (enums closed: Literal of the values); every key
    of a request TypedDict is a listed field."""
    tree = stub_tree()
    classes = {n.name: {s.target.id: s.annotation for s in n.body if isinstance(s, ast.AnnAssign)}
               for n in tree.body if isinstance(n, ast.ClassDef)}

    def unwrap(ann, head):
        assert isinstance(ann, ast.Subscript) and ast.unparse(ann.value) == head, ast.unparse(ann)
        return ann.slice.elts[1] if head == "Dict" else ann.slice

    for p in providers():
        for op in sendevent.OPERATIONS[p]:
            request = "%s%sRequest" % (p.capitalize(), camel(op))
            rows = listed_fields(p, op)
            assert set(classes[request]) == {f.path for f in top_fields(p, op)}
            for f in rows:
                ann, required = ast.Name(request), None
                for part in f.path.replace("[]", ".[]").split("."):
                    if part == "[]":
                        ann, required = unwrap(ann, "List"), None
                    elif part == "*":
                        ann, required = unwrap(ann, "Dict"), None
                    else:
                        ann = classes[ast.unparse(ann)][part]
                        required = isinstance(ann, ast.Subscript) and \
                            ast.unparse(ann.value) == "Required"
                        ann = ann.slice if required else ann
                if required is not None:
                    assert required == bool(f.required), (p, op, f.path)
                text = ast.unparse(ann)
                if (p, f.path) == ("connect", "Content"):  # a dict is sent as its JSON text
                    assert text.startswith("Union[StrValue, Dict")
                elif f.type == "object":
                    assert text in classes or text.startswith("Dict["), (f.path, text)
                elif f.type == "array":
                    assert text.startswith("List["), (f.path, text)
                elif f.values and not f.open:
                    assert text == "Literal[%s]" % ", ".join(repr(v) for v in f.values.split())
                else:
                    assert text == FIELD_TYPES[f.type], (f.path, text)


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
    client = stub_class("AsyncClient")
    coros = {n.name for n in client.body if isinstance(n, ast.AsyncFunctionDef)}
    defs = {n.name for n in client.body if isinstance(n, ast.FunctionDef)}
    operations = {op for ops in listed_operations().values() for op in ops}
    assert coros == operations | {"aclose", "__aenter__", "__aexit__", "send", "send_many"}
    assert "send_iter" in defs  # an async generator: a plain def returning an AsyncIterator
    check_init_overloads(client, ["concurrency"])
    check_operation_overloads(client, ast.AsyncFunctionDef)
    stub = pathlib.Path(sendevent.__file__).with_name("__init__.pyi").read_text(encoding="utf-8")
    assert "retry_after: Optional[float]" in stub and "def send_iter(" in stub


def test_retry_after_is_none_except_on_throttling():
    assert sendevent.Error("x").retry_after is None
    assert sendevent.NetworkError("x").retry_after is None
    assert sendevent.ThrottledError("x").retry_after is None
