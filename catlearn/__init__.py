"""catlearn: gradient-based learning as the categorical papers describe it.

Models are parametrised maps (:class:`Para`); the reverse derivative ``R``
makes every map a :class:`Lens`; backends (:mod:`catlearn.smooth`,
:mod:`catlearn.z2`, :mod:`catlearn.symbolic`) give generators a meaning.
"""

from catlearn.core import Generator, Map, Ty, then, tensor, trace
from catlearn.derivative import D, R, dagger
from catlearn import smooth

__all__ = ["Generator", "Map", "Ty", "then", "tensor", "trace", "R", "D", "dagger", "smooth"]
__version__ = "0.1.0"
