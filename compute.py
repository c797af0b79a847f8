"""Everything that runs on the accelerator, in one place: the shared digit reader, its CPU copy, and the GPU calls.

``spaces`` is imported here, before torch touches CUDA, so that on a ZeroGPU Space ``@spaces.GPU`` can lend a GPU
per call; elsewhere the decorator does nothing. Each GPU call takes and returns plain NumPy/Python values (never a
CUDA tensor), which is what ZeroGPU's worker pickles.

Every GPU call is declared with :func:`gpu_call` (``@spaces.GPU`` with its duration, failures passed back whole,
listed in :data:`GPU_CALLS`) and made through :func:`on_gpu_or_cpu`. Readings and teachings never fail because the GPU
is gone: when a GPU call fails (ZeroGPU quota, no free GPU, a dead worker, no driver, a CUDA error) the CPU copy of
the network answers, and the answer (a :class:`Computed`) names why in its ``gpu_unavailable`` field (a
:data:`GpuReason`, which ``ui/`` words); the GPU is then left alone for ``MNIST_GPU_RETRY_S`` seconds (default 60), so
a visitor drawing sees no error and the log gets one line, not one per stroke. A lab run asked for on ``cuda`` has no
CPU twin: it raises :class:`GpuUnavailable` with the reason.

This module imports nothing from ``ui/``: it answers with facts, and the page words them.
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


import logging
import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, get_args

import gradio as gr
import numpy as np
import torch
from gradio.context import LocalContext

from lab import detach as lab
from model import quickstart
from model.device import nvidia_driver_present
from model.inference import DigitReader, Reading
from model.teach import PersonalHead, Teacher

log = logging.getLogger("touch_pytorch")  # ui/errors.py gives it its one-line format

READER = DigitReader.load()  # onto the GPU (or MPS, or CPU) once, at import, and it stays there
# The CPU copy answers when the GPU cannot (2.7 MB of weights; a reading is ~1.3 MFLOP). On ZeroGPU, READER's
# weights are packed away at launch and exist only inside the GPU worker, so the main process needs its own copy.
CPU_READER = READER if READER.device.type == "cpu" else DigitReader.load(device="cpu")
# One 28×28 forward is ~0.2 ms on one thread; with several, thread hand-offs cost more than the work, and
# concurrent requests already keep the cores busy.
torch.set_num_threads(1)
TEACHER = Teacher.load(READER.model)  # the frozen body on READER's device (shares its weights)
CPU_TEACHER = TEACHER if READER is CPU_READER else Teacher.load(CPU_READER.model)
# Teachings on the CPU run one at a time in this one thread. Their batches are megabytes of short-lived tensors; made
# in Gradio's many request threads, each thread's malloc arena kept its own high-water mark and the server grew by
# ~60 MiB over 500 concurrent teachings. One thread, one arena. (On 2 cores, parallel teachings gained no time.)
_CPU_TEACHING_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpu-teaching")

# What each GPU call asks ZeroGPU for, in seconds. ZeroGPU admits a call only if the visitor's quota left covers
# the requested duration (default 60 s). A warm call is milliseconds; a cold worker (fork, CUDA context, 2.7 MB of
# weights to the GPU) is the longest case. Measured: tests/test_zerogpu.py records schedule→release per call
# (the held time) and checks it stays under these; scripts/gpu_check.sh does the same on a real GPU.
READING_GPU_SECONDS = 5
BATCH_GPU_SECONDS = 5
LAB_GPU_SECONDS = 5
TEACH_GPU_SECONDS = 5

#: Why a GPU call did not run, by name (``ui/`` has the words for each).
GpuReason = Literal[
    "quota",
    "duration too long",
    "no GPU free",
    "no driver",
    "no GPU",
    "out of memory",
    "worker error",
    "scheduling",
    "error",
]
GPU_REASONS: tuple[GpuReason, ...] = get_args(GpuReason)
T = TypeVar("T")


class GpuUnavailable(RuntimeError):
    """A GPU call that cannot run (and has no CPU twin); ``reason`` says why."""

    def __init__(self, reason: GpuReason) -> None:
        self.reason = reason
        super().__init__(f"GPU unavailable: {reason}")


@dataclass(frozen=True)
class Computed(Generic[T]):
    """A GPU call's answer: its ``value``, and why the CPU copy gave it instead of the GPU (``None``: the GPU did, or
    this server has none to fall back from)."""

    value: T
    gpu_unavailable: GpuReason | None = None


class GpuFallback:
    """Whether to try the GPU: after a failure, stay on the CPU for ``retry_after_s``, then let one call retry.

    A failure keeps everyone on the CPU, except a visitor's own ZeroGPU quota running out (a call carrying the
    visitor's ``X-IP-Token``): that keeps only that visitor on the CPU.
    """

    EVERYONE = "*"

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        self._down: dict[str, list] = {}  # who ("*" or a visitor) → [reason, retry at, one call retrying now]
        self._lock = threading.Lock()

    def reason(self, visitor: str | None = None) -> GpuReason | None:
        """Why ``visitor`` (or everyone) does not use the GPU right now; ``None`` while it works."""
        with self._lock:
            entry = (self._down.get(visitor) if visitor else None) or self._down.get(self.EVERYONE)
            return entry[0] if entry else None

    def should_try(self, visitor: str | None = None) -> bool:
        """True while the GPU works; after a failure, True for one call once the wait is over."""
        with self._lock:
            entries = [self._down[key] for key in (self.EVERYONE, visitor) if key in self._down]
            if any(time.monotonic() < retry_at or trying for _, retry_at, trying in entries):
                return False
            for entry in entries:
                entry[2] = True
            return True

    def failed(self, reason: GpuReason, visitor: str | None = None) -> None:
        key = visitor if reason == "quota" and visitor else self.EVERYONE
        with self._lock:
            for entry in (self._down.get(k) for k in (self.EVERYONE, visitor)):
                if entry:
                    entry[2] = False  # this call's try is over; the next one after the wait may try again
            changed = self._down.get(key, [None])[0] != reason
            self._down[key] = [reason, time.monotonic() + self.retry_after_s, False]
        if changed:  # one line when the GPU goes away (or fails differently), never one per stroke
            log.warning(
                "GPU call failed (%s%s): answering from the CPU copy, next GPU try in %g s",
                reason,
                "" if key == self.EVERYONE else ", one visitor",
                self.retry_after_s,
            )

    def succeeded(self, visitor: str | None = None) -> None:
        with self._lock:
            gone = [self._down.pop(key)[0] for key in (self.EVERYONE, visitor) if key in self._down]
        if gone:
            log.info("GPU calls work again (they had failed: %s)", ", ".join(gone))


def visitor() -> str | None:
    """The visitor of the request being served, as ZeroGPU counts quota: its ``X-IP-Token`` (``None`` without)."""
    request = LocalContext.request.get(None)
    headers = getattr(request, "headers", None) or {}
    return headers.get("x-ip-token") or None


FALLBACK = GpuFallback(float(os.environ.get("MNIST_GPU_RETRY_S", "60")))


def gpu_failure_reason(error: BaseException) -> GpuReason:
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


GPU_CALLS: list[Callable[..., Any]] = []  # every @spaces.GPU function of the app, in the order declared


def gpu_call(seconds: int | Callable[..., int]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Declare a function that runs on the GPU: ZeroGPU lends one for at most ``seconds`` per call (or for
    ``seconds(*args)``, from the call's arguments; elsewhere the function runs as it is), its failures come back
    whole, and it is listed in :data:`GPU_CALLS`. It must take and return NumPy and plain Python values, never a
    CUDA tensor (what ZeroGPU's worker pickles)."""

    def declare(task: Callable[..., T]) -> Callable[..., T]:
        call = gpu(duration=seconds)(_reports_gpu_errors(task))
        GPU_CALLS.append(call)
        return call

    return declare


@gpu_call(READING_GPU_SECONDS)
def gpu_reading(field: np.ndarray) -> Reading:
    """One 28×28 field → the network's reading on the GPU (NumPy in, NumPy out: what ZeroGPU's worker pickles)."""
    return READER.read(torch.from_numpy(field))


@gpu_call(BATCH_GPU_SECONDS)
def gpu_probabilities(fields: np.ndarray) -> np.ndarray:
    """``N×1×28×28`` fields → ``N×10`` probabilities on the GPU, one forward pass."""
    return READER.probabilities(torch.from_numpy(fields))


@gpu_call(LAB_GPU_SECONDS)
def run_lab_on_gpu(*args) -> lab.Run:
    """The detach() experiment on the GPU (ZeroGPU lends it for this call)."""
    return lab.run_experiment(*args)


@gpu_call(TEACH_GPU_SECONDS)
def gpu_teaching(head: PersonalHead | None, field: np.ndarray, digit: int) -> tuple[PersonalHead, dict]:
    """One teaching on the GPU: NumPy in (the layer, the 28×28 field), NumPy and plain values out."""
    new_head, report = TEACHER.teach(head, field, digit)
    return new_head, report.as_dict()


def cpu_teaching(head: PersonalHead | None, field: np.ndarray, digit: int) -> tuple[PersonalHead, dict]:
    """The same teaching on the CPU copy, in the one CPU teaching thread."""
    new_head, report = _CPU_TEACHING_THREAD.submit(CPU_TEACHER.teach, head, field, digit).result()
    return new_head, report.as_dict()


def on_gpu_or_cpu(on_gpu: Callable[..., T], on_cpu: Callable[..., T] | None, *args: Any) -> Computed[T]:
    """``on_gpu(*args)`` (a :func:`gpu_call`) when the GPU can be tried and works, else ``on_cpu(*args)`` with the
    reason the GPU did not answer. A call with no CPU twin (``on_cpu`` is ``None``) raises :class:`GpuUnavailable`
    instead, and is not even tried where no GPU call can work."""
    if READER is CPU_READER and on_cpu is not None:  # no GPU on this server: nothing to fall back from
        return Computed(on_cpu(*args))
    who = visitor()
    reason = _no_gpu_here() if on_cpu is None else None
    if reason is None and FALLBACK.should_try(who):
        try:
            result = on_gpu(*args)
        except Exception as error:  # noqa: BLE001 - any GPU failure: the CPU copy answers, the reason is shown
            reason = gpu_failure_reason(error)
            FALLBACK.failed(reason, who)
        else:
            FALLBACK.succeeded(who)
            return Computed(result)
    reason = reason or FALLBACK.reason(who) or "error"
    if on_cpu is None:
        raise GpuUnavailable(reason)
    return Computed(on_cpu(*args), reason)


def network_reading(field: np.ndarray) -> Computed[Reading]:
    """One 28×28 field → the network's reading: on the GPU, or from the CPU copy when the GPU fails. The reading's
    ``device`` says where it was made (``"cuda:0"``, ``"cpu"``); ``gpu_unavailable`` why not on the GPU."""
    return on_gpu_or_cpu(gpu_reading, lambda f: CPU_READER.read(torch.from_numpy(f)), field)


def network_probabilities(fields: np.ndarray) -> np.ndarray:
    """``N×1×28×28`` fields → ``N×10`` probabilities (one forward pass), from the CPU copy when the GPU fails."""
    return on_gpu_or_cpu(gpu_probabilities, lambda f: CPU_READER.probabilities(torch.from_numpy(f)), fields).value


def teach(head: PersonalHead | None, field: np.ndarray, digit: int) -> Computed[tuple[PersonalHead, dict]]:
    """Teach ``head`` (``None``: the shared layer) that ``field`` is ``digit``: on the GPU, or on the CPU copy when
    it fails. The value is the new layer and the teaching's report (``model.teach``'s, as a dict)."""
    return on_gpu_or_cpu(gpu_teaching, cpu_teaching, head, field, digit)



# --- training: the Train tab's chunks (model/quickstart.py) -------------------------------------------------------
# A run is cut into chunks (~6,400 examples each, at most 20 a run); each chunk is one GPU call, carrying the model's
# and the optimiser's state in and out as NumPy, so under ZeroGPU a run is several short calls that each stream
# progress. A chunk asks for a base (a cold worker: fork, CUDA context, the data to the device) plus its examples at
# a rate far below a GPU's (an MLP step of 64 is well under a millisecond there); tests/test_zerogpu.py and
# scripts/gpu_check.sh measure the time each call holds against what it asked for.
TRAIN_GPU_BASE_SECONDS = 5
TRAIN_GPU_EXAMPLES_PER_S = 50_000


def train_seconds_asked(examples: int) -> int:
    """What a training chunk of ``examples`` examples asks ZeroGPU for, in seconds."""
    return TRAIN_GPU_BASE_SECONDS + math.ceil(examples / TRAIN_GPU_EXAMPLES_PER_S)


def train_chunk_gpu_seconds(chunk: quickstart.Chunk) -> int:
    """ZeroGPU's duration for :func:`gpu_train_chunk` (called with the same arguments)."""
    return train_seconds_asked(chunk.examples)


@gpu_call(train_chunk_gpu_seconds)
def gpu_train_chunk(chunk: quickstart.Chunk) -> quickstart.ChunkResult:
    """One chunk of a training run on the GPU: its data there once per worker, states in and out as NumPy."""
    return quickstart.run_chunk(chunk, quickstart.load_data(), READER.device)


def cpu_train_chunk(chunk: quickstart.Chunk) -> quickstart.ChunkResult:
    """The same chunk on the CPU."""
    return quickstart.run_chunk(chunk, quickstart.load_data(), "cpu")


def train_chunk(chunk: quickstart.Chunk) -> quickstart.ChunkResult:
    """One chunk of a training run: on the GPU, or on the CPU when there is none or the GPU call fails (then the
    result's ``gpu_unavailable`` names why)."""
    computed = on_gpu_or_cpu(gpu_train_chunk, cpu_train_chunk, chunk)
    result = computed.value
    result.gpu_unavailable = computed.gpu_unavailable
    return result


def train_gpu_seconds(config: quickstart.TrainConfig, networks: int = 1) -> int | None:
    """The GPU seconds a run asks ZeroGPU for (all its calls together, when each is tried); ``None`` off ZeroGPU."""
    if not ZERO_GPU:
        return None
    config = config.checked()
    full, rest = divmod(config.steps, config.chunk_steps)
    seconds = full * train_seconds_asked(config.chunk_steps * config.batch_size)
    seconds += train_seconds_asked(rest * config.batch_size) if rest else 0
    return seconds * networks


def _no_gpu_here() -> GpuReason | None:
    """Why no GPU call can ever work on this server (no GPU, no driver), or ``None``."""
    if ZERO_GPU:
        return None if nvidia_driver_present() else "no driver"
    return None if READER.device.type == "cuda" else "no GPU"


def gpu_unavailable_reason() -> GpuReason | None:
    """Why a GPU call cannot work right now (``None`` when it can): no GPU, no driver, or a recent failure."""
    return _no_gpu_here() or FALLBACK.reason(visitor())


def lab_devices() -> list[str]:
    """The lab's device choices: ``cuda`` only while a GPU call can work."""
    return ["cpu"] if gpu_unavailable_reason() is not None else ["cpu", "cuda"]


def run_lab(
    x: str | list[float] = lab.DEFAULT_X,
    op: str = lab.DEFAULT_OP,
    mode: str = lab.DEFAULT_MODE,
    device: str = "cpu",
    edits: Any = None,
) -> lab.Run:
    """The detach() experiment on ``device``; ``cuda`` through the GPU call (ZeroGPU lends the GPU per call).

    Bad input raises ``lab.LabInputError``; a GPU run that cannot happen raises :class:`GpuUnavailable` with the
    reason.
    """
    if device != "cuda":
        return lab.run_experiment(x, op, mode, device, edits)
    # The input is checked on the CPU first (a few ms), so a GPU call fails only for the GPU's reasons and bad input
    # is refused as on the CPU, without asking ZeroGPU for a GPU.
    lab.run_experiment(x, op, mode, "cpu", edits)
    return on_gpu_or_cpu(run_lab_on_gpu, None, x, op, mode, device, edits).value
