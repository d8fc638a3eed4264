#!/usr/bin/env bash
# The JAX benchmarks and tests on an accelerator, when one is present.
#
#   bash benchmarks/device.sh            # from the project root, catlearn[jax,test] installed
#
# It prints which device JAX sees, then runs on it: benchmarks/bench_jax.py (the digits MLP
# against numpy and an idiomatic JAX loop, the CFGBL conv model at batch 1 against an
# idiomatic lax.scan loop, the levelled XLA evaluator of catlearn.netlist.xla against raw
# packed numpy and the native evaluator), and the JAX tests (tests/test_jax*.py,
# tests/test_xla.py; the 4-device test forces 4 host CPU devices in a subprocess).
# Everything is written to $OUT/device_report.txt when $OUT is set (else ./device_report.txt).
# Without an accelerator it says so, runs nothing and exits 0: the project builds and passes
# its tests without one.
#
# Report: NOT RUN ON A GPU. No accelerator was lent to the sessions that wrote this script
# (2026-11-29, 2026-12-04); every JAX number in benchmarks/README.md comes from the CPU.
set -euo pipefail
report="${OUT:-.}/device_report.txt"
platform=$(python -c 'import jax; print(jax.devices()[0].platform)' 2>/dev/null || echo none)
{
  echo "date: $(date -u +%FT%TZ)"
  echo "jax devices: $(python -c 'import jax; print(jax.devices())' 2>&1 || true)"
  if [ "$platform" != "gpu" ] && [ "$platform" != "tpu" ] && [ "$platform" != "cuda" ]; then
    echo "no accelerator (JAX platform: $platform): benchmarks and tests not run on a GPU"
    exit 0
  fi
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true
  timeout 420 python benchmarks/bench_jax.py --part digits --part conv --part z2 --repeats 10 \
    --examples 60000 --curve-examples 60000 --curve-epochs 2 \
    ${CATLEARN_DATA:+--data-dir "$CATLEARN_DATA"} || echo "bench_jax.py exited $?"
  timeout 600 python -m pytest tests/test_jax_fit.py tests/test_jax_laws.py tests/test_xla.py \
    -q -x -p no:cacheprovider || echo "the JAX tests exited $?"
} 2>&1 | tee "$report"
