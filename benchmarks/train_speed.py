"""Training speed of the Train tab's loop, and the figures its Compare shows.

    python -m benchmarks.train_speed [--steps 200] [--batches 64,256] [--devices cpu,cuda] [--figures]

Part 1, examples/s: ``model.quickstart.run_chunk`` (the Quickstart's train loop, the data already on the device, one
chunk as the app runs it, then the test pass) for the fixed network with Adam, per batch size and device (CUDA when
there is one), CPU on one thread as the server runs it. A warm-up chunk runs first on each device. The rate is the
training steps' examples over their time (synchronised on CUDA); the test pass is timed apart.

Part 2 (``--figures``): what Compare shows for the settings the README quotes: the fixed network and the seed's
with the ReLU on the logits, same batches, same start, seed 0: test accuracy and dead classes, per optimiser setting
(``--epoch`` adds the Quickstart's own, SGD lr 1e-3 for one epoch).
Data: MNIST through torchvision when ``MNIST_DATA_DIR`` holds it, else the shipped digits (printed).
"""

from __future__ import annotations

import argparse
import math
import time

import torch

from benchmarks.common import fmt, header, table
from model import quickstart
from model.quickstart import TrainConfig

FIGURE_SETTINGS = (  # (optimiser, lr, steps): the issue's, and the Quickstart's own SGD
    ("Adam", 1e-3, 300),
    ("SGD", 1e-3, 300),
    ("SGD", 1e-2, 300),
)


def speed(device: torch.device, batch_size: int, steps: int, data: quickstart.Dataset) -> tuple[float, float]:
    """(examples/s of the training steps, test pass ms) for one chunk of ``steps`` steps."""
    config = TrainConfig(batch_size=batch_size, steps=steps)
    order = quickstart.batch_order(0, len(data.train_labels), steps, batch_size)
    chunk = quickstart.Chunk(
        "fixed", "Adam", 1e-3, config.log_every, steps, 0, order, quickstart.initial_state("fixed", 0)
    )
    started = time.perf_counter()
    result = quickstart.run_chunk(chunk, data, device)
    total = time.perf_counter() - started
    return result.examples / result.train_seconds, (total - result.train_seconds) * 1000


def part_speed(devices: list[torch.device], batches: list[int], steps: int, data: quickstart.Dataset) -> None:
    header("Train tab: training examples/s (fixed network, Adam)", f"data: {data.facts()}")
    rows = []
    for device in devices:
        speed(device, batches[0], 20, data)  # warm-up: first-use costs, the data to the device
        for batch_size in batches:
            rate, test_ms = speed(device, batch_size, steps, data)
            rows.append([str(device), batch_size, steps, f"{rate:,.0f}", fmt(test_ms)])
    print(table(["device", "batch", "steps", "examples/s", "test pass + states (ms)"], rows))
    print()


def part_figures(data: quickstart.Dataset, device: torch.device, epoch: bool) -> None:
    header("Train tab: Compare, seed 0, batch 64 (fixed vs ReLU on the logits)", f"data: {data.facts()}")
    rows = []
    one_epoch = ("SGD", 1e-3, math.ceil(len(data.train_labels) / 64))  # the Quickstart's own: SGD 1e-3, one epoch
    for optimiser, lr, steps in FIGURE_SETTINGS + ((one_epoch,) if epoch else ()):
        config = TrainConfig(optimizer=optimiser, lr=lr, steps=steps)
        *_, last = quickstart.run(
            config, lambda chunk: quickstart.run_chunk(chunk, data, device), data, quickstart.COMPARED
        )
        fixed, relu = (last.facts["networks"][network] for network in quickstart.COMPARED)
        rows.append([
            f"{optimiser} lr {lr:g}, {steps} steps",
            f"{fixed['test_accuracy'][-1][1]:.1%}",
            f"{relu['test_accuracy'][-1][1]:.1%}",
            ", ".join(map(str, relu["dead_classes"])) or "none",
        ])  # fmt: skip
    print(table(["settings", "fixed", "ReLU on logits", "its dead classes"], rows))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batches", default="64,256")
    parser.add_argument("--devices", default="cpu,cuda")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (the server uses 1)")
    parser.add_argument("--figures", action="store_true", help="also the Compare figures (Part 2)")
    parser.add_argument("--epoch", action="store_true", help="... and SGD lr 1e-3 for one epoch, as the Quickstart")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    devices = [torch.device(name) for name in args.devices.split(",") if name != "cuda" or torch.cuda.is_available()]
    data = quickstart.load_data()
    part_speed(devices, [int(b) for b in args.batches.split(",")], args.steps, data)
    if args.figures:
        part_figures(data, devices[-1], args.epoch)


if __name__ == "__main__":
    main()
