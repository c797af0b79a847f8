#!/usr/bin/env bash
# The GPU check, in one call of at most 8 minutes on a machine lent a GPU; on a CPU it runs too, skipping what needs
# CUDA (so it is tested on every machine).
#
#   bash scripts/gpu_wheels.sh                           # here first: wheels the GPU machine lacks, into .whl/
#   device run: bash scripts/gpu_check.sh, carry [".whl"] # there: installs .whl/*.whl if gradio is missing
#
# Steps (each under its own time limit; a failing step does not stop the others):
#   1. environment: GPU, driver, python, torch, gradio, spaces
#   2. pytest -m gpu: model residency on CUDA (no parameter moves, one host-to-device copy per reading), GPU accuracy,
#      the lab's CUDA truths (.detach().cpu() copies; .cuda() on a grad tensor is a non-leaf)
#   3. the emulated-ZeroGPU test (tests/test_zerogpu.py) without stubs when there is CUDA: real worker, real GPU,
#      readings from cuda:0; it prints each GPU lease (requested s, held s)
#   4. benchmarks.model_speed (CPU and CUDA)
#   5. /classify throughput, batched vs unbatched, at 1, 16 and 64 clients, the model on CUDA when there is one
#      (1 and 16 on a CPU)
#   6. the Train tab's training: examples/s on the CPU and CUDA (batch 64 and 512), and Compare's figures (fixed vs
#      ReLU on the logits, Adam and SGD) on the GPU (benchmarks.train_speed)
# Writes $OUT/report.md (PASS/FAIL, times and each step's figures) and $OUT/steps.log (every step's whole output);
# $OUT defaults to artifacts/gpu_check. Exit status: 0 when every step passed.
set -uo pipefail
cd "$(dirname "$0")/.."

OUT="${OUT:-artifacts/gpu_check}"
mkdir -p "$OUT"
REPORT="$OUT/report.md"
LOG="$OUT/steps.log"
: >"$LOG"
export PYTHONUNBUFFERED=1 GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
export GRADIO_SSR_MODE=false

PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
if ! "$PY" -c "import gradio, gradio_client, spaces" 2>/dev/null; then
  if [ -d .whl ]; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/gpu_check_site \
      .whl/*.whl >>"$LOG" 2>&1
    export PYTHONPATH="/tmp/gpu_check_site${PYTHONPATH:+:$PYTHONPATH}"
  else
    echo "gradio/spaces missing and no .whl/ carried: run scripts/gpu_wheels.sh here and carry .whl" | tee -a "$LOG"
  fi
fi

if "$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>>"$LOG"; then
  CUDA=1 DEVICE=cuda STUBS=0
else
  CUDA=0 DEVICE=cpu STUBS=1
fi

{
  echo "# GPU check, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "CUDA: $([ $CUDA = 1 ] && echo yes || echo 'no: CUDA-only tests skip; ZeroGPU emulated with stubs')"
  echo
} >"$REPORT"
FAILED=0

# step NAME LIMIT_S COMMAND...: run it, log everything, put PASS/FAIL, its time and its last lines in the report.
step() {
  local name=$1 limit=$2
  shift 2
  local output started=$SECONDS status
  output=$(mktemp)
  echo "=== $name (limit ${limit} s): $*" >>"$LOG"
  timeout --kill-after=10 "$limit" "$@" >"$output" 2>&1
  status=$?
  cat "$output" >>"$LOG"
  if [ $status = 0 ]; then
    verdict=PASS
  else
    verdict="FAIL (exit $status$([ $status = 124 ] && echo ', timed out'))"
    FAILED=1
  fi
  {
    echo "## $name: $verdict in $((SECONDS - started)) s"
    echo
    echo '```'
    grep -v -e '^\s*$' -e 'UserWarning' -e 'warnings.warn' "$output" | tail -n "${TAIL_LINES:-30}"
    echo '```'
    echo
  } >>"$REPORT"
  rm -f "$output"
}

step "environment" 60 bash -c "nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 | head -3; \
  $PY scripts/gpu_env.py"

step "pytest -m gpu" 150 "$PY" -m pytest -m gpu tests -q -rA -s -p no:cacheprovider --ignore-glob="tests/test_browser*"

TAIL_LINES=40 step "emulated ZeroGPU ($([ $STUBS = 1 ] && echo 'stubbed, no GPU' || echo 'no stubs, real worker on the GPU'))" 200 \
  env ZEROGPU_STUBS=$STUBS "$PY" -m pytest tests/test_zerogpu.py -m "not browser" -q -rA -s -p no:cacheprovider

TAIL_LINES=40 step "benchmarks.model_speed" 100 "$PY" -m benchmarks.model_speed --repeats 30 --budget 15

# 64 clients only with CUDA: on a 2-core CPU that phase alone takes ~2 minutes (measured: 184 s for 1, 16 and 64).
CLIENTS=$([ $CUDA = 1 ] && echo 1,16,64 || echo 1,16)
TAIL_LINES=20 step "/classify throughput, model on $DEVICE" "${THROUGHPUT_LIMIT_S:-200}" env MNIST_DEVICE=$DEVICE \
  "$PY" -m benchmarks.throughput --clients "$CLIENTS" --requests "${THROUGHPUT_REQUESTS:-10}" --phase-timeout 60

# The Train tab: examples/s per device and batch, then Compare's figures on the last device (CUDA when there is one).
TAIL_LINES=30 step "benchmarks.train_speed" 150 "$PY" -m benchmarks.train_speed --steps 200 --batches 64,512 --figures

echo "Overall: $([ $FAILED = 0 ] && echo PASS || echo FAIL) in $SECONDS s" | tee -a "$REPORT"
exit $FAILED
