"""The models of the RDA paper as Z2 maps: the lookup table and ``pseudoLinear``.

Both are parametrised maps ``P @ A -> B`` of :mod:`catlearn.z2` (parameters first).

* :func:`basis` and :func:`lookup_table` are polynomial circuits built from the
  generators ``and``, ``not`` and ``parity`` by tracing; their reverse derivative is
  catlearn's chain rule.  The table is linear in its parameters, so for the
  parameters the compositional ``R`` is the derivative of the boolean function.
* :func:`pseudo_linear` is one new generator (Wilson, Zanasi, arXiv 2101.10488,
  Sec. 5; ``pseudoLinear`` in statusfailed/act-2020-experiments):
  ``f(p, x) = 1`` iff ``popcount(p & x) <= popcount(p) // k``.  It is not a
  polynomial circuit, so its reverse derivative is the brute-force multilinear one,
  ``R[f](v, dy)_i = dy * (f(v) + f(v + e_i))``, itself a generator
  (``pseudo_linear_rd``).  Both rules are registered in ``z2.RULES`` on import.

Laws (``tests/test_rda.py``): ``basis(n)`` is one-hot (exactly one output set, the
one numbered ``sum x_i 2^i``); ``pseudo_linear`` agrees with a plain Python popcount
and its ``R`` with flipping bits one at a time.

>>> from catlearn import z2
>>> b = basis(2)
>>> z2.unpack(b(*z2.pack([[0, 0], [1, 0], [0, 1], [1, 1]])), 4).tolist()
[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
>>> f = pseudo_linear(4)
>>> f
Map(Z2 @ Z2 @ Z2 @ Z2 @ Z2 @ Z2 @ Z2 @ Z2 -> Z2: pseudo_linear(4, 4))
>>> z2.unpack(f(*z2.pack([[1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 0, 0]])), 2).ravel().tolist()
[1, 0]
"""

from __future__ import annotations

import numpy as np

from catlearn import z2
from catlearn.backend import Rule
from catlearn.core import Generator, Map, trace
from catlearn.para import Para

__all__ = ["basis", "lookup_table", "pseudo_linear", "pseudo_linear_rd", "stacked_tables"]


# -- the lookup table: a polynomial circuit -------------------------------------


def basis(n: int) -> Map:
    """The one-hot basis ``Z2^n -> Z2^(2^n)``: output ``j`` is 1 iff ``x`` spells ``j``.

    ``j = sum_i x_i 2^i`` (input 0 is the least significant bit).  Each output is a
    minterm, an AND of the literals ``x_i`` or ``not x_i``; minterms over the first
    ``i`` inputs are shared (copied) by those over ``i + 1``, so the circuit has
    ``2^(n+1) - 4`` ANDs rather than ``(n - 1) 2^n``.

    >>> from catlearn import z2
    >>> basis(3)(*z2.pack([[1, 0, 1]]))[5].tolist()
    [1]
    """
    if n < 1:
        raise ValueError(f"basis needs at least one input bit, got {n}")

    def run(*xs):
        terms = [z2.not_()(xs[0]), xs[0]]
        for x in xs[1:]:
            low = z2.not_()(x)
            terms = [t * low for t in terms] + [t * x for t in terms]
        return tuple(terms)
    return trace(z2.bits(n), run, z2.backend)


def lookup_table(n_in: int, n_out: int) -> Para:
    """The RDA paper's Iris model: a table of ``n_out * 2^n_in`` parameter bits.

    ``y_k = sum_j theta[k * 2^n_in + j] * basis(x)_j`` (sum = parity): output ``k`` reads
    row ``k`` of the table at the entry of the input seen.  The basis wires are copied
    once per output (the paper's ``copyN``); the map is ``P @ Z2^n_in -> Z2^n_out``.

    >>> from catlearn import z2
    >>> model = lookup_table(2, 1)
    >>> model.param == z2.bits(4), model.dom == z2.bits(2)
    (True, True)
    >>> theta = [z2.ZEROS, z2.ZEROS, z2.ONES, z2.ZEROS]   # entry 2 (x = (0, 1)) holds 1
    >>> z2.unpack(model(*theta, *z2.pack([[0, 1], [1, 0]])), 2).ravel().tolist()
    [1, 0]
    """
    size = 1 << n_in
    one_hot = basis(n_in)

    def run(*v):
        theta, hot = v[:n_out * size], one_hot(*v[n_out * size:])
        hot = hot if isinstance(hot, tuple) else (hot,)
        return tuple(z2.parity(size)(*(theta[k * size + j] * hot[j] for j in range(size)))
                     for k in range(n_out))
    return Para(z2.bits(n_out * size), trace(z2.bits(n_out * size + n_in), run, z2.backend))


# -- pseudoLinear: a generator with a brute-force reverse derivative ---------------


def _width(words) -> int:
    return max(map(len, words))


def stack_words(words, width: int) -> np.ndarray:
    """Word arrays (each ``(1,)`` or ``(width,)``) as one ``(len(words), width)`` matrix."""
    n = len(words)
    flat = np.concatenate(words)  # one C-level copy, not a Python loop over the wires
    if flat.size == n:
        return np.broadcast_to(flat.reshape(n, 1), (n, width))
    if flat.size == n * width:
        return flat.reshape(n, width)
    return np.stack([np.broadcast_to(w, (width,)) for w in words])


def _unpack(words, width: int) -> np.ndarray:
    """Wires of packed words to a 0/1 matrix ``(n_wires, 64 * width)`` (example axis last)."""
    matrix = np.ascontiguousarray(stack_words(words, width), dtype="<u8")
    return np.unpackbits(matrix.view(np.uint8), axis=1, bitorder="little")


def _pack(bits: np.ndarray) -> np.ndarray:
    """A 0/1 (or bool) matrix ``(n_wires, 64 * width)`` back to words ``(n_wires, width)``."""
    packed = np.packbits(bits, axis=-1, bitorder="little")
    return packed.view("<u8").astype(np.uint64, copy=False)


def _counts(p: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per example: ``popcount(p & x)`` and ``popcount(p)``, summed over the wires."""
    return (p & x).sum(axis=0, dtype=np.int32), p.sum(axis=0, dtype=np.int32)


def _constant_mask(words) -> np.ndarray | None:
    """The 0/1 values of wires that are each one all-zeros or all-ones word, else None.

    That is how parameters enter (broadcast over the batch); then only the rows of
    ``x`` that the mask selects need unpacking and counting.
    """
    if max(map(len, words)) != 1:
        return None
    flat = np.concatenate(words)
    ones = flat == z2.ONES[0]
    return ones if (ones | (flat == 0)).all() else None


def _forward(gen, xp):
    n, k = gen.data

    def run(*v):
        width, mask = _width(v), _constant_mask(v[:n])
        if mask is not None:
            x = stack_words(v[n:], width)[mask]
            hits = np.unpackbits(np.ascontiguousarray(x, dtype="<u8").view(np.uint8), axis=1,
                                 count=64 * width, bitorder="little").sum(axis=0, dtype=np.int32)
            return _pack(hits <= int(mask.sum()) // k)
        bits = _unpack(v, width)
        hits, ones = _counts(bits[:n], bits[n:])
        return _pack(hits <= ones // k)
    return run


def _reverse_kernel(gen, xp):
    """``dy * (f(v) + f(v + e_i))`` for every wire ``i``, from the popcounts.

    Flipping ``p_i`` moves ``popcount(p)`` by ``d = 1 - 2 p_i`` and ``popcount(p & x)``
    by ``d * x_i``; flipping ``x_i`` moves ``popcount(p & x)`` by ``(1 - 2 x_i) p_i``.
    So ``f`` at each of the ``2n`` flipped inputs is read off the two counts exactly,
    without re-counting ``2n`` times.
    """
    n, k = gen.data

    def run(*v):
        width = _width(v)
        bits = _unpack(v, width)  # every wire in one pass: p, then x, then dy
        p, x, dy = bits[:n].astype(np.int32), bits[n:2 * n].astype(np.int32), bits[2 * n] == 1
        hits, ones = _counts(p, x)
        here = hits <= ones // k
        dp = 1 - 2 * p
        flip_p = (hits + dp * x) <= (ones + dp) // k
        flip_x = (hits + (1 - 2 * x) * p) <= ones // k
        changed = np.concatenate([flip_p != here, flip_x != here]) & dy
        return tuple(_pack(changed))
    return run


def _no_second_derivative(gen):
    raise NotImplementedError(
        f"R[R[pseudo_linear]] is not implemented: {gen!r} is the brute-force reverse "
        "derivative of pseudo_linear, a non-polynomial generator, and has no derivative "
        "rule of its own. Differentiate pseudo_linear once (R), not twice (R(R(f)) or D).")


def _generator(n: int, k: int) -> Generator:
    return Generator("pseudo_linear", z2.bits(2 * n), z2.bits(1), (n, k))


def _rd_generator(n: int, k: int) -> Generator:
    return Generator("pseudo_linear_rd", z2.bits(2 * n + 1), z2.bits(2 * n), (n, k))


z2.backend.register("pseudo_linear", Rule(
    _forward, lambda g: lambda *v: _rd_generator(*g.data)(*v)))
z2.backend.register("pseudo_linear_rd", Rule(_reverse_kernel, _no_second_derivative))


def _check_pl(n: int, k: int) -> None:
    if n < 1 or k < 1:
        raise ValueError(f"pseudo_linear needs n >= 1 wires and a divisor k >= 1, got n={n}, k={k}")


def pseudo_linear(n: int, k: int = 4) -> Map:
    """``pseudoLinear``: ``(p, x) |-> 1`` iff ``popcount(p & x) <= popcount(p) // k``.

    ``Z2^n @ Z2^n -> Z2`` (mask ``p`` first, then the input ``x``); the paper uses
    ``n = 784`` and ``k = 4``.  ``R`` of it is :func:`pseudo_linear_rd`.

    >>> from catlearn import z2, R
    >>> f = pseudo_linear(2, 2)
    >>> v = z2.pack([[1, 1, 1, 0]])          # p = (1, 1), x = (1, 0): 1 hit <= 2 // 2
    >>> z2.unpack(f(*v), 1).tolist(), z2.unpack(R(f)(*v, *z2.pack([[1]])), 1).tolist()
    ([[1]], [[0, 1, 0, 1]])
    """
    _check_pl(n, k)
    return Map.gen(_generator(n, k), z2.backend)


def pseudo_linear_rd(n: int, k: int = 4) -> Map:
    """The brute-force reverse derivative ``Z2^2n @ Z2 -> Z2^2n`` of :func:`pseudo_linear`.

    Output ``i`` is ``dy * (f(v) + f(v + e_i))``: Haskell's ``rdiffB`` (statusfailed/rda).

    >>> from catlearn import z2
    >>> z2.unpack(pseudo_linear_rd(1, 2)(*z2.pack([[1, 1, 1]])), 1).tolist()
    [[1, 1]]
    """
    _check_pl(n, k)
    return Map.gen(_rd_generator(n, k), z2.backend)


# -- a deeper model: a learned binarisation under the table -------------------------------


def stacked_tables(bits_per_feature: int, n_features: int, n_out: int) -> Para:
    """Two layers of lookup tables, composed in ``Para``.

    Layer 1 is one ``lookup_table(bits_per_feature, 1)`` per feature (tensored): it
    learns which of a feature's codes (say its thermometer bits) count as "high".
    Layer 2 is the paper's table over those ``n_features`` learned bits.  Parameters:
    layer 2's first, then layer 1's, feature by feature (``Para`` composition).

    >>> model = stacked_tables(2, 4, 3)
    >>> len(model.param), len(model.dom), len(model.cod)   # 3 * 16 + 4 * 4
    (64, 8, 3)
    """
    first = lookup_table(bits_per_feature, 1)
    for _ in range(n_features - 1):
        first = first @ lookup_table(bits_per_feature, 1)
    return first >> lookup_table(n_features, n_out)
