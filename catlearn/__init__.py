"""catlearn: gradient-based learning as the categorical papers describe it.

Models are parametrised maps (:class:`Para`); the reverse derivative ``R``
makes every map a :class:`Lens` (``Lens.R`` is the functor); backends
(:mod:`catlearn.smooth`, :mod:`catlearn.z2`, :mod:`catlearn.symbolic`) give
the generators their meaning.

The core and the backends load with the package; the layers, learning,
diagrams and circuits load on first use (``catlearn.fit``,
``catlearn.interpret``, ``catlearn.diagrams``, ...), so ``import catlearn``
never loads the circuit I/O (BLIF, Verilog, yosys), DisCoPy nor sympy
(``catlearn.symbolic`` loads on first use).

>>> import catlearn
>>> catlearn.interpret.__module__
'catlearn.diagrams.interpret'
"""

import importlib

from catlearn.core import Generator, Map, Ty, then, tensor, trace
from catlearn.derivative import D, R, dagger
from catlearn.lens import Lens
from catlearn.para import Para
from catlearn import smooth, z2

_LAZY = {  # name -> (module, attribute or None for the module itself)
    "symbolic": ("catlearn.symbolic", None),  # sympy: a second to import
    "layers": ("catlearn.layers", None),
    "learning": ("catlearn.learning", None),
    "fit": ("catlearn.learning", "fit"),
    "save": ("catlearn.learning.checkpoint", "save"),
    "load": ("catlearn.learning.checkpoint", "load"),
    "diagrams": ("catlearn.diagrams", None),
    "interpret": ("catlearn.diagrams", "interpret"),
    "circuits": ("catlearn.circuits", None),
    "data": ("catlearn.data", None),
}


def __getattr__(name: str):
    """Load a lazy public name on first use (PEP 562)."""
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'catlearn' has no attribute {name!r}") from None
    value = importlib.import_module(module)
    return value if attribute is None else getattr(value, attribute)


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["Generator", "Map", "Ty", "then", "tensor", "trace", "R", "D", "dagger",
           "Lens", "Para", "smooth", "symbolic", "z2", "layers", "fit", "interpret",
           "diagrams", "save", "load"]
__version__ = "0.1.0"
