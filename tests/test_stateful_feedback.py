"""Feedback diagrams (discopy.feedback) interpreted into St(Smooth) and St(Z2)."""

from __future__ import annotations

import numpy as np
import pytest
from discopy import feedback as fb

from catlearn import smooth, trace, z2
from catlearn.core import Ty
from catlearn.diagrams.feedback import interpret_feedback, picture, unrolled_diagram
from catlearn.stateful import dtrace, run, unroll

x, m, n = fb.Ty("x"), fb.Ty("m"), fb.Ty("n")
R1 = smooth.Real(())
STEP = fb.Box("step", x @ m.delay(), x @ m)
SCALE = fb.Box("scale", x, x)
MEANINGS = {
    "step": trace(Ty(R1, R1), lambda a, s: (smooth.tanh(())(a + 0.5 * s),
                                           smooth.sigmoid(())(a * s)), smooth.backend),
    "scale": smooth.scale(2.0, ()),
}


def outputs(f, xs):
    return [float(y[0]) for y in run(f, xs)]


XS = [np.array([v]) for v in (0.3, -1.0, 0.7, 0.2, -0.4)]


def test_the_functor_preserves_composition_and_feedback():
    diagram = SCALE >> STEP.feedback() >> SCALE
    whole = interpret_feedback(diagram, smooth.backend, MEANINGS, init={"m": 0.5})
    parts = (interpret_feedback(SCALE, smooth.backend, MEANINGS)
             >> dtrace(interpret_feedback(STEP, smooth.backend, MEANINGS), 1, (0.5,))
             >> interpret_feedback(SCALE, smooth.backend, MEANINGS))
    assert np.allclose(outputs(whole, XS), outputs(parts, XS))


def test_joining_two_feedbacks_is_one_delayed_trace_of_both():
    both = fb.Box("both", x @ (m @ n).delay(), x @ m @ n)
    meaning = {"both": trace(Ty(R1, R1, R1), lambda a, s, t: (a + s * t, a + t, s - a),
                             smooth.backend)}
    nested = interpret_feedback(both.feedback().feedback(), smooth.backend, meaning,
                                init={"m": 1.0, "n": 0.5})
    # feedback(mem=m @ n) raises AxiomError in DisCoPy 1.2.2: compare with dtrace of both
    joint = dtrace(interpret_feedback(both, smooth.backend, meaning), 2, (1.0, 0.5))
    assert np.allclose(outputs(nested, XS), outputs(joint, XS))


def test_a_toggle_in_z2():
    toggle = fb.Box("toggle", x @ m.delay(), x @ m)
    meaning = {"toggle": trace(z2.bits(2), lambda t, q: (q, t + q), z2.backend)}
    f = interpret_feedback(toggle.feedback(), z2.backend, meaning)
    ys = unroll(f, 5)(*z2.pack([[1]]) * 5)
    assert [int(z2.unpack([y], 1)[0, 0]) for y in ys] == [0, 1, 0, 1, 0]


def test_a_box_without_meaning_or_of_the_wrong_type_is_named():
    with pytest.raises(KeyError, match="'step'"):
        interpret_feedback(STEP.feedback(), smooth.backend, {})
    with pytest.raises(TypeError, match="'scale'"):
        interpret_feedback(SCALE, smooth.backend, {"scale": smooth.copy(())})


def test_unrolling_is_drawn():
    unrolled = unrolled_diagram(SCALE >> STEP.feedback(), 2)
    names = sorted(box.name for box in unrolled.boxes if not box.name.startswith("Swap"))
    assert names == ["scale0", "scale1", "scale2", "step0", "step1", "step2"]
    assert "<svg" in picture(unrolled).svg and "<svg" in picture(STEP.feedback()).svg
