"""The Draw tab's image inputs: the visible upload panel and the hidden inputs of the /classify and /predict APIs.

All are plain Gradio components (a subclass of a built-in component is served as a custom component whose
front-end files do not exist, so it renders empty). Their events run with ``preprocess=False``: Gradio still
checks that every file came through its own upload route, but it does not decode it. The handler gets the file's
path and opens it with model/preprocess.py, which checks its size before decoding and names what is wrong, in the
page's language; and in a batched /classify call a bad file fails only its own call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gradio as gr
from PIL import Image

from model.preprocess import open_image

# What the API page shows as an example file: the README's ``handle_file("digit.png")`` (any picture of a digit).
EXAMPLE_FILE = {"path": "digit.png", "url": "digit.png", "orig_name": "digit.png", "meta": {"_type": "gradio.FileData"}}


def upload_panel(label: Any) -> gr.Image:
    """The visible upload panel: a file from the file chooser, a drop or the clipboard."""
    return gr.Image(label=label, type="filepath", sources=["upload", "clipboard"], height=200, elem_id="upload")


def api_image() -> gr.Image:
    """The hidden input of /classify: one image file (``handle_file(path)`` from gradio_client)."""
    image = gr.Image(label="image", type="filepath", visible=False)
    image.example_payload = lambda: EXAMPLE_FILE  # Gradio's stock example is a photo of a bus
    return image


def api_sketchpad() -> gr.Sketchpad:
    """The hidden input of /predict: a Sketchpad value ``{"background", "layers", "composite"}``."""
    sketchpad = gr.Sketchpad(label="drawing", type="filepath", visible=False)
    # Gradio's stock example puts a photo of a bus in ``background``; a drawing is its composite.
    sketchpad.example_payload = lambda: {"background": None, "layers": [], "composite": EXAMPLE_FILE}
    return sketchpad


def file_path(payload: Any) -> str | None:
    """The local path in an unprocessed file value (``{"path": ..., ...}``); ``None`` when no file was sent."""
    if isinstance(payload, Mapping):
        return payload.get("path") or None
    return None


def uploaded_image(payload: Any) -> Image.Image | None:
    """The image in an unprocessed file value, opened with our checks; ``None`` when no file was sent.
    Raises ``DrawingError`` (model/preprocess.py) when the file is not a readable image."""
    path = file_path(payload)
    return open_image(path) if path is not None else None
