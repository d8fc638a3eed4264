"""Several hosts, simulated: two processes of two CPU devices each train as one of four.

``benchmarks/multihost_digits.py`` is run once as one process with 4 forced devices and
once as two processes with 2 forced devices each, joined by ``jax.distributed.initialize``
over loopback.  Both split the same global batches over 4 devices, so their parameters
agree within float32 rounding; the two processes end with identical parameters.  Every
process has a timeout and a bounded wait for its peers, so none outlives the test.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("jax")

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "multihost_digits.py"
TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(out: Path, processes: int, local: int, rank: int = 0, port: int = 0) -> list:
    return [sys.executable, str(SCRIPT), "--processes", str(processes), "--process-id",
            str(rank), "--local-devices", str(local), "--coordinator", f"127.0.0.1:{port}",
            "--timeout", "60", "--out", str(out)]


@pytest.mark.slow
def test_two_processes_train_as_one_process_of_four_devices(tmp_path):
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "OMP_NUM_THREADS": "1"}
    env.pop("XLA_FLAGS", None)
    one = subprocess.run(command(tmp_path / "one.npz", 1, 4), env=env, capture_output=True,
                         text=True, timeout=TIMEOUT, check=False)
    assert one.returncode == 0, one.stderr
    port = free_port()
    procs = [subprocess.Popen(command(tmp_path / f"p{r}.npz", 2, 2, r, port), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for r in range(2)]
    try:
        outputs = [p.communicate(timeout=TIMEOUT) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for p, (stdout, stderr) in zip(procs, outputs):
        assert p.returncode == 0, stderr
        assert "4 global devices (2 here)" in stdout, stdout
    want = np.load(tmp_path / "one.npz")
    got = [np.load(tmp_path / f"p{r}.npz") for r in range(2)]
    for name in want.files:
        np.testing.assert_array_equal(got[0][name], got[1][name])
        scale = max(1.0, float(np.max(np.abs(want[name]))))
        assert float(np.max(np.abs(got[0][name] - want[name]))) <= 1e-5 * scale, name
