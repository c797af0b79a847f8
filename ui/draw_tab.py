"""The Draw tab: a live canvas read by the network, an upload panel, and the /predict and /classify endpoints."""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr
import numpy as np

from compute import READER, network_probabilities, network_reading
from model.inference import CLASS_NAMES
from model.preprocess import DrawingError, decode_data_url, drawing_to_image, ink_map, mnist_field, open_image
from ui.canvas import DrawingCanvas, example_urls
from ui.i18n import TEXTS, canvas_texts, text
from ui.language import page_language
from ui.render import insight_html, placeholder_html
from ui.upload import DigitSketchpad, DigitUpload

ROOT = Path(__file__).resolve().parent.parent


def welcome(language: str) -> tuple[None, str, str]:
    """The Draw tab before anything is drawn: no label, the friendly prompt, the device."""
    return None, placeholder_html(text("draw_prompt", language)), f"{READER.device} · —"


def on_page_load(browser_language: str, request: gr.Request) -> tuple[None, str, str]:
    return welcome(page_language(browser_language, request))


def _read(image, language: str) -> tuple[dict | None, str, str]:
    """Image → (label value, insight panel, device and timing line); a blank drawing gets the friendly prompt."""
    started = time.perf_counter()
    field = mnist_field(ink_map(image)) if image is not None else None
    if field is None:
        return welcome(language)
    prepared = time.perf_counter()
    reading = network_reading(field)
    captions = {key: text(f"cap_{key}", language) for key in ("input", "saliency", "hidden1", "hidden2")}
    panel = insight_html(field, reading, captions)
    total_ms = (time.perf_counter() - started) * 1000
    status = (
        f"{reading.device} · {text('status_preprocess', language)} {(prepared - started) * 1000:.1f} ms · "
        f"{text('status_forward', language)} {reading.forward_ms:.2f} ms · "
        f"{text('status_total', language)} {total_ms:.1f} ms"
    )
    return reading.probabilities, panel, status


def predict(drawing: dict | None, request: gr.Request) -> tuple[dict | None, str, str]:
    """Read a Sketchpad value (``{"background", "layers", "composite"}``, any part missing) as a digit."""
    try:
        return _read(drawing_to_image(drawing), page_language(None, request))
    except DrawingError as error:
        raise gr.Error(str(error)) from error


def read_canvas(png: str | None, browser_language: str, request: gr.Request) -> tuple[dict | None, str, str]:
    """The Draw tab's live reading: the canvas sends a PNG data URL after each stroke."""
    try:
        return _read(decode_data_url(png), page_language(browser_language, request))
    except DrawingError as error:
        raise gr.Error(str(error)) from error


def _field_or_problem(path: str | None) -> np.ndarray | str | None:
    """An upload's 28×28 field, ``None`` when blank, or the message saying why the file cannot be read."""
    try:
        return mnist_field(ink_map(open_image(path))) if path is not None else None
    except DrawingError as error:
        return str(error)


def classify(paths: list[str | None]) -> tuple[list[dict | str | None]]:
    """Batched: each image file → the ten class probabilities (``None`` for a blank image); one forward pass.

    A file that cannot be read fails only its own call: alone, it raises ``gr.Error`` with the reason; inside a
    batch of several calls (where raising would fail them all), its answer is the reason as its label.
    """
    fields = [_field_or_problem(path) for path in paths]
    if len(fields) == 1 and isinstance(fields[0], str):
        raise gr.Error(fields[0])
    labels: list[dict | str | None] = [field if isinstance(field, str) else None for field in fields]
    drawn = [index for index, field in enumerate(fields) if isinstance(field, np.ndarray)]
    if drawn:
        batch = np.stack([fields[index][None] for index in drawn])
        for index, probabilities in zip(drawn, network_probabilities(batch)):
            labels[index] = dict(zip(CLASS_NAMES, map(float, probabilities)))
    return (labels,)


def render(language: gr.Textbox, I18N: gr.I18n) -> None:
    """The tab's components and events (call inside ``with gr.Tab(...)``).

    ``language`` is the hidden box that app.py fills with the browser's language on load; its change is the
    page's "loaded" signal.
    """
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            gr.Markdown(I18N("draw_heading"))
            canvas = DrawingCanvas(canvas_texts(), example_urls(ROOT / "assets" / "examples"))
        with gr.Column(scale=1, min_width=300):
            reading = gr.Label(label=I18N("reading"), num_top_classes=10, elem_id="reading")
            gr.Markdown(I18N("insight_heading"))
            insight = gr.HTML(placeholder_html(TEXTS["en"]["draw_prompt"]), elem_id="insight")
            status = gr.Markdown(f"{READER.device} · —", elem_id="status")
            gr.Markdown(I18N("draw_help"))
    with gr.Accordion(I18N("upload_heading"), open=False):
        upload = DigitUpload(
            label=I18N("upload"), type="filepath", image_mode=None, sources=["upload", "clipboard"], height=200
        )
    # The /predict endpoint for scripted clients: the Sketchpad dict, read exactly like the canvas.
    sketchpad = DigitSketchpad(type="pil", image_mode="RGBA", visible=False)

    read_outputs = [reading, insight, status]
    language.change(on_page_load, language, read_outputs, api_visibility="private", show_progress="hidden")
    canvas.drawn(
        read_canvas,
        [canvas, language],
        read_outputs,
        trigger_mode="always_last",
        show_progress="hidden",
        api_visibility="private",
        concurrency_limit=4,
    )
    sketchpad.change(predict, sketchpad, read_outputs, api_name="predict", show_progress="hidden", concurrency_limit=4)
    upload.change(classify, upload, reading, api_name="classify", batch=True, max_batch_size=64)
