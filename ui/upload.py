"""``gr.Image`` for the /classify upload, with a clear message when the file is not an image at all."""

from __future__ import annotations

from typing import Any

import gradio as gr
from PIL import Image, UnidentifiedImageError

from model.preprocess import MAX_SIDE


class DigitUpload(gr.Image):
    """Gradio's own preprocessing opens the file to read its header; turn its failures into messages."""

    def preprocess(self, payload: Any) -> Any:
        try:
            return super().preprocess(payload)
        except Image.DecompressionBombError as error:
            raise gr.Error(f"The image is too large to decode safely (limit {MAX_SIDE} px a side).") from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise gr.Error("The file is not a readable image (PNG, JPEG, WebP, BMP, GIF, ...).") from error
