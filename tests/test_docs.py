"""The reference site's concepts table names only things that exist.

The site itself is built by ``.ci/run`` (``python -m sphinx -W``); this test keeps the one
hand-written list of names, ``docs/concepts.md``, in step with the code.
"""

import importlib
import re
from pathlib import Path

import pytest

CONCEPTS = Path(__file__).resolve().parents[1] / "docs" / "concepts.md"


def resolve(dotted: str):
    """The object named ``catlearn.a.b.c``: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


def names() -> list[str]:
    rows = [line for line in CONCEPTS.read_text(encoding="utf-8").splitlines()
            if line.startswith("|")]
    return sorted({n for row in rows for n in re.findall(r"`(catlearn(?:\.\w+)*)`", row)})


def test_the_table_names_something():
    assert len(names()) > 40


@pytest.mark.parametrize("name", names())
def test_every_name_exists(name):
    try:
        resolve(name)
    except (AttributeError, ModuleNotFoundError) as error:
        pytest.fail(f"docs/concepts.md names {name}, which does not exist ({error})")
