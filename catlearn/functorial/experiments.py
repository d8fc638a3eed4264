"""The reproduction's experiments: CycleGAN on digits, object insertion and deletion.

Networks are small perceptrons on 8x8 images; the evaluators (digit, domain and object
classifiers) are trained separately, with labels, by :func:`catlearn.learning.fit`, and
never see the generators.  Each measure is reported for the learned functor, the
identity map and the functor trained without cycle losses.

>>> arch = cycle_architecture(hidden=8)
>>> arch.interpret(arch.schema.equations[0].lhs).dom
Ty(R^64)
>>> insertion_architecture(hidden=8).paras["delete"].cod
Ty(R^64, R^1)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catlearn import layers, smooth
from catlearn.core import Map, Ty, trace, wires
from catlearn.learning import fit, mlp, predict
from catlearn.para import Para
from catlearn.functorial.architecture import Architecture
from catlearn.functorial.data import cycle_domains, object_domains
from catlearn.functorial.losses import Discriminators
from catlearn.functorial.schema import cycle_schema, insertion_schema
from catlearn.functorial.game import Game, array_sampler, uniform_sampler

PIXELS = 64
LATENT = 1
SKIP = 4.0
def _pixel_param() -> smooth.Real:
    return smooth.Real((PIXELS,), batched=False)


def generator(hidden: int = 0) -> Para:
    """``(s, b; x) |-> sigmoid(s * x + b)``, pixel by pixel: a local generator.

    CycleGAN's generators are convolutional: each output pixel sees a small neighbourhood
    of the input, which is the inductive bias that keeps a digit's shape in place.  This is
    the smallest such generator, a receptive field of one pixel (a 1x1 convolution with a
    weight per pixel).  A perceptron generator closes the cycle ``g . f = id`` just as well
    by a permutation of the digits, and then keeps no content at all (the papers README
    gives the numbers).  ``hidden`` is unused, kept for a uniform signature.
    """
    p, x = _pixel_param(), smooth.real(PIXELS)
    squash, shift = smooth.sigmoid(PIXELS), smooth.bias(PIXELS)
    return Para(Ty(p, p), trace(Ty(p, p) @ Ty(x),
                                lambda s, b, v: squash(*wires(shift(b, s * v))),
                                smooth.backend))


def generator_init(hidden: int = 0, skip: float = 0.0):
    """Initial parameters of :func:`generator`: ``s = skip`` plus a little noise and
    ``b = -skip / 2``: with ``skip = 0`` a grey image, favouring neither domain (for
    inversion, which changes every pixel); with ``skip = 4``, about the identity
    ``sigmoid(4 x - 2)`` (for inserting and deleting an object, which change few pixels)."""
    def init(seed):
        noise = 0.1 * np.random.default_rng(seed).normal(size=PIXELS)
        return (skip + noise, np.full(PIXELS, -skip / 2))
    return init


def discriminator(hidden: int = 32) -> Para:
    """``R^64 -> R^1``: a logit saying "this image is data"."""
    return layers.sequential(layers.dense(PIXELS, hidden, "relu"), layers.dense(hidden, 1))


def cycle_architecture(hidden: int = 64) -> Architecture:
    """CycleGAN's schema sent to two local generators ``f, g : R^64 -> R^64``."""
    return Architecture(cycle_schema(), {"A": smooth.real(PIXELS), "B": smooth.real(PIXELS)},
                        {"f": generator(hidden), "g": generator(hidden)},
                        {"f": generator_init(hidden), "g": generator_init(hidden)})


def _deleter(hidden: int) -> Para:
    """``R^64 -> R^64 @ R^1``: the image head local (:func:`generator`), the latent head a
    perceptron reading the whole image (where the object is)."""
    latent = layers.sequential(layers.dense(PIXELS, hidden, "relu"),
                               layers.dense(hidden, LATENT, "sigmoid"))
    copy = Para(Ty(), Map.copy(Ty(smooth.real(PIXELS)), smooth.backend))
    return copy >> (generator() @ latent)


def _deleter_init(hidden: int):
    latent = layers.sequential(layers.dense(PIXELS, hidden, "relu"),
                               layers.dense(hidden, LATENT, "sigmoid"))

    def init(seed):
        return (*generator_init(skip=SKIP)(seed), *layers.init(latent, seed=seed))
    return init


def _inserter(hidden: int) -> Para:
    """``R^64 @ R^1 -> R^64``: ``sigmoid(s * o + b + V z)``, local in the image ``o``, the
    latent code ``z`` drawn by a linear map ``V`` (where to draw the object)."""
    p, x = _pixel_param(), smooth.real(PIXELS)
    v = smooth.Real((PIXELS, LATENT), batched=False)
    squash, shift = smooth.sigmoid(PIXELS), smooth.bias(PIXELS)
    draw = smooth.linear(LATENT, PIXELS)
    return Para(Ty(p, p, v), trace(
        Ty(p, p, v) @ Ty(x, smooth.real(LATENT)),
        lambda s, b, w, o, z: squash(*wires(shift(b, s * o + wires(draw(w, z))[0]))),
        smooth.backend))


def _inserter_init(hidden: int):
    def init(seed):
        r = np.random.default_rng(seed)
        s, b = generator_init(skip=SKIP)(seed)
        return (s, b, 0.1 * r.normal(size=(PIXELS, LATENT)))
    return init


def insertion_architecture(hidden: int = 64) -> Architecture:
    """The product schema ``delete : W -> O * Z``, ``insert : O * Z -> W``: local image maps,
    the latent code read and drawn by perceptrons."""
    types = {"W": smooth.real(PIXELS), "O": smooth.real(PIXELS), "Z": smooth.real(LATENT)}
    return Architecture(insertion_schema(), types,
                        {"delete": _deleter(hidden), "insert": _inserter(hidden)},
                        {"delete": _deleter_init(hidden), "insert": _inserter_init(hidden)})


@dataclass(frozen=True, eq=False)
class Classifier:
    """A perceptron trained with labels by ``catlearn.learning.fit``; an evaluator."""

    model: Para
    params: tuple

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return predict(self.model, self.params, x).argmax(axis=1)


def classifier(x, y, classes: int, epochs: int = 30, seed: int = 0) -> Classifier:
    """A 64-64-``classes`` perceptron trained on ``(x, y)`` with Adam."""
    model = mlp([PIXELS, 64, classes])
    run = fit(model, layers.init(model, seed=seed), (x, y), optimizer="adam", lr=3e-3,
              epochs=epochs, batch_size=32, seed=seed, progress=False)
    return Classifier(model, tuple(run.params))


def _game(arch, discs, cycle_weight):
    return Game(arch, discs, cycle_weight=cycle_weight)


def train_models(arch_fn, samplers, steps, hidden, seed, cycle_weight=10.0):
    """The learned functor and the one trained without cycle losses: ``{name: params}``."""
    out = {}
    for name, weight in (("learned", cycle_weight), ("no cycle", 0.0)):
        arch = arch_fn(hidden)
        atoms = [a for a in arch.schema.atoms if a in samplers and a != "Z"]
        discs = Discriminators({a: discriminator() for a in atoms})
        params, _, history = _game(arch, discs, weight).train(samplers, steps, seed=seed)
        out[name] = (arch, params, history)
    return out


def cycle_measures(steps: int = 3000, hidden: int = 64, seed: int = 0, epochs: int = 30) -> dict:
    """``{measure: {"learned": v, "identity": v, "no cycle": v}}`` for CycleGAN on digits."""
    d = cycle_domains(seed)
    digit = classifier(np.concatenate([d.train["A"], d.train["B"]]),
                       np.concatenate([d.train_labels["A"], d.train_labels["B"]]), 10, epochs, seed)
    x_dom = np.concatenate([d.train["A"], d.train["B"]])
    y_dom = np.repeat([0, 1], [len(d.train["A"]), len(d.train["B"])])
    domain = classifier(x_dom, y_dom, 2, max(5, epochs // 3), seed)
    samplers = {a: array_sampler(x) for a, x in d.train.items()}
    models = train_models(cycle_architecture, samplers, steps, hidden, seed)
    results: dict = {}
    schema = cycle_schema()
    f, g = schema.generators
    for name in ("learned", "identity", "no cycle"):
        maps = _maps(models, name, (f, g))
        for there, back, src, dst in ((f, g, "A", "B"), (g, f, "B", "A")):
            x = d.test[src]
            y = maps[there.name](x)
            cycle = np.abs(maps[back.name](y) - x).mean()
            results.setdefault(f"cycle error {back.name}.{there.name} on {src}", {})[name] = cycle
            results.setdefault(f"content preserved {there.name}", {})[name] = \
                float((digit(y) == digit(x)).mean())
            results.setdefault(f"domain reached {there.name}", {})[name] = \
                float((domain(y) == "AB".index(dst)).mean())
    return results


def _maps(models, name, arrows):
    """``{generator: x |-> F(generator)(x)}`` for one model; ``identity``: ``x |-> x``."""
    if name == "identity":
        return {a.name: (lambda x: x) for a in arrows}
    arch, params, _ = models[name]
    return {a.name: (lambda x, p=arch.interpret(a): p(*params, x)[0]) for a in arrows}


def insertion_measures(steps: int = 3000, hidden: int = 64, seed: int = 0,
                       epochs: int = 30) -> dict:
    """``{measure: {"learned": v, "identity": v, "no cycle": v}}`` for the product schema."""
    d = object_domains(seed)
    x = np.concatenate([d.train["W"], d.train["O"]])
    digit = classifier(x, np.concatenate([d.train_labels["W"], d.train_labels["O"]]), 10,
                       epochs, seed)
    present = classifier(x, np.repeat([1, 0], [len(d.train["W"]), len(d.train["O"])]), 2,
                         max(5, epochs // 3), seed)
    samplers = {"W": array_sampler(d.train["W"]), "O": array_sampler(d.train["O"]),
                "Z": uniform_sampler(LATENT)}
    models = train_models(insertion_architecture, samplers, steps, hidden, seed)
    z = np.random.default_rng(seed + 7).uniform(0, 1, (len(d.test["O"]), LATENT))
    w, o = d.test["W"], d.test["O"]
    results: dict = {}
    for name in ("learned", "identity", "no cycle"):
        delete, insert = _product_maps(models, name)
        deleted, code = delete(w)
        inserted = insert(o, z)
        rebuilt = insert(deleted, code)
        rows = {
            "cycle error insert.delete on W": np.abs(rebuilt - w).mean(),
            "object present after insertion": float((present(inserted) == 1).mean()),
            "object absent after deletion": float((present(deleted) == 0).mean()),
            "digit unchanged": float(np.concatenate([digit(inserted) == digit(o),
                                                     digit(deleted) == digit(w)]).mean()),
        }
        for key, value in rows.items():
            results.setdefault(key, {})[name] = value
    return results


def _product_maps(models, name):
    """``delete : w |-> (o, z)`` and ``insert : (o, z) |-> w`` of one model."""
    if name == "identity":
        return (lambda w: (w, np.zeros((len(w), LATENT)))), (lambda o, z: o)
    arch, params, _ = models[name]
    delete, insert = (arch.interpret(g) for g in arch.schema.generators)
    return (lambda w: delete(*params, w)), (lambda o, z: insert(*params, o, z)[0])


def report(results: dict) -> list[str]:
    """One line per measure, its baselines beside it."""
    return [f"{key}: {v['learned']:.4f} (identity {v['identity']:.4f}, "
            f"no cycle {v['no cycle']:.4f})" for key, v in results.items()]
