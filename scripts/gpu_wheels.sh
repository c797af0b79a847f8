#!/usr/bin/env bash
# Before a GPU check, on this machine: the Python packages the GPU machine lacks, as wheels for its Python 3.12.
#
#   bash scripts/gpu_wheels.sh        # fills .whl/ (git-ignored; ~40 MB)
#
# The GPU machine has no internet; its Python has torch, numpy, pandas, pillow, pytest and hypothesis, but not
# gradio, gradio_client or spaces. scripts/gpu_check.sh installs .whl/*.whl there when the call carries ".whl".
# Versions: the ones installed in .venv, so the check runs what the tests here ran.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP=".venv/bin/pip"
[ -x "$PIP" ] || PIP="python3 -m pip"
version() { .venv/bin/python -c "import importlib.metadata as m; print(m.version('$1'))"; }
wanted=()
for package in gradio gradio_client spaces hf-gradio; do
  wanted+=("$package==$(version "$package")")
done

rm -rf .whl && mkdir .whl
$PIP download -q -d .whl --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 --platform manylinux1_x86_64 "${wanted[@]}" 2>&1 | grep -v "is ignored" || true
# Already on the GPU machine, large, and built against its own stack: leave them out.
rm -f .whl/numpy-*.whl .whl/pandas-*.whl .whl/pillow-*.whl .whl/hf_xet-*.whl
ls .whl | sed 's/-[0-9].*//' | tr '\n' ' '
echo
du -sh .whl
