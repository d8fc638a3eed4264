"""catlearn's optimizer lenses against optax, step by step, in float64 (issue 8, sec. 5).

Both sides see the same 50 random gradients of a 5x3 parameter from the same start;
catlearn's lens gets them as the learning-rate lens passes them (``d = -rate * g``).
Prints, per optimizer, the largest difference of the parameters after 50 steps, absolute
and in units in the last place (ulp), and whether every step was equal bit for bit.
For Nesterov it also compares catlearn's look-ahead ``get = p + gamma v`` (where the
model is evaluated) with optax's parameters: optax returns the look-ahead point.

    python benchmarks/bench_optax.py          # the table
    python benchmarks/bench_optax.py --json   # the numbers, for tests/test_learning_optax.py

optax runs with ``jax_enable_x64`` in this process only.
"""

from __future__ import annotations

import json
import sys

import numpy as np

from catlearn import smooth
from catlearn.core import Ty
from catlearn.learning import optim

STEPS, SHAPE, LR, GAMMA, WD = 50, (5, 3), 0.01, 0.9, 1e-3


def cases():
    """``name -> (catlearn optimizer, optax transformation)`` with the same settings."""
    import optax
    return {
        "sgd": (optim.sgd(LR), optax.sgd(LR)),
        "momentum": (optim.momentum(LR, GAMMA), optax.sgd(LR, momentum=GAMMA)),
        "nesterov": (optim.nesterov(LR, GAMMA), optax.sgd(LR, momentum=GAMMA, nesterov=True)),
        "adagrad": (optim.adagrad(LR), optax.adagrad(LR, initial_accumulator_value=0.1,
                                                     eps=1e-7)),
        "rmsprop": (optim.rmsprop(LR), optax.rmsprop(LR, decay=0.9, eps=1e-8)),
        "adam": (optim.adam(LR), optax.adam(LR)),
        "adam + weight decay": (optim.decayed(optim.adam(LR), WD),
                                optax.chain(optax.add_decayed_weights(WD), optax.adam(LR))),
        "sgd + weight decay": (optim.decayed(optim.sgd(LR), WD),
                               optax.chain(optax.add_decayed_weights(WD), optax.sgd(LR))),
    }


def catlearn_run(opt: optim.Optimizer, p0, grads):
    """Parameters and look-ahead points after each step."""
    wires = Ty(smooth.Real(SHAPE, batched=False))
    lens = opt.lens(wires, smooth.backend)
    put, get = lens.put.compiled, lens.get.compiled
    state, p, points, looks = opt.init(wires), p0, [], []
    for g in grads:
        *state, p = put(*state, p, -opt.rate * g)
        points.append(p)
        looks.append(get(*state, p)[0])
    return points, looks


def optax_run(transformation, p0, grads):
    import optax
    state, p, points = transformation.init(p0), p0, []
    for g in grads:
        updates, state = transformation.update(g, state, p)
        p = np.asarray(optax.apply_updates(p, updates))
        points.append(p)
    return points


def ulp(a, b) -> float:
    """The largest ``|a - b|`` in units in the last place of ``b``."""
    return float(np.max(np.abs(a - b) / np.spacing(np.abs(b))))


def measure() -> dict:
    """``name -> {abs, ulp, bitwise}`` after ``STEPS`` steps (``lookahead_*`` for Nesterov)."""
    import jax
    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(0)
    p0, grads = rng.normal(size=SHAPE), rng.normal(size=(STEPS, *SHAPE))
    table = {}
    for name, (ours, theirs) in cases().items():
        points, looks = catlearn_run(ours, p0, grads)
        reference = optax_run(theirs, p0, grads)
        row = {"abs": float(np.max(np.abs(points[-1] - reference[-1]))),
               "ulp": ulp(points[-1], reference[-1]),
               "bitwise": all(np.array_equal(a, b) for a, b in zip(points, reference))}
        if name == "nesterov":
            row.update(lookahead_abs=float(np.max(np.abs(looks[-1] - reference[-1]))),
                       lookahead_ulp=ulp(looks[-1], reference[-1]))
        table[name] = row
    return table


def main() -> None:
    table = measure()
    if "--json" in sys.argv:
        print(json.dumps(table))
        return
    print(f"{'optimizer':22} {'max |diff|':>11} {'ulp':>8}  bit for bit every step")
    for name, row in table.items():
        print(f"{name:22} {row['abs']:11.3g} {row['ulp']:8.3g}  {row['bitwise']}")
        if "lookahead_abs" in row:
            print(f"{'  look-ahead p + g v':22} {row['lookahead_abs']:11.3g} "
                  f"{row['lookahead_ulp']:8.3g}")


if __name__ == "__main__":
    main()
