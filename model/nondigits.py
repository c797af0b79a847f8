"""Drawings that are not one digit: dots, scribbles, two digits side by side, letters and symbols, as the app would
see them.

Each is drawn on a 280 px canvas (or, for pairs, built from two MNIST digits) and read through the app's own
preprocessing, so the 28×28 field is what the network would get. Training uses seed 0 and MNIST's training digits;
evaluation uses other seeds, MNIST's test digits, two letters (R, Y) that training never draws, and symbols drawn
with other pens, more slant and rotation and shakier strokes (``held_out``). Symbols (plus, minus, times, equals,
hearts, stars, arrows, a tick, a smiley, ``#``, ``%``, ``&``, ``@``, ∞, a paper plane) are pen strokes in a unit
box, as a person draws them, never a font.

    field = make_nondigit("scribble", np.random.default_rng(1))     # 28×28 float32 in [0, 1], or None
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from model.preprocess import mnist_field, preprocess

CANVAS_SIDE = 280
KINDS = ("dot", "scribble", "pair", "letter", "symbol")

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


Stroke = list[tuple[float, float]]


def _canvas_field(strokes: list[Stroke], pen: float, filled: list[Stroke] | None = None) -> np.ndarray | None:
    """Strokes (and ``filled`` polygons) inked on the 280 px canvas, read through the app's preprocessing."""
    canvas = Image.new("L", (CANVAS_SIDE, CANVAS_SIDE), 255)
    draw = ImageDraw.Draw(canvas)
    for polygon in filled or []:
        draw.polygon(polygon, fill=0)
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


# --- symbols: pen strokes in a unit box (x right, y down), as a person draws them ----------------------------------


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, points: int = 24) -> Stroke:
    """Points along an elliptic arc from angle ``start`` to ``end`` (radians; 0 = right, π/2 = down)."""
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in np.linspace(start, end, points)]


def _heart() -> Stroke:
    t = np.linspace(0, 2 * np.pi, 40)
    x, y = 16 * np.sin(t) ** 3, -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    return list(zip((x + 17) / 34, (y + 17.5) / 30))


def _star(rng: np.random.Generator) -> Stroke:
    """A five-pointed star's outline (ten corners), its inner radius at random."""
    inner = rng.uniform(0.35, 0.5)
    angles = -np.pi / 2 + np.arange(11) * np.pi / 5
    radii = np.where(np.arange(11) % 2 == 0, 0.5, 0.5 * inner)
    return list(zip(0.5 + radii * np.cos(angles), 0.52 + radii * np.sin(angles)))


def _pentagram() -> Stroke:
    """A star in one stroke: the five points joined every second one."""
    angles = -np.pi / 2 + np.arange(6) * 4 * np.pi / 5
    return list(zip(0.5 + 0.5 * np.cos(angles), 0.52 + 0.5 * np.sin(angles)))


def _arrow(rng: np.random.Generator) -> list[Stroke]:
    """An arrow pointing any of eight ways: a shaft and a two-sided head."""
    angle = rng.integers(8) * np.pi / 4
    direction = np.array([np.cos(angle), np.sin(angle)])
    tip, tail = 0.5 + 0.5 * direction, 0.5 - 0.5 * direction
    head = rng.uniform(0.25, 0.4)
    spread = np.radians(rng.uniform(25, 45))
    sides = []
    for sign in (-1, 1):
        back = angle + np.pi + sign * spread
        sides.append((tip[0] + head * np.cos(back), tip[1] + head * np.sin(back)))
    return [[tuple(tail), tuple(tip)], [sides[0], tuple(tip), sides[1]]]


def _ampersand() -> Stroke:
    return [
        (1.0, 1.0), (0.55, 0.55), (0.3, 0.3), (0.28, 0.1), (0.45, 0.0), (0.62, 0.08), (0.62, 0.28),
        (0.15, 0.62), (0.08, 0.85), (0.28, 1.0), (0.6, 0.95), (0.95, 0.55),
    ]  # fmt: skip


def _at() -> list[Stroke]:
    """The inner "a" (a bowl and its stem with a small hook), then the outer circle round it, left open."""
    bowl = _arc(0.5, 0.5, 0.18, 0.2, 0, 2 * np.pi)
    stem = [(0.68, 0.3), (0.68, 0.62), (0.8, 0.68), (0.92, 0.6)]
    outer = [(0.5 + 0.47 * np.cos(a), 0.5 + 0.5 * np.sin(a)) for a in np.linspace(-0.2, -2 * np.pi + 0.8, 36)]
    return [bowl, stem + outer]


def _infinity() -> Stroke:
    t = np.linspace(0, 2 * np.pi, 48)
    denominator = 1 + np.sin(t) ** 2
    return list(zip(0.5 + 0.5 * np.cos(t) / denominator, 0.5 + 0.7 * np.sin(t) * np.cos(t) / denominator))


def _smiley(rng: np.random.Generator) -> list[Stroke]:
    eye = rng.uniform(0.02, 0.05)
    face = _arc(0.5, 0.5, 0.5, 0.5, 0, 2 * np.pi, 40)
    eyes = [_arc(x, 0.36, eye, eye, 0, 2 * np.pi, 8) for x in (0.34, 0.66)]
    mouth = _arc(0.5, 0.55, 0.25, rng.uniform(0.12, 0.22), 0.15 * np.pi, 0.85 * np.pi, 12)
    return [face, *eyes, mouth]


def _symbol_shape(name: str, rng: np.random.Generator) -> tuple[list[Stroke], list[Stroke], float]:
    """The strokes, the filled polygons and the natural width/height of one symbol, in a unit box."""
    u = rng.uniform
    if name == "plus":
        x, y = u(0.4, 0.6), u(0.4, 0.6)
        return [[(x, 0.0), (x, 1.0)], [(0.0, y), (1.0, y)]], [], 1.0
    if name == "minus":
        return [[(0.0, 0.5), (1.0, 0.5 + u(-0.03, 0.03))]], [], 1.0
    if name == "times":
        return [[(0.0, 0.0), (1.0, 1.0)], [(1.0, 0.0), (0.0, 1.0)]], [], 1.0
    if name == "equals":
        return [[(0.0, 0.0), (1.0, 0.0)], [(0.0, 1.0), (1.0, 1.0)]], [], 1 / u(0.3, 0.7)
    if name == "heart":
        return [_heart()], [], 1.0
    if name == "heart_filled":
        return [_heart()], [_heart()], 1.0
    if name == "star":
        return [_pentagram()], [], 1.0
    if name == "star_outline":
        return [_star(rng)], [], 1.0
    if name == "star_filled":
        star = _star(rng)
        return [star], [star], 1.0
    if name == "arrow":
        return _arrow(rng), [], 1.0
    if name == "tick":
        corner = (u(0.25, 0.45), 1.0)
        return [[(0.0, u(0.45, 0.65)), corner, (1.0, 0.0)]], [], u(0.8, 1.3)
    if name == "smiley":
        return _smiley(rng), [], 1.0
    if name == "hash":
        return [[(0.35, 0.0), (0.25, 1.0)], [(0.75, 0.0), (0.65, 1.0)], [(0.0, 0.33), (1.0, 0.33)],
                [(0.0, 0.67), (1.0, 0.67)]], [], 1.0  # fmt: skip
    if name == "percent":
        return [[(0.9, 0.0), (0.1, 1.0)], _arc(0.2, 0.18, 0.17, 0.17, 0, 2 * np.pi, 16),
                _arc(0.8, 0.82, 0.17, 0.17, 0, 2 * np.pi, 16)], [], 0.8  # fmt: skip
    if name == "ampersand":
        return [_ampersand()], [], 0.8
    if name == "at":
        return _at(), [], 1.0
    if name == "infinity":
        return [_infinity()], [], 2.0
    if name == "paper_plane":
        return [[(0.0, 0.45), (1.0, 0.0), (0.45, 1.0), (0.35, 0.62), (0.0, 0.45)], [(0.35, 0.62), (1.0, 0.0)]], [], 1.3
    raise ValueError(f"unknown symbol {name!r}; choose from {SYMBOLS}")


#: The symbols drawn, each as often as the others.
SYMBOLS = (
    "plus", "minus", "times", "equals", "heart", "heart_filled", "star", "star_outline", "star_filled", "arrow",
    "tick", "smiley", "hash", "percent", "ampersand", "at", "infinity", "paper_plane",
)  # fmt: skip


def symbol(rng: np.random.Generator, held_out: bool = False, name: str | None = None) -> np.ndarray | None:
    """A symbol (``name``, or one of ``SYMBOLS`` at random) drawn with a pen at a random size, place and angle.

    ``held_out`` draws it as evaluation does: other pens (16, 8 and 4 px besides the brush), more rotation and slant,
    and shakier strokes than training ever draws.
    """
    name = name or SYMBOLS[int(rng.integers(len(SYMBOLS)))]
    strokes, filled, aspect = _symbol_shape(name, rng)
    turn, shake = (20, 0.05) if held_out else (12, 0.03)
    aspect *= rng.uniform(0.8, 1.25)
    size = rng.uniform(70, 230)
    width, height = (size, size / aspect) if aspect >= 1 else (size * aspect, size)
    angle, slant = np.radians(rng.uniform(-turn, turn)), rng.uniform(-turn, turn) / 60
    centre = rng.uniform(20 + max(width, height) / 2, CANVAS_SIDE - 20 - max(width, height) / 2, size=2)
    cos, sin = np.cos(angle), np.sin(angle)

    wobble = rng.normal(0, shake * size, size=2)  # a smooth, shaky hand: each axis bent by one slow sine
    phases = rng.uniform(0, 2 * np.pi, size=2)

    def place(points: Stroke) -> Stroke:
        placed = []
        for x, y in points:
            dx = (x - 0.5 + slant * (0.5 - y)) * width + wobble[0] * np.sin(np.pi * 1.5 * y + phases[0])
            dy = (y - 0.5) * height + wobble[1] * np.sin(np.pi * 1.5 * x + phases[1])
            placed.append((centre[0] + cos * dx - sin * dy, centre[1] + sin * dx + cos * dy))
        return placed

    pen = float(rng.choice([22, 16, 8, 4])) if held_out else _pen(rng)
    return _canvas_field([place(stroke) for stroke in strokes], pen, [place(polygon) for polygon in filled])


def make_nondigit(kind: str, rng: np.random.Generator, images: np.ndarray | None = None, held_out: bool = False):
    """One non-digit field of ``kind``; ``images`` (MNIST uint8) are needed for pairs. ``held_out``: the letters R
    and Y, or symbols drawn as evaluation draws them."""
    if kind == "dot":
        return dot(rng)
    if kind == "scribble":
        return scribble(rng)
    if kind == "letter":
        return letter(rng, HELD_OUT_LETTERS if held_out else TRAINING_LETTERS)
    if kind == "symbol":
        return symbol(rng, held_out)
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
