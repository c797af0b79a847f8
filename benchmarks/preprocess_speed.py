"""Preprocessing alone: a drawn digit at 280, 800 and 2000 px → the 28×28 MNIST field, per canvas.

    python -m benchmarks.preprocess_speed [--repeats 30] [--sizes 280,800,2000]

The drawing looks like what the Draw tab's canvas sends: dark ink (#111) on white paper, a round brush whose width
scales with the canvas (22 px at 280 px), an opaque PNG. Two paths, each the median of ``--repeats``:
``preprocess(PIL image)`` and ``preprocess(decode_data_url(PNG data URL))`` (base64 + PNG decode on top).
Also a Sketchpad-style transparent layer (ink in alpha) as a PIL image, the other common input.
"""

from __future__ import annotations

import argparse
import base64
import io
import sys
import time

from PIL import Image, ImageDraw

from benchmarks.common import fmt, header, median, table
from model.preprocess import decode_data_url, preprocess

# A "7" then a "3"-ish hook, as fractions of the canvas side, like a person draws on the 280 px canvas.
STROKES = [
    [(0.25, 0.22), (0.72, 0.22), (0.45, 0.80)],
    [(0.40, 0.52), (0.62, 0.52)],
]


def drawing(side: int, transparent: bool = False) -> Image.Image:
    """The digit drawn at ``side`` px, as the canvas (opaque) or a Sketchpad layer (transparent) would hold it."""
    width = max(2, round(22 * side / 280))
    if transparent:
        image, ink = Image.new("RGBA", (side, side), (0, 0, 0, 0)), (0, 0, 0, 255)
    else:
        image, ink = Image.new("RGB", (side, side), "white"), (17, 17, 17)
    pen = ImageDraw.Draw(image)
    for stroke in STROKES:
        points = [(x * side, y * side) for x, y in stroke]
        pen.line(points, fill=ink, width=width, joint="curve")
        for x, y in (points[0], points[-1]):  # round caps, like lineCap = 'round'
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=ink)
    return image


def data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # what canvas.toDataURL('image/png') sends
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def median_ms(fn, repeats: int, warmup: int = 2, budget_s: float = 30) -> tuple[float, int]:
    for _ in range(warmup):
        fn()
    samples = []
    deadline = time.perf_counter() + budget_s
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline:
            break
    return median(samples), len(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--sizes", default="280,800,2000")
    args = parser.parse_args(argv)

    rows = []
    for side in (int(value) for value in args.sizes.split(",")):
        opaque, layer = drawing(side), drawing(side, transparent=True)
        url = data_url(opaque)
        assert preprocess(opaque) is not None and preprocess(decode_data_url(url)) is not None
        pil_ms, n = median_ms(lambda image=opaque: preprocess(image), args.repeats)
        url_ms, _ = median_ms(lambda text=url: preprocess(decode_data_url(text)), args.repeats)
        layer_ms, _ = median_ms(lambda image=layer: preprocess(image), args.repeats)
        decode_ms, _ = median_ms(lambda text=url: decode_data_url(text).load(), args.repeats)
        rows.append(
            [
                f"{side}×{side}",
                n,
                f"{len(url) / 1024:,.1f}",
                fmt(pil_ms, 2),
                fmt(decode_ms, 2),
                fmt(url_ms, 2),
                fmt(layer_ms, 2),
            ]
        )

    header("Preprocessing per canvas (ms, median)")
    print(
        table(
            [
                "canvas",
                "repeats",
                "data URL KiB",
                "preprocess(PIL)",
                "decode_data_url",
                "decode + preprocess",
                "transparent layer (PIL)",
            ],
            rows,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
