"""Registering the layers' generators in the Smooth backend's table.

The Smooth backend is a table ``name -> Rule`` (:data:`catlearn.smooth.RULES`);
the layers add their generators to it from here, the module that owns them.
A name already taken by another module is an error, never silently replaced.

>>> from catlearn import smooth
>>> import catlearn.layers
>>> {"conv2d", "conv2d_t", "conv2d_w", "maxpool2d", "flatten"} <= set(smooth.RULES)
True
"""

from __future__ import annotations

from catlearn import smooth
from catlearn.backend import Rule


def register(name: str, rule: Rule) -> None:
    """Put ``rule`` in the Smooth table under ``name``, refusing to shadow a foreign rule."""
    old = smooth.RULES.get(name)
    if old is not None and old.forward.__module__ != rule.forward.__module__:
        raise ValueError(f"generator name {name!r} is already defined by "
                         f"{old.forward.__module__}; choose another name")
    smooth.RULES[name] = rule


def kernel(fn):
    """A kernel factory that ignores the generator and the array namespace."""
    return lambda g, xp: fn
