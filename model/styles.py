"""Handwriting styles MNIST rarely shows, made by editing MNIST's own strokes (not fonts).

MNIST's writers were American: its 1s are plain sticks, its 7s are seldom crossed. Each style here takes a real MNIST
digit, edits its strokes at 4× resolution (adds a flag, a base, a bar, a loop; closes or straightens a part; slants
it) with a pen as wide as the digit's own stroke, and hands back a 28×28 field made the way the app makes one
(:func:`model.preprocess.mnist_field`). The "thin" and "thick" styles go further: the digit is re-drawn on a 280 px
canvas with a thin pen, or small with the canvas's 22 px brush, and read through the app's whole preprocessing.

Used twice: for training (styles made from MNIST's training digits, seed 0) and for evaluation (made from MNIST's
test digits with other seeds), so no evaluated image was seen in training.

    field = make_style("1_long_flag", digit, np.random.default_rng(1))   # 28×28 float32 in [0, 1], or None
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from model.preprocess import mnist_field, preprocess, stroke_width

UP = 4  # edits are drawn at 4× the 28 px field
PAD = 8  # field pixels of room around the digit, so a long flag or bar never leaves the picture
SIDE = (28 + 2 * PAD) * UP
CANVAS_SIDE = 280  # the app's canvas
CANVAS_BRUSH = 22  # the app's brush, in canvas pixels

Point = tuple[float, float]


# --- drawing at 4× ------------------------------------------------------------------------------------------------


class Sketch:
    """One MNIST digit at 4× on a padded sheet, with the geometry the edits need."""

    def __init__(self, digit: np.ndarray) -> None:
        field = np.zeros((28 + 2 * PAD, 28 + 2 * PAD), dtype=np.uint8)
        field[PAD : PAD + 28, PAD : PAD + 28] = digit
        self.image = Image.fromarray(field).resize((SIDE, SIDE), Image.Resampling.BILINEAR)
        self.pen = float(np.clip(stroke_width(np.asarray(self.image) / 255), 5, 14))

    @property
    def ink(self) -> np.ndarray:
        return np.asarray(self.image) > 110

    def box(self) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) of the ink."""
        rows, cols = np.nonzero(self.ink)
        return int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())

    def line(self, points: list[Point], width: float | None = None) -> None:
        """A pen stroke through ``points`` with round ends, as wide as the digit's own strokes unless told."""
        width = self.pen if width is None else width
        draw = ImageDraw.Draw(self.image)
        draw.line(points, fill=255, width=max(1, round(width)), joint="curve")
        radius = width / 2
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)

    def shear(self, slope: float) -> None:
        """Slant the sheet: a point ``d`` pixels above the centre moves ``slope·d`` pixels right."""
        centre = SIDE / 2
        self.image = self.image.transform(
            self.image.size, Image.Transform.AFFINE, (1, slope, -slope * centre, 0, 1, 0), Image.Resampling.BILINEAR
        )

    def field(self) -> np.ndarray | None:
        """The edited digit as the app would see it: cropped, 20 px on its longer side, centred by mass."""
        small = np.asarray(self.image.reduce(UP), dtype=np.float32) / 255
        return mnist_field(small, normalise_width=False)


def holes(mask: np.ndarray) -> np.ndarray:
    """Background pixels enclosed by ink (not reachable from the border through 4-connected background)."""
    background = np.pad(~mask.astype(bool), 1, constant_values=True)
    reached = np.zeros_like(background)
    reached[0, :] = reached[-1, :] = reached[:, 0] = reached[:, -1] = True
    while True:
        grown = reached.copy()
        grown[1:] |= reached[:-1]
        grown[:-1] |= reached[1:]
        grown[:, 1:] |= reached[:, :-1]
        grown[:, :-1] |= reached[:, 1:]
        grown &= background
        if np.array_equal(grown, reached):
            return (background & ~reached)[1:-1, 1:-1]
        reached = grown


def has_hole(field: np.ndarray, minimum: int = 2) -> bool:
    """Whether a 28×28 field has an enclosed loop of at least ``minimum`` background pixels."""
    return int(holes(field > 0.35).sum()) >= minimum


def _top_point(sketch: Sketch) -> Point:
    top = sketch.box()[0]
    cols = np.nonzero(sketch.ink[top : top + 6].any(0))[0]
    return float(cols.mean()), top + sketch.pen / 2


def _bottom_point(sketch: Sketch) -> Point:
    bottom = sketch.box()[1]
    cols = np.nonzero(sketch.ink[bottom - 5 : bottom + 1].any(0))[0]
    return float(cols.mean()), bottom - sketch.pen / 2


# --- the styles ---------------------------------------------------------------------------------------------------


def one_with_flag(
    digit: np.ndarray, rng: np.random.Generator, long_flag: bool, base: bool, slant: float | None = None
) -> np.ndarray | None:
    """A 1 with a flag down-left from its top (short or long), optionally a base, optionally slanted to ``slant``."""
    sketch = Sketch(digit)
    if slant is not None:
        (top_x, top_y), (bottom_x, bottom_y) = _top_point(sketch), _bottom_point(sketch)
        sketch.shear(slant - (top_x - bottom_x) / max(1.0, bottom_y - top_y))
    top, bottom, _, _ = sketch.box()
    height = bottom - top
    (top_x, top_y), (bottom_x, bottom_y) = _top_point(sketch), _bottom_point(sketch)
    length = height * (rng.uniform(0.32, 0.5) if long_flag else rng.uniform(0.15, 0.28))
    angle = np.radians(rng.uniform(25, 55))  # below the horizontal, towards the left
    sketch.line([(top_x, top_y), (top_x - length * np.cos(angle), top_y + length * np.sin(angle))])
    if base:
        half = height * rng.uniform(0.18, 0.3)
        shift = height * rng.uniform(-0.04, 0.04)
        sketch.line([(bottom_x - half + shift, bottom_y), (bottom_x + half + shift, bottom_y)])
    return sketch.field()


def seven_crossed(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """A 7 with a short bar across its stem, a little below the middle."""
    sketch = Sketch(digit)
    top, bottom, _, _ = sketch.box()
    height = bottom - top
    row = int(top + height * rng.uniform(0.45, 0.62))
    # The bar crosses the stem alone: from two pen widths above it down to it, every row holds only the narrow stem.
    # (A bar that touches the top stroke makes a fair 4 or 9.)
    for above in range(row - int(2 * sketch.pen), row + 1):
        cols = np.nonzero(sketch.ink[above])[0]
        if cols.size == 0 or cols.max() - cols.min() > 2.2 * sketch.pen:
            return None
    centre = float(cols.mean()) + height * rng.uniform(-0.04, 0.04)
    half = height * rng.uniform(0.16, 0.28)
    tilt = half * np.tan(np.radians(rng.uniform(-8, 8)))
    sketch.line([(centre - half, row + tilt), (centre + half, row - tilt)])
    return sketch.field()


def bar_crosses_stem(digit: np.ndarray) -> bool:
    """Whether a 4's crossbar reaches past its stem (else, closed at the top, it would be a fair 9).

    The crossbar is the widest row between 35 % and 80 % of the height; the stem is the ink below it, followed as a
    straight line up to the crossbar's row, where the bar must reach at least 3.5 px to its right.
    """
    mask = digit > 100
    rows = np.nonzero(mask.any(axis=1))[0]
    if rows.size < 8:
        return False
    top, bottom = rows.min(), rows.max()
    height = bottom - top
    band = np.arange(top + int(0.35 * height), top + int(0.8 * height))
    bar = int(band[np.argmax(mask[band].sum(axis=1))])
    below = [row for row in range(bar + 2, bottom + 1) if mask[row].any()]
    if len(below) < 3:
        return False
    centres = [np.nonzero(mask[row])[0].mean() for row in below]
    slope, intercept = np.polyfit(below, centres, 1)
    return bool(np.nonzero(mask[bar])[0].max() >= slope * bar + intercept + 3.5)


def four_closed(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """A 4 whose two upper strokes meet at the top, closing the triangle; its crossbar crosses the stem."""
    if not bar_crosses_stem(digit):
        return None
    sketch = Sketch(digit)
    top, bottom, left, right = sketch.box()
    centre = (left + right) / 2
    rows, cols = np.nonzero(sketch.ink[: top + (bottom - top) // 2])
    left_side, right_side = cols < centre - sketch.pen / 2, cols > centre
    if not left_side.any() or not right_side.any():
        return None
    arm = np.argmin(np.where(left_side, rows, 10**6))
    stem = np.argmin(np.where(right_side, rows, 10**6))
    lift = sketch.pen * rng.uniform(0, 0.6)
    sketch.line([(cols[arm], rows[arm]), (cols[stem], rows[stem] + lift)])
    field = sketch.field()
    return field if field is not None and has_hole(field, 4) else None


def as_written(digit: np.ndarray, rng: np.random.Generator, loop: bool) -> np.ndarray | None:
    """The MNIST digit itself, kept only if it has (``loop``) or has not an enclosed loop: open 4s, plain 2s."""
    field = Sketch(digit).field()
    return field if field is not None and has_hole(field) == loop else None


def nine_with_tail(digit: np.ndarray, rng: np.random.Generator, curved: bool) -> np.ndarray | None:
    """A 9 whose tail is redrawn below its loop: a straight stick, or a tail that curves back to the left."""
    if holes(digit > 90).sum() < 3:  # no loop at 28 px: skip the 4× work
        return None
    sketch = Sketch(digit)
    top, bottom, _, _ = sketch.box()
    height = bottom - top
    enclosed = holes(sketch.ink)
    rows, cols = np.nonzero(enclosed)
    if rows.size < 40 or rows.max() > top + 0.7 * height:
        return None
    loop_bottom = int(rows.max() + sketch.pen * 1.2)
    pixels = np.asarray(sketch.image).copy()
    pixels[loop_bottom:] = 0
    sketch.image = Image.fromarray(pixels)
    start = (float(cols.max()) + sketch.pen * 0.3, float(rows.mean() + rows.max()) / 2)
    end_y = top + height * rng.uniform(0.95, 1.05)
    if curved:
        end = (start[0] - height * rng.uniform(0.22, 0.38), end_y - height * rng.uniform(0.05, 0.15))
        control = (start[0] + height * rng.uniform(0.0, 0.06), end_y + height * 0.12)
        t = np.linspace(0, 1, 16)[:, None]
        curve = (1 - t) ** 2 * np.array(start) + 2 * (1 - t) * t * np.array(control) + t**2 * np.array(end)
        sketch.line([tuple(p) for p in curve])
    else:
        sketch.line([start, (start[0] - height * rng.uniform(-0.04, 0.16), end_y)])
    return sketch.field()


def two_with_loop(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """A 2 with a small loop where the diagonal meets the base."""
    sketch = Sketch(digit)
    top, bottom, _, _ = sketch.box()
    height = bottom - top
    rows, cols = np.nonzero(sketch.ink)
    low = rows > top + 0.6 * height
    corner = np.argmax(np.where(low, rows - cols, -(10**6)))
    x, y = float(cols[corner]), float(rows[corner])
    radius = height * rng.uniform(0.08, 0.13) + sketch.pen / 2
    cx, cy = x + radius * rng.uniform(0.5, 0.9), y - radius * rng.uniform(0.7, 1.0)
    t = np.linspace(0, 2 * np.pi, 24)
    ring = [(cx + radius * np.cos(a) * 1.15, cy + radius * np.sin(a)) for a in t]
    sketch.line(ring)
    field = sketch.field()
    return field if field is not None and has_hole(field, 2) else None


def two_narrow(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """A 2 written narrow: its top hook and diagonal squeezed towards the stem, its base kept wide.

    Each row is squeezed about the digit's centre, to 25–55 % at the top and 70–100 % at the base, so the hook
    becomes small and the stem steep: the 2 many writers make, which a network that learned based 1s reads as 1.
    """
    sketch = Sketch(digit)
    top, bottom, left, right = sketch.box()
    centre = (left + right) / 2 + (right - left) * rng.uniform(-0.1, 0.1)
    squeeze_top, squeeze_base = rng.uniform(0.25, 0.55), rng.uniform(0.7, 1.0)
    pixels = np.asarray(sketch.image, dtype=np.float32)
    columns = np.arange(SIDE, dtype=np.float32)
    squeezed = np.zeros_like(pixels)
    for row in range(top, bottom + 1):
        depth = (row - top) / max(1, bottom - top)
        scale = squeeze_top + (squeeze_base - squeeze_top) * depth**2.5
        # The output pixel at x shows the input at centre + (x - centre) / scale.
        squeezed[row] = np.interp(centre + (columns - centre) / scale, columns, pixels[row], left=0, right=0)
    sketch.image = Image.fromarray(np.clip(squeezed, 0, 255).astype(np.uint8))
    return sketch.field()


def low_resolution(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """The digit as a coarse scan: a 32 px binary bitmap counted in 4×4 blocks (8×8 cells, 0–16 each), enlarged
    smoothly back to 32 px and read through the app's whole preprocessing.

    This is how the UCI optdigits set was made, which is why it is the test of it; the digits here are MNIST's, and
    the bitmap's threshold, width and grid phase are random, so what is learned is reading a blurred, blocky digit.
    """
    rows, cols = np.nonzero(digit > 30)
    crop = digit[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    height = int(rng.integers(26, 33))
    width = int(np.clip(round(crop.shape[1] * height / crop.shape[0] * rng.uniform(0.9, 1.4)), 2, 30))
    shape = np.asarray(Image.fromarray(crop).resize((width, height), Image.Resampling.BILINEAR))
    bitmap = np.zeros((36, 36), dtype=bool)
    top, left = int(rng.integers(0, 36 - height + 1)), int(rng.integers(0, 36 - width + 1))
    bitmap[top : top + height, left : left + width] = shape > rng.uniform(60, 160)
    phase_row, phase_col = (int(v) for v in rng.integers(0, 4, size=2))
    blocks = bitmap[phase_row : phase_row + 32, phase_col : phase_col + 32].reshape(8, 4, 8, 4).sum(axis=(1, 3))
    if blocks.max() == 0:
        return None
    paper = Image.fromarray(np.round(255 - blocks * (255 / 16)).astype(np.uint8))
    tensor = preprocess(paper.resize((32, 32), Image.Resampling.BILINEAR))
    return None if tensor is None else tensor[0].numpy()


def skeleton(mask: np.ndarray) -> np.ndarray:
    """Zhang–Suen thinning: the one-pixel centre line of a binary ``mask``."""
    image = np.pad(mask.astype(bool), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = image
            p2, p3, p4 = p[:-2, 1:-1], p[:-2, 2:], p[1:-1, 2:]
            p5, p6, p7 = p[2:, 2:], p[2:, 1:-1], p[2:, :-2]
            p8, p9 = p[1:-1, :-2], p[:-2, :-2]
            ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2]
            neighbours = sum(n.astype(np.int8) for n in ring[:8])
            transitions = sum((~a & b).astype(np.int8) for a, b in zip(ring[:8], ring[1:]))
            if step == 0:
                keep_a, keep_b = p2 & p4 & p6, p4 & p6 & p8
            else:
                keep_a, keep_b = p2 & p4 & p8, p2 & p6 & p8
            remove = p[1:-1, 1:-1] & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1) & ~keep_a & ~keep_b
            if remove.any():
                image = image.copy()
                image[1:-1, 1:-1] &= ~remove
                changed = True
        if not changed:
            return image[1:-1, 1:-1]


def canvas_drawing(
    digit: np.ndarray, rng: np.random.Generator, thick: bool, height: float | None = None
) -> Image.Image:
    """The digit re-drawn on the app's 280 px canvas (dark ink on white), as a person with a pen would draw it.

    The digit's centre line (its skeleton at 4×) is inked with a round pen. ``thick``: drawn small (50–110 px
    tall) with the canvas's 22 px brush, the case that made a small 3 a blob. Otherwise drawn large (160–250 px)
    with a 2–4 px pen, far thinner than MNIST's strokes once scaled down. ``height``: drawn this tall instead.
    """
    sketch = Sketch(digit)
    top, bottom, left, right = sketch.box()
    centre_line = skeleton(sketch.ink[top : bottom + 1, left : right + 1])
    drawn_height = rng.uniform(50, 110) if thick else rng.uniform(160, 250)  # drawn always: the same random stream
    height = drawn_height if height is None else height
    pen = CANVAS_BRUSH if thick else int(rng.integers(2, 5))
    scale = height / (bottom - top + 1)
    rows, cols = np.nonzero(centre_line)
    side = CANVAS_SIDE
    extent_x, extent_y = (right - left + 1) * scale + pen, height + pen
    offset_x = rng.uniform(pen / 2, max(pen / 2 + 1, side - extent_x))
    offset_y = rng.uniform(pen / 2, max(pen / 2 + 1, side - extent_y))
    canvas = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(canvas)
    radius = pen / 2
    for row, col in zip(rows, cols):
        x, y = offset_x + col * scale, offset_y + row * scale
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    # Neighbouring skeleton pixels become dabs up to `scale` px apart; join 8-connected neighbours with pen lines.
    points = set(zip(rows.tolist(), cols.tolist()))
    for row, col in points:
        for d_row, d_col in ((0, 1), (1, 0), (1, 1), (1, -1)):
            if (row + d_row, col + d_col) in points:
                start = (offset_x + col * scale, offset_y + row * scale)
                end = (offset_x + (col + d_col) * scale, offset_y + (row + d_row) * scale)
                draw.line([start, end], fill=0, width=max(1, round(pen)))
    return canvas.filter(ImageFilter.GaussianBlur(0.7))


def on_canvas(
    digit: np.ndarray, rng: np.random.Generator, thick: bool, height: float | None = None
) -> np.ndarray | None:
    """:func:`canvas_drawing` read through the app's whole preprocessing (stroke width normalised included)."""
    tensor = preprocess(canvas_drawing(digit, rng, thick, height))
    return None if tensor is None else tensor[0].numpy()


def loop_count(field: np.ndarray, threshold: float = 0.35, minimum: int = 2) -> int:
    """How many separate enclosed loops (of at least ``minimum`` pixels) a 28×28 field has: 0 for a 1, 2 for an 8."""
    enclosed = holes(field > threshold)
    seen = np.zeros_like(enclosed)
    count = 0
    for start in zip(*np.nonzero(enclosed)):
        if seen[start]:
            continue
        stack, size = [start], 0
        seen[start] = True
        while stack:
            row, col = stack.pop()
            size += 1
            for r, c in ((row + 1, col), (row - 1, col), (row, col + 1), (row, col - 1)):
                if 0 <= r < enclosed.shape[0] and 0 <= c < enclosed.shape[1] and enclosed[r, c] and not seen[r, c]:
                    seen[r, c] = True
                    stack.append((r, c))
        count += size >= minimum
    return count


def on_canvas_loops_kept(digit: np.ndarray, rng: np.random.Generator, thick: bool) -> np.ndarray | None:
    """:func:`on_canvas`, skipping drawings whose loops differ from the digit's: the fat brush filled them (a small
    6 or 0 drawn as a blob) or the thin pen's centre line lost a faint part. Evaluation only: it shows how many of
    the canvas styles' misreads are drawings no reader could read as that digit."""
    field = on_canvas(digit, rng, thick)
    return field if field is not None and loop_count(field) == loop_count(digit / 255) else None


# --- the catalogue ------------------------------------------------------------------------------------------------

StyleMaker = Callable[[np.ndarray, np.random.Generator], "np.ndarray | None"]

#: Styles only evaluated, not added to training: MNIST's own digits, only sorted (MNIST has them already), and the
#: canvas styles without the drawings whose loops the pen filled or lost.
SORTED_ONLY = ("4_open", "2_plain", "thin_loops_kept", "thick_loops_kept")

#: Every style: name → (the digit it is made from, what it says, the maker).
STYLES: dict[str, tuple[int | None, str, StyleMaker]] = {
    "1_short_flag": (1, "1 with a short flag, no base", lambda d, r: one_with_flag(d, r, False, False)),
    "1_long_flag": (1, "1 with a long flag, no base", lambda d, r: one_with_flag(d, r, True, False)),
    "1_short_flag_base": (1, "1 with a short flag and a base", lambda d, r: one_with_flag(d, r, False, True)),
    "1_long_flag_base": (1, "1 with a long flag and a base", lambda d, r: one_with_flag(d, r, True, True)),
    "1_flag_slant_right": (
        1,
        "1 with a flag (either length, base or not), slanted right",
        lambda d, r: one_with_flag(d, r, bool(r.integers(2)), bool(r.integers(2)), r.uniform(0.2, 0.4)),
    ),
    "1_flag_slant_left": (
        1,
        "1 with a flag (either length, base or not), slanted left",
        lambda d, r: one_with_flag(d, r, bool(r.integers(2)), bool(r.integers(2)), -r.uniform(0.1, 0.3)),
    ),
    "7_crossed": (7, "7 with a bar across its stem", seven_crossed),
    "4_open": (4, "4 open at the top (MNIST's own open 4s)", lambda d, r: as_written(d, r, loop=False)),
    "4_closed": (4, "4 closed at the top (a stroke joins the two upper strokes)", four_closed),
    "9_straight_tail": (9, "9 with a straight tail", lambda d, r: nine_with_tail(d, r, curved=False)),
    "9_curved_tail": (9, "9 with a tail curving back to the left", lambda d, r: nine_with_tail(d, r, curved=True)),
    "2_loop": (2, "2 with a loop where the diagonal meets the base", two_with_loop),
    "2_plain": (2, "2 without a loop (MNIST's own)", lambda d, r: as_written(d, r, loop=False)),
    "2_narrow": (2, "2 written narrow: small hook, steep stem, wide base", two_narrow),
    "low_resolution": (None, "any digit scanned coarsely: 8×8 cells of a 32 px bitmap, enlarged again", low_resolution),
    "thin": (None, "any digit drawn large with a 2–4 px pen (280 px canvas)", lambda d, r: on_canvas(d, r, False)),
    "thick": (None, "any digit drawn small with the 22 px brush (280 px canvas)", lambda d, r: on_canvas(d, r, True)),
    "thin_loops_kept": (
        None,
        "thin, skipping drawings whose loops differ from the digit's",
        lambda d, r: on_canvas_loops_kept(d, r, False),
    ),
    "thick_loops_kept": (
        None,
        "thick, skipping drawings whose loops the brush filled",
        lambda d, r: on_canvas_loops_kept(d, r, True),
    ),
}


def make_style(name: str, digit: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """One MNIST digit (28×28 uint8) in style ``name`` → a 28×28 float32 field in [0, 1]; None if it does not fit."""
    return STYLES[name][2](digit, rng)


def style_set(
    name: str, images: np.ndarray, labels: np.ndarray, count: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` fields in style ``name`` from ``images``/``labels`` (MNIST, uint8), with their labels.

    Digits are drawn at random (seeded) from those the style is made from; ones the edit does not fit are skipped.
    Returns ``(count×28×28 uint8 fields, count int64 labels)``.
    """
    rng = np.random.default_rng(seed)
    source = STYLES[name][0]
    pool = np.nonzero(labels == source)[0] if source is not None else np.arange(len(labels))
    fields, kept = [], []
    for _ in range(count * 20):
        if len(fields) == count:
            break
        index = int(pool[rng.integers(len(pool))])
        field = make_style(name, images[index], rng)
        if field is not None:
            fields.append(np.round(field * 255).astype(np.uint8))
            kept.append(int(labels[index]))
    return np.stack(fields), np.array(kept, dtype=np.int64)
