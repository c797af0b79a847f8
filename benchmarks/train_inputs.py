"""Why the Train tab's SGD figures differ from MNIST-normalised ones: the Quickstart's loop with plain ``torch.optim``,
the fixed network, seed 0, batch 64, on inputs in [0, 1] (``ToTensor()``, as the tab) and MNIST-normalised
(``(x/255 - 0.1307) / 0.3081``, as the served model). Prints test accuracy after 300 steps and after one epoch.

    python -m benchmarks.train_inputs --data-dir ../shared/data     # needs all of MNIST; ~1 min on 2 CPU cores
"""

from __future__ import annotations

import argparse

import torch
import torchvision
from torch import nn

from model.network import NeuralNetwork


def inputs(dataset: torchvision.datasets.MNIST, normalised: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """``N×1×28×28`` floats and ``N`` labels."""
    images = dataset.data.float().div(255).unsqueeze(1)
    return ((images - 0.1307) / 0.3081 if normalised else images), dataset.targets


def run(data_dir: str, normalised: bool) -> tuple[float, float]:
    """Test accuracy after 300 SGD steps and after one epoch (938 steps), lr 1e-3, batch 64, seed 0."""
    train_x, train_y = inputs(torchvision.datasets.MNIST(data_dir, train=True), normalised)
    test_x, test_y = inputs(torchvision.datasets.MNIST(data_dir, train=False), normalised)
    torch.manual_seed(0)
    model = NeuralNetwork()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    order = torch.randperm(len(train_y), generator=torch.Generator().manual_seed(0))
    accuracies = []
    for step in range(938):
        batch = order[step * 64 : (step + 1) * 64]
        loss = nn.functional.cross_entropy(model(train_x[batch]), train_y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step + 1 in (300, 938):
            with torch.inference_mode():
                accuracies.append((model(test_x).argmax(1) == test_y).float().mean().item())
    return accuracies[0], accuracies[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="data")
    args = parser.parse_args()
    print("| inputs | 300 steps | one epoch |\n| --- | --- | --- |")
    for normalised in (False, True):
        at_300, at_epoch = run(args.data_dir, normalised)
        name = "MNIST-normalised" if normalised else "[0, 1] (ToTensor, the Train tab)"
        print(f"| {name} | {at_300:.1%} | {at_epoch:.1%} |")


if __name__ == "__main__":
    main()
