"""Hypothesis profiles for the property tests.

Every property states its own number of examples (``max_examples``) and its
deadline, so the default profile is left as hypothesis ships it.  The ``ci``
profile draws derandomized examples, so that a CI run is reproducible:
``pytest --hypothesis-profile=ci``.
"""

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
