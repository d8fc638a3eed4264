"""The import structure of catlearn: acyclic, layered, and light at the top.

The graph is read from the source with ``ast`` (every ``import`` statement,
at module level or inside a function), over every module of the package, so
a module added later is covered without editing this file:

* it has no cycle, counting function-level imports: a function-level import
  that closes a cycle is a cycle deferred, not broken;
* every import points to the same layer or a lower one (:data:`LAYERS`);
* each module imports on its own, in a fresh interpreter, in topological order;
* ``import catlearn`` loads no ``catlearn.circuits`` module (BLIF, Verilog,
  yosys load on first use).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "catlearn"

# lowest first; a module's layer is that of the longest name prefix listed
LAYERS = (
    ("core", ("catlearn.core", "catlearn.program", "catlearn.compile", "catlearn.display",
              "catlearn.files",
              "catlearn.errors")),
    ("backend", ("catlearn.backend",)),
    ("derivative", ("catlearn.derivative",)),
    ("backends", ("catlearn.smooth", "catlearn.z2", "catlearn.symbolic", "catlearn.packing",
                  "catlearn.jax_backend")),
    ("netlist", ("catlearn.netlist",)),
    ("constructions", ("catlearn.lens", "catlearn.para", "catlearn.stateful")),
    ("layers, learning", ("catlearn.layers", "catlearn.learning", "catlearn.data")),
    ("circuits, diagrams", ("catlearn.circuits", "catlearn.diagrams")),
    ("functorial learning", ("catlearn.qnlp", "catlearn.functorial")),
    ("cli", ("catlearn.cli", "catlearn.__main__")),
    ("package", ("catlearn",)),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def layer(module: str) -> int:
    """Index in :data:`LAYERS` of the longest listed prefix of ``module``.

    The package itself (``catlearn``, its ``__init__``) is a prefix of nothing:
    a new module must be given its layer explicitly.
    """
    best = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix != "catlearn" and module.startswith(prefix + ".")):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), rank)
    if best is None:
        raise AssertionError(f"module {module} has no layer: add its prefix to LAYERS "
                             "in tests/test_imports.py")
    return best[1]


def _is_package(module: str) -> bool:
    return MODULES.get(module, Path()).name == "__init__.py"


def _reexports(package: str) -> dict[str, str]:
    """Names a package's ``__init__`` imports from its modules: name -> module."""
    found = {}
    for node in ast.walk(ast.parse(MODULES[package].read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in MODULES:
            for alias in node.names:
                found[alias.asname or alias.name] = node.module
    return found


def _targets(module: str, node) -> list[str]:
    """The catlearn modules an import statement in ``module`` depends on."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in MODULES]
    base = node.module or ""
    if node.level:  # relative: resolve against the importing module's package
        parts = module.split(".") if _is_package(module) else module.split(".")[:-1]
        package = ".".join(parts[:len(parts) - node.level + 1])
        base = f"{package}.{base}" if base else package
    if base not in MODULES:
        return []
    targets = []
    for alias in node.names:
        if f"{base}.{alias.name}" in MODULES:
            targets.append(f"{base}.{alias.name}")
        elif _is_package(base):
            # a name a package re-exports: depend on the module defining it
            targets.append(_reexports(base).get(alias.name, base))
        else:
            targets.append(base)
    return targets


def imports(module: str) -> dict[str, list[int]]:
    """``{imported module: [line numbers]}``, function-level imports included."""
    found: dict[str, list[int]] = {}
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for target in _targets(module, node):
                if target != module and node.lineno not in found.get(target, []):
                    found.setdefault(target, []).append(node.lineno)
    return found


def function_level(module: str) -> set[int]:
    """Line numbers of the import statements inside functions or classes of ``module``."""
    tree = ast.parse(MODULES[module].read_text())
    lines = set()
    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            lines.update(n.lineno for n in ast.walk(top)
                         if isinstance(n, (ast.Import, ast.ImportFrom)))
    return lines


GRAPH = {m: imports(m) for m in MODULES}


def test_every_module_has_a_layer():
    assert {m: layer(m) for m in MODULES}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in GRAPH[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_import_cycles():
    """No import closes a cycle; a function-level import that does is named as such."""
    closing = []
    for module, deps in GRAPH.items():
        for target, lines in deps.items():
            if module in _reachable(target):
                where = ", ".join(f"line {n}" + (" (function-level)" if n in
                                                 function_level(module) else "")
                                  for n in lines)
                closing.append(f"{module} imports {target} at {where}, and {target} "
                               f"imports {module} back")
    assert not closing, "import cycles:\n" + "\n".join(closing)


def test_imports_point_down():
    upward = [f"{m} (layer {LAYERS[layer(m)][0]}) imports {t} (layer {LAYERS[layer(t)][0]}) "
              f"at line {lines[0]}"
              for m, deps in GRAPH.items() for t, lines in deps.items()
              if layer(t) > layer(m)]
    assert not upward, "\n".join(upward)


def _loads(statement: str) -> list[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT.parent)
    assert run.returncode == 0, f"{statement} failed:\n{run.stderr[-2000:]}"
    return run.stdout.split()


def test_import_catlearn_loads_no_circuits():
    loaded = _loads("import catlearn")
    assert not [m for m in loaded if m.startswith(("catlearn.circuits", "catlearn.netlist"))]
    assert "discopy" not in loaded


def test_lazy_public_names():
    loaded = _loads("import catlearn; catlearn.interpret, catlearn.diagrams, catlearn.fit")
    assert "catlearn.diagrams.interpret" in loaded and "catlearn.learning.fit" in loaded


def _third_party() -> list[str]:
    """Every module outside catlearn that catlearn's sources import."""
    names = set()
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return sorted(n for n in names if n.split(".")[0] != "catlearn")


# Loads the third-party modules once, then imports each catlearn module in a forked
# child in which no catlearn module is loaded yet: a fresh interpreter as far as
# catlearn is concerned, without paying numpy's, sympy's and jax's start-up each time.
_ALONE = """
import importlib, os, sys, traceback
for name in sys.argv[2].split():
    try:
        importlib.import_module(name)
    except Exception:
        pass  # an optional dependency: the module needing it reports it below
assert not [m for m in sys.modules if m.split('.')[0] == 'catlearn']
for module in sys.argv[1].split():
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(module)
        except BaseException as error:
            name = getattr(error, 'name', None) or ''
            if isinstance(error, ModuleNotFoundError) and name.split('.')[0] != 'catlearn':
                os._exit(0)  # an optional dependency that is not installed
            print(module + ': ' + traceback.format_exc().strip().splitlines()[-1], flush=True)
            os._exit(1)
        os._exit(0)
    if os.waitpid(pid, 0)[1]:
        print(module + ': exited with an error', flush=True)
"""


def _topological_order() -> list[str]:
    """Dependencies first; by layer where a cycle (reported above) leaves no order."""
    try:
        return list(TopologicalSorter({m: set(d) for m, d in GRAPH.items()}).static_order())
    except CycleError:
        return sorted(MODULES, key=lambda m: (layer(m), m))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_each_module_imports_alone_in_topological_order():
    order = [m for m in _topological_order() if not m.endswith("__main__")]  # a script
    run = subprocess.run([sys.executable, "-c", _ALONE, " ".join(order),
                          " ".join(_third_party())],
                         capture_output=True, text=True, cwd=ROOT.parent)
    assert run.returncode == 0, run.stderr[-2000:]
    assert not run.stdout.strip(), run.stdout
