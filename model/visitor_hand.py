"""One visitor's hand: every digit drawn with the same pen, size and slant, on the canvas or photographed.

Teaching is judged on what one visitor draws, not on MNIST: after a correction, that visitor's *other* digits, drawn
by the same hand, must read as they did. A :class:`Hand` re-draws any 28×28 digit (an MNIST test digit, or one of
:mod:`model.styles`' edited digits) along its centre line with the hand's round pen, at the hand's height and slant,
on the app's 280 px canvas, and reads it through the app's whole preprocessing. A photographed hand puts the drawing
on a sheet of paper with uneven light, grain and a dark table edge along one side, as a phone photo of a sheet does.

    hand = Hand(pen=12, height=190, slant=0.15)
    fields = hand.fields(digits, seed=1)          # N×28×28 float32, as the app reads them
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from model.preprocess import ink_map, mnist_field
from model.styles import CANVAS_SIDE, Sketch, skeleton

Point = tuple[float, float]
Stroke = Sequence[Point]


@dataclass(frozen=True)
class Hand:
    """How one visitor draws: pen width and digit height in canvas pixels, slant (x shift per unit of height up)."""

    pen: int
    height: float
    slant: float = 0.0
    photo: bool = False  # photographed on paper with a dark table edge, instead of drawn on the canvas

    def _canvas(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        canvas = Image.new("L", (CANVAS_SIDE, CANVAS_SIDE), 255)
        return canvas, ImageDraw.Draw(canvas)

    def _dab_line(self, draw: ImageDraw.ImageDraw, points: Sequence[Point]) -> None:
        """A round-pen stroke through ``points`` (canvas pixels)."""
        draw.line(list(points), fill=0, width=self.pen, joint="curve")
        radius = self.pen / 2
        for x, y in points:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)

    def _place(self, rng: np.random.Generator, width: float) -> tuple[float, float, float]:
        """(scale jitter, x offset, y offset) of one drawing: the same hand wobbles ±6% in size and moves about."""
        height = self.height * rng.uniform(0.94, 1.06)
        room_x = max(1.0, CANVAS_SIDE - width * height - self.pen - 2 * abs(self.slant) * height)
        room_y = max(1.0, CANVAS_SIDE - height - self.pen)
        x0 = rng.uniform(0, room_x) + self.pen / 2 + abs(self.slant) * height
        return height, x0, rng.uniform(0, room_y) + self.pen / 2

    def draw_digit(self, digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
        """A 28×28 digit (uint8 or [0, 1]) re-drawn along its centre line in this hand."""
        digit = np.asarray(digit)
        digit = (np.clip(digit, 0, 1) * 255).astype(np.uint8) if digit.dtype != np.uint8 else digit
        sketch = Sketch(digit)
        top, bottom, left, right = sketch.box()
        line = skeleton(sketch.ink[top : bottom + 1, left : right + 1])
        rows, cols = np.nonzero(line)
        box_height = bottom - top + 1
        height, x0, y0 = self._place(rng, (right - left + 1) / box_height)
        scale = height / box_height
        points = {(r, c) for r, c in zip(rows.tolist(), cols.tolist())}
        canvas, draw = self._canvas()

        def at(row: int, col: int) -> Point:
            return x0 + col * scale + self.slant * (box_height - row) * scale, y0 + row * scale

        for row, col in points:
            x, y = at(row, col)
            draw.ellipse((x - self.pen / 2, y - self.pen / 2, x + self.pen / 2, y + self.pen / 2), fill=0)
            for d_row, d_col in ((0, 1), (1, 0), (1, 1), (1, -1)):
                if (row + d_row, col + d_col) in points:
                    draw.line([at(row, col), at(row + d_row, col + d_col)], fill=0, width=self.pen)
        return self._finish(canvas.filter(ImageFilter.GaussianBlur(0.7)), rng)

    def draw_strokes(self, strokes: Sequence[Stroke], rng: np.random.Generator) -> Image.Image:
        """Strokes in unit-box fractions (x right, y down) drawn in this hand, with a little wobble."""
        height, x0, y0 = self._place(rng, 0.8)
        canvas, draw = self._canvas()
        for stroke in strokes:
            points = [
                (
                    x0 + (x + rng.normal(0, 0.015)) * 0.8 * height + self.slant * (1 - y) * height,
                    y0 + (y + rng.normal(0, 0.015)) * height,
                )
                for x, y in stroke
            ]
            self._dab_line(draw, points)
        return self._finish(canvas.filter(ImageFilter.GaussianBlur(0.7)), rng)

    def _finish(self, canvas: Image.Image, rng: np.random.Generator) -> Image.Image:
        return photograph(canvas, rng) if self.photo else canvas

    def read(self, image: Image.Image) -> np.ndarray:
        """The app's preprocessing of one drawing → its 28×28 field (an empty field if nothing is found)."""
        field = mnist_field(ink_map(image))
        return np.zeros((28, 28), np.float32) if field is None else field

    def fields(self, digits: np.ndarray, seed: int) -> np.ndarray:
        """Each 28×28 digit in ``digits`` re-drawn in this hand and read as the app reads it → ``N×28×28``."""
        rng = np.random.default_rng(seed)
        return np.stack([self.read(self.draw_digit(digit, rng)) for digit in digits])

    def stroke_fields(self, strokes: Sequence[Stroke], count: int, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        return np.stack([self.read(self.draw_strokes(strokes, rng)) for _ in range(count)])


TABLE_EDGE = 0.2  # how much darker than the paper the table shows along the bottom (the ink is ~0.55 darker)


def photograph(canvas: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A canvas drawing as a phone photo of a sheet: grey paper lit unevenly, grain, softer ink, and a dark table
    edge along the bottom (the sheet did not fill the frame)."""
    ink = 1 - np.asarray(canvas, np.float32) / 255
    side = ink.shape[0]
    ys, xs = np.mgrid[0:side, 0:side] / side
    angle = rng.uniform(0, 2 * math.pi)
    light = 0.78 + 0.1 * (math.cos(angle) * (xs - 0.5) + math.sin(angle) * (ys - 0.5))
    paper = light + rng.normal(0, 0.02, ink.shape)
    pixels = paper * (1 - 0.75 * ink)
    edge = int(side * rng.uniform(0.04, 0.08))
    pixels[side - edge :] -= TABLE_EDGE * np.linspace(0.5, 1, edge)[:, None]
    image = Image.fromarray((np.clip(pixels, 0, 1) * 255).astype(np.uint8))
    return image.filter(ImageFilter.GaussianBlur(1.0))
