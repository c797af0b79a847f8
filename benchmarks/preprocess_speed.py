"""Preprocessing alone: a drawn digit at 280, 800 and 2000 px → the 28×28 MNIST field, per canvas.

    python -m benchmarks.preprocess_speed [--repeats 30] [--sizes 280,800,2000] [--baseline 7bd34cd]

The drawing looks like what the Draw tab's canvas sends: dark ink (#111) on white paper, a round brush whose width
scales with the canvas (22 px at 280 px), an opaque PNG. Two paths, each the median of ``--repeats``:
``preprocess(PIL image)`` and ``preprocess(decode_data_url(PNG data URL))`` (base64 + PNG decode on top).
Also a Sketchpad-style transparent layer (ink in alpha) as a PIL image, the other common input, and a 4032×3024
phone photo of a digit on paper with the table along one edge and a vignette (the photo path, model/photo.py):
``preprocess(PIL image)`` and, on top, opening its JPEG file. ``--baseline REV``: the canvas rows also through
``model/preprocess.py`` as it was at git revision REV, measured in the same run, and the ratio.
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from benchmarks.common import fmt, header, median, table
from model import photos
from model.preprocess import decode_data_url, ink_map, mnist_field, open_image, preprocess

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


def phone_photo(width: int = 4032, height: int = 3024) -> Image.Image:
    """A phone photo of a digit on paper: a 3 written 1,100 px tall, the table along the left edge, a vignette."""
    rng = np.random.default_rng(4032)
    images, labels = photos.load_slice()
    sheet = photos.paper(height, width, rng)
    alpha = photos.digit_alpha(images[np.nonzero(labels == 3)[0][0]], 1100, 60, rng)
    photos.write(sheet, alpha, (width * 0.55, height * 0.5), (30, 30, 35), 0.95)
    photos.table(sheet, ["left"], rng)
    sheet *= photos.light(height, width, "vignette", rng)[..., None]
    sheet += rng.normal(0, 3, sheet.shape).astype(np.float32)
    return Image.fromarray(np.clip(sheet, 0, 255).astype(np.uint8))


def baseline_preprocess(revision: str):
    """``preprocess`` from model/preprocess.py as it was at git ``revision`` (loaded as a module of its own)."""
    root = Path(__file__).resolve().parent.parent
    source = subprocess.run(
        ["git", "show", f"{revision}:model/preprocess.py"], cwd=root, check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "preprocess_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("preprocess_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.preprocess


def photo_rows(repeats: int) -> list[list]:
    """The phone photo's row: preprocess of the decoded image, and of its JPEG file (decoding included)."""
    photo = phone_photo()
    jpeg = Path(tempfile.mkdtemp()) / "phone.jpg"
    photo.save(jpeg, quality=90)
    assert preprocess(photo) is not None
    pil_ms, n = median_ms(lambda: preprocess(photo), repeats)
    file_ms, _ = median_ms(lambda: preprocess(open_image(jpeg)), repeats)
    size = f"{jpeg.stat().st_size / 1024:,.0f} (JPEG)"
    return [["4032×3024 photo", n, size, fmt(pil_ms, 1), "—", fmt(file_ms, 1), "—"]]


def live_canvas(image: Image.Image) -> torch.Tensor | None:
    """What the Draw tab's live reading does with its own canvas's PNG: no photo decision (white paper by
    construction)."""
    field = mnist_field(ink_map(image, may_be_photo=False))
    return None if field is None else torch.from_numpy(field)


def compare_rows(sides: list[int], revision: str, repeats: int) -> list[list]:
    """Each opaque canvas through ``revision``'s preprocess, today's (an upload: the photo decision runs) and the
    live canvas's, interleaved so all see the same load."""
    old = baseline_preprocess(revision)
    rows = []
    for side in sides:
        opaque = drawing(side)
        samples: dict = {old: [], preprocess: [], live_canvas: []}
        for _ in range(repeats):
            for fn, times in samples.items():
                started = time.perf_counter()
                fn(opaque)
                times.append((time.perf_counter() - started) * 1000)
        old_ms, new_ms, live_ms = (median(times[2:]) for times in samples.values())
        rows.append(
            [f"{side}×{side}", fmt(old_ms, 2), fmt(new_ms, 2), f"{new_ms / old_ms:.2f}×", fmt(live_ms, 2),
             f"{live_ms / old_ms:.2f}×"]
        )  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--sizes", default="280,800,2000")
    parser.add_argument("--baseline", help="a git revision whose preprocess the canvas rows are compared with")
    args = parser.parse_args(argv)

    rows = []
    sides = [int(value) for value in args.sizes.split(",")]
    for side in sides:
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
            rows + photo_rows(max(5, args.repeats // 3)),
        )
    )
    if args.baseline:
        header(f"Opaque canvas, preprocess(PIL): {args.baseline} vs now, interleaved (ms, median)")
        columns = ["canvas", args.baseline, "now (upload)", "now / then", "now (live canvas)", "live / then"]
        print(table(columns, compare_rows(sides, args.baseline, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
