"""A drawing canvas built on ``gr.HTML``: ready to draw on load, mouse and touch, brush/eraser/undo/clear.

Why not ``gr.Sketchpad``: measured in Chromium, the stock Sketchpad spends most of a second in the page (layer
compositing and blob uploads) before a stroke's request even leaves, at 280 px and far more at 800 px. This canvas
sends one small PNG (a data URL, as the component's value) after each stroke, and every 150 ms while a stroke is being
drawn, so the reading follows the pen. The server reads it with the same preprocessing as every other input.

Event: ``drawn``; the component's value is then ``"data:image/png;base64,..."``, or ``""`` when the canvas is empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
from PIL import Image

from ui.i18n import MATCH_LANGUAGE_JS
from ui.render import png_data_url

CANVAS_SIDE = 280  # internal pixels; a digit drawn ~200 px tall with a 22 px brush becomes MNIST's 2–3 px strokes
BRUSH_WIDTH = 22
ERASER_WIDTH = 44
LIVE_INTERVAL_MS = 150

HERE = Path(__file__).resolve().parent
HTML_TEMPLATE = (HERE / "canvas.html").read_text(encoding="utf-8")
CSS_TEMPLATE = (HERE / "canvas.css").read_text(encoding="utf-8")
# The page's language rule comes from the server (ui/i18n.py), the same one every other part of the page uses.
JS_ON_LOAD = f"const pickLanguage = {MATCH_LANGUAGE_JS};\n" + (HERE / "canvas.js").read_text(encoding="utf-8")


class DrawingCanvas(gr.HTML):
    """The Draw tab's canvas. Listen with ``canvas.drawn(fn, canvas, ...)``; ``fn`` gets the PNG data URL."""

    def __init__(self, texts: dict[str, dict[str, str]], examples: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(
            value="",
            html_template=HTML_TEMPLATE,
            css_template=CSS_TEMPLATE,
            js_on_load=JS_ON_LOAD + "\n// events: 'drawn'",
            side=CANVAS_SIDE,
            brush_width=BRUSH_WIDTH,
            eraser_width=ERASER_WIDTH,
            live_interval_ms=LIVE_INTERVAL_MS,
            texts=json.loads(json.dumps(texts)),
            examples=examples or [],
            **kwargs,
        )

    def api_info(self) -> dict[str, Any]:
        return {"type": "string", "description": "the drawing as a data:image/png;base64 URL, or '' when empty"}


def example_urls(folder: Path) -> list[str]:
    """The example digits in ``folder`` (PNG files, sorted by name) as data URLs for the canvas's example strip."""
    paths = sorted(folder.glob("*.png"), key=lambda path: path.stem[-1])  # names end in their digit: 0 to 9
    return [png_data_url(np.asarray(Image.open(path).convert("L"))) for path in paths]
