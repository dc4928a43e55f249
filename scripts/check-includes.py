#!/usr/bin/env python3
"""Fails when modules include each other in a circle.

A module is a .c/.h pair: the files of one directory with one base name (a
header named X_internal.h belongs to module X, in the manner of zstd's
*_internal.h; a file X_part.c with no header of its own belongs to module X
when X.h exists). Module A depends on module B when A's .c or .h includes B's
header with #include "...". A header that declares what another module's .c
defines (a function or a global, found by name) is that module's header too:
a shared header such as a catch-all internal.h makes each includer depend on
every module it declares, which is how a circle hides behind one header.
There must be no cycle in libcore/src (with its subfolders), cli or emulator.
Prints each cycle found, with the include that makes each step.

usage: scripts/check-includes.py [ROOT]
"""
import os
import re
import sys

TREES = {  # tree -> folders searched for a quoted include, after the including file's own
    "libcore/src": ["libcore/src", "libcore/include"],
    "cli": ["cli", "libcore/include"],
    "emulator": ["emulator"],
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


ROOT = "."


def module_of(path):
    base, _ = os.path.splitext(path)
    if path.endswith(".h") and base.endswith("_internal"):
        base = base[: -len("_internal")]
    elif path.endswith(".c") and not os.path.isfile(os.path.join(ROOT, base + ".h")):
        # X_part.c without a header of its own implements module X when X.h exists
        # (json_text.c, json_check.c, ... behind json.h)
        prefix = base.rsplit("_", 1)[0]
        if prefix != base and os.path.isfile(os.path.join(ROOT, prefix + ".h")):
            base = prefix
    return base


def sources(root, tree):
    for folder, _, files in os.walk(os.path.join(root, tree)):
        for name in sorted(files):
            if name.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(folder, name), root)


def resolve(root, including, target, search):
    for folder in [os.path.dirname(including)] + search:
        candidate = os.path.normpath(os.path.join(folder, target))
        if os.path.isfile(os.path.join(root, candidate)):
            return candidate
    return None


COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', re.S)
# a definition at the start of a line: a function (its body follows) or a global
FUNCTION = re.compile(r'^(?!static\b|typedef\b|extern\b|struct\b|#)[A-Za-z_][\w \t*]*?'
                      r'\b(\w+)\s*\([^;{}]*\)\s*\{', re.M)
GLOBAL = re.compile(r'^(?!static\b|typedef\b|extern\b|struct\b|return\b|#)'
                    r'(?:const\s+)?[A-Za-z_]\w*(?:\s+\w+)*[\s*]+(\w+)\s*(?:\[[^\]]*\])?\s*[=;]',
                    re.M)
WORD = re.compile(r'\b[A-Za-z_]\w*\b')


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        return f.read()


def code(text):
    """The text without comments and string literals (an include line is read before)."""
    return COMMENT.sub(lambda m: '""' if m.group(0).startswith('"') else " ", text)


def definitions(root, files):
    """name -> module of the .c file that defines it"""
    owner = {}
    for path in files:
        if path.endswith(".c"):
            text = code(read(root, path))
            for name in FUNCTION.findall(text) + GLOBAL.findall(text):
                owner.setdefault(name, module_of(path))
    return owner


def graph(root, tree, search):
    """module -> {module it depends on: (file that includes, file included)}"""
    files = list(sources(root, tree))
    owner = definitions(root, files)
    declares = {}  # header -> modules whose definitions it declares
    for path in files:
        if path.endswith(".h"):
            words = set(WORD.findall(code(read(root, path))))
            declares[path] = {owner[w] for w in words if w in owner}
    deps = {}
    for path in files:
        mine = module_of(path)
        deps.setdefault(mine, {})
        for target in INCLUDE.findall(read(root, path)):
            found = resolve(root, path, target, search)
            if not found or not found.startswith(tree + os.sep):
                continue  # outside the tree: public headers, system headers
            for other in {module_of(found)} | declares.get(found, set()):
                if other != mine:
                    deps[mine].setdefault(other, (path, found))
    return deps


def cycles(deps):
    """Each strongly connected component of more than one module, as one cycle through it."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def connect(v):  # Tarjan, iterative enough for these sizes
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(deps.get(v, {})):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(one_cycle(deps, set(comp)))

    for v in sorted(deps):
        if v not in index:
            connect(v)
    return found


def one_cycle(deps, comp):
    """A shortest path from the component's first module back to itself."""
    start = min(comp)
    paths, queue = {start: [start]}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(deps.get(v, {})):
            if w == start:
                return paths[v] + [start]
            if w in comp and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return [start]


def main():
    global ROOT
    root = ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                                  os.path.join(os.path.dirname(__file__), ".."))
    sys.setrecursionlimit(10000)
    bad = 0
    for tree, search in TREES.items():
        deps = graph(root, tree, search)
        for cycle in cycles(deps):
            bad += 1
            steps = ["%s includes %s" % deps[a][b] for a, b in zip(cycle, cycle[1:])]
            print("include cycle in %s: %s" % (tree, " -> ".join(cycle)))
            for s in steps:
                print("    " + s)
        if not any(True for _ in cycles(deps)):
            print("%s: %d modules, no include cycle" % (tree, len(deps)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
