"""Compilation of a map into one generated Python function.

Each operation becomes one line ``r7 = g3(r2, r5)`` calling the backend's
array function; wiring has already disappeared into register numbers.
Generating source (rather than interpreting an op list) removes the
per-operation dispatch cost, which matters for small batches, and has no
recursion, so a 5,000-operation chain compiles like a 5-operation one.
A register is released (``del``) right after its last use, so a long
program holds only its live values and numpy can reuse their memory.
"""

from __future__ import annotations

from typing import Callable


def _last_uses(f) -> dict[int, list[int]]:
    """For each op index, the registers read for the last time there."""
    keep = set(f.outputs)
    last: dict[int, int] = {}
    for k, op in enumerate(f.ops):
        for r in op.ins:
            last[r] = k
    dead: dict[int, list[int]] = {}
    for r, k in last.items():
        if r not in keep:
            dead.setdefault(k, []).append(r)
    return dead


def compile_map(f) -> Callable:
    """One function ``run(*inputs) -> tuple(outputs)`` computing ``f``."""
    env: dict = {}
    names: dict = {}
    dead = _last_uses(f)
    lines = [f"def run({', '.join(f'r{i}' for i in f.inputs)}):"]
    for k, op in enumerate(f.ops):
        fn = f.backend.implement(op.gen)
        name = names.setdefault(id(fn), f"g{len(names)}")
        env[name] = fn
        args = ", ".join(f"r{i}" for i in op.ins)
        outs = "".join(f"r{j}, " for j in op.outs)
        lines.append(f"    r{op.outs[0]} = {name}({args})" if len(op.outs) == 1
                     else f"    ({outs}) = {name}({args})")
        if len(f.ops) > 64 and k in dead:
            lines.append(f"    del {', '.join(f'r{r}' for r in sorted(set(dead[k])))}")
    lines.append(f"    return ({''.join(f'r{j}, ' for j in f.outputs)})")
    code = compile("\n".join(lines), f"<catlearn map {len(f.ops)} ops>", "exec")
    exec(code, env)
    return env["run"]
