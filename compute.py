"""Everything that runs on the accelerator, in one place: the shared digit reader and the GPU calls.

``spaces`` is imported here, before torch touches CUDA, so that on a ZeroGPU Space ``@spaces.GPU`` can lend a GPU
per call; elsewhere the decorator does nothing. Each GPU call takes and returns plain NumPy/Python values (never a
CUDA tensor), which is what ZeroGPU's worker pickles.
"""

from __future__ import annotations

try:  # ZeroGPU: `spaces` must be imported before anything touches CUDA; elsewhere @spaces.GPU does nothing.
    import spaces

    gpu = spaces.GPU
except ImportError:  # pragma: no cover - `spaces` is in requirements.txt, but the app runs without it

    def gpu(fn):
        return fn


import numpy as np
import torch

from lab import detach as lab
from model.inference import DigitReader, Reading

READER = DigitReader.load()  # onto the GPU (or MPS, or CPU) once, at import, and it stays there
if READER.device.type == "cpu":
    # One 28×28 forward is ~0.2 ms on one thread; with several, thread hand-offs cost more than the work, and
    # concurrent requests already keep the cores busy.
    torch.set_num_threads(1)


@gpu
def network_reading(field: np.ndarray) -> Reading:
    """One 28×28 field → the network's reading (NumPy in, NumPy out: what ZeroGPU's worker can pickle)."""
    return READER.read(torch.from_numpy(field))


@gpu
def network_probabilities(fields: np.ndarray) -> np.ndarray:
    """``N×1×28×28`` fields → ``N×10`` probabilities, one forward pass."""
    return READER.probabilities(torch.from_numpy(fields))


@gpu
def run_lab_on_gpu(*args) -> dict:
    """The detach() experiment on the GPU (ZeroGPU lends it for this call)."""
    return lab.run_experiment(*args)
