"""The two image inputs of the API, with a clear message when Gradio's own decoding of a file fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr
from PIL import Image, UnidentifiedImageError

from model.preprocess import MAX_SIDE


def _readable(preprocess: Callable[[Any], Any], payload: Any) -> Any:
    """Run Gradio's preprocessing, turning PIL's failures into a ``gr.Error`` that says what is wrong."""
    try:
        return preprocess(payload)
    except Image.DecompressionBombError as error:
        raise gr.Error(f"The image is too large to decode safely (limit {MAX_SIDE} px a side).") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise gr.Error("The file is not a readable image (PNG, JPEG, WebP, BMP, GIF, ...).") from error


class DigitUpload(gr.Image):
    """``gr.Image`` for the batched /classify, which opens every file itself with our own checks.

    When Gradio cannot even open the file, pass its (already cached) path on instead of raising here: an error at
    this stage would fail every call in the batch, while /classify fails only the call that sent the bad file.
    """

    def preprocess(self, payload: Any) -> Any:
        try:
            return super().preprocess(payload)
        except (Image.DecompressionBombError, UnidentifiedImageError, OSError, SyntaxError, ValueError):
            if payload is None or getattr(payload, "path", None) is None:
                raise
            return str(payload.path)


class DigitSketchpad(gr.Sketchpad):
    """``gr.Sketchpad`` for /predict."""

    def preprocess(self, payload: Any) -> Any:
        return _readable(super().preprocess, payload)
