"""Drawings that are not one digit: dots, scribbles, two digits side by side, letters, as the app would see them.

Each is drawn on a 280 px canvas (or, for pairs, built from two MNIST digits) and read through the app's own
preprocessing, so the 28×28 field is what the network would get. Training uses seed 0 and MNIST's training digits;
evaluation uses other seeds, MNIST's test digits, and two letters (R, Y) that training never draws.

    field = make_nondigit("scribble", np.random.default_rng(1))     # 28×28 float32 in [0, 1], or None
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from model.preprocess import mnist_field, preprocess

CANVAS_SIDE = 280
KINDS = ("dot", "scribble", "pair", "letter")

# Capital letters as pen strokes in a unit box (x right, y down). Letters that look like digits (B D G I L O Q S Z ...)
# are left out: a reader may fairly call them digits.
LETTERS: dict[str, list[list[tuple[float, float]]]] = {
    "A": [[(0.0, 1.0), (0.5, 0.0), (1.0, 1.0)], [(0.22, 0.6), (0.78, 0.6)]],
    "E": [[(1.0, 0.0), (0.0, 0.0), (0.0, 1.0), (1.0, 1.0)], [(0.0, 0.5), (0.75, 0.5)]],
    "F": [[(1.0, 0.0), (0.0, 0.0), (0.0, 1.0)], [(0.0, 0.5), (0.75, 0.5)]],
    "H": [[(0.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (1.0, 1.0)], [(0.0, 0.5), (1.0, 0.5)]],
    "K": [[(0.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (0.0, 0.55), (1.0, 1.0)]],
    "M": [[(0.0, 1.0), (0.0, 0.0), (0.5, 0.6), (1.0, 0.0), (1.0, 1.0)]],
    "N": [[(0.0, 1.0), (0.0, 0.0), (1.0, 1.0), (1.0, 0.0)]],
    "W": [[(0.0, 0.0), (0.25, 1.0), (0.5, 0.35), (0.75, 1.0), (1.0, 0.0)]],
    "X": [[(0.0, 0.0), (1.0, 1.0)], [(1.0, 0.0), (0.0, 1.0)]],
    "R": [
        [(0.0, 1.0), (0.0, 0.0), (0.7, 0.0), (0.95, 0.15), (0.95, 0.35), (0.7, 0.5), (0.0, 0.5)],
        [(0.4, 0.5), (1.0, 1.0)],
    ],
    "Y": [[(0.0, 0.0), (0.5, 0.5), (1.0, 0.0)], [(0.5, 0.5), (0.5, 1.0)]],
}
HELD_OUT_LETTERS = ("R", "Y")
TRAINING_LETTERS = tuple(letter for letter in LETTERS if letter not in HELD_OUT_LETTERS)


def _canvas_field(strokes: list[list[tuple[float, float]]], pen: float) -> np.ndarray | None:
    canvas = Image.new("L", (CANVAS_SIDE, CANVAS_SIDE), 255)
    draw = ImageDraw.Draw(canvas)
    for stroke in strokes:
        draw.line(stroke, fill=0, width=max(1, round(pen)), joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=0)
    tensor = preprocess(canvas.filter(ImageFilter.GaussianBlur(0.7)))
    return None if tensor is None else tensor[0].numpy()


def _pen(rng: np.random.Generator) -> float:
    return float(rng.choice([22, 22, 12, 6, 3]))  # mostly the app's brush


def dot(rng: np.random.Generator) -> np.ndarray | None:
    """A dot or blot: one short dab or a tiny closed scrawl."""
    x, y = rng.uniform(40, 240, size=2)
    pen = _pen(rng) if rng.random() < 0.5 else float(rng.uniform(15, 40))
    length = rng.uniform(0, 0.4 * pen)  # round-ish: a longer dash scaled to 20 px is a fair 1
    angle = rng.uniform(0, 2 * np.pi)
    stroke = [(x, y), (x + length * np.cos(angle), y + length * np.sin(angle))]
    return _canvas_field([stroke], pen)


def scribble(rng: np.random.Generator) -> np.ndarray | None:
    """A random pen path with many turns (a smooth random walk), or a zig-zag."""
    return _canvas_field([scribble_path(rng)], _pen(rng))


def scribble_path(rng: np.random.Generator) -> list[tuple[float, float]]:
    """The pen path of :func:`scribble`, in pixels of the 280 px canvas."""
    steps = int(rng.integers(12, 60))
    size = rng.uniform(60, 240)
    heading = rng.uniform(0, 2 * np.pi)
    turn_spread = rng.uniform(0.3, 1.5)
    point = np.array([140.0, 140.0])
    points = [tuple(point)]
    for _ in range(steps):
        heading += rng.normal(0, turn_spread)
        point = point + size / 8 * np.array([np.cos(heading), np.sin(heading)])
        point = np.clip(point, 140 - size / 2, 140 + size / 2)
        points.append(tuple(point))
    if rng.random() < 0.25:  # a zig-zag
        count = int(rng.integers(5, 12))
        height = rng.uniform(60, 200)
        width = height * rng.uniform(0.8, 1.4)
        points = [(30 + width * i / count, 60 + height * (i % 2)) for i in range(count + 1)]
    return points


def letter(rng: np.random.Generator, letters: tuple[str, ...] = TRAINING_LETTERS) -> np.ndarray | None:
    """A capital letter (from ``letters``) in pen strokes, jittered, slanted and sized at random."""
    name = letters[int(rng.integers(len(letters)))]
    height = rng.uniform(80, 230)
    width = height * rng.uniform(0.55, 0.95)
    slant = rng.uniform(-0.25, 0.25)
    x0, y0 = rng.uniform(10, CANVAS_SIDE - width - 10), rng.uniform(10, CANVAS_SIDE - height - 10)
    jitter = height * 0.04
    strokes = [
        [
            (x0 + (x + slant * (1 - y)) * width + rng.normal(0, jitter), y0 + y * height + rng.normal(0, jitter))
            for x, y in stroke
        ]
        for stroke in LETTERS[name]
    ]
    return _canvas_field(strokes, _pen(rng))


def pair(rng: np.random.Generator, images: np.ndarray) -> np.ndarray | None:
    """Two MNIST digits side by side (like "12"), as one drawing."""
    first, second = (images[int(i)] for i in rng.integers(len(images), size=2))
    crops = []
    for digit in (first, second):
        rows, cols = np.nonzero(digit > 30)
        crops.append(digit[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1])
    height = max(crop.shape[0] for crop in crops)
    gap = int(rng.integers(1, 7))
    sheet = np.zeros((height + 8, sum(crop.shape[1] for crop in crops) + gap + 8), dtype=np.float32)
    x = 4
    for crop in crops:
        top = 4 + int(rng.integers(0, height - crop.shape[0] + 1))
        sheet[top : top + crop.shape[0], x : x + crop.shape[1]] = crop / 255
        x += crop.shape[1] + gap
    return mnist_field(sheet)


def make_nondigit(kind: str, rng: np.random.Generator, images: np.ndarray | None = None, held_out: bool = False):
    """One non-digit field of ``kind``; ``images`` (MNIST uint8) are needed for pairs; ``held_out`` letters R, Y."""
    if kind == "dot":
        return dot(rng)
    if kind == "scribble":
        return scribble(rng)
    if kind == "letter":
        return letter(rng, HELD_OUT_LETTERS if held_out else TRAINING_LETTERS)
    if kind == "pair":
        if images is None:
            raise ValueError("pairs are made from MNIST digits: pass images")
        return pair(rng, images)
    raise ValueError(f"unknown kind {kind!r}; choose from {KINDS}")


def nondigit_set(
    kind: str, count: int, seed: int, images: np.ndarray | None = None, held_out: bool = False
) -> np.ndarray:
    """``count`` non-digit fields of ``kind`` as ``count×28×28`` uint8."""
    rng = np.random.default_rng(seed)
    fields = []
    while len(fields) < count:
        field = make_nondigit(kind, rng, images, held_out)
        if field is not None:
            fields.append(np.round(field * 255).astype(np.uint8))
    return np.stack(fields)
