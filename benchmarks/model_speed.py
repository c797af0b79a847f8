"""The MLP alone: forward time and images/s at batch 1, 64 and 4096, and what fraction of a FLOP ceiling that is.

    python -m benchmarks.model_speed [--repeats 30] [--batches 1,64,4096] [--threads 1,2]

CPU always (once per intra-op thread count in ``--threads``; default 1 and torch's default), and CUDA when there
is one. Each figure is the median of ``--repeats`` timed calls of ``DigitReader.probabilities`` (normalise, forward,
softmax, copy to the host; under ``torch.inference_mode``) after warm-up; the settings take turns call by call, so
they share the machine's load. FLOPs per image: the three linear layers, 784·512 + 512·512 + 512·10 multiply-adds,
two FLOPs each (biases, ReLUs and softmax ignored). Also ``DigitReader.read`` for one image (forward, saliency
backward, copy out), which is what every canvas stroke costs.
"""

from __future__ import annotations

import argparse
import sys
import time

import torch

from benchmarks.common import fmt, header, median, table
from model.inference import DigitReader

MACS_PER_IMAGE = 784 * 512 + 512 * 512 + 512 * 10
FLOPS_PER_IMAGE = 2 * MACS_PER_IMAGE


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def interleaved(calls: dict[str, tuple], repeats: int, warmup: int, budget_s: float) -> dict[str, list[float]]:
    """name → (fn, device, threads); milliseconds per call for each, taking turns call by call."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    default_threads = torch.get_num_threads()
    deadline = time.perf_counter() + budget_s
    for index in range(warmup + repeats):
        for name, (fn, device, threads) in calls.items():
            torch.set_num_threads(threads or default_threads)
            fn()  # after a switch of thread count the first call pays for it; not timed
            _sync(device)
            started = time.perf_counter()
            fn()
            _sync(device)
            if index >= warmup:
                samples[name].append((time.perf_counter() - started) * 1000)
        if index >= warmup and time.perf_counter() > deadline:
            break
    torch.set_num_threads(default_threads)
    return samples


def main(argv: list[str] | None = None) -> int:
    default_threads = torch.get_num_threads()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batches", default="1,64,4096", help="comma-separated batch sizes")
    parser.add_argument("--threads", default=",".join(sorted({"1", str(default_threads)})), help="CPU thread counts")
    parser.add_argument("--budget", type=float, default=30, help="seconds at most per batch size")
    args = parser.parse_args(argv)
    batches = [int(value) for value in args.batches.split(",")]
    thread_counts = [int(value) for value in args.threads.split(",")]

    readers = {"cpu": DigitReader.load(device="cpu")}
    if torch.cuda.is_available():
        readers["cuda"] = DigitReader.load(device="cuda")
    settings = [("cpu", threads) for threads in thread_counts] + [("cuda", None)] * ("cuda" in readers)

    def name(device: str, threads: int | None) -> str:
        return f"{device} × {threads} threads" if threads else device

    generator = torch.Generator().manual_seed(0)
    rows = []
    for batch in batches:
        images = torch.rand(batch, 1, 28, 28, generator=generator)  # host tensor: the copy in is part of the cost
        calls = {
            name(device, threads): (
                lambda reader=readers[device], images=images: reader.probabilities(images),
                readers[device].device,
                threads,
            )
            for device, threads in settings
        }
        for label, samples in interleaved(calls, args.repeats, args.warmup, args.budget).items():
            ms = median(samples)
            per_s = batch / (ms / 1000)
            rows.append(
                [
                    label,
                    batch,
                    len(samples),
                    fmt(ms, 3),
                    fmt(ms * 1000 / batch, 2),
                    f"{per_s:,.0f}",
                    fmt(per_s * FLOPS_PER_IMAGE / 1e9, 1),
                ]
            )
    # The ceiling: a plain square float32 matmul on the same device and threads, GFLOP/s the hardware reaches.
    ceiling_rows = []
    for device, threads in settings:
        side = 1024 if device == "cpu" else 4096
        matrix = torch.rand(side, side, generator=generator).to(readers[device].device)
        calls = {name(device, threads): (lambda m=matrix: torch.mm(m, m), readers[device].device, threads)}
        for label, samples in interleaved(calls, max(3, args.repeats // 3), 1, args.budget).items():
            gflops = 2 * side**3 / (median(samples) / 1000) / 1e9
            ceiling_rows.append([label, f"{side}×{side} @ {side}×{side}", fmt(median(samples), 2), fmt(gflops, 1)])

    image = torch.rand(1, 28, 28, generator=generator)
    calls = {
        name(device, threads): (lambda reader=readers[device]: reader.read(image), readers[device].device, threads)
        for device, threads in settings
    }
    read_rows = [
        [label, len(samples), fmt(median(samples), 3), fmt(min(samples), 3), fmt(max(samples), 3)]
        for label, samples in interleaved(calls, args.repeats, args.warmup, args.budget).items()
    ]

    header("Model speed: DigitReader.probabilities", f"torch {torch.__version__} · default {default_threads} threads")
    print(f"FLOPs per image: 2 × (784·512 + 512·512 + 512·10) = 2 × {MACS_PER_IMAGE:,} MACs = {FLOPS_PER_IMAGE:,}\n")
    print(table(["device", "batch", "repeats", "median ms", "µs / image", "images / s", "achieved GFLOP/s"], rows))
    print("\n### Ceiling: a plain float32 matmul on the same device and threads\n")
    print(table(["device", "matmul", "median ms", "GFLOP/s"], ceiling_rows))
    print("\n### DigitReader.read: one image, forward + saliency backward + copy out (every canvas stroke)\n")
    print(table(["device", "repeats", "median ms", "min ms", "max ms"], read_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
