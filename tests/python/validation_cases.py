"""The request-validation cases of tests/data/validation.jsonl, shared with the C and Lua
suites (the file's header describes the fields). Requests stay JSON text, so every case reaches
the binding byte for byte as the C test hands it to the validator."""

import json
import pathlib
import re
from typing import NamedTuple, Optional

PATH = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "validation.jsonl"

# curl's tests/data macro, for values of thousands of characters (the length limits)
_REPEAT = re.compile(r"%repeat\[(\d+) x (.*?)\]%")


class Case(NamedTuple):
    where: str  # validation.jsonl:<line>, for failure messages
    rule: str
    provider: str
    operation: str
    request: str  # with %repeat[...]% written out
    status: str  # "ok" or "invalid"
    message: str = ""  # a substring of the error message ("" on a passing case)
    warning: Optional[str] = None  # checked by the C suite only
    after: Optional[str] = None  # the body after normalization
    absent: Optional[str] = None  # in neither the message nor the warnings


def expand(text):
    return _REPEAT.sub(lambda m: m.group(2) * int(m.group(1)), text)


def load(path=PATH):
    cases = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = json.loads(line)
            fields["request"] = expand(fields["request"])
            cases.append(Case(where="%s:%d" % (path.name, lineno), **fields))
    return cases
