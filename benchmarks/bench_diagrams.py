"""Diagrams: how long compiling takes, and how fast the compiled model runs.

1. Compile time: from a 1,000-box diagram to a compiled catlearn map
   (``interpret`` = one pass over the layers, then code generation), for an
   MLP (200 dense layers of 5 boxes) and a chain of 1,000 ``tanh`` boxes.
   Target: under 100 ms.
2. Run time: forward + reverse of a 225-box model (45 dense ``relu`` layers
   of width 32, batch 64) compiled from its diagram, against hand-written
   numpy doing the same arithmetic on the same arrays (forward pass keeping
   activations, then backward pass giving every parameter's and the input's
   gradient).  ``R(f)`` is one program (forward then backward); the lens
   runs ``fwd`` (to the residual) then ``bwd``.  Both run alternately with
   numpy (a shared machine's load falls on both).  Target: ratio <= 1.2.

3. Drawing time: ``catlearn.diagrams.draw`` (one-pass layout, SVG; then the
   PNG rendered from it) on n-bit ripple-carry adders, against DisCoPy
   1.2.2's own layout and drawing (``to_drawing`` then ``draw``, what
   ``draw`` used before), which is run only up to ``--discopy-max`` bits
   since it grows quadratically.  Target: adder:64 under 10 s.

Prints times and ratios; asserts nothing.
Run: python benchmarks/bench_diagrams.py [--drawing-only] [--discopy-max 16]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from catlearn import Lens, R, smooth
from catlearn.diagrams import adder_diagram, chain, draw, interpret, mlp_diagram, tanh

WIDTH, DEPTH, BATCH = 32, 45, 64


def interleaved(base, other, repeat=300) -> tuple[float, float, float]:
    """Best time of ``base``, best time of ``other``, and the median per-round ratio.

    The two run alternately, so that load from other processes on a shared
    machine falls on both alike.
    """
    ratios, best_base, best_other = [], float("inf"), float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        base()
        middle = time.perf_counter()
        other()
        end = time.perf_counter()
        best_base, best_other = min(best_base, middle - start), min(best_other, end - middle)
        ratios.append((end - middle) / (middle - start))
    return best_base, best_other, statistics.median(ratios)


def compile_time(build, repeat=10) -> tuple[float, float, int]:
    """Time ``interpret`` + code generation on fresh diagrams (no cache hit)."""
    times, n = [], 0
    for _ in range(repeat):
        diagram = build()
        n = len(diagram)
        start = time.perf_counter()
        interpret(diagram, smooth.backend).map.compiled
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), n


def numpy_step(weights, biases, x, dy):
    """Hand-written forward and backward pass of the same MLP."""
    hs, zs = [x], []
    for W, b in zip(weights, biases):
        z = hs[-1] @ W.T + b
        zs.append(z)
        hs.append(np.maximum(z, 0))
    grads_w, grads_b, g = [], [], dy
    for W, z, h in zip(reversed(weights), reversed(zs), reversed(hs[:-1])):
        dz = g * (z > 0)
        grads_w.append(dz.T @ h)
        grads_b.append(dz.sum(axis=0))
        g = dz @ W
    return grads_w[::-1], grads_b[::-1], g


def run_time() -> None:
    diagram = mlp_diagram([WIDTH] * (DEPTH + 1), "relu", output="relu")
    model = interpret(diagram, smooth.backend)
    rng = np.random.default_rng(0)
    params = {k: v * 0.9 for k, v in model.init(0).items()}
    args = model.bind(params)
    x, dy = rng.normal(size=(BATCH, WIDTH)), rng.normal(size=(BATCH, WIDTH))
    weights, biases = list(args[0::2]), list(args[1::2])

    reverse = R(model.map).compiled
    lens = Lens.R(model.map)
    fwd, bwd, m = lens.fwd.compiled, lens.bwd.compiled, len(lens.res)

    def lens_step():
        out = fwd(*args, x)
        return bwd(*out[:m], dy)

    ours = reverse(*args, x, dy)
    gw, gb, gx = numpy_step(weights, biases, x, dy)
    error = max(np.abs(a - b).max() for a, b in zip(ours, [*sum(zip(gw, gb), ()), gx]))
    print(f"\n225-box model: {len(diagram)} boxes, {len(model.map.ops)} forward ops, "
          f"{len(R(model.map).ops)} ops in R; batch {BATCH}, width {WIDTH}; "
          f"max |difference| {error:.1e}")
    def step():
        return numpy_step(weights, biases, x, dy)

    for name, fn in (("compiled R(f)", lambda: reverse(*args, x, dy)),
                     ("compiled lens fwd + bwd", lens_step)):
        base, best, ratio = interleaved(step, fn)
        print(f"{name:>24}: {best * 1e3:7.3f} ms, hand-written numpy {base * 1e3:7.3f} ms; "
              f"ratio of bests {best / base:.2f}, median ratio per round {ratio:.2f} "
              "(target <= 1.2)")


def _discopy_draw(diagram) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    diagram.to_drawing().draw(show=False, figsize=(30, 30))
    plt.close("all")


def drawing_time(discopy_max: int) -> None:
    print("\ndrawing time, n-bit ripple-carry adder (target: adder:64 under 10 s)")
    for n in (4, 8, 16, 32, 64):
        diagram = adder_diagram(n)
        start = time.perf_counter()
        picture = draw(diagram)
        middle = time.perf_counter()
        _ = picture.png  # rendered on first use
        end = time.perf_counter()
        line = (f"adder:{n:<3} {len(diagram):5} boxes: SVG {middle - start:6.2f} s, PNG "
                f"{end - middle:6.2f} s more ({picture.width}x{picture.height} pixels)")
        if n <= discopy_max:
            start = time.perf_counter()
            _discopy_draw(diagram)
            line += f"; DisCoPy layout and draw {time.perf_counter() - start:6.1f} s"
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawing-only", action="store_true")
    parser.add_argument("--discopy-max", type=int, default=8,
                        help="largest adder drawn with DisCoPy's layout too (default 8)")
    args = parser.parse_args()
    if not args.drawing_only:
        compiling()
    drawing_time(args.discopy_max)


def compiling() -> None:
    print("compile time, diagram -> compiled map (target < 100 ms)")
    builds = {"MLP, 200 dense layers": lambda: mlp_diagram([16] * 201, output="relu"),
              "chain of tanh boxes": lambda: chain(*[tanh(16)] * 1000)}
    for name, build in builds.items():
        best, med, n = compile_time(build)
        print(f"{name:>28}: {n} boxes, best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms")
    run_time()


if __name__ == "__main__":
    main()
