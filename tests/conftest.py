"""Shared fixtures for the model and preprocessing tests: the shipped MNIST slice and the shipped network."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

DATA_SLICE = Path(__file__).resolve().parent / "data" / "mnist_test_2000.npz"


@dataclass(frozen=True)
class MnistSlice:
    images: np.ndarray  # N×28×28 uint8, white digit on black
    labels: np.ndarray  # N uint8
    indices: np.ndarray  # positions in the official 10k MNIST test set


@pytest.fixture(scope="session")
def mnist_slice() -> MnistSlice:
    with np.load(DATA_SLICE) as data:
        return MnistSlice(images=data["images"], labels=data["labels"], indices=data["indices"])


@pytest.fixture(scope="session")
def digit_reader():
    """The shipped weights on the CPU, so the figures are the same on every machine."""
    from model.inference import DigitReader

    return DigitReader.load(device="cpu")
