"""Canvas-like drawings made from MNIST digits, to test the preprocessing the way people really draw.

Each MNIST digit is re-drawn as a hard-edged stroke (its upscaled shape thresholded, then thickened or thinned),
big or small, anywhere on a 280–1024 px canvas, in one of the styles a browser or an upload produces: dark ink on
white, coloured ink, white on black, a transparent Sketchpad layer (RGB 0, ink in alpha), coloured ink on a
transparent background, or greyscale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

STYLES = ("black_on_white", "colour_on_white", "white_on_black", "sketchpad_layer", "colour_on_transparent", "grey")


@dataclass
class Canvas:
    image: Image.Image
    style: str
    side: int
    digit_height: int
    stroke_change: int  # >0 thickened, <0 thinned, by that many px of a max/min filter


def draw_canvas(digit: np.ndarray, rng: np.random.Generator, style: str | None = None) -> Canvas:
    """Re-draw one 28×28 uint8 MNIST digit as a canvas drawing with random size, place, stroke and style."""
    style = style or STYLES[rng.integers(len(STYLES))]
    side = int(rng.integers(280, 1025))
    rows, cols = np.nonzero(digit > 30)
    crop = digit[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    digit_height = int(side * rng.uniform(0.2, 0.85))
    scale = digit_height / crop.shape[0]
    width = max(1, min(side - 2, round(crop.shape[1] * scale)))
    height = min(side - 2, digit_height)
    shape = Image.fromarray(crop).resize((width, height), Image.Resampling.BICUBIC)
    cut = int(rng.uniform(70, 170))  # where the scan's soft edge is cut: a thinner or thicker pen
    mask = shape.point(lambda v: 255 if v > cut else 0)
    # Vary the stroke width relative to the digit: thicker or thinner than the scan's own.
    stroke_change = int(rng.integers(-1, 3)) * max(1, height // 60)
    if stroke_change:
        # Blur, then cut low (thicker) or high (thinner): a cheap dilation/erosion by about stroke_change px.
        blurred = mask.filter(ImageFilter.BoxBlur(abs(stroke_change)))
        cut = 40 if stroke_change > 0 else 215
        changed = blurred.point(lambda v: 255 if v > cut else 0)
        if np.asarray(changed).any():
            mask = changed
    mask = mask.filter(ImageFilter.GaussianBlur(0.8))  # anti-aliased edges, like a browser's brush

    alpha = Image.new("L", (side, side), 0)
    alpha.paste(mask, (int(rng.integers(0, side - width + 1)), int(rng.integers(0, side - height + 1))))
    colour = tuple(int(c) for c in rng.integers(0, 200, size=3))
    if style == "black_on_white":
        image = Image.composite(Image.new("RGB", alpha.size, (0, 0, 0)), Image.new("RGB", alpha.size, "white"), alpha)
    elif style == "colour_on_white":
        image = Image.composite(Image.new("RGB", alpha.size, colour), Image.new("RGB", alpha.size, "white"), alpha)
    elif style == "white_on_black":
        image = Image.composite(Image.new("RGB", alpha.size, "white"), Image.new("RGB", alpha.size, "black"), alpha)
    elif style == "sketchpad_layer":
        image = Image.new("RGBA", alpha.size, (0, 0, 0, 0))
        image.putalpha(alpha)
    elif style == "colour_on_transparent":
        image = Image.new("RGBA", alpha.size, (*colour, 0))
        image.putalpha(alpha)
    elif style == "grey":
        image = Image.eval(alpha, lambda v: 255 - v)
    else:
        raise ValueError(f"unknown style {style!r}; choose from {STYLES}")
    return Canvas(image=image, style=style, side=side, digit_height=height, stroke_change=stroke_change)
