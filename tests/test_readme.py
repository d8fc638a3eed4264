"""The README's tour runs as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_tour_runs(capsys):
    env: dict = {}
    blocks = python_blocks()
    assert len(blocks) >= 4
    for block in blocks:
        exec(compile(block, str(README), "exec"), env)
    out = capsys.readouterr().out
    assert "0.5*dy0/cosh(x0/2)**2" in out
    assert "[0 0 0 1 0 1 1 1]" in out


def test_two_commands_are_there():
    text = README.read_text()
    assert "pip install . && catlearn train digits" in text
    ci = (README.parent / ".ci" / "run").read_text()
    test_command = re.search(r"pip install -e '\.\[test\]' && python -m pytest[^\n`]*", text)
    assert test_command and test_command.group(0) in ci
