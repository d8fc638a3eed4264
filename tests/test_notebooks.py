"""Every notebook in notebooks/ runs top to bottom without error, and teaches.

A notebook teaches when it has at least ``MIN_WORDS`` words of prose in its markdown cells
(code spans and formulas not counted), at least one picture among its outputs, its first cell
links the conventions page (``docs/conventions.md``), and it ends with an exercises section
whose every numbered exercise ``N.`` has an executed solution in a hidden code cell, a block
opened by the comment ``# N.`` with code in it, not only comments.  The notebooks are executed at
their small default size: ``CATLEARN_NOTEBOOK_FULL=1`` (larger data, more epochs) is for
running them by hand.
"""

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
MIN_WORDS = 700
#: Start here (00); one notebook per idea: the papers' (01-04, 07-09), circuits from data (05),
#: recurrent (06), functorial learning (10, 11).
AT_LEAST = 12
CONVENTIONS = "docs/conventions.md"


def prose_words(nb) -> int:
    """Words of the markdown cells, without code spans and formulas."""
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for pattern in (r"\$\$.*?\$\$", r"`[^`]*`", r"\$[^$]*\$"):
        text = re.sub(pattern, " ", text, flags=re.DOTALL)
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


def pictures(nb) -> int:
    """Outputs carrying an image (PNG or SVG)."""
    return sum(any(kind.startswith("image/") for kind in output.get("data", {}))
               for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs)


def hidden(cell) -> bool:
    return (cell.metadata.get("jupyter", {}).get("source_hidden", False)
            or "hide-input" in cell.metadata.get("tags", ()))


def exercise_numbers(source: str) -> list[int]:
    """The numbers of the exercises listed in a markdown cell (``1.``, ``2.``, ...)."""
    return [int(n) for n in re.findall(r"^(\d+)\.\s", source, flags=re.MULTILINE)]


def solved(cells, number: int) -> bool:
    """Whether a hidden, executed code cell answers exercise ``number`` with code.

    The answer is the block from the comment ``# N.`` to the next ``# M.``; it must hold a
    line of code (a solution written only as comments was never run).
    """
    for cell in cells:
        if cell.cell_type != "code" or not hidden(cell) or cell.get("execution_count") is None:
            continue
        blocks = re.split(r"^# (\d+)\.", cell.source, flags=re.MULTILINE)
        for head, body in zip(blocks[1::2], blocks[2::2]):
            code = [line for line in body.splitlines()[1:]  # [0]: the rest of '# N.'
                    if line.strip() and not line.lstrip().startswith("#")]
            if int(head) == number and code:
                return True
    return False


def teaching_shortfalls(nb) -> list[str]:
    """What keeps an executed notebook from the teaching standard (empty: nothing)."""
    problems = []
    if not nb.cells or CONVENTIONS not in nb.cells[0].source:
        problems.append(f"the first cell does not link the conventions page ({CONVENTIONS})")
    if (words := prose_words(nb)) < MIN_WORDS:
        problems.append(f"{words} words of prose, fewer than {MIN_WORDS}")
    if not pictures(nb):
        problems.append("no picture among the outputs")
    headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                and re.search(r"^#+\s*Exercises", c.source, flags=re.MULTILINE)]
    if not headings:
        problems.append("no '## Exercises' section")
    elif not any(c.cell_type == "code" and hidden(c) for c in nb.cells[headings[-1]:]):
        problems.append("no hidden solutions cell after the exercises")
    else:
        after = nb.cells[headings[-1]:]
        numbers = [n for c in after if c.cell_type == "markdown"
                   for n in exercise_numbers(c.source)]
        if not numbers:
            problems.append("the exercises section lists no numbered exercise")
        problems += [f"exercise {n} has no executed solution in a hidden cell (a block "
                     f"'# {n}.' with code)" for n in numbers if not solved(after, n)]
    return problems


def test_teaching_standard_detects_shortfalls():
    cell = nbformat.v4.new_markdown_cell("## Exercises\n\n1. Try it.\n2. And this.")
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert teaching_shortfalls(nb) == [
        f"the first cell does not link the conventions page ({CONVENTIONS})",
        f"{prose_words(nb)} words of prose, fewer than {MIN_WORDS}",
        "no picture among the outputs", "no hidden solutions cell after the exercises"]
    answer = nbformat.v4.new_code_cell("# 1. only words\n# 2.\nprint(2)",
                                       metadata={"tags": ["hide-input"]}, execution_count=1)
    nb.cells.append(answer)
    assert teaching_shortfalls(nb)[-1].startswith("exercise 1 has no executed solution")
    assert len([p for p in teaching_shortfalls(nb) if p.startswith("exercise")]) == 1
    assert prose_words(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Two words `not counted` $x + y$")])) == 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_teaches(path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("CATLEARN_NOTEBOOK_FULL", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, errors
    problems = teaching_shortfalls(nb)
    assert not problems, f"{path.name}: {'; '.join(problems)}"


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= AT_LEAST, [p.name for p in NOTEBOOKS]
