"""Reproduce Gavranović's *Compositional Deep Learning* (CycleGAN as a learned functor) on digits.

    python papers/compositional_dl/reproduce.py           # 3000 alternating steps per model
    python papers/compositional_dl/reproduce.py --quick   # CI: 600 steps, small evaluators

Prints one line per measure, the learned functor first, its baselines (the identity map,
the functor trained without cycle losses) beside it.
"""

from __future__ import annotations

import argparse
import time

from catlearn.functorial.experiments import cycle_measures, insertion_measures, report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run for CI (< 2 minutes)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    steps, epochs = (600, 10) if args.quick else (3000, 30)
    start = time.perf_counter()
    print(f"# CycleGAN on digits (A) and inverted digits (B), unpaired; {steps} steps")
    for line in report(cycle_measures(steps=steps, seed=args.seed, epochs=epochs)):
        print(line)
    print(f"# object insertion/deletion, schema delete : W -> O * Z, insert : O * Z -> W")
    for line in report(insertion_measures(steps=steps, seed=args.seed, epochs=epochs)):
        print(line)
    print(f"# {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
