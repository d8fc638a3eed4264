"""catlearn: gradient-based learning as the categorical papers describe it.

Models are parametrised maps (:class:`Para`); the reverse derivative ``R``
makes every map a :class:`Lens` (``Lens.R`` is the functor); backends
(:mod:`catlearn.smooth`, :mod:`catlearn.z2`, :mod:`catlearn.symbolic`) give
the generators their meaning.
"""

from catlearn.core import Generator, Map, Ty, then, tensor, trace
from catlearn.derivative import D, R, dagger
from catlearn.lens import Lens
from catlearn.para import Para
from catlearn import smooth, symbolic, z2
from catlearn import layers
from catlearn.learning import fit

__all__ = ["Generator", "Map", "Ty", "then", "tensor", "trace", "R", "D", "dagger",
           "Lens", "Para", "smooth", "symbolic", "z2", "layers", "fit"]
__version__ = "0.1.0"
