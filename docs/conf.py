"""Sphinx configuration of catlearn's reference site.

Build it with ``python -m sphinx -W -b html docs build/docs`` from the project root.
Every build writes one page per public module of ``catlearn`` (walked with pkgutil, so a new
or renamed module gets its page without editing the site) and copies the notebooks from
``notebooks/`` in; both are rendered as stored, outputs included: the test suite is what
executes the notebooks.
"""

import importlib
import pkgutil
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import catlearn  # after the path above is set: the checkout, not an installed copy

project = "catlearn"
author = "the catlearn developers"
release = catlearn.__version__
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "myst_nb"]
exclude_patterns = ["_build", ".gitignore"]
html_theme = "alabaster"
html_title = "catlearn"
autodoc_member_order = "bysource"
# ignore-module-all: a package re-exports its modules' names in __all__; each name is
# documented once, on the page of the module that defines it.
autodoc_default_options = {"members": True, "show-inheritance": True, "ignore-module-all": True}
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath"]
suppress_warnings = ["myst.header"]

# Command-line entry points print usage and call sys.exit; they are documented by --help.
SKIP = ("__main__", "cli")


def public_modules():
    """The importable, public modules of catlearn, in dotted order."""
    names = ["catlearn"]
    for info in pkgutil.walk_packages(catlearn.__path__, "catlearn."):
        parts = info.name.split(".")
        if any(p.startswith("_") or p in SKIP for p in parts[1:]):
            continue
        names.append(info.name)
    return sorted(names)


def importable(name):
    """Import a module; ``None`` if it needs an optional package that is not installed
    (a missing catlearn module is an error, not an option)."""
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] == "catlearn":
            raise
        return error.name
    return None


def write_api_pages():
    """One page per module: its docstring, then its own members."""
    api = HERE / "api"
    shutil.rmtree(api, ignore_errors=True)
    api.mkdir()
    names, missing = [], []
    for name in public_modules():
        if (needs := importable(name)) is not None:
            missing.append(f"``{name}`` (needs ``{needs}``)")
            continue
        names.append(name)
        title = f"``{name}``"
        (api / f"{name}.rst").write_text(
            f"{title}\n{'=' * len(title)}\n\n.. automodule:: {name}\n")
    entries = "\n".join(f"   {name}" for name in names)
    skipped = ("\n\nNot in this build, for want of an optional package: "
               f"{', '.join(missing)}.") if missing else ""
    (api / "index.rst").write_text(
        "API reference\n=============\n\nOne page per module, written from its docstrings."
        f"{skipped}\n\n.. toctree::\n   :maxdepth: 1\n\n{entries}\n")


def copy_notebooks():
    """The notebooks as stored (with their outputs), under docs/notebooks/."""
    target = HERE / "notebooks"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    books = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for book in books:  # the notebooks link ../docs/conventions.md, one folder up here
        text = book.read_text(encoding="utf-8")
        (target / book.name).write_text(text.replace("../docs/conventions.md",
                                                     "../conventions.md"), encoding="utf-8")
    entries = "\n".join(book.stem for book in books)
    (target / "index.md").write_text(
        "# Notebooks\n\nEach notebook teaches one idea of the papers; they are executed by "
        "`tests/test_notebooks.py`. Open them with `pip install -e '.[notebooks]'` then "
        "`jupyter lab notebooks/`.\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{entries}\n```\n")


write_api_pages()
copy_notebooks()
