"""Make ``replay_mnist_train.npz`` (next to this script): MNIST TRAIN digits that teaching replays to keep the rest.

    python assets/replay/make_replay.py --data-dir /work/shared/data

A fixed, class-balanced draw (seed 0) of 200 digits per class from the 60,000 training images, stored as uint8
(white digit on black, 28×28) with their labels and their positions in the training set. The test set is never
touched, so the figures measured on ``tests/data/mnist_test_2000.npz`` stay honest.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

OUTPUT = Path(__file__).resolve().parent / "replay_mnist_train.npz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="/work/shared/data")
    parser.add_argument("--per-class", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from torchvision.datasets import MNIST

    train = MNIST(args.data_dir, train=True, download=False)
    images, labels = train.data.numpy(), train.targets.numpy()
    rng = np.random.default_rng(args.seed)
    picks = np.sort(
        np.concatenate([rng.choice(np.flatnonzero(labels == d), args.per_class, replace=False) for d in range(10)])
    )
    np.savez_compressed(
        OUTPUT, images=images[picks].astype(np.uint8), labels=labels[picks].astype(np.uint8), indices=picks
    )
    print(f"{OUTPUT}: {len(picks)} digits, {OUTPUT.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
