"""Schemas, architectures as functors, losses derived from equations, the alternating game."""

import subprocess
import sys
from pathlib import Path as FilePath

import numpy as np
import pytest

from catlearn import R, layers, smooth
from catlearn.core import Ty
from catlearn.learning import optim
from catlearn.functorial.architecture import Architecture
from catlearn.functorial.losses import Discriminators, cycle_loss, cycle_term
from catlearn.functorial.schema import (Arrow, Equation, Ob, Path, Schema, cycle_schema,
                                        insertion_schema)
from catlearn.functorial.game import Game, Phase, array_sampler, uniform_sampler

ROOT = FilePath(__file__).resolve().parents[1]


def small_arch(n=3):
    return Architecture(cycle_schema(), {"A": smooth.real(n), "B": smooth.real(n)},
                        {"f": layers.dense(n, n, "tanh"), "g": layers.dense(n, n, "tanh")})


def test_paths_compose_associatively_with_units():
    A, B = Ob("A"), Ob("B")
    f, g = Arrow("f", A, B), Arrow("g", B, A)
    assert (f >> g) >> f == f >> (g >> f)
    assert Path.id(A) >> f == Path.of(f) == f >> Path.id(B)
    assert repr(f >> g >> f) == "f.g.f"
    with pytest.raises(TypeError, match="f : A -> B with f : A -> B: B is not A"):
        f >> f


def test_equations_know_their_sides_and_types():
    s = cycle_schema()
    eq = s.equations[0]
    assert eq.sides == (s.generators[0] >> s.generators[1], Path.id(Ob("A")))
    assert eq.dom == eq.cod == Ob("A")
    with pytest.raises(TypeError, match="different types"):
        Equation(Path.of(s.generators[0]), Path.id(Ob("A")))


def test_products_and_schema_checks():
    s = insertion_schema()
    assert s.atoms == ("W", "O", "Z")
    assert s.equations[1].dom == Ob("O") * Ob("Z")
    with pytest.raises(ValueError, match="not in the schema"):
        Schema((Ob("A"),), (Arrow("h", Ob("A"), Ob("C")),))
    assert s._repr_svg_().startswith("<?xml")


def test_architecture_type_errors_name_generator_and_types():
    with pytest.raises(TypeError, match=r"generator g : B -> A .* domain Ty\(R\^2\), but B is Ty\(R\^3\)"):
        Architecture(cycle_schema(), {"A": smooth.real(3), "B": smooth.real(3)},
                     {"f": layers.dense(3, 3), "g": layers.dense(2, 3)})
    with pytest.raises(ValueError, match="no Para to the generator"):
        Architecture(cycle_schema(), {"A": smooth.real(3), "B": smooth.real(3)},
                     {"f": layers.dense(3, 3)})


@pytest.mark.parametrize("seed", range(3))
def test_functor_law(seed):
    arch = small_arch()
    f, g = arch.schema.generators
    params = arch.init(seed)
    x = np.random.default_rng(seed).normal(size=(4, 3))
    for p, q in ((Path.of(f), g >> f), (f >> g, Path.of(f)), (Path.id(Ob("A")), Path.of(f))):
        whole = arch.interpret(p >> q)(*params, x)[0]
        parts = arch.interpret(q)(*params, *arch.interpret(p)(*params, x))[0]
        np.testing.assert_allclose(whole, parts, rtol=1e-12)
    np.testing.assert_array_equal(arch.interpret(Path.id(Ob("A")))(*params, x)[0], x)


def test_shared_parameters_gradient_is_the_sum():
    arch = small_arch()
    f, g = arch.schema.generators
    params = arch.init(1)
    x, dy = np.random.default_rng(0).normal(size=(5, 3)), np.ones((5, 3))
    shared = R(arch.interpret(f >> g >> f).f)(*params, x, dy)
    unshared = layers.chain(arch.paras["f"], arch.paras["g"], arch.paras["f"])  # P_f2 P_g P_f1
    pf, pg = arch.params_of(params, f), arch.params_of(params, g)
    grads = R(unshared.f)(*pf, *pg, *pf, x, dy)
    for k in range(len(pf)):
        np.testing.assert_allclose(shared[k], grads[k] + grads[len(pf) + len(pg) + k], rtol=1e-12)
    for k in range(len(pg)):
        np.testing.assert_allclose(shared[len(pf) + k], grads[len(pf) + k], rtol=1e-12)


def test_derived_cycle_losses_match_the_equations():
    arch = small_arch()
    f, g = arch.schema.generators
    params = arch.init(2)
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    F = {h.name: (lambda x, p=arch.interpret(h): p(*params, x)[0]) for h in (f, g)}
    expected = [0.5 * ((F["g"](F["f"](a)) - a) ** 2).sum(1).mean(),
                0.5 * ((F["f"](F["g"](b)) - b) ** 2).sum(1).mean()]
    for eq, x, value in zip(arch.schema.equations, (a, b), expected):
        assert float(cycle_loss(arch, eq)(*params, x)[0]) == pytest.approx(value, rel=1e-12)


def test_product_equation_loss_reads_both_factors():
    from catlearn.functorial.experiments import insertion_architecture
    arch = insertion_architecture(hidden=4)
    params = arch.init(0)
    rng = np.random.default_rng(0)
    o, z = rng.uniform(size=(5, 64)), rng.uniform(size=(5, 1))
    delete, insert = (arch.interpret(h) for h in arch.schema.generators)
    o2, z2 = delete(*params, *insert(*params, o, z))
    expected = 0.5 * ((o2 - o) ** 2).sum(1).mean() + 0.5 * ((z2 - z) ** 2).sum(1).mean()
    value = cycle_loss(arch, arch.schema.equations[1])(*params, o, z)[0]
    assert float(value) == pytest.approx(expected, rel=1e-12)


def test_training_on_cycle_losses_reduces_them():
    arch = small_arch()
    rng = np.random.default_rng(0)
    samplers = {"A": array_sampler(rng.uniform(-1, 1, (64, 3))),
                "B": array_sampler(rng.uniform(-1, 1, (64, 3)))}
    _, _, history = Game(arch, None, cycle_weight=1.0, lr=1e-2).train(samplers, 150, batch=16)
    assert np.mean(history.generators[-10:]) < 0.5 * np.mean(history.generators[:10])


def test_alternating_game_trains_both_players_through_supervised_lenses():
    arch = small_arch()
    discs = Discriminators({"A": layers.dense(3, 1), "B": layers.dense(3, 1)})
    game = Game(arch, discs)
    gen, dis = game.generators, game.discriminators
    # the discriminators' parameters sit in the generators' label port, and conversely
    # the generators' parameters are an input of the discriminators' fake terms
    assert gen.learner.label[:len(discs.param)] == discs.param
    assert gen.learner.model.param == arch.param and dis.learner.model.param == discs.param
    assert any(t.reads_frozen for t in dis.terms)
    rng = np.random.default_rng(0)
    samplers = {"A": array_sampler(rng.normal(size=(32, 3))),
                "B": array_sampler(rng.normal(size=(32, 3)) + 2)}
    p0, q0 = arch.init(0), discs.init(100)
    p, q, history = game.train(samplers, 5, batch=8)
    assert len(history.generators) == len(history.discriminators) == 5
    assert all(not np.allclose(u, v) for u, v in zip(p, p0))
    assert all(not np.allclose(u, v) for u, v in zip(q, q0))


def test_phase_needs_terms():
    with pytest.raises(ValueError, match="needs discriminators"):
        Game(small_arch(), None, cycle_weight=0.0).generators


def test_quick_reproduction_prints_every_measure():
    out = subprocess.run([sys.executable, str(ROOT / "papers/compositional_dl/reproduce.py"),
                          "--quick"], capture_output=True, text=True, timeout=300, check=True)
    lines = out.stdout.splitlines()
    for prefix in ("cycle error g.f on A: ", "content preserved f: ", "domain reached f: ",
                   "cycle error f.g on B: ", "content preserved g: ", "domain reached g: ",
                   "object present after insertion: ", "object absent after deletion: ",
                   "digit unchanged: "):
        line = next(l for l in lines if l.startswith(prefix))
        float(line[len(prefix):].split()[0])
        assert "identity" in line and "no cycle" in line
