"""Pick the torch device once: ``MNIST_DEVICE`` if set, else cuda, then mps, then cpu."""

import os
from pathlib import Path

import torch


def pick_device(requested: str | None = None) -> torch.device:
    """Return the device to use.

    ``requested`` (or the ``MNIST_DEVICE`` environment variable) overrides the automatic choice, e.g. ``"cpu"``.
    """
    name = requested or os.environ.get("MNIST_DEVICE")
    if name:
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def nvidia_driver_present() -> bool:
    """Whether this machine has an NVIDIA driver loaded, read from the filesystem without initialising CUDA.

    On a ZeroGPU Space the main process must not touch CUDA (``torch.cuda`` is emulated there), yet the driver's
    files are visible; this tells whether a GPU call can work at all.
    """
    gpus = Path("/proc/driver/nvidia/gpus")
    return Path("/dev/nvidiactl").exists() or (gpus.is_dir() and any(gpus.iterdir()))
