"""Functorial learning: the parser, the learned functor, R against oracles, the command line."""

import argparse
import contextlib
import io
import sys
from dataclasses import dataclass

import numpy as np
import pytest

from catlearn import R
from catlearn.cli import qnlp as cli
from catlearn.qnlp import corpus, differentiation as dd
from catlearn.qnlp.ansatz import QuantumAnsatz, TensorAnsatz, gate_matrix
from catlearn.qnlp.sentence_functor import LearnedFunctor, shape
from catlearn.qnlp.pregroup import GrammarError, parse, parse_lexicon, parse_type, type_text

LEX = parse_lexicon("""# a comment
man: n
dog: n
sauce: n
skillful: n n.l
prepares: n.r s n.l
bites: n.r s n.l
that: n.r n n.l.l s.l | n.r n s.l n
""")
ANSATZE = [TensorAnsatz({"n": 2, "s": 2}), QuantumAnsatz({"n": 1, "s": 1})]


# -- pregroup grammar ----------------------------------------------------------------

def test_types_and_adjoints():
    n = parse_type("n")
    assert parse_type("n.r") == n.r and parse_type("n.l.l") == n.l.l
    assert parse_type("n.l").r == n and type_text(parse_type("n.r s n.l.l")) == "n.r s n.l.l"


def test_parse_reduces_to_the_target():
    d = parse("skillful man prepares sauce.", LEX)
    assert d.cod == parse_type("s") and len(d.boxes) == 4 + 3
    subject = parse("dog that bites man", LEX, "n")
    obj = parse("dog that man bites", LEX, "n")
    assert subject.cod == obj.cod == parse_type("n")
    assert [b.cod for b in subject.boxes][1] != [b.cod for b in obj.boxes][1]  # two readings


@pytest.mark.parametrize("text, message", [
    ("man eats sauce", "unknown word 'eats'"),
    ("man man", "no reduction to s"),
])
def test_parse_errors_name_the_word(text, message):
    with pytest.raises(GrammarError, match=message):
        parse(text, LEX)


def test_lexicon_errors_name_the_line():
    with pytest.raises(GrammarError, match="line 2"):
        parse_lexicon("man: n\nbad line\n")
    with pytest.raises(GrammarError, match="line 1 .man.: bad pregroup type"):
        parse_lexicon("man: n.x")


# -- the functor ---------------------------------------------------------------------

@pytest.mark.parametrize("ansatz", ANSATZE, ids=["tensor", "quantum"])
def test_words_are_shared_across_sentences(ansatz):
    F = LearnedFunctor(LEX, ansatz, classes=2)
    a, b = parse("man prepares sauce", LEX), parse("skillful dog bites man", LEX)
    assert F.para(a).param == F.para(b).param == F.param  # one parameter set, one functor
    params = list(F.init(0))
    before = F.para(b).f(*params, *F.inputs([b]))[0]
    k, i = F.row[("n.r s n.l", "prepares")]
    params[k] = params[k].copy()
    params[k][i] += 1.0  # a word that b does not use
    assert np.allclose(F.para(b).f(*params, *F.inputs([b]))[0], before)
    assert not np.allclose(F.para(a).f(*params, *F.inputs([a]))[0],
                           F.para(a).f(*F.init(0), *F.inputs([a]))[0])


def _finite_differences(f, params, k, h=1e-6):
    grad = np.zeros_like(params[k])
    for idx in np.ndindex(params[k].shape):
        up, down = [p.copy() for p in params], [p.copy() for p in params]
        up[k][idx] += h
        down[k][idx] -= h
        grad[idx] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.mark.parametrize("ansatz", ANSATZE, ids=["tensor", "quantum"])
def test_R_agrees_with_finite_differences(ansatz):
    F = LearnedFunctor(LEX, ansatz, classes=2)
    ds = [parse("skillful man prepares skillful sauce", LEX),
          parse("skillful dog bites skillful man", LEX)]
    para, x, params = F.para(ds[0]), F.inputs(ds), F.init(1)
    dy = np.random.default_rng(0).normal(size=(2, 2))
    grads = R(para.f)(*params, *x, dy)
    f = lambda ps: float((para.f(*ps, *x)[0] * dy).sum())
    for k in range(len(params)):
        assert np.allclose(grads[k], _finite_differences(f, params, k), atol=1e-6)


@pytest.mark.parametrize("text, target", [("skillful man prepares skillful sauce", "s"),
                                          ("dog that bites man", "n"),
                                          ("dog that man bites", "n")])
def test_meaning_agrees_with_discopy_tensor_functor(text, target):
    from catlearn.qnlp.pictures import tensor_network
    F = LearnedFunctor(LEX, TensorAnsatz({"n": 2, "s": 3}), target=target, classes=2)
    d, params = parse(text, LEX, target), F.init(5)
    ours = F.amplitude(d).f(*params, *F.inputs([d]))[0][0]
    assert np.allclose(ours, tensor_network(d, F, params).eval().array)


def test_R_agrees_with_jax():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    jax.config.update("jax_enable_x64", True)
    F = LearnedFunctor(LEX, TensorAnsatz({"n": 2, "s": 2}), classes=2)
    d = parse("skillful man prepares sauce", LEX)
    para, x, params = F.para(d), F.inputs([d]), F.init(2)
    ki, adj = F.row[("n", "man")], F.row[("n n.l", "skillful")]
    kv, ks = F.row[("n.r s n.l", "prepares")], F.row[("n", "sauce")]

    def logits(ps):  # the same sentence, written by hand in jax
        n, a, v = ps[ki[0]], ps[adj[0]], ps[kv[0]]
        subject = jnp.einsum("ab,b->a", a[adj[1]], n[ki[1]])
        return jnp.einsum("a,asb,b->s", subject, v[kv[1]], n[ks[1]])
    dy = np.array([[0.3, -1.2]])
    oracle = jax.grad(lambda ps: jnp.sum(logits(ps) * dy[0]))(list(map(jnp.asarray, params)))
    ours = R(para.f)(*params, *x, dy)
    assert np.allclose(para.f(*params, *x)[0][0], logits(params))
    for k in range(len(params)):
        assert np.allclose(ours[k], oracle[k])


def test_quantum_states_are_the_circuits():
    A = QuantumAnsatz({"n": 1, "s": 1})
    theta = np.random.default_rng(0).uniform(0, 6, (1, 1, 3))
    psi = A.state(parse_type("n"), theta)[0]
    a, b, c = theta[0, 0]
    oracle = gate_matrix("Rx", c) @ gate_matrix("Rz", b) @ gate_matrix("Rx", a) @ [1, 0]
    assert np.allclose(psi[:, 0] + 1j * psi[:, 1], oracle)


def test_diagrammatic_derivative_agrees_with_R():
    A = QuantumAnsatz({"n": 1, "s": 1})
    F = LearnedFunctor(LEX, A, classes=2)
    d = parse("skillful man prepares skillful sauce", LEX)  # skillful twice: Leibniz
    params, x = F.init(3), F.inputs([d])
    amp, circuit, angles = F.amplitude(d), dd.circuit(d, A), dd.angles_of(F, params)
    out = amp.f(*params, *x)[0][0]
    assert np.allclose(out[..., 0] + 1j * out[..., 1], dd.evaluate(circuit, angles))
    k, i = F.row[("n n.l", "skillful")]
    derivative = dd.derivative(circuit, dd.symbol("n n.l", "skillful", 0, 0))
    assert len(derivative.terms) == 2 * len(dd.SHIFTS["CRz"])
    value = derivative.evaluate(angles)
    for s in range(2):
        for part, read in ((0, np.real), (1, np.imag)):
            dy = np.zeros((1, 2, 2))
            dy[0, s, part] = 1.0
            assert np.isclose(R(amp.f)(*params, *x, dy)[k][i, 0, 0], read(value[s]))


def test_tensor_leibniz_agrees_with_R():
    F = LearnedFunctor(LEX, TensorAnsatz({"n": 2, "s": 2}), classes=2)
    d = parse("skillful man prepares skillful sauce", LEX)  # skillful twice: two terms
    params, x, amp = F.init(4), F.inputs([d]), F.amplitude(d)
    assert np.allclose(amp.f(*params, *x)[0][0], dd.evaluate_tensor(d, F, params))
    derivative = dd.leibniz(d, "skillful")
    assert len(derivative.terms) == 2
    k, i = F.row[("n n.l", "skillful")]
    dy = np.array([[0.3, -1.1]])
    grad = R(amp.f)(*params, *x, dy)[k][i]
    for idx in np.ndindex(grad.shape):
        direction = np.zeros(grad.shape)
        direction[idx] = 1.0
        value = derivative.evaluate_tensor(F, params, direction)
        assert np.isclose((value * dy[0]).sum(), grad[idx])


def test_relative_pronoun_classes_share_their_words():
    """Swapping the clause's last two words turns one class into the other: a bag of words
    cannot tell them apart, only the grammar (the type of ``that``) can."""
    data, lexicon = corpus.relative_pronouns(40, seed=3)
    lex = parse_lexicon(lexicon)
    for label, text in data:
        head, that, a, b = text.split()
        other = {"subject": "object", "object": "subject"}[label]
        assert parse(f"{head} that {b} {a}", lex, "n") != parse(text, lex, "n")
        assert (other == "object") == (a in corpus._REL_VERBS)


@pytest.mark.parametrize("name", ["einsum", "sin", "cos"])
def test_generators_agree_across_backends(name):
    """The rules' forwards are written against ``xp``: numpy, sympy (and JAX) agree, and so
    do their traced reverse derivatives."""
    from catlearn import smooth, symbolic
    from catlearn.core import Map
    gen = smooth.backend.rules[name].example()
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(1,) * w.batched + w.shape) for w in gen.dom]
    backends = [symbolic.backend]
    try:
        from catlearn import jax_backend
        backends.append(jax_backend.backend)
    except ImportError:
        pass
    f = Map.gen(gen, smooth.backend)
    ys, grads = f(*xs), R(f)(*xs, *(np.ones_like(y) for y in f(*xs)))
    for backend in backends:
        g = Map.gen(gen, backend)
        assert np.allclose(np.asarray(g(*xs)[0], dtype=float), ys[0])
        other = R(g)(*xs, *(np.ones_like(y) for y in ys))
        for a, b in zip(other, grads):
            assert np.allclose(np.asarray(a, dtype=float), b)


# -- learning and the command line ------------------------------------------------------

def _write(tmp_path, task, n):
    return corpus.write_task(task, n, seed=0, directory=tmp_path / task)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def _run(*args):
    """``catlearn qnlp ARGS`` in this process, with only this subcommand's parser (so the
    test does not depend on the other subcommands), errors reported as ``catlearn.cli.main``
    reports them."""
    top = argparse.ArgumentParser(prog="catlearn")
    cli.add_parser(top.add_subparsers(dest="command", required=True))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        parsed = top.parse_args(["qnlp", *map(str, args)])
        try:
            code = parsed.func(parsed) or 0
        except (ValueError, TypeError, OSError) as error:
            print(f"catlearn qnlp: error: {error}", file=sys.stderr)
            code = 2
    return Run(code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize("task, ansatz", [("mc", "tensor"), ("relpron", "quantum")])
def test_fit_eval_round_trip(tmp_path, task, ansatz):
    train, dev, test, lexicon = _write(tmp_path, task, 100 if ansatz == "tensor" else 60)
    target = ["--target", "n"] if task == "relpron" else []
    model = tmp_path / "m.npz"
    epochs = ["--epochs", 20] if ansatz == "quantum" else []  # the tensor defaults are quick
    fit = _run("fit", train, "--lexicon", lexicon, "--test", test, "--dev", dev, "--ansatz",
               ansatz, *epochs, *target, "--out", model)
    assert fit.returncode == 0, fit.stderr
    last = fit.stdout.strip().splitlines()[-1]
    assert last.startswith("test accuracy: ") and "dev accuracy" in fit.stderr
    accuracy = float(last.split(": ")[1])
    assert accuracy >= 0.8
    again = _run("eval", model, "--data", test)
    assert again.returncode == 0 and again.stdout.strip() == f"accuracy: {accuracy:.4f}"


@pytest.mark.parametrize("seed", [0, 1])
def test_default_tensor_model_generalises_from_few_sentences(seed):
    """40 generated sentences, 20 % held out to pick the epoch, default flags: well above
    chance on 100 new sentences (zero-mean starts at learning rate 0.3 scored about 0.5)."""
    from catlearn.qnlp import sentence_training as learn
    data, lexicon = corpus.meaning_classification(140, seed=100 + seed)
    lex = parse_lexicon(lexicon)
    examples = [learn.Example.of(label, text, lex) for label, text in data]
    fit, dev = learn.split(examples[:40], 0.2, seed)
    model = learn.train(fit, dev, lex, seed=seed, progress=None).model
    assert model.accuracy(*learn.diagrams_labels(examples[40:], model.labels)) >= 0.9


def test_bad_inputs_are_one_line_errors(tmp_path):
    train, dev, test, lexicon = _write(tmp_path, "mc", 10)
    bad = tmp_path / "bad.txt"
    cases = {"unknown word 'zebra'": "food  man cooks zebra\nit  man runs code\n",
             "no reduction": "food  man man\nit  man runs code\n",
             "appears only once": "food  man cooks soup\nit  man runs code\nit  man runs code\n",
             "no examples": "\n"}
    for message, text in cases.items():
        bad.write_text(text)
        run = _run("fit", bad, "--lexicon", lexicon, "--out", tmp_path / "m.npz")
        assert run.returncode != 0 and message in run.stderr, (message, run.stderr)
        assert len(run.stderr.strip().splitlines()) == 1
    run = _run("fit", train, "--lexicon", lexicon, "--out", tmp_path / "no" / "m.npz")
    assert run.returncode != 0 and "does not exist" in run.stderr


def test_unseen_words_take_their_type_mean():
    from catlearn.qnlp.sentence_training import fill_unseen
    table = np.arange(6.0).reshape(3, 2)
    (filled,) = fill_unseen((table,), [np.array([True, False, True])])
    assert filled[1].tolist() == [2.0, 3.0]


def test_parse_dims():
    assert cli.parse_dims("n=2, s=3") == {"n": 2, "s": 3}
    with pytest.raises(ValueError, match="TYPE=N"):
        cli.parse_dims("n2")


def test_draw_writes_svg(tmp_path):
    train, dev, test, lexicon = _write(tmp_path, "mc", 4)
    run = _run("draw", "skillful man prepares sauce", "--lexicon", lexicon,
               "--out", tmp_path / "s.svg")
    assert run.returncode == 0 and "<svg" in (tmp_path / "s.svg").read_text()
