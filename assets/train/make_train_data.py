"""Make the Train tab's shipped data (next to this script), for machines without MNIST and no network.

    python assets/train/make_train_data.py --data-dir /work/shared/data

- ``mnist_train_10k.npz``: a fixed, class-balanced draw (seed 0) of 1,000 digits per class from MNIST's 60,000
  TRAINING images.
- ``mnist_test_2000.npz``: the 2,000 MNIST TEST digits of ``tests/data/mnist_test_2000.npz`` (the same positions in
  the official 10,000), taken again from MNIST: the app's data lives under ``assets/``, not under ``tests/``.

Both hold ``images`` (uint8, N×28×28, white digit on black), ``labels`` (uint8) and ``indices`` (positions in the
official set).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TRAIN_OUTPUT = HERE / "mnist_train_10k.npz"
TEST_OUTPUT = HERE / "mnist_test_2000.npz"
TEST_SLICE = HERE.parent.parent / "tests" / "data" / "mnist_test_2000.npz"


def save(path: Path, images: np.ndarray, labels: np.ndarray, picks: np.ndarray) -> None:
    """The digits at ``picks`` as a compressed npz; prints its size."""
    np.savez_compressed(
        path, images=images[picks].astype(np.uint8), labels=labels[picks].astype(np.uint8), indices=picks
    )
    print(f"{path}: {len(picks)} digits, {path.stat().st_size / 1024:.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="/work/shared/data")
    parser.add_argument("--per-class", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from torchvision.datasets import MNIST

    train = MNIST(args.data_dir, train=True, download=False)
    images, labels = train.data.numpy(), train.targets.numpy()
    rng = np.random.default_rng(args.seed)
    picks = np.sort(
        np.concatenate([rng.choice(np.flatnonzero(labels == d), args.per_class, replace=False) for d in range(10)])
    )
    save(TRAIN_OUTPUT, images, labels, picks)

    test = MNIST(args.data_dir, train=False, download=False)
    with np.load(TEST_SLICE) as data:
        positions = np.asarray(data["indices"])
    save(TEST_OUTPUT, test.data.numpy(), test.targets.numpy(), positions)


if __name__ == "__main__":
    main()
