"""The optimizer lenses against optax (``benchmarks/bench_optax.py``), 50 steps in float64.

What the docstrings of :mod:`catlearn.learning.optim` and the README claim, measured:
SGD equals optax bit for bit at every step; momentum, Adagrad, RMSprop, Adam and the
weight-decayed variants agree to rounding (at most ~1e-15 after 50 steps); Nesterov's
parameters differ by the convention (optax returns the look-ahead point), and
catlearn's look-ahead ``get`` equals optax's parameters to rounding.  optax runs in a
subprocess because it needs ``jax_enable_x64``, a process-wide switch.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_optax.py"
ROUNDING = 1e-13


@pytest.fixture(scope="module")
def table() -> dict:
    if importlib.util.find_spec("optax") is None or importlib.util.find_spec("jax") is None:
        pytest.skip("optax (and jax) not installed: pip install optax")
    out = subprocess.run([sys.executable, str(SCRIPT), "--json"], capture_output=True,
                         text=True, check=True, timeout=300).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_sgd_is_optax_bit_for_bit(table):
    assert table["sgd"]["bitwise"] and table["sgd"]["abs"] == 0.0


@pytest.mark.parametrize("name", ["momentum", "adagrad", "rmsprop", "adam",
                                  "adam + weight decay", "sgd + weight decay"])
def test_the_others_agree_with_optax_to_rounding(table, name):
    assert table[name]["abs"] <= ROUNDING


def test_nesterov_returns_p_and_its_lookahead_is_optax_parameters(table):
    row = table["nesterov"]
    assert row["abs"] > 1e-3 and row["lookahead_abs"] <= ROUNDING
