"""The photo set (``model/photos.py``) through the app's whole preprocessing: per condition, how many read right,
how many answer ``?``, how many read as a wrong digit (a ``?`` is not a wrong digit), and, as a control, how many
of the same digits read right written with the same pens at the same sizes on flat paper (a digit the network
misreads anyway is not the photo path's miss).

    python -m model.evaluate_photos [--per-condition 100] [--seed 1700]

``python -m model.evaluate`` prints the same table. The photos are made from the MNIST test slice the repository
ships, so this runs in a fresh clone; they are only for measuring, never for training.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np

from model.inference import WEIGHTS_PATH, DigitReader
from model.photos import CONDITIONS, load_slice, photo_set
from model.preprocess import preprocess
from model.unsure import unsure_mask

PHOTO_SEED = 1700
GOAL_RIGHT, GOAL_WRONG = 0.95, 0.02  # issue 17: per condition, ≥ 95 % right and ≤ 2 % a wrong digit


def read_photos(reader: DigitReader, photos: list, plain: bool = False) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The photos through ``preprocess`` and the network → (``N×10`` probabilities, ``N`` labels, ms per photo).
    A photo where nothing is found gets all-zero probabilities (it counts as ``?``). ``plain``: read each photo's
    control twin instead (the same digit, pen and size on flat paper)."""
    probabilities, times = [], []
    for photo in photos:
        started = time.perf_counter()
        field = preprocess(photo.plain if plain else photo.image)
        times.append((time.perf_counter() - started) * 1000)
        if field is None:
            probabilities.append(np.zeros(10, np.float32))
        else:
            probabilities.append(reader.probabilities(field.unsqueeze(0))[0])
    return np.stack(probabilities), np.array([photo.label for photo in photos]), times


def outcome(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Fractions read right, answered ``?`` and read as a wrong digit (the three add up to 1)."""
    unsure = unsure_mask(probabilities) | (probabilities.max(1) <= 0)
    right = (probabilities.argmax(1) == labels) & ~unsure
    return {"right": float(right.mean()), "unsure": float(unsure.mean()), "wrong": float((~right & ~unsure).mean())}


def evaluate_photos(reader: DigitReader, per_condition: int = 100, seed: int = PHOTO_SEED) -> dict[str, dict]:
    """Print the per-condition table and return it (condition → right, unsure, wrong, count, ms_median, misreads)."""
    images, labels = load_slice()
    print(f"\nPhotos of digits on paper ({per_condition} per condition, MNIST test digits, seed {seed}):")
    print("(control: the same digits, pens, sizes and places on flat paper, read right; ms: preprocessing)")
    print(f"{'condition':16s} {'right':>7s} {'?':>7s} {'wrong':>7s} {'control':>8s} {'ms p50':>7s}  what")
    figures: dict[str, dict] = {}
    for offset, (condition, what) in enumerate(CONDITIONS.items()):
        photos = photo_set(condition, images, labels, per_condition, seed + offset)
        probabilities, truth, times = read_photos(reader, photos)
        figures[condition] = outcome(probabilities, truth)
        figures[condition]["plain_right"] = outcome(*read_photos(reader, photos, plain=True)[:2])["right"]
        misreads: dict[str, int] = defaultdict(int)
        for label, row in zip(truth, probabilities):
            answer = "?" if row.max() < 0.5 else str(int(row.argmax()))
            if answer != str(label):
                misreads[f"{label}→{answer}"] += 1
        figures[condition].update(count=len(photos), ms_median=float(np.median(times)), misreads=dict(misreads))
        met = figures[condition]["right"] >= GOAL_RIGHT and figures[condition]["wrong"] <= GOAL_WRONG
        row = figures[condition]
        print(
            f"{condition:16s} {row['right']:>7.1%} {row['unsure']:>7.1%} {row['wrong']:>7.1%} "
            f"{row['plain_right']:>8.1%} {row['ms_median']:>7.1f}  {what}{'' if met else '  ← misses the goal'}"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default=str(WEIGHTS_PATH))
    parser.add_argument("--per-condition", type=int, default=100, help="photos per condition (all ten digits)")
    parser.add_argument("--seed", type=int, default=PHOTO_SEED)
    parser.add_argument("--misreads", action="store_true", help="list each condition's misreads (true→read)")
    args = parser.parse_args()
    started = time.perf_counter()
    figures = evaluate_photos(DigitReader.load(args.weights, device="cpu"), args.per_condition, args.seed)
    if args.misreads:
        for condition, row in figures.items():
            if row["misreads"]:
                print(f"  {condition}: " + ", ".join(f"{k} ×{v}" for k, v in sorted(row["misreads"].items())))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
