"""The project's own photo set: MNIST *test* digits written on paper and photographed under the conditions people
really upload (issue 17): shadow, camera vignette, the table along one or two edges, a sheet on a desk, a printed
frame, graph paper, ruled paper, pencil, and a phone photo (perspective, rotation, blur, noise, JPEG, colour cast).

Deterministic by seed, no Gradio. Only for measuring: never train on it. The digits come from the slice the
repository ships (``tests/data/mnist_test_2000.npz``: 2,000 MNIST test digits), so a fresh clone can make the set.

    photo = make_photo(digit, label, "table_one_edge", np.random.default_rng(3))   # Photo(image=RGB PIL, ...)
    photos = photo_set("shadow", images, labels, count=100, seed=1)                # all ten digits, in turn
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from model.styles import skeleton

SKELETON_HEIGHT = 112  # the digit's centre line is found at this height (px)
SLICE = Path(__file__).resolve().parent.parent / "tests" / "data" / "mnist_test_2000.npz"

#: Each condition, and what it is. "clean" is the control: the same digits and pens on flat, evenly lit paper.
CONDITIONS = {
    "clean": "flat, evenly lit paper (the control)",
    "shadow": "a soft shadow across the sheet, down to ×0.45 at one edge",
    "vignette": "camera vignette: corners at ×0.45–0.65",
    "table_one_edge": "the dark table showing along one edge (10–20 % of the picture)",
    "table_two_edges": "the table along two adjacent edges",
    "sheet_on_desk": "a slightly rotated sheet on a desk, the desk all around",
    "printed_frame": "a printed box around the digit",
    "graph_paper": "graph paper (5 mm squares, darker every 5th line)",
    "ruled_paper": "ruled paper (blue lines, a red margin on some)",
    "pencil": "written in pencil: grey, faint and grainy",
    "phone_photo": "a phone photo: perspective, rotation, blur, noise, colour cast, JPEG",
}

#: Pens: (ink colour RGB, stroke width as a fraction of the digit's height, opacity).
PENS = {
    "ballpoint_blue": ((35, 55, 150), 0.035, 0.9),
    "ballpoint_black": ((30, 30, 35), 0.035, 0.92),
    "gel_black": ((15, 15, 20), 0.05, 0.97),
    "felt_tip": ((20, 20, 25), 0.09, 1.0),
    "marker_blue": ((20, 40, 120), 0.13, 0.95),
}
PENCIL = ((70, 70, 75), 0.045, 0.6)


@dataclass
class Photo:
    image: Image.Image  # RGB
    label: int
    condition: str
    pen: str
    box: tuple[int, int, int, int]  # the digit's ink: (left, top, right, bottom) in the image's pixels
    plain: Image.Image  # the same digit, pen, size and place on the same paper, under no condition (the control)


def load_slice(path: Path = SLICE) -> tuple[np.ndarray, np.ndarray]:
    """The shipped MNIST test slice: ``N×28×28`` uint8 images (white on black) and ``N`` labels."""
    with np.load(path) as data:
        return data["images"], data["labels"].astype(np.int64)


# --- the digit as ink ---------------------------------------------------------------------------------------------


def digit_alpha(digit: np.ndarray, height: int, stroke: float, rng: np.random.Generator) -> np.ndarray:
    """A 28×28 MNIST digit re-written with a round pen: its centre line (skeleton) traced ``stroke`` px wide,
    ``height`` px tall; the pen's coverage in [0, 1] (H×W float32, a margin of the pen's width around it)."""
    rows, cols = np.nonzero(digit > 30)
    crop = digit[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].astype(np.float32)
    width = max(1, round(crop.shape[1] * SKELETON_HEIGHT / crop.shape[0]))
    big = cv2.resize(crop, (width, SKELETON_HEIGHT), interpolation=cv2.INTER_CUBIC)
    centre_line = skeleton(big > rng.uniform(90, 130))
    scale, pad = height / SKELETON_HEIGHT, int(stroke) + 2
    alpha = np.zeros((height + 2 * pad, round(width * scale) + 2 * pad), np.float32)
    points = set(zip(*np.nonzero(centre_line)))
    thickness = max(1, round(stroke))
    for row, col in points:
        start = (round((pad + col * scale) * 16), round((pad + row * scale) * 16))
        cv2.circle(alpha, start, thickness * 8, 1.0, -1, cv2.LINE_AA, shift=4)
        for d_row, d_col in ((0, 1), (1, 0), (1, 1), (1, -1)):
            if (row + d_row, col + d_col) in points:
                end = (round((pad + (col + d_col) * scale) * 16), round((pad + (row + d_row) * scale) * 16))
                cv2.line(alpha, start, end, 1.0, thickness, cv2.LINE_AA, shift=4)
    return alpha


def _ink_box(alpha: np.ndarray, left: int, top: int) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero(alpha > 0.3)
    return left + int(cols.min()), top + int(rows.min()), left + int(cols.max()) + 1, top + int(rows.max()) + 1


def write(
    sheet: np.ndarray, alpha: np.ndarray, centre: tuple[float, float], ink: tuple[int, int, int], opacity: float
) -> tuple[int, int, int, int]:
    """Write the pen's ``alpha`` onto ``sheet`` (H×W×3 float, 0–255, changed in place), centred at ``centre``
    ``(x, y)`` px; returns the ink's box (left, top, right, bottom)."""
    height, width = alpha.shape
    left = int(np.clip(round(centre[0] - width / 2), 0, sheet.shape[1] - width))
    top = int(np.clip(round(centre[1] - height / 2), 0, sheet.shape[0] - height))
    region = sheet[top : top + height, left : left + width]
    cover = (alpha * opacity)[..., None]
    # Ink absorbs: the paper's own colour (and any light on it) shows through in proportion.
    region[:] = region * (1 - cover) + region * (np.array(ink, np.float32) / 255) * cover
    return _ink_box(alpha, left, top)


# --- paper, light and surroundings --------------------------------------------------------------------------------


def paper(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """A sheet filling the picture: near-white, slightly warm or cool, with a faint grain (H×W×3 float, 0–255)."""
    level = rng.uniform(215, 248)
    tint = np.array([1.0, rng.uniform(0.98, 1.0), rng.uniform(0.93, 1.0)], np.float32)
    grain = cv2.GaussianBlur(rng.normal(0, 2.5, (height, width)).astype(np.float32), (0, 0), 1.2)
    return np.clip((level + grain)[..., None] * tint, 0, 255).astype(np.float32)


def lines(sheet: np.ndarray, rng: np.random.Generator, graph: bool) -> None:
    """Ruled lines (``graph=False``: blue, sometimes a red margin) or a graph-paper grid, printed onto ``sheet``."""
    height, width = sheet.shape[:2]
    colour = np.array([(120, 160, 215), (130, 190, 160), (160, 160, 170)][rng.integers(3)], np.float32)
    layer = np.zeros((height, width), np.float32)
    if graph:
        step = min(height, width) * rng.uniform(0.025, 0.045)
        for index, position in enumerate(np.arange(rng.uniform(0, step), max(height, width), step)):
            thick = 2 if index % 5 == 0 else 1
            cv2.line(layer, (0, int(position)), (width, int(position)), 1.0, thick)
            cv2.line(layer, (int(position), 0), (int(position), height), 1.0, thick)
        strength = rng.uniform(0.35, 0.6)
    else:
        step = height * rng.uniform(0.045, 0.075)
        for position in np.arange(rng.uniform(0.05, 0.1) * height, height, step):
            cv2.line(layer, (0, int(position)), (width, int(position)), 1.0, int(rng.integers(1, 3)))
        strength = rng.uniform(0.45, 0.75)
    layer = cv2.GaussianBlur(layer, (0, 0), 0.6) * strength
    tinted = sheet * (colour / 255)
    sheet[:] = sheet * (1 - layer[..., None]) + tinted * layer[..., None]
    if not graph and rng.random() < 0.5:  # the red margin
        x = int(width * rng.uniform(0.08, 0.15))
        margin = np.zeros((height, width), np.float32)
        cv2.line(margin, (x, 0), (x, height), 0.7, 2)
        margin = cv2.GaussianBlur(margin, (0, 0), 0.6)[..., None]
        sheet[:] = sheet * (1 - margin) + sheet * (np.array([220, 90, 90], np.float32) / 255) * margin


def frame(sheet: np.ndarray, box: tuple[int, int, int, int], rng: np.random.Generator) -> None:
    """A printed box around ``box`` (left, top, right, bottom), with a margin of 10–35 % of the digit's height."""
    left, top, right, bottom = box
    margin = (bottom - top) * rng.uniform(0.1, 0.35)
    height, width = sheet.shape[:2]
    corners = (
        int(max(2, left - margin * rng.uniform(0.8, 1.6))),
        int(max(2, top - margin)),
        int(min(width - 3, right + margin * rng.uniform(0.8, 1.6))),
        int(min(height - 3, bottom + margin)),
    )
    thickness = int(rng.integers(2, max(3, min(height, width) // 150) + 1))
    shade = float(rng.uniform(20, 70))
    cv2.rectangle(sheet, corners[:2], corners[2:], (shade, shade, shade), thickness)


def light(height: int, width: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    """A multiplicative light field (H×W float): ``"shadow"`` (a soft edge or a ramp) or ``"vignette"``."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    if kind == "vignette":
        r2 = ((xs - width / 2) / (width / 2)) ** 2 + ((ys - height / 2) / (height / 2)) ** 2
        corner = rng.uniform(0.45, 0.65)
        return 1 - (1 - corner) * np.clip(r2 / 2, 0, 1) ** rng.uniform(0.8, 1.3)
    angle = rng.uniform(0, 2 * np.pi)
    along = (xs - width / 2) * np.cos(angle) + (ys - height / 2) * np.sin(angle)
    along = along / np.abs(along).max()  # −1 at the darkest edge, 1 at the far one
    darkest = rng.uniform(0.45, 0.6)
    if rng.random() < 0.5:  # a ramp across the sheet
        return darkest + (1 - darkest) * np.clip((along + 1) / rng.uniform(1.2, 2.0), 0, 1)
    edge = rng.uniform(-0.7, -0.35)  # a soft-edged shadow (a hand, a phone) over part of the sheet
    softness = rng.uniform(0.05, 0.2)
    return darkest + (1 - darkest) / (1 + np.exp(-(along - edge) / softness))


def surroundings(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """A table or desk colour (RGB float) and its name."""
    choices = [((40, 40, 40), "dark"), ((95, 65, 45), "wood"), ((130, 95, 60), "light wood"), ((70, 80, 95), "grey")]
    colour, name = choices[rng.integers(len(choices))]
    return np.array(colour, np.float32) * rng.uniform(0.85, 1.15), name


def table(sheet: np.ndarray, edges: list[str], rng: np.random.Generator) -> dict[str, int]:
    """The table showing along ``edges`` (``left``, ``right``, ``top``, ``bottom``) of the picture, each 10–20 % of
    it, with a slightly tilted sheet edge; returns each strip's width in px at its widest."""
    height, width = sheet.shape[:2]
    colour, _ = surroundings(rng)
    texture = cv2.GaussianBlur(rng.normal(0, 6, (height, width)).astype(np.float32), (0, 0), 1.0)
    covered = np.zeros((height, width), np.uint8)
    widths = {}
    for edge in edges:
        side = width if edge in ("left", "right") else height
        near, far = side * rng.uniform(0.1, 0.2), side * rng.uniform(0.1, 0.2)
        widths[edge] = int(max(near, far))
        polygon = {
            "left": [(0, 0), (near, 0), (far, height), (0, height)],
            "right": [(width, 0), (width - near, 0), (width - far, height), (width, height)],
            "top": [(0, 0), (0, near), (width, far), (width, 0)],
            "bottom": [(0, height), (0, height - near), (width, height - far), (width, height)],
        }[edge]
        cv2.fillPoly(covered, [np.array(polygon, np.int32)], 1)
    soft = cv2.GaussianBlur(covered.astype(np.float32), (0, 0), 1.0)[..., None]
    surface = colour + texture[..., None]
    sheet[:] = sheet * (1 - soft) + surface * soft
    return widths


def on_desk(sheet: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The sheet shrunk to 65–85 % of the picture, turned by up to ±8°, lying on a desk (returns a new array)."""
    height, width = sheet.shape[:2]
    colour, _ = surroundings(rng)
    scale = rng.uniform(0.65, 0.85)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-8, 8), scale)
    matrix[:, 2] += rng.uniform(-0.05, 0.05, 2) * (width, height)
    desk = np.empty_like(sheet)
    desk[:] = colour
    grain = cv2.GaussianBlur(rng.normal(0, 8, (height, width)).astype(np.float32), (0, 0), 4.0, sigmaY=0.8)
    desk += grain[..., None]
    placed = cv2.warpAffine(sheet, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    cover = cv2.warpAffine(np.ones((height, width), np.float32), matrix, (width, height), flags=cv2.INTER_LINEAR)
    shadow = cv2.GaussianBlur(cover, (0, 0), min(height, width) * 0.01)
    desk *= 1 - 0.35 * shadow[..., None]
    return placed * cover[..., None] + desk * (1 - cover[..., None])


def phone(sheet: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What a phone's camera adds: a slight perspective and turn, uneven light, a colour cast, blur and noise."""
    height, width = sheet.shape[:2]
    jitter = rng.uniform(-0.04, 0.04, (4, 2)) * (width, height)
    source = np.array([(0, 0), (width, 0), (width, height), (0, height)], np.float32)
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-6, 6), 1.0)
    destination = (cv2.transform(source[None], turn)[0] + jitter).astype(np.float32)
    # Map so the picture stays filled with the sheet: warp towards the corners, reflecting at the picture's edge.
    warp = cv2.getPerspectiveTransform(destination, source)
    out = cv2.warpPerspective(sheet, warp, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    out *= light(height, width, "vignette", rng)[..., None] * 0.5 + 0.5 + rng.uniform(-0.05, 0.05)
    out *= np.array([1.0, rng.uniform(0.92, 1.03), rng.uniform(0.82, 0.97)], np.float32)[rng.permutation(3)]
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.8, 1.8))
    return out + rng.normal(0, rng.uniform(2, 6), out.shape).astype(np.float32)


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    """``image`` after a round trip through JPEG at ``quality``."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


# --- one photo ---------------------------------------------------------------------------------------------------


def _size(condition: str, rng: np.random.Generator) -> tuple[int, int]:
    """(height, width): a phone photo is large, the others 480–1,280 px, landscape, portrait or square."""
    long_side = int(rng.integers(1400, 2017)) if condition == "phone_photo" else int(rng.integers(480, 1281))
    aspect = [1.0, 0.75, 4 / 3][rng.integers(3)]
    return (long_side, round(long_side * aspect)) if aspect <= 1 else (round(long_side / aspect), long_side)


def _pen(condition: str, rng: np.random.Generator) -> tuple[str, tuple]:
    if condition == "pencil":
        return "pencil", PENCIL
    name = list(PENS)[rng.integers(len(PENS))]
    return name, PENS[name]


def _pencil_grain(alpha: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Graphite leaves specks of paper showing through, and presses harder in some places."""
    grain = np.clip(rng.normal(0.75, 0.25, alpha.shape), 0.15, 1).astype(np.float32)
    pressure = cv2.resize(rng.uniform(0.65, 1.0, (4, 4)).astype(np.float32), alpha.shape[::-1])
    return alpha * grain * pressure


def _place(side: int, size: int, keep: float, rng: np.random.Generator) -> float:
    """A centre for ``size`` px of ink along a ``side`` px picture, at least ``keep`` of the side from its ends."""
    low, high = side * keep + size / 2, side * (1 - keep) - size / 2
    return float(rng.uniform(low, high)) if high > low else side / 2


def make_photo(digit: np.ndarray, label: int, condition: str, rng: np.random.Generator) -> Photo:
    """One 28×28 MNIST digit (uint8, white on black) written on paper and photographed under ``condition``."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; choose from {list(CONDITIONS)}")
    height, width = _size(condition, rng)
    sheet = paper(height, width, rng)
    plain = sheet.copy()  # the control twin: the same digit, pen, size and place on the same paper, nothing else
    if condition in ("graph_paper", "ruled_paper"):
        lines(sheet, rng, graph=condition == "graph_paper")
    pen_name, (ink, stroke_fraction, opacity) = _pen(condition, rng)
    digit_height = int(min(height, width) * rng.uniform(0.22, 0.5))
    alpha = digit_alpha(digit, digit_height, max(2.0, stroke_fraction * digit_height * rng.uniform(0.8, 1.25)), rng)
    if condition == "pencil":
        alpha = _pencil_grain(alpha, rng)
    # Where the digit goes: away from the table strips and the desk (a person writes on the sheet).
    keep = 0.25 if condition in ("table_one_edge", "table_two_edges", "sheet_on_desk") else 0.1
    centre = (_place(width, alpha.shape[1], keep, rng), _place(height, alpha.shape[0], keep, rng))
    opacity *= rng.uniform(0.9, 1.0)
    box = write(sheet, alpha, centre, ink, opacity)
    write(plain, alpha, centre, ink, opacity)
    if condition == "printed_frame":
        frame(sheet, box, rng)
    if condition in ("shadow", "vignette"):
        sheet *= light(height, width, condition, rng)[..., None]
    elif condition == "table_one_edge":
        table(sheet, [["left", "right", "top", "bottom"][rng.integers(4)]], rng)
    elif condition == "table_two_edges":
        table(sheet, [["left", "right"][rng.integers(2)], ["top", "bottom"][rng.integers(2)]], rng)
    elif condition == "sheet_on_desk":
        sheet = on_desk(sheet, rng)
    elif condition == "phone_photo":
        sheet = phone(sheet, rng)
    sheet = sheet + rng.normal(0, 1.5, sheet.shape).astype(np.float32)  # every camera has some noise
    image = Image.fromarray(np.clip(sheet, 0, 255).astype(np.uint8), "RGB")
    if condition == "phone_photo":
        image = jpeg(image, int(rng.integers(55, 86)))
    twin = Image.fromarray(np.clip(plain, 0, 255).astype(np.uint8), "RGB")
    return Photo(image=image, label=int(label), condition=condition, pen=pen_name, box=box, plain=twin)


def photo_set(condition: str, images: np.ndarray, labels: np.ndarray, count: int, seed: int) -> list[Photo]:
    """``count`` photos under ``condition``: the digits 0–9 in turn, each a random test digit of that label."""
    rng = np.random.default_rng(seed)
    by_label = [np.nonzero(labels == digit)[0] for digit in range(10)]
    photos = []
    for index in range(count):
        label = index % 10
        pick = int(rng.choice(by_label[label]))
        photos.append(make_photo(images[pick], label, condition, rng))
    return photos
