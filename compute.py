"""Everything that runs on the accelerator, in one place: the shared digit reader, its CPU copy, and the GPU calls.

``spaces`` is imported here, before torch touches CUDA, so that on a ZeroGPU Space ``@spaces.GPU`` can lend a GPU
per call; elsewhere the decorator does nothing. Each GPU call takes and returns plain NumPy/Python values (never a
CUDA tensor), which is what ZeroGPU's worker pickles.

Readings never fail because the GPU is gone: when a GPU call fails (ZeroGPU quota, no free GPU, a dead worker, no
driver, a CUDA error) the reading comes from a CPU copy of the network and says so in its ``device``
(``"cpu (GPU unavailable: quota)"``); the GPU is then left alone for ``MNIST_GPU_RETRY_S`` seconds (default 60),
so a visitor drawing sees no error and the log gets one line, not one per stroke.
"""

from __future__ import annotations

try:  # ZeroGPU: `spaces` must be imported before anything touches CUDA; elsewhere @spaces.GPU does nothing.
    import spaces

    gpu = spaces.GPU
    ZERO_GPU = spaces.config.Config.zero_gpu
except ImportError:  # pragma: no cover - `spaces` is in requirements.txt, but the app runs without it

    def gpu(task=None, **_options):
        return task if task is not None else (lambda fn: fn)

    ZERO_GPU = False


import os
import threading
import time
from typing import Any

import gradio as gr
import numpy as np
import torch
from gradio.context import LocalContext

from lab import detach as lab
from model.device import nvidia_driver_present
from model.inference import DigitReader, Reading
from ui.errors import log, refuse
from ui.i18n import text
from ui.language import page_language

READER = DigitReader.load()  # onto the GPU (or MPS, or CPU) once, at import, and it stays there
# The CPU copy answers when the GPU cannot (2.7 MB of weights; a reading is ~1.3 MFLOP). On ZeroGPU, READER's
# weights are packed away at launch and exist only inside the GPU worker, so the main process needs its own copy.
CPU_READER = READER if READER.device.type == "cpu" else DigitReader.load(device="cpu")
# One 28×28 forward is ~0.2 ms on one thread; with several, thread hand-offs cost more than the work, and
# concurrent requests already keep the cores busy.
torch.set_num_threads(1)

# What each GPU call asks ZeroGPU for, in seconds. ZeroGPU admits a call only if the visitor's quota left covers
# the requested duration (default 60 s). A warm call is milliseconds; a cold worker (fork, CUDA context, 2.7 MB of
# weights to the GPU) is the longest case. Measured: tests/test_zerogpu.py records schedule→release per call
# (the held time) and checks it stays under these; scripts/gpu_check.sh does the same on a real GPU.
READING_GPU_SECONDS = 5
BATCH_GPU_SECONDS = 5
LAB_GPU_SECONDS = 5


class GpuFallback:
    """Whether to try the GPU: after a failure, stay on the CPU for ``retry_after_s``, then let one call retry."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        self.reason: str | None = None  # why the GPU is not used right now; None while it works
        self._retry_at = 0.0
        self._trying = False
        self._lock = threading.Lock()

    def should_try(self) -> bool:
        """True while the GPU works; after a failure, True for one call once the wait is over."""
        with self._lock:
            if self.reason is None:
                return True
            if time.monotonic() >= self._retry_at and not self._trying:
                self._trying = True
                return True
            return False

    def failed(self, reason: str) -> None:
        with self._lock:
            changed = reason != self.reason
            self.reason, self._retry_at, self._trying = reason, time.monotonic() + self.retry_after_s, False
        if changed:  # one line when the GPU goes away (or fails differently), never one per stroke
            log.warning(
                "GPU call failed (%s): answering from the CPU copy, next GPU try in %g s", reason, self.retry_after_s
            )

    def succeeded(self) -> None:
        with self._lock:
            was, self.reason, self._trying = self.reason, None, False
        if was is not None:
            log.info("GPU calls work again (they had failed: %s)", was)


FALLBACK = GpuFallback(float(os.environ.get("MNIST_GPU_RETRY_S", "60")))


def gpu_failure_reason(error: BaseException) -> str:
    """A short name for why a GPU call failed, from ZeroGPU's error titles and messages or CUDA's."""
    words = f"{getattr(error, 'title', '') or ''} {type(error).__name__} {error}".lower()
    for reason, signs in (
        ("quota", ("quota", "runs limit", "gpu limit")),
        ("duration too long", ("illegal duration", "larger than the maximum")),
        ("no GPU free", ("no gpu was available", "queue")),
        ("no driver", ("nvidia driver", "no cuda gpus", "cuda driver", "driver version")),
        ("no GPU", ("cuda is not available",)),
        ("out of memory", ("out of memory",)),
        ("worker error", ("worker error", "task aborted", "gpu task failed")),
        ("scheduling", ("zerogpu", "connect", "timeout", "schedule")),
    ):
        if any(sign in words for sign in signs):
            return reason
    return "error"


def _reports_gpu_errors(task):
    """Inside the GPU call: raise failures as ``gr.Error`` carrying type and message (ZeroGPU's worker passes a
    ``gr.Error`` back whole, but only the class name of anything else), without a traceback per call."""

    def on_gpu(*args):
        try:
            return task(*args)
        except Exception as error:
            raise gr.Error(f"{type(error).__name__}: {error}", title="GPU task failed", print_exception=False) from None

    on_gpu.__name__, on_gpu.__qualname__, on_gpu.__doc__ = task.__name__, task.__qualname__, task.__doc__
    on_gpu.__wrapped__ = task
    return on_gpu


@gpu(duration=READING_GPU_SECONDS)
@_reports_gpu_errors
def gpu_reading(field: np.ndarray) -> Reading:
    """One 28×28 field → the network's reading on the GPU (NumPy in, NumPy out: what ZeroGPU's worker pickles)."""
    return READER.read(torch.from_numpy(field))


@gpu(duration=BATCH_GPU_SECONDS)
@_reports_gpu_errors
def gpu_probabilities(fields: np.ndarray) -> np.ndarray:
    """``N×1×28×28`` fields → ``N×10`` probabilities on the GPU, one forward pass."""
    return READER.probabilities(torch.from_numpy(fields))


@gpu(duration=LAB_GPU_SECONDS)
@_reports_gpu_errors
def run_lab_on_gpu(*args) -> dict:
    """The detach() experiment on the GPU (ZeroGPU lends it for this call)."""
    return lab.run_experiment(*args)


GPU_CALLS = (gpu_reading, gpu_probabilities, run_lab_on_gpu)  # every @spaces.GPU function of the app


def _on_gpu_or_cpu(on_gpu, on_cpu, *args) -> tuple[Any, str | None]:
    """``on_gpu(*args)`` when the GPU can be tried and works, else ``on_cpu(*args)``; also why not the GPU."""
    if READER is CPU_READER:  # no GPU on this server: nothing to fall back from
        return on_cpu(*args), None
    if FALLBACK.should_try():
        try:
            result = on_gpu(*args)
        except Exception as error:  # noqa: BLE001 - any GPU failure: the CPU copy answers, the reason is shown
            FALLBACK.failed(gpu_failure_reason(error))
        else:
            FALLBACK.succeeded()
            return result, None
    return on_cpu(*args), FALLBACK.reason


def network_reading(field: np.ndarray) -> Reading:
    """One 28×28 field → the network's reading: on the GPU, or from the CPU copy when the GPU fails.

    The reading's ``device`` says where it was made, e.g. ``"cuda:0"``, ``"cpu"``, or
    ``"cpu (GPU unavailable: quota)"`` when the GPU should have read it but could not.
    """
    reading, reason = _on_gpu_or_cpu(gpu_reading, lambda f: CPU_READER.read(torch.from_numpy(f)), field)
    if reason is not None:
        reading.device = f"{reading.device} (GPU unavailable: {reason})"
    return reading


def network_probabilities(fields: np.ndarray) -> np.ndarray:
    """``N×1×28×28`` fields → ``N×10`` probabilities (one forward pass), from the CPU copy when the GPU fails."""
    probabilities, _ = _on_gpu_or_cpu(
        gpu_probabilities, lambda f: CPU_READER.probabilities(torch.from_numpy(f)), fields
    )
    return probabilities


def gpu_unavailable_reason() -> str | None:
    """Why a GPU call cannot work right now (``None`` when it can): no GPU, no driver, or a recent failure."""
    if ZERO_GPU:
        if not nvidia_driver_present():
            return "no driver"
    elif READER.device.type != "cuda":
        return "no GPU"
    return FALLBACK.reason


def lab_devices() -> list[str]:
    """The lab's device choices: ``cuda`` only while a GPU call can work."""
    return ["cpu"] if gpu_unavailable_reason() is not None else ["cpu", "cuda"]


def run_lab(
    x: str | list[float] = lab.DEFAULT_X,
    op: str = lab.DEFAULT_OP,
    mode: str = lab.DEFAULT_MODE,
    device: str = "cpu",
    edits: Any = None,
    language: str | None = None,
) -> dict:
    """The detach() experiment on ``device``; ``cuda`` through the GPU call (ZeroGPU lends the GPU per call).

    Bad input raises ``lab.LabInputError``; a GPU run that cannot happen raises ``gr.Error`` saying why, in
    ``language`` (by default the current request's: its Accept-Language).
    """
    if device != "cuda":
        return lab.run_experiment(x, op, mode, device, edits)
    # The input is checked on the CPU first (a few ms), so a GPU call fails only for the GPU's reasons and bad input
    # is refused as on the CPU, without asking ZeroGPU for a GPU.
    lab.run_experiment(x, op, mode, "cpu", edits)
    reason = gpu_unavailable_reason()
    if reason is None:
        try:
            report = run_lab_on_gpu(x, op, mode, device, edits)
        except Exception as error:  # noqa: BLE001 - any GPU failure is answered with its reason
            reason = gpu_failure_reason(error)
            FALLBACK.failed(reason)
        else:
            FALLBACK.succeeded()
            return report
    if language is None:
        language = page_language(None, LocalContext.request.get(None))
    raise refuse(gpu_refusal(reason, language), language, where="lab, cuda", english=gpu_refusal(reason, "en"))


def gpu_refusal(reason: str, language: str) -> str:
    """The lab's message for a GPU run that cannot happen, with the reason, in ``language``."""
    why = text("gpu_reason_" + reason.lower().replace(" ", "_"), language)
    return text("gpu_lab_refused", language).format(reason=why)
