"""Pictures of what the network sees and thinks, as small inline PNGs inside one HTML fragment (no Gradio here).

Everything is drawn at its true size (28×28 pixels, 16×32 units) and enlarged by the browser with
``image-rendering: pixelated``, so the pixels stay crisp and the payload stays a few kilobytes.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
from PIL import Image, ImageDraw

from model.inference import Reading
from model.unsure import is_unsure
from ui.i18n import text

# A perceptual dark-to-bright ramp (black → indigo → orange → pale yellow), 256 steps, for activations and saliency.
_STOPS = np.array([[0, 0, 4], [60, 15, 110], [180, 55, 90], [250, 140, 30], [252, 255, 164]], dtype=np.float32)
_RAMP = np.stack(
    [np.interp(np.linspace(0, 1, 256), np.linspace(0, 1, len(_STOPS)), _STOPS[:, c]) for c in range(3)], axis=1
).astype(np.uint8)


def png_data_url(pixels: np.ndarray) -> str:
    """A uint8 H×W or H×W×3 array as a ``data:image/png;base64,...`` URL."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def heat(values: np.ndarray) -> np.ndarray:
    """Values scaled by their max onto the colour ramp (an all-zero map stays black)."""
    peak = float(values.max()) if values.size else 0.0
    scaled = values / peak if peak > 0 else np.zeros_like(values)
    return _RAMP[np.clip(scaled * 255, 0, 255).astype(np.uint8)]


def saliency_overlay(field: np.ndarray, saliency: np.ndarray) -> np.ndarray:
    """The input in grey with the saliency laid over it in colour."""
    grey = np.repeat((field * 110)[..., None], 3, axis=2)
    colour = heat(saliency).astype(np.float32)
    weight = np.clip(saliency, 0, 1)[..., None]
    return np.clip(grey * (1 - weight) + colour * weight, 0, 255).astype(np.uint8)


def _figure(url: str, caption: str, width: int, height: int, test_id: str) -> str:
    return (
        f'<figure class="nn-fig"><img src="{url}" width="{width}" height="{height}" alt="{html.escape(caption)}"'
        f' data-testid="{test_id}"><figcaption>{html.escape(caption)}</figcaption></figure>'
    )


def viewable(image: Image.Image) -> Image.Image:
    """Any opened image as RGB for showing it: transparency over white, 16-bit and float scaled to 8 bits."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.nan_to_num(np.asarray(image, dtype=np.float32))
        span = float(values.max() - values.min()) or 1.0
        image = Image.fromarray(((values - values.min()) / span * 255).astype(np.uint8))
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")


REGION_SIDE = 280  # the shown copy of an upload, longer side in px (its outline is drawn at this size)
REGION_COLOUR = (230, 30, 110)


def region_html(image: Image.Image, region: tuple[int, int, int, int], caption: str) -> str:
    """A figure: a downscaled copy of the uploaded ``image`` with ``region`` (left, top, right, bottom in the
    image's pixels, what was read) outlined. ``data-region`` carries the box for tests and tools."""
    shown = viewable(image)
    shown.thumbnail((REGION_SIDE, REGION_SIDE), Image.Resampling.BILINEAR)
    scale = shown.width / image.width
    left, top, right, bottom = (round(value * scale) for value in region)
    pad, last_x, last_y = 3, shown.width - 1, shown.height - 1
    box = (max(0, left - pad), max(0, top - pad), min(last_x, right + pad), min(last_y, bottom + pad))
    ImageDraw.Draw(shown).rectangle(box, outline=REGION_COLOUR, width=3)
    buffer = io.BytesIO()
    shown.save(buffer, format="JPEG", quality=85)
    url = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    height = 140
    width = max(1, round(shown.width * height / shown.height))
    return (
        f'<figure class="nn-fig"><img src="{url}" width="{width}" height="{height}" alt="{html.escape(caption)}"'
        f' data-testid="read-region" data-region="{",".join(str(v) for v in region)}"'
        ' style="image-rendering: auto; background: #fff">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def insight_html(field: np.ndarray, reading: Reading, captions: dict[str, str], first: str = "") -> str:
    """The panel: the 28×28 input, both hidden layers as 16×32 heat maps, and the saliency map; ``first`` (a
    figure's HTML, e.g. :func:`region_html`) goes before them, beside the input."""
    return (
        '<div class="nn-insight">'
        + first
        + _figure(png_data_url((field * 255).astype(np.uint8)), captions["input"], 140, 140, "network-input")
        + _figure(png_data_url(saliency_overlay(field, reading.saliency)), captions["saliency"], 140, 140, "saliency")
        + _figure(png_data_url(heat(reading.hidden1.reshape(16, 32))), captions["hidden1"], 192, 96, "hidden1")
        + _figure(png_data_url(heat(reading.hidden2.reshape(16, 32))), captions["hidden2"], 192, 96, "hidden2")
        + "</div>"
    )


def placeholder_html(message: str) -> str:
    """What the panel shows before anything is drawn."""
    return f'<div class="nn-insight nn-empty" data-testid="draw-hint">{html.escape(message)}</div>'


def top_reading_html(probabilities: dict[str, float] | None, language: str) -> str:
    """One line with the top class and its probability ("The network reads 7 (98% sure)"), or "nothing yet"."""
    if not probabilities:
        line = html.escape(text("top_reading_none", language))
    else:
        digit, probability = max(probabilities.items(), key=lambda item: item[1])
        key = "top_reading_unsure" if is_unsure(probabilities) else "top_reading"
        line = html.escape(text(key, language)).format(
            digit=f"<strong>{html.escape(digit)}</strong>", percent=round(probability * 100)
        )
    return f'<div class="top-reading" data-testid="top-reading">{line}</div>'
