#!/usr/bin/env python3
"""Writes the installed package's __init__.pyi from python/sendevent/__init__.pyi, whose
`# @options@`, `# @operations@` and `# @async_operations@` lines become the Client and
AsyncClient keywords and methods the C library lists (sendevent/listing.h), read from the
package just built.

    python3 python/gen_stub.py BUILD_LIB    (setup.py's build_py runs it)
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "sendevent", "__init__.pyi")


def listing(sendevent):
    """(option keys, operation names) of every provider, each once, in the listing's order."""
    swig = sendevent._swig
    keys = {}
    for p in sendevent._providers():
        keys.update(dict.fromkeys(o.key for o in sendevent._listed(swig.se_option_next, p.name)))
    ops = dict.fromkeys(op for names in sendevent.OPERATIONS.values() for op in names)
    return list(keys), list(ops)


def _methods(head, operations):
    """The stub lines of one method per operation: head is "    def " or "    async def "."""
    out = []
    for op in operations:
        start = "%s%s(" % (head, op)
        out.append(start + "self, request: Request = ..., /, *, deadline: Deadline = ...,\n")
        out.append(" " * len(start) + "**fields: JSONValue) -> Response: ...\n")
    return out


def render(template, keys, operations):
    # an operation never hides a Client or AsyncClient method (as in __init__.py and _async.py)
    operations = [op for op in operations
                  if "    def %s(" % op not in template and "async def %s(" % op not in template]
    out, starred = [], False  # starred: this signature has its `*,` already (AsyncClient's)
    for line in template.splitlines(keepends=True):
        marker = line.strip()
        if marker.startswith("def __init__("):
            starred = False
        starred = starred or marker == "*,"
        if marker.startswith("# @options@"):
            if not starred:
                out.append("        *,\n")
            out += ["        %s: OptionValue = ...,\n" % key for key in keys]
        elif marker.startswith("# @operations@"):
            out += _methods("    def ", operations)
        elif marker.startswith("# @async_operations@"):
            out += _methods("    async def ", operations)
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
        text = render(f.read(), *listing(sendevent))
    with open(os.path.join(build_lib, "sendevent", "__init__.pyi"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv)
