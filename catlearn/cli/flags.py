"""Flag values checked as they are parsed: one mechanism for every subcommand.

Each function here is an ``argparse`` ``type``: it turns the flag's text into a value
or raises ``argparse.ArgumentTypeError``, and argparse then prints one line naming the
flag (``argument --epochs: must be a positive integer, got -1``) and exits with status
2, before any work is done.

>>> positive_int("3"), non_negative_int("0"), positive_float("0.5")
(3, 0, 0.5)
>>> positive_int("0")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: must be a positive integer, got 0
>>> non_negative_float("nan")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: must be a non-negative number, got nan
"""

from __future__ import annotations

import argparse
import math


def _integer(text: str, least: int, kind: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a {kind} integer, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be a {kind} integer, got {value}")
    return value


def _number(text: str, positive: bool, kind: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a {kind} number, got {text!r}") from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise argparse.ArgumentTypeError(f"must be a {kind} number, got {text}")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1 (epochs, batch sizes, counts)."""
    return _integer(text, 1, "positive")


def non_negative_int(text: str) -> int:
    """An integer >= 0 (seeds)."""
    return _integer(text, 0, "non-negative")


def positive_float(text: str) -> float:
    """A finite number > 0 (learning rates, temperatures)."""
    return _number(text, True, "positive")


def non_negative_float(text: str) -> float:
    """A finite number >= 0 (weight decay)."""
    return _number(text, False, "non-negative")


def check_devices(backend: str, devices: int | None) -> None:
    """``--devices N`` needs ``--backend jax`` and N JAX devices; the error says how a CPU
    gets N (``XLA_FLAGS=--xla_force_host_platform_device_count=N``)."""
    if devices is None:
        return
    if backend != "jax":
        raise ValueError(f"--devices {devices} goes with --backend jax")
    import jax  # only when asked for: jax is an optional dependency and slow to import

    n = jax.device_count()
    if devices > n:
        raise ValueError(f"--devices {devices}: there {'is' if n == 1 else 'are'} only {n} "
                         f"JAX device{'s' * (n != 1)}; on a CPU, set XLA_FLAGS="
                         f"--xla_force_host_platform_device_count={devices} before running")
