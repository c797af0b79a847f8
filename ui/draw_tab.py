"""The Draw tab: a live canvas read by the network, an upload panel, and the /predict and /classify endpoints."""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

import gradio as gr

from compute import READER, network_probabilities, network_reading
from model.batching import SharedPass
from model.preprocess import DrawingError, decode_data_url, drawing_to_image, ink_map, mnist_field, prepare
from model.unsure import is_unsure, label_value
from ui import teach_panel, train_tab
from ui.canvas import DrawingCanvas, example_urls
from ui.errors import refuse_drawing
from ui.gpu_words import device_words
from ui.i18n import TEXTS, canvas_texts, text
from ui.language import page_language
from ui.render import insight_html, placeholder_html, region_html, top_reading_html
from ui.upload import NotSentError, api_image, api_sketchpad, not_sent, upload_panel, uploaded_image

ROOT = Path(__file__).resolve().parent.parent

CLASSIFY_DESCRIPTION = (
    "Reads one image file of a digit (PNG, JPEG, WebP, BMP, GIF; dark on light, light on dark or transparent) "
    "and returns its label (the digit, or ? when it does not look like one digit: a dot, a scribble, two digits, a "
    "letter) with all ten class probabilities; for a blank image the label is None and confidences is empty. "
    "Concurrent calls share one forward pass. Anything that is not a readable image file fails only its own "
    "call, with the reason."
)
PREDICT_DESCRIPTION = (
    "Reads a Sketchpad value, a dict with background, layers and composite (any part may be None), exactly as the "
    "page reads its canvas. Returns the label (the digit, or ? when not sure) with all ten class probabilities, "
    "the insight panel (HTML: the 28x28 input, the "
    "saliency map and both hidden layers) and the device and timing line. Once this session has taught its own "
    "copy of the last layer (/teach), the label comes from that copy; /forget drops it. A blank drawing answers the "
    "label None with no confidences; a bare file (not the dict) is refused."
)


def welcome(language: str) -> tuple[dict, str, str, str, dict]:
    """The Draw tab before anything is drawn: no label, the friendly prompt, the device, an empty top line (and the
    shared model's label, shown beside a visitor's own after teaching, hidden)."""
    return (
        {},
        placeholder_html(text("draw_prompt", language)),
        f"{READER.device} · —",
        top_reading_html(None, language),
        gr.update(value={}, visible=False),
    )


def on_page_load(browser_language: str, request: gr.Request) -> tuple[dict, str, str, str, dict]:
    return welcome(page_language(browser_language, request))


def _read(
    image, language: str, session: str | None, show_region: bool = False, canvas: bool = False
) -> tuple[dict, str, str, str, dict]:
    """Image → (label value, insight panel, device and timing line, top line, the shared model's label); a blank one
    gets the prompt. Once the session has taught (teach_panel), the label is its own model's reading, with the shared
    model's beside it. ``show_region`` (an upload): the panel also shows the picture with what was read outlined.
    ``canvas`` (the page's own canvas, white paper by construction): no photo decision.

    The label value is ``gr.Label``'s own shape, ``{"label": digit or "?", "confidences": [...]}``, so the events
    that send it skip Gradio's postprocessing (which would always label the top class).
    """
    started = time.perf_counter()
    read_from = prepare(image) if image is not None and show_region else None  # an upload: where it was read
    field = read_from.field if read_from else mnist_field(ink_map(image, not canvas)) if image is not None else None
    if field is None:
        return welcome(language)
    prepared = time.perf_counter()
    computed = network_reading(field)
    reading = computed.value
    captions = {key: text(f"cap_{key}", language) for key in ("input", "saliency", "hidden1", "hidden2")}
    region = region_html(image, read_from.region, text("cap_region", language)) if read_from else ""
    panel = insight_html(field, reading, captions, first=region)
    shown, shared = teach_panel.readings(session, reading)  # the visitor's own model's, once they have taught
    trained = train_tab.trained_readings(session, field, reading)  # the model they trained, if they read with it
    if trained is not None:
        shown, shared = trained
    if is_unsure(shown):
        panel = (
            f'<p class="nn-unsure" data-testid="unsure-hint">{html.escape(text("unsure_hint", language))}</p>' + panel
        )
    total_ms = (time.perf_counter() - started) * 1000
    status = (
        f"{device_words(reading.device, computed.gpu_unavailable, language)} · "
        f"{text('status_preprocess', language)} {(prepared - started) * 1000:.1f} ms · "
        f"{text('status_forward', language)} {reading.forward_ms:.2f} ms · "
        f"{text('status_total', language)} {total_ms:.1f} ms"
    )
    return label_value(shown), panel, status, top_reading_html(shown, language), shared


def read_canvas(png: str | None, browser_language: str, request: gr.Request) -> tuple[dict | None, str, str, str]:
    """The Draw tab's live reading: the canvas sends a PNG data URL after each stroke."""
    language = page_language(browser_language, request)
    try:
        return _read(decode_data_url(png), language, request.session_hash, canvas=True)
    except DrawingError as error:
        raise refuse_drawing(error, language, where="canvas") from error


def read_upload(upload: Any, browser_language: str, request: gr.Request) -> tuple[dict | None, str, str, str]:
    """The upload panel's reading (its value unprocessed: the file's path is opened here, with our checks)."""
    language = page_language(browser_language, request)
    try:
        return _read(uploaded_image(upload), language, request.session_hash, show_region=True)
    except DrawingError as error:
        raise refuse_drawing(error, language, where="upload") from error


def read_shown(
    png: str | None, upload: Any, shown: str, browser_language: str, request: gr.Request
) -> tuple[dict | None, str, str, str]:
    """Read again what the reading shows (``shown``: ``"upload"`` or ``"canvas"``), after a teaching or forgetting."""
    if shown == "upload":
        return read_upload(upload, browser_language, request)
    return read_canvas(png, browser_language, request)


#: The API's answer for a blank drawing or image: no label, no confidences (a script's ``r["label"]`` is ``None``).
NO_DIGIT: dict = {"label": None, "confidences": []}


def predict(drawing: Any, request: gr.Request) -> tuple[dict, str, str]:
    """/predict: a Sketchpad value (``{"background", "layers", "composite"}``, any part missing) read as a digit.
    Anything else (a bare file, a data URL, text) is refused, saying to send the dict."""
    language = page_language(None, request)
    try:
        sent = not_sent(drawing)
        if sent is not None:
            raise NotSentError("not_a_drawing", sent)
        label, panel, status = _read(drawing_to_image(drawing), language, request.session_hash)[:3]
    except DrawingError as error:
        raise refuse_drawing(error, language, where="/predict") from error
    return label or dict(NO_DIGIT), panel, status


#: /classify's forward passes: concurrent calls share one (up to 64 images), each call still its own request.
SHARED_PASS = SharedPass(network_probabilities, max_batch=64)


def classify(image: Any, request: gr.Request) -> dict:
    """/classify: one image file → its label (a digit, or "?" when not sure) and the ten probabilities
    (:data:`NO_DIGIT` for a blank image).

    The file is opened and checked in this call, before it joins a batch: anything that is not a readable image
    file is refused for this caller alone, in its Accept-Language. Calls that arrive together then share one
    forward pass (:data:`SHARED_PASS`).
    """
    language = page_language(None, request)
    try:
        opened = uploaded_image(image)
        if opened is None:
            raise NotSentError("not_a_file", "nothing")
        field = mnist_field(ink_map(opened))
    except DrawingError as error:
        raise refuse_drawing(error, language, where="/classify") from error
    if field is None:
        return dict(NO_DIGIT)
    return label_value(SHARED_PASS(field[None]))


def render(language: gr.Textbox, I18N: gr.I18n) -> gr.Radio:
    """The tab's components and events (call inside ``with gr.Tab(...)``).

    ``language`` is the hidden box that app.py fills with the browser's language on load; its change is the
    page's "loaded" signal. Returns the "Read with" radio (hidden until the visitor trains a model in the Train tab,
    which shows it).
    """
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            gr.Markdown(I18N("draw_heading"))
            # Only shown on a phone, where the reading sits below the canvas: the top class stays in view.
            top_line = gr.HTML(top_reading_html(None, "en"), elem_id="top-reading", padding=False)
            canvas = DrawingCanvas(canvas_texts(), example_urls(ROOT / "assets" / "examples"))
        with gr.Column(scale=1, min_width=300):
            with gr.Row():
                reading = gr.Label(label=I18N("reading"), num_top_classes=10, elem_id="reading", scale=2)
                shared_reading = teach_panel.shared_reading_label(I18N)
            read_with = train_tab.model_choice(I18N)
            teaching = teach_panel.render(I18N, shared_reading)
            gr.Markdown(I18N("insight_heading"))
            insight = gr.HTML(placeholder_html(TEXTS["en"]["draw_prompt"]), elem_id="insight")
            status = gr.Markdown(f"{READER.device} · —", elem_id="status")
            gr.Markdown(I18N("draw_help"))
    with gr.Accordion(I18N("upload_heading"), open=False):
        upload = upload_panel(I18N("upload"))
    shown = gr.Textbox("canvas", visible=False, elem_id="shown-source")  # "canvas" or "upload": what the reading reads

    # The public API's own (hidden) inputs and outputs, with plain names for its documentation page.
    api_file = api_image()
    api_drawing = api_sketchpad()
    api_reading = gr.Label(label="reading", num_top_classes=10, visible=False)
    api_insight = gr.HTML(label="insight panel", visible=False)
    api_status = gr.Textbox(label="device and timing", visible=False)

    read_outputs = [reading, insight, status, top_line, shared_reading]
    page_event = dict(api_visibility="private", show_progress="hidden")
    language.change(on_page_load, language, read_outputs, postprocess=False, **page_event)
    # postprocess=False: the readings already come in each component's own shape (the Label's with "?", see _read).
    canvas.drawn(
        read_canvas,
        [canvas, language],
        read_outputs,
        trigger_mode="always_last",
        concurrency_limit=4,
        postprocess=False,
        **page_event,
    )
    upload.change(
        read_upload, [upload, language], read_outputs, preprocess=False, postprocess=False, **page_event
    ).failure(None, None, upload, js="() => null")  # a refused file leaves the panel (no broken-image icon)
    # Which of the two the reading shows, set in the browser (no request): what "Not right? It is a …" teaches.
    canvas.drawn(None, None, shown, js="() => 'canvas'")
    upload.change(None, None, shown, js="() => 'upload'")
    drawing_inputs = [canvas, upload, shown]
    teach_panel.wire(teaching, language, drawing_inputs, reading, read_shown, [*drawing_inputs, language], read_outputs)
    train_tab.wire_model_choice(read_with, read_shown, [*drawing_inputs, language], read_outputs)

    api_drawing.change(
        predict,
        api_drawing,
        [api_reading, api_insight, api_status],
        api_name="predict",
        api_description=PREDICT_DESCRIPTION,
        preprocess=False,
        postprocess=False,
        show_progress="hidden",
        concurrency_limit=4,
    )
    api_file.change(
        classify,
        api_file,
        api_reading,
        api_name="classify",
        api_description=CLASSIFY_DESCRIPTION,
        preprocess=False,
        postprocess=False,
        concurrency_limit=SHARED_PASS.max_batch,
    )
    return read_with
