"""Bit-packed evaluation of a two-input-gate netlist by a small C loop, when a compiler exists.

The same program as :mod:`catlearn.netlist.levelled` (gates as truth tables over two
signal rows), run by one generic C function compiled once with the system's ``cc`` and
loaded with :mod:`ctypes`: for each block of ``BLOCK`` words (64 examples each) it walks the
gates in topological order and applies each one's operation to the block, so the signals of
a block stay in cache and the inner loop over words vectorises.  The circuit is data (three
int32 arrays), so nothing is compiled per circuit.

:func:`evaluator` returns the native evaluator, or the levelled numpy one when no C
compiler is available; both have ``evaluate(words) -> outputs``, and they agree
(``tests/test_logic_export.py``).

>>> from catlearn.netlist.netlist import Netlist
>>> from catlearn.packing import pack
>>> n = Netlist.from_gates("c", "ab", ["y"], [("t", "and", "ab"), ("y", "xor", ("t", "b"))])
>>> w = pack([[1, 1], [0, 1], [1, 0]])
>>> bool((evaluator(n).evaluate(w) == n.evaluate(w)).all())
True
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from catlearn.netlist.levelled import Levelled, truth_table
from catlearn.netlist.netlist import Netlist

BLOCK = 16
SOURCE = r"""
#include <stdint.h>
#define BLOCK BLOCK_WORDS
#define CASE(t, e) case t: for (long k = 0; k < BLOCK; k++) z[k] = (e); break;
void run(const uint64_t *in, long n_in, long n_words, const int32_t *table,
         const int32_t *a, const int32_t *b, long n_gates, const int32_t *outs,
         long n_outs, uint64_t *out, uint64_t *s) {
    for (long w0 = 0; w0 < n_words; w0 += BLOCK) {
        long width = n_words - w0 < BLOCK ? n_words - w0 : BLOCK;
        for (long i = 0; i < n_in; i++)
            for (long k = 0; k < width; k++) s[i * BLOCK + k] = in[i * n_words + w0 + k];
        for (long g = 0; g < n_gates; g++) {
            const uint64_t *x = s + (long)a[g] * BLOCK, *y = s + (long)b[g] * BLOCK;
            uint64_t *z = s + (n_in + g) * BLOCK;
            switch (table[g]) {
            CASE(0, 0) CASE(1, ~(x[k] | y[k])) CASE(2, ~x[k] & y[k]) CASE(3, ~x[k])
            CASE(4, x[k] & ~y[k]) CASE(5, ~y[k]) CASE(6, x[k] ^ y[k]) CASE(7, ~(x[k] & y[k]))
            CASE(8, x[k] & y[k]) CASE(9, ~(x[k] ^ y[k])) CASE(10, y[k]) CASE(11, ~x[k] | y[k])
            CASE(12, x[k]) CASE(13, x[k] | ~y[k]) CASE(14, x[k] | y[k]) CASE(15, ~0ULL)
            }
        }
        for (long o = 0; o < n_outs; o++)
            for (long k = 0; k < width; k++) out[o * n_words + w0 + k] = s[outs[o] * BLOCK + k];
    }
}
""".replace("BLOCK_WORDS", str(BLOCK))


@functools.lru_cache(maxsize=1)
def _library():
    """The compiled loop, or None when there is no working C compiler."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    key = hashlib.sha256(SOURCE.encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "catlearn-native"
    folder.mkdir(exist_ok=True)
    lib = folder / f"gates-{key}.so"
    if not lib.exists():
        src = folder / f"gates-{key}.c"
        src.write_text(SOURCE)
        partial = folder / f"gates-{key}.{id(src)}.so"
        done = subprocess.run([compiler, "-O2", "-shared", "-fPIC", "-o", str(partial),
                               str(src)], capture_output=True, check=False)
        if done.returncode:
            return None
        partial.replace(lib)
    return ctypes.CDLL(str(lib))


class Native:
    """A netlist of gates with at most two inputs, as arrays for the C loop."""

    def __init__(self, netlist: Netlist, library):
        index = {name: k for k, name in enumerate(netlist.inputs)}
        tables, a, b = [], [], []
        for g in netlist.gates:
            rows = [index[s] for s in g.inputs] or [0]
            t = truth_table(g)
            tables.append(sum(bit << r for r, bit in enumerate(t)))
            a.append(rows[0])
            b.append(rows[-1])
            index[g.output] = len(index)
        self.n_in, self.n_signals = len(netlist.inputs), len(index)
        self.arrays = [np.ascontiguousarray(v, dtype=np.int32) for v in (tables, a, b)]
        self.outs = np.array([index[s] for s in netlist.outputs], dtype=np.int32)
        self.library = library

    def evaluate(self, words) -> np.ndarray:
        """Outputs ``(n_outputs, n_words)`` on packed inputs ``(n_inputs, n_words)``."""
        words = np.ascontiguousarray(words, dtype=np.uint64)
        n_words = words.shape[1]
        out = np.zeros((len(self.outs), n_words), dtype=np.uint64)
        scratch = np.zeros(max(1, self.n_signals) * BLOCK, dtype=np.uint64)
        table, a, b = self.arrays
        pointer = [v.ctypes.data_as(ctypes.c_void_p) for v in (words, table, a, b, self.outs,
                                                               out, scratch)]
        self.library.run(pointer[0], ctypes.c_long(self.n_in), ctypes.c_long(n_words),
                         *pointer[1:4], ctypes.c_long(len(table)), pointer[4],
                         ctypes.c_long(len(self.outs)), pointer[5], pointer[6])
        return out


def evaluator(netlist: Netlist):
    """The fastest bit-packed evaluator available for ``netlist``."""
    library = _library()
    return Levelled(netlist) if library is None else Native(netlist, library)
