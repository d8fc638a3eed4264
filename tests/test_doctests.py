"""Every module's doctests run: the laws stated in the docstrings are checked.

The modules are found by walking the package, so a new module's examples
run without editing this file.  A module that needs an optional dependency
which is not installed (jax) is skipped with its name.
"""

import doctest
import importlib
import pkgutil

import pytest

import catlearn

MODULES = ["catlearn"] + sorted(m.name for m in pkgutil.walk_packages(catlearn.__path__,
                                                                      "catlearn.")
                                if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name.split(".")[0] == "catlearn":
            raise
        pytest.skip(f"{name} needs {error.name}, which is not installed")
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0, f"{failed} doctest(s) of {name} failed (run python -m doctest -v)"
