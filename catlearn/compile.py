"""Compilation of a map into one generated Python function.

Each operation becomes one line ``r7 = g3(r2, r5)`` calling the backend's
array function; wiring has already disappeared into register numbers.
Generating source (rather than interpreting an op list) removes the
per-operation dispatch cost, which matters for small batches, and has no
recursion, so a 5,000-operation chain compiles like a 5-operation one.
"""

from __future__ import annotations

from typing import Callable


def compile_map(f) -> Callable:
    """One function ``run(*inputs) -> tuple(outputs)`` computing ``f``."""
    env: dict = {}
    names: dict = {}
    lines = [f"def run({', '.join(f'r{i}' for i in f.inputs)}):"]
    for op in f.ops:
        fn = f.backend.implement(op.gen)
        name = names.setdefault(id(fn), f"g{len(names)}")
        env[name] = fn
        args = ", ".join(f"r{i}" for i in op.ins)
        if len(op.outs) == 1:
            lines.append(f"    r{op.outs[0]} = {name}({args})")
        else:
            outs = "".join(f"r{j}, " for j in op.outs)
            lines.append(f"    ({outs}) = {name}({args})")
    lines.append(f"    return ({''.join(f'r{j}, ' for j in f.outputs)})")
    code = compile("\n".join(lines), f"<catlearn map {len(f.ops)} ops>", "exec")
    exec(code, env)
    return env["run"]
