"""Data-parallel training of the digits MLP over several processes: hosts, simulated here.

Each process forces ``--local-devices`` CPU devices, joins the others through
``jax.distributed.initialize`` (coordinator on ``--coordinator``, loopback here), and runs
``fit(..., backend="jax", devices=N)`` over the ``N`` global devices: the training set is
sharded over all of them (each holds ``1/N``), every global batch is split over them, and
XLA reduces the gradients across processes.  Every process ends with the same parameters,
written to ``--out`` (``.npz``).  With ``--processes 1`` it is the one-process run that the
several-process run must equal (``tests/test_multihost.py``; commands in
``benchmarks/README.md``)::

    python benchmarks/multihost_digits.py --processes 1 --local-devices 4 --out one.npz
    python benchmarks/multihost_digits.py --processes 2 --process-id 0 --local-devices 2 \\
        --coordinator 127.0.0.1:12355 --out p0.npz &
    python benchmarks/multihost_digits.py --processes 2 --process-id 1 --local-devices 2 \\
        --coordinator 127.0.0.1:12355 --out p1.npz
"""

from __future__ import annotations

import argparse
import os


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--process-id", type=int, default=0)
    parser.add_argument("--local-devices", type=int, default=4)
    parser.add_argument("--coordinator", default="127.0.0.1:12355")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=60, help="seconds to wait for the others")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_"
                               f"device_count={args.local_devices}")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax
    import numpy as np
    if args.processes > 1:
        jax.distributed.initialize(args.coordinator, args.processes, args.process_id,
                                   initialization_timeout=args.timeout)
    from catlearn.data import load_digits
    from catlearn.layers import init
    from catlearn.learning.fit import fit
    from catlearn.learning.perceptron import mlp
    digits = load_digits()
    model = mlp([64, 32, 10])
    n = len(jax.devices())
    result = fit(model, init(model, seed=0), (digits.x, digits.y), optimizer="adam", lr=0.01,
                 epochs=args.epochs, batch_size=32, seed=0, progress=False, backend="jax",
                 devices=n)
    np.savez(args.out, *result.params, loss=np.array(result.history.loss))
    print(f"process {jax.process_index()} of {jax.process_count()}: {n} global devices "
          f"({jax.local_device_count()} here), training loss per epoch "
          + " ".join(f"{v:.6f}" for v in result.history.loss))
    if args.processes > 1:
        jax.distributed.shutdown()


if __name__ == "__main__":
    main()
