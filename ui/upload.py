"""The Draw tab's image inputs: the visible upload panel and the hidden inputs of the /classify and /predict APIs.

All are plain Gradio components (a subclass of a built-in component is served as a custom component whose
front-end files do not exist, so it renders empty). Their events run with ``preprocess=False``: Gradio still
checks that every file came through its own upload route, but it does not decode it. The handler gets the file's
path and opens it with model/preprocess.py, which checks its size before decoding and names what is wrong, in the
page's language. The hidden API inputs accept anything in Gradio's check (:class:`FileValue`, :class:`DrawingValue`)
but pass on only a checked file or drawing; anything else reaches the handler as the name of what came, and is
refused for its caller alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gradio as gr
from gradio.components.image import ImageData
from gradio.components.image_editor import EditorData
from gradio.data_classes import GradioRootModel, is_file_obj_with_meta
from PIL import Image
from pydantic import ValidationInfo, model_validator

from model.preprocess import DrawingError, open_image
from ui.i18n import text

# What the API page shows as an example file: the README's ``handle_file("digit.png")`` (any picture of a digit).
EXAMPLE_FILE = {"path": "digit.png", "url": "digit.png", "orig_name": "digit.png", "meta": {"_type": "gradio.FileData"}}


#: The key of what an API input holds instead of what it expects (:func:`not_sent`): ``{SENT: "data_url"}`` etc.
SENT = "sent instead"


def _kind(value: Any) -> str:
    """What a caller sent, as one of the ``api_sent_*`` words: nothing, a data URL, a file, text, or another value."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "data_url" if value.startswith("data:") else "text"
    return "file" if is_file_obj_with_meta(value) else "other"


class NotSentError(DrawingError):
    """An API input that is not what the endpoint takes (``key``: ``"not_a_file"`` or ``"not_a_drawing"``); it says
    what the endpoint takes and what came instead, in any language (:meth:`message`)."""

    def __init__(self, key: str, sent: str) -> None:
        self.key, self.sent, self.params = key, sent, {}
        ValueError.__init__(self, self.message("en"))

    def message(self, language: str) -> str:
        return text(f"api_{self.key}", language).format(sent=text(f"api_sent_{self.sent}", language))


class FileValue(GradioRootModel):
    """/classify's input as Gradio checks it: a file (``handle_file(path)``, checked as ``gr.Image``'s own
    ``ImageData``: uploaded through Gradio, with its ``meta``), or else only the name of what came instead, so the
    handler refuses it in the caller's language (``ImageData`` alone would fail in Gradio with a pydantic
    traceback). Nothing that is not a checked file ever reaches the handler as a path."""

    root: Any

    @model_validator(mode="before")
    @classmethod
    def _file_or_kind(cls, value: Any, info: ValidationInfo) -> Any:
        if is_file_obj_with_meta(value):
            return ImageData.model_validate(value, context=info.context)
        return {SENT: _kind(value)}


class DrawingValue(GradioRootModel):
    """/predict's input as Gradio checks it: the Sketchpad dict (``EditorData``), or else only the name of what
    came instead. ``EditorData`` alone reads a bare file as an empty canvas (it drops the keys it does not know)."""

    root: Any

    @model_validator(mode="before")
    @classmethod
    def _drawing_or_kind(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, Mapping) and not is_file_obj_with_meta(value):
            return EditorData.model_validate(value, context=info.context)
        return {SENT: _kind(value)}


def not_sent(payload: Any) -> str | None:
    """What an API caller sent instead of a file or a drawing (``"nothing"``, ``"data_url"``, ``"file"``, ``"text"``,
    ``"other"``: the ``api_sent_*`` words); ``None`` when it sent one."""
    return payload.get(SENT) if isinstance(payload, Mapping) else None


def _checked_as(component: gr.Component, model: type[GradioRootModel]) -> None:
    """``component``'s input is checked with ``model``; its API page stays the stock one."""
    stock = component.api_info()
    component.data_model = model
    component.api_info = lambda: stock


def upload_panel(label: Any) -> gr.Image:
    """The visible upload panel: a file from the file chooser, a drop or the clipboard."""
    return gr.Image(label=label, type="filepath", sources=["upload", "clipboard"], height=200, elem_id="upload")


def api_image() -> gr.Image:
    """The hidden input of /classify: one image file (``handle_file(path)`` from gradio_client)."""
    image = gr.Image(label="image", type="filepath", visible=False)
    image.example_payload = lambda: EXAMPLE_FILE  # Gradio's stock example is a photo of a bus
    _checked_as(image, FileValue)
    return image


def api_file(label: str) -> gr.File:
    """A hidden API input for any file (``handle_file(path)``), checked like /classify's: anything else arrives as
    the name of what came."""
    component = gr.File(label=label, visible=False)
    _checked_as(component, FileValue)
    return component


def api_sketchpad() -> gr.Sketchpad:
    """The hidden input of /predict: a Sketchpad value ``{"background", "layers", "composite"}``."""
    sketchpad = gr.Sketchpad(label="drawing", type="filepath", visible=False)
    # Gradio's stock example puts a photo of a bus in ``background``; a drawing is its composite.
    sketchpad.example_payload = lambda: {"background": None, "layers": [], "composite": EXAMPLE_FILE}
    _checked_as(sketchpad, DrawingValue)
    return sketchpad


def file_path(payload: Any) -> str | None:
    """The local path in an unprocessed file value (``{"path": ..., ...}``); ``None`` when no file was sent."""
    if isinstance(payload, Mapping):
        return payload.get("path") or None
    return None


def uploaded_image(payload: Any) -> Image.Image | None:
    """The image in an unprocessed file value, opened with our checks; ``None`` when no file was sent.
    Raises ``DrawingError`` (model/preprocess.py) when the file is not a readable image, and
    :class:`NotSentError` when an API caller sent something else than a file."""
    sent = not_sent(payload)
    if sent is not None:
        raise NotSentError("not_a_file", sent)
    path = file_path(payload)
    return open_image(path) if path is not None else None
