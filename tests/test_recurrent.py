"""Recurrent layers against PyTorch (an independent implementation and autodiff): the GRU
cell, BPTT through a sequence model, truncated BPTT; training on the adding problem."""

from __future__ import annotations

import numpy as np
import pytest

from catlearn import R, fit
from catlearn.data.sequences import ADDING_BASELINE_MSE, adding_problem, parity_sequences
from catlearn.layers.recurrent import elman, gru, init_params, sequence_model
from catlearn.stateful import unroll

try:
    import torch
    torch.set_num_threads(1)
except ImportError:  # PyTorch is an oracle here, not a dependency
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch (an optional oracle) is not "
                                 "installed: pip install torch")
D, H, T = 3, 4, 7


def torch_gru_weights(params):
    """catlearn's GRU parameters in PyTorch's layout (gates stacked r, z, n)."""
    Wr, Wz, Wn, Ur, Uz, Un, br, bz, bn, cr, cz, cn = (torch.tensor(p) for p in params)
    return (torch.cat([Wr, Wz, Wn]), torch.cat([Ur, Uz, Un]), torch.cat([br, bz, bn]),
            torch.cat([cr, cz, cn]))


@needs_torch
def test_gru_cell_is_pytorchs():
    model = sequence_model(gru(D, H), T, 1)
    params = init_params(model, seed=3)
    cell = torch.nn.GRUCell(D, H).double()
    with torch.no_grad():
        for tensor, value in zip((cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh),
                                 torch_gru_weights(params[:12])):
            tensor.copy_(value)
    xs = np.random.default_rng(0).normal(size=(T, 5, D))
    ours = unroll(gru(D, H), T, shared=12)(*params[:12], *xs)
    h = torch.zeros(5, H, dtype=torch.float64)
    for t in range(T):
        h = cell(torch.tensor(xs[t]), h)
        assert np.allclose(ours[t], h.detach().numpy())


def _torch_loss(params, x, y, truncate=None):
    Wih, Whh, bih, bhh = torch_gru_weights(params[:12])
    tensors = [t.requires_grad_() for t in (Wih, Whh, bih, bhh)]
    V, c = (torch.tensor(p, requires_grad=True) for p in params[12:])
    cell = torch.func.functional_call
    gru_cell = torch.nn.GRUCell(D, H).double()
    h = torch.zeros(len(x), H, dtype=torch.float64)
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    for t in range(T):
        if truncate and t and t % truncate == 0:
            h = h.detach()
        h = cell(gru_cell, dict(zip(names, tensors)), (torch.tensor(x[:, t]), h))
    loss = ((h @ V.T + c - torch.tensor(y)) ** 2).sum() / 2
    loss.backward()
    return [t.grad.numpy() for t in tensors] + [V.grad.numpy(), c.grad.numpy()]


@needs_torch
@pytest.mark.parametrize("truncate", [None, 3])
def test_bptt_is_pytorchs_gradient(truncate):
    model = sequence_model(gru(D, H), T, 1, truncate=truncate)
    params = init_params(model, seed=1)
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(6, T, D)), rng.normal(size=(6, 1))
    pred = model(*params, x)[0]
    grads = R(model.f)(*params, x, pred - y)
    Wr, Wz, Wn, Ur, Uz, Un, br, bz, bn, cr, cz, cn, V, c = grads[:14]
    ours = [np.concatenate(g) for g in ((Wr, Wz, Wn), (Ur, Uz, Un), (br, bz, bn), (cr, cz, cn))]
    theirs = _torch_loss(params, x, y, truncate)
    for a, b in zip(ours + [V, c], theirs):
        assert np.allclose(a, b, atol=1e-10)


def test_truncation_changes_only_the_gradient():
    full, cut = (sequence_model(elman(D, H), T, 1, truncate=k) for k in (None, 2))
    params = init_params(full, seed=0)
    x = np.random.default_rng(0).normal(size=(4, T, D))
    assert np.allclose(full(*params, x)[0], cut(*params, x)[0])
    dy = np.ones((4, 1))
    g_full, g_cut = R(full.f)(*params, x, dy), R(cut.f)(*params, x, dy)
    assert not np.allclose(g_full[1], g_cut[1])  # the recurrent weights see fewer steps
    assert np.allclose(g_full[3], g_cut[3])  # the readout does not depend on the cut


def test_each_step_readout_has_one_output_per_step():
    model = sequence_model(elman(D, H), T, 2, each_step=True)
    assert model.cod[0].shape == (T, 2)
    out = model(*init_params(model), np.zeros((3, T, D)))[0]
    assert out.shape == (3, T, 2)


def test_elman_learns_the_adding_problem_past_the_baseline():
    data, test = adding_problem(2000, 10, 0), adding_problem(200, 10, 1)
    model = sequence_model(elman(2, 16), 10, 1)
    result = fit(model, init_params(model, 0), data, loss="mse", optimizer="adam", lr=0.01,
                 epochs=8, batch_size=32, progress=False)
    mse = float(((model(*result.params, test[0])[0] - test[1]) ** 2).mean())
    assert mse < ADDING_BASELINE_MSE / 3


def test_sequence_data_is_seeded_and_well_formed():
    x1, y1 = adding_problem(5, 30, seed=4)
    x2, y2 = adding_problem(5, 30, seed=4)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert np.allclose(y1[:, 0], (x1[:, :, 0] * x1[:, :, 1]).sum(axis=1))
    x, y = parity_sequences(10, 16, seed=0)
    assert set(np.unique(x)) <= {0, 1} and np.array_equal(y, x.sum(axis=(1, 2)) % 2)
    with pytest.raises(ValueError, match="at least 2 steps"):
        adding_problem(3, 1)


def test_padded_sequences_with_masks_read_out_their_own_last_step():
    from catlearn.layers.recurrent import pad
    rng = np.random.default_rng(5)
    seqs = [rng.normal(size=(n, D)) for n in (3, T, 5)]
    masked = sequence_model(gru(D, H), T, 1, masked=True)
    params = init_params(masked, seed=2)
    out = masked(*params, pad(seqs))[0]
    for i, s in enumerate(seqs):
        own = sequence_model(gru(D, H), len(s), 1)
        assert np.allclose(out[i], own(*params, s[None])[0][0])
    grads = R(masked.f)(*params, pad(seqs), np.ones((3, 1)))
    own_grads = [R(sequence_model(gru(D, H), len(s), 1).f)(*params, s[None], np.ones((1, 1)))
                 for s in seqs]
    assert np.allclose(grads[0], sum(g[0] for g in own_grads))
