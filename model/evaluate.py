"""Print the shipped model's figures: MNIST test accuracy, and accuracy on canvas-like drawings.

    python -m model.evaluate --data-dir ../shared/data
    python -m model.evaluate --data-dir ../shared/data --canvases 3000

The canvas figure is shown twice: through our MNIST-style preprocessing, and through the naive "resize the whole
canvas to 28×28" that many demos use, so the difference is visible.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np
import torch

from model.canvas_synth import draw_canvas
from model.inference import DigitReader
from model.preprocess import naive_resize, preprocess


def mnist_accuracy(reader: DigitReader, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Top-1 accuracy on uint8 ``N×28×28`` images."""
    probabilities = reader.probabilities(images.float().unsqueeze(1) / 255)
    return float((probabilities.argmax(1) == labels.numpy()).mean())


def canvas_accuracy(
    reader: DigitReader, images: torch.Tensor, labels: torch.Tensor, count: int, seed: int = 0
) -> dict[str, dict[str, float]]:
    """Accuracy on ``count`` canvas drawings made from ``images``, per style and overall, for both pipelines."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(images), size=count, replace=count > len(images))
    hits: dict[str, dict[str, list[bool]]] = {"preprocess": defaultdict(list), "naive": defaultdict(list)}
    for index in picks:
        canvas = draw_canvas(images[index].numpy(), rng)
        label = int(labels[index])
        for name, pipeline in (("preprocess", preprocess), ("naive", naive_resize)):
            field = pipeline(canvas.image)
            correct = field is not None and reader.probabilities(field.unsqueeze(0))[0].argmax() == label
            hits[name][canvas.style].append(bool(correct))
            hits[name]["all"].append(bool(correct))
    return {name: {style: float(np.mean(v)) for style, v in by_style.items()} for name, by_style in hits.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--weights", default=None)
    parser.add_argument("--canvases", type=int, default=2000, help="how many canvas drawings to make")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from model.train import load_mnist  # torchvision is only needed here, not for serving

    reader = DigitReader.load(args.weights) if args.weights else DigitReader.load()
    images, labels = load_mnist(args.data_dir, train=False)
    started = time.perf_counter()
    print(f"MNIST test set (10,000): {mnist_accuracy(reader, images, labels):.2%}")
    results = canvas_accuracy(reader, images, labels, args.canvases, args.seed)
    styles = sorted(results["preprocess"])
    print(f"\nCanvas drawings ({args.canvases}, 280–1024 px, seed {args.seed}):")
    print(f"{'style':24s} {'MNIST-style preprocess':>24s} {'naive resize':>14s}")
    for style in styles:
        print(f"{style:24s} {results['preprocess'][style]:>24.2%} {results['naive'][style]:>14.2%}")
    print(f"({time.perf_counter() - started:.0f} s on {reader.device})")


if __name__ == "__main__":
    main()
