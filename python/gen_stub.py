#!/usr/bin/env python3
"""Writes the installed package's __init__.pyi from python/sendevent/__init__.pyi, whose marker
lines become what the C library lists (sendevent/listing.h), read from the package just built:

    # @requests@          a TypedDict per operation's request, and per object in it, from the
                          fields se_field_next lists (Required[...] keys, enums as Literal)
    # @init@              Client.__init__: an overload per provider (Literal["sinch"], ...) with
                          its options as typed keywords, and one for any provider name
    # @async_init@        the same for AsyncClient (with its `concurrency` keyword first)
    # @operations@        a method per operation: overloads taking the request as a TypedDict
                          (or JSON text), as keyword fields, or both
    # @async_operations@  the same as coroutines

    python3 python/gen_stub.py BUILD_LIB    (setup.py's build_py runs it)
"""

import keyword
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "sendevent", "__init__.pyi")

# option kinds (se_option_info.kind) as Python types; None leaves an option at its default
OPTION_TYPES = {"string": "str", "secret": "str", "url": "str", "seconds": "Seconds",
                "number": "float", "integer": "int", "boolean": "bool"}
FIELD_TYPES = {"string": "StrValue", "number": "NumberValue", "boolean": "bool",
               "any": "JSONValue"}
# what this face converts beyond JSON's own types (_encode.py: Connect's Content as a dict)
FACE_TYPES = {("connect", "Content"): "Union[StrValue, Dict[str, JSONValue], List[JSONValue]]"}


def camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


# --------------------------------------------------------------------------------------------
# the C listing
# --------------------------------------------------------------------------------------------

class Listing:
    """What the library lists: providers, their operations, option rows and field rows."""

    def __init__(self, sendevent):
        swig = sendevent._swig
        self.providers = [p.name for p in sendevent._providers()]
        self.options = {p: [o for o in sendevent._listed(swig.se_option_next, p)]
                        for p in self.providers}
        self.operations = {p: list(sendevent.OPERATIONS[p]) for p in self.providers}
        self.fields = {}
        for p in self.providers:
            for op in self.operations[p]:
                step = (lambda prov, prev, op=op: swig.se_field_next(prov, op, prev))
                self.fields[p, op] = sendevent._listed(step, p)


class Node:
    """A value of a request: its field row, and the nodes of its members, items or values."""

    def __init__(self, row=None):
        self.row = row
        self.members = {}  # name -> Node
        self.item = None   # an array's items ("[]")
        self.value = None  # an object's member values under free keys ("*")


def field_tree(rows):
    """The request's root node from its rows (each comes after the one holding it)."""
    root, nodes = Node(), {"": None}
    nodes[""] = root
    for row in rows:
        path = row.path
        node = Node(row)
        if path.endswith("[]"):
            nodes[path[:-2]].item = node
        elif path.endswith(".*"):
            nodes[path[:-2]].value = node
        else:
            parent, _, name = path.rpartition(".")
            nodes[parent].members[name] = node
        nodes[path] = node
    return root


# --------------------------------------------------------------------------------------------
# TypedDicts
# --------------------------------------------------------------------------------------------

class Classes:
    """The TypedDict classes of one provider's requests, each shape written once."""

    def __init__(self, provider):
        self.provider = provider
        self.text = []     # class definitions, in order
        self.by_body = {}  # (key, body text) -> class name
        self.names = set()

    def typed_dict(self, name_parts, node, total_name=None):
        """The name of the TypedDict for an object node (members known), its members typed."""
        lines = []
        for key, member in node.members.items():
            kind = self.type_of(name_parts + [key], member)
            if total_name is not None:  # the request's top level
                kind = FACE_TYPES.get((self.provider, key), kind)
            if member.row.required:
                kind = "Required[%s]" % kind
            lines.append((key, kind))
        body = (name_parts[-1], repr(lines))  # the same shape under the same key: one class
        if total_name is None and body in self.by_body:
            return self.by_body[body]
        name = total_name
        for start in range(len(name_parts) - 1, 0, -1):  # the shortest name not taken yet
            if name is not None:
                break
            candidate = name_parts[0] + "".join(camel(p) for p in name_parts[start:])
            if candidate not in self.names:
                name = candidate
        self.names.add(name)
        self.by_body.setdefault(body, name)
        self.text.append(class_text(name, lines))
        return name

    def type_of(self, name_parts, node):
        row = node.row
        if row.type == "string" and row.values and not row.open:
            return "Literal[%s]" % ", ".join('"%s"' % v for v in row.values.split())
        if row.type == "object":
            if node.members:
                return self.typed_dict(name_parts, node)
            if node.value is not None:
                return "Dict[str, %s]" % self.type_of(suffixed(name_parts, "_value"), node.value)
            return "Dict[str, JSONValue]"
        if row.type == "array":
            if node.item is not None:
                return "List[%s]" % self.type_of(suffixed(name_parts, "_item"), node.item)
            return "List[JSONValue]"
        return FIELD_TYPES[row.type]


def suffixed(name_parts, suffix):
    """The name parts of an array's items or an object's values: "choices" -> "choices_item"."""
    return name_parts[:-1] + [name_parts[-1] + suffix]


def class_text(name, lines):
    if all(key.isidentifier() and not keyword.iskeyword(key) for key, _ in lines):
        out = ["class %s(TypedDict, total=False):\n" % name]
        out += ["    %s: %s\n" % (key, kind) for key, kind in lines] or ["    pass\n"]
        return "".join(out)
    items = ", ".join('"%s": %s' % (key, kind) for key, kind in lines)
    return '%s = TypedDict("%s", {%s}, total=False)\n' % (name, name, items)


class Requests:
    """Every request TypedDict, and the top-level fields of each (provider, operation)."""

    def __init__(self, listing):
        self.listing = listing
        self.text = []
        self.request = {}  # (provider, operation) -> class name of the request
        self.fields = {}   # (provider, operation) -> [(key, type, required)]
        for p in listing.providers:
            classes = Classes(p)
            for op in listing.operations[p]:
                root = field_tree(listing.fields[p, op])
                prefix = camel(p)
                name = classes.typed_dict([prefix, op], root, prefix + camel(op) + "Request")
                self.request[p, op] = name
                self.fields[p, op] = [
                    (key, FACE_TYPES.get((p, key)) or classes.type_of([prefix, op, key], m),
                     m.row.required) for key, m in root.members.items()]
            self.text += classes.text


# --------------------------------------------------------------------------------------------
# signatures
# --------------------------------------------------------------------------------------------

def option_type(rows):
    """The Python type of an option, from its rows (one per provider that has it)."""
    kinds = []
    for o in rows:
        kind = ("Literal[%s]" % ", ".join('"%s"' % v for v in o.values.split())
                if o.kind == "enum" and o.values else OPTION_TYPES.get(o.kind, "str"))
        if o.key.endswith("_file"):
            kind = "Union[str, os.PathLike[str]]"
        if kind not in kinds:
            kinds.append(kind)
    return "Optional[%s]" % (kinds[0] if len(kinds) == 1 else "Union[%s]" % ", ".join(kinds))


def init_overloads(listing, head):
    """Overloads of __init__: one per provider, then any provider name (every option)."""
    out = []
    everyone = {}
    for p in listing.providers:
        for o in listing.options[p]:
            everyone.setdefault(o.key, []).append(o)
    groups = [('Literal["%s"]' % p, {o.key: [o] for o in listing.options[p]})
              for p in listing.providers] + [("str", everyone)]
    for provider_type, options in groups:
        out.append("    @overload\n")
        out.append("    def __init__(\n        self,\n        provider: %s,\n        *,\n"
                   % provider_type)
        out += head
        out += ["        %s: %s = ...,\n" % (key, option_type(rows))
                for key, rows in options.items()]
        out.append("    ) -> None: ...\n")
    return out


def keyword_params(fields, all_optional):
    """`key: type` keyword parameters (required ones without a default unless all_optional);
    a field whose name Python cannot take as a keyword is left to the request dict."""
    out = []
    for key, kind, required in fields:
        if not key.isidentifier() or keyword.iskeyword(key) or key == "deadline":
            continue
        out.append("%s: %s%s" % (key, kind, "" if required and not all_optional else " = ..."))
    required_first = [p for p in out if " = ..." not in p] + [p for p in out if " = ..." in p]
    return required_first


def operation_overloads(listing, requests, operations, head):
    """One method per operation, head "    def " or "    async def ": overloads taking the
    request as a TypedDict (or JSON text), as keyword fields, or a partial dict and fields."""
    out = []
    for op in operations:
        providers = [p for p in listing.providers if op in listing.operations[p]]
        start = "%s%s(self, " % (head, op)
        pad = " " * len(start)

        def emit(params):
            text, line = [], start
            for param in params:
                piece = param + ", "
                if len(line) + len(piece) > 99 and line.strip() != start.strip():
                    text.append(line.rstrip() + "\n")
                    line = pad
                line += piece
            text.append(line.rstrip(", ") + ") -> Response: ...\n")
            out.append("    @overload\n")
            out.extend(text)

        union = ", ".join(requests.request[p, op] for p in providers)
        emit(["request: Union[%s, str, bytes]" % union, "/", "*", "deadline: Deadline = ..."])
        for p in providers:  # the fields as keywords
            emit(["*", "deadline: Deadline = ..."]
                 + keyword_params(requests.fields[p, op], False))
        for p in providers:  # a partial request completed by keywords
            emit(["request: %sFields" % requests.request[p, op][:-len("Request")], "/", "*",
                  "deadline: Deadline = ..."] + keyword_params(requests.fields[p, op], True))
    return out


def partial_classes(requests):
    """<Provider><Operation>Fields: a request's top level with no key required (the part of a
    request given as a dict beside keyword fields)."""
    out = []
    for (p, op), fields in requests.fields.items():
        name = requests.request[p, op][:-len("Request")] + "Fields"
        out.append(class_text(name, [(key, kind) for key, kind, _ in fields]))
    return out


def render(template, listing):
    requests = Requests(listing)
    operations = list(dict.fromkeys(op for p in listing.providers
                                    for op in listing.operations[p]))
    # an operation never hides a Client or AsyncClient method (as in __init__.py and _async.py)
    operations = [op for op in operations
                  if "    def %s(" % op not in template and "async def %s(" % op not in template]
    out = []
    for line in template.splitlines(keepends=True):
        marker = line.strip()
        if marker.startswith("# @requests@"):
            for text in requests.text + partial_classes(requests):
                out += ["\n", text]
        elif marker.startswith("# @init@"):
            out += init_overloads(listing, [])
        elif marker.startswith("# @async_init@"):
            out += init_overloads(listing, ["        concurrency: int = ...,\n"])
        elif marker.startswith("# @operations@"):
            out += operation_overloads(listing, requests, operations, "    def ")
        elif marker.startswith("# @async_operations@"):
            out += operation_overloads(listing, requests, operations, "    async def ")
        else:
            out.append(line)
    return "".join(out)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: gen_stub.py BUILD_LIB")
    build_lib = os.path.abspath(argv[1])
    # the package just built, not the source tree beside this script
    sys.path[:] = [build_lib] + [p for p in sys.path if os.path.abspath(p or ".") != HERE]
    import sendevent
    if os.path.dirname(os.path.abspath(sendevent.__file__)) != os.path.join(build_lib, "sendevent"):
        sys.exit("gen_stub.py: imported %s, not the package in %s" % (sendevent.__file__, build_lib))
    with open(TEMPLATE, encoding="utf-8") as f:
        text = render(f.read(), Listing(sendevent))
    with open(os.path.join(build_lib, "sendevent", "__init__.pyi"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv)
