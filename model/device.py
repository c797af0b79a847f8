"""Pick the torch device once: ``MNIST_DEVICE`` if set, else cuda, then mps, then cpu."""

import os

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
