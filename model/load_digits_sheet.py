"""Contact sheets of the ``load_digits`` digits some weights misread, without their labels, for judging them blind.

    python -m model.load_digits_sheet artifacts/sheet --weights old.safetensors --weights weights/mnist_mlp.safetensors

Each misread (by any of the weights) is shown as a person would see the 8×8 source, enlarged to 32 px (the picture
the app reads) and drawn large, with its index and nothing else: no label, no reading. Read every tile, write down
what you read, then compare with the labels; the ones you cannot read as their label go into
``model/load_digits_unreadable.json`` with a reason. ``--skip-listed`` leaves out those already listed.
Writes ``PREFIX_0.png``, ``PREFIX_1.png``, ... (32 tiles each) and ``PREFIX.json`` (the indices shown).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from model.evaluate import UNREADABLE_PATH, load_optdigits, probabilities_of
from model.inference import DigitReader

TILE, COLUMNS, PER_SHEET = 150, 8, 32


def misread(weights: list[str]) -> list[int]:
    """Indices of the ``load_digits`` digits that any of ``weights`` reads as another digit."""
    optdigits = load_optdigits()
    if optdigits is None:
        raise SystemExit("pip install scikit-learn for its load_digits set")
    fields, truth = optdigits
    wrong: set[int] = set()
    for path in weights:
        probabilities = probabilities_of(DigitReader.load(path, "cpu"), fields)
        wrong |= {int(i) for i in np.nonzero(probabilities.argmax(1) != truth)[0]}
    return sorted(wrong)


def tile(image: np.ndarray) -> Image.Image:
    """One 8×8 ``load_digits`` image (counts 0–16) as dark ink on white, 32 px as the app reads it, drawn large."""
    paper = Image.fromarray(np.round(255 - image * (255 / 16)).astype(np.uint8))
    return paper.resize((32, 32), Image.Resampling.BILINEAR).resize((TILE - 22, TILE - 22), Image.Resampling.BICUBIC)


def sheets(indices: list[int], prefix: Path) -> list[Path]:
    """Write the contact sheets of ``indices``; returns their paths."""
    from sklearn.datasets import load_digits

    images = load_digits().images
    written = []
    for start in range(0, len(indices), PER_SHEET):
        chunk = indices[start : start + PER_SHEET]
        rows = -(-len(chunk) // COLUMNS)
        sheet = Image.new("L", (COLUMNS * TILE, rows * (TILE + 16)), 255)
        draw = ImageDraw.Draw(sheet)
        for k, index in enumerate(chunk):
            x, y = (k % COLUMNS) * TILE, (k // COLUMNS) * (TILE + 16)
            sheet.paste(tile(images[index]), (x + 10, y + 16))
            draw.text((x + 10, y + 2), f"#{index}", fill=0)
        path = prefix.with_name(f"{prefix.name}_{start // PER_SHEET}.png")
        sheet.save(path)
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefix", help="where to write the sheets, e.g. artifacts/sheet")
    parser.add_argument("--weights", action="append", required=True, help="weights whose misreads to show")
    parser.add_argument("--skip-listed", action="store_true", help="leave out the digits already judged unreadable")
    args = parser.parse_args()
    indices = misread(args.weights)
    if args.skip_listed:
        listed = {entry["index"] for entry in json.loads(UNREADABLE_PATH.read_text())["digits"]}
        indices = [index for index in indices if index not in listed]
    prefix = Path(args.prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    prefix.with_suffix(".json").write_text(json.dumps(indices) + "\n")
    for path in sheets(indices, prefix):
        print(path)
    print(f"{len(indices)} digits to read")


if __name__ == "__main__":
    main()
