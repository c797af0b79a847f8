"""The Draw tab's teaching part: "Not right? It is a …", the visitor's own last layer, and /teach and /forget.

Each visitor (a browser page or a gradio_client ``Client``: one Gradio session) who corrects a reading gets their
own copy of the network's last layer, kept in :data:`STORE` under the session's hash: at most ``CAPACITY`` (5,000)
sessions, least recently used dropped first, 26 KiB each with its last 8 drawings (128 MiB reserved, resident only as
used), and freed when the page closes (``unload``). The shared model never
changes. Teaching runs in compute.py: on the GPU when there is one (under ZeroGPU the layer travels with the call as
NumPy), else, or when the GPU call fails, on the CPU copy of the network.
"""

from __future__ import annotations

import html
import math
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr
import numpy as np

import compute
from model.inference import CLASS_NAMES, Reading
from model.preprocess import DrawingError, decode_data_url, ink_map, mnist_field
from model.teach import (
    CAPACITY,
    DETACH_LINE,
    LESSONS_KEPT,
    OWN_SHARE,
    PROTECT_SHARE,
    REPLAY_BATCH,
    TRAINING_CODE,
    WARPS,
    PersonalHead,
    SessionStore,
)
from model.teaching_file import (
    FILE_NAME,
    LOAD_CODE,
    MAX_BYTES,
    TeachingFileError,
    head_bytes,
    head_from_browser,
    head_to_browser,
    read_head,
)
from model.unsure import label_value
from ui.errors import refuse, refuse_drawing, refuse_text
from ui.gpu_words import device_words
from ui.i18n import text
from ui.language import page_language
from ui.upload import api_file, api_image, file_path, not_sent, uploaded_image

STORE = SessionStore(CAPACITY)

TEACH_DESCRIPTION = (
    "Teaches this session's own copy of the network's last layer that an image file (read like /classify) is the "
    "digit `digit` (a whole number 0-9). The shared model never changes; afterwards /predict reads with this "
    "session's model, /classify with the shared one. Returns a JSON report: before and after (the image's ten "
    "probabilities), loss (per step), steps, ms (the teaching on the device), device, gpu_unavailable (why the CPU "
    "taught instead of the GPU, or null), and the time split."
)
FORGET_DESCRIPTION = "Drops this session's own last layer: /predict reads with the shared model again."
EXPORT_DESCRIPTION = (
    "This session's own last layer as a safetensors file holding linear_relu_stack.4.weight (10x512) and "
    "linear_relu_stack.4.bias (10), float32: with the shipped weights it loads into PyTorch's Quickstart "
    "NeuralNetwork (load_state_dict(..., strict=False)). Refused before the session has taught or loaded a layer."
)
IMPORT_DESCRIPTION = (
    "Loads a safetensors file (as /export_teaching makes) as this session's own last layer; afterwards /predict "
    "reads with it. Returns a JSON report: loaded, model, lessons, changed (the largest change from the shared "
    "layer's numbers). A file that is not such a layer (wrong keys or shapes, NaN or inf, not safetensors, a "
    "pickle, over 64 KB) is refused with the reason, and nothing changes."
)
EXPORT_FOLDER = tempfile.mkdtemp(prefix="mnist-layers-")
# The key the visitor's browser keeps their layer under (encrypted with it): a fixed secret from the environment keeps
# layers across server restarts; without one, a random secret per server start (a restart forgets them).
BROWSER_SECRET = os.environ.get("MNIST_BROWSER_SECRET") or None

# The report's link opens the detach() lab tab (its button says "detach()" in both languages).
LAB_LINK_JS = """element.addEventListener('click', event => {
  if (!event.target.closest('[data-testid="lab-link"]')) return;
  event.preventDefault();
  [...document.querySelectorAll('[role="tab"]')].find(tab => tab.textContent.includes('detach()'))?.click();
});"""


def teach_field(head: PersonalHead | None, field: np.ndarray, digit: int) -> tuple[PersonalHead, dict]:
    """Teach ``head`` (``None``: the shared layer) that ``field`` is ``digit`` (compute.py: on the GPU, or on the CPU
    when it fails); the report's ``gpu_unavailable`` names why not on the GPU (``None`` when it was, or there is
    none)."""
    taught = compute.teach(head, field, digit)
    new_head, report = taught.value
    return new_head, {**report, "gpu_unavailable": taught.gpu_unavailable}


# --- input ------------------------------------------------------------------------------------------------------


def parse_digit(value: Any, language: str, where: str) -> int:
    """The digit a visitor or client chose, as an int 0–9; anything else is refused in ``language``."""
    number = value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = int(value.strip())
    if isinstance(number, float) and math.isfinite(number) and number.is_integer():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 9:
        shown = repr(value) if not isinstance(value, (int, float)) or isinstance(value, bool) else str(value)
        raise refuse(
            text("teach_err_digit", language).format(value=shown[:40]),
            language,
            where=where,
            english=text("teach_err_digit", "en").format(value=shown[:40]),
        )
    return number


def drawing_field(image, language: str, where: str) -> np.ndarray:
    """An image (already opened) → its 28×28 field; a blank one is refused in ``language``."""
    field = mnist_field(ink_map(image)) if image is not None else None
    if field is None:
        raise refuse(text("teach_err_blank", language), language, where=where, english=text("teach_err_blank", "en"))
    return field


# --- readings -----------------------------------------------------------------------------------------------------


def personal_reading(session: str | None, reading: Reading) -> dict[str, float] | None:
    """The session's own model's ten probabilities for a drawing the shared model just read (from its second hidden
    layer: the body is shared, so only the last layer differs); ``None`` while the session has not taught."""
    head = STORE.get(session)
    return None if head is None else head.reading(reading.hidden2)


def readings(session: str | None, reading: Reading) -> tuple[dict[str, float], Any]:
    """For the Draw tab: (the probabilities to show, the update of the shared model's label beside it).

    Before any teaching: the shared reading, and the shared label hidden. After: the visitor's own reading, with
    the shared model's reading beside it (its value in the Label's own shape, for events without postprocessing).
    """
    own = personal_reading(session, reading)
    if own is None:
        return reading.probabilities, gr.update(value={}, visible=False)
    shared = label_value(reading.probabilities)
    shared["confidences"] = shared["confidences"][:3]  # beside the visitor's full reading, its top three suffice
    return own, gr.update(value=shared, visible=True)


# --- the report panel ---------------------------------------------------------------------------------------------


def _top(probabilities: Sequence[float]) -> tuple[int, int]:
    digit = int(np.argmax(probabilities))
    return digit, round(float(probabilities[digit]) * 100)


def probability_bars_svg(before: Sequence[float], after: Sequence[float], taught: int, language: str) -> str:
    """Ten pairs of bars (before in grey, after in indigo); the taught digit's name in bold."""
    width, height, top, bottom = 300, 120, 8, 20
    scale = height - top - bottom
    parts = [
        f'<svg class="teach-bars" data-testid="teach-bars" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{html.escape(text("teach_probabilities", language))}">'
    ]
    for digit, (b, a) in enumerate(zip(before, after)):
        x = 6 + digit * 29
        for offset, value, colour in ((0, b, "#94a3b8"), (12, a, "#4f46e5")):
            bar = max(0.5, float(value) * scale)
            parts.append(
                f'<rect x="{x + offset}" y="{top + scale - bar:.1f}" width="11" height="{bar:.1f}" fill="{colour}">'
                f"<title>{digit}: {float(value):.1%}</title></rect>"
            )
        weight = "bold" if digit == taught else "normal"
        parts.append(
            f'<text x="{x + 11.5}" y="{height - 5}" text-anchor="middle" font-size="12" font-weight="{weight}" '
            f'fill="currentColor">{digit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def loss_svg(losses: Sequence[float], language: str) -> str:
    """The loss per step as a small line plot with its first and last values."""
    width, height, left, right, top, bottom = 300, 120, 34, 10, 10, 22
    peak = max(max(losses), 1e-6)
    span = max(len(losses) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        x = left + (width - left - right) * index / span
        return x, top + (height - top - bottom) * (1 - value / peak)

    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(losses)))
    first, last = point(0, losses[0]), point(len(losses) - 1, losses[-1])
    axis = 'stroke="currentColor" stroke-opacity="0.4"'
    return (
        f'<svg class="teach-loss" data-testid="teach-loss" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{html.escape(text("teach_step", language))}">'
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" {axis}/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" {axis}/>'
        f'<polyline points="{points}" fill="none" stroke="#f97316" stroke-width="2"/>'
        f'<circle cx="{first[0]:.1f}" cy="{first[1]:.1f}" r="3" fill="#f97316"/>'
        f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="3" fill="#f97316"/>'
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="10" fill="currentColor">{peak:.2f}</text>'
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" font-size="10" fill="currentColor">0</text>'
        f'<text x="{last[0]:.1f}" y="{last[1] - 6:.1f}" text-anchor="end" font-size="10" fill="currentColor">'
        f"{losses[-1]:.3f}</text>"
        f'<text x="{(width + left) / 2}" y="{height - 6}" text-anchor="middle" font-size="10" fill="currentColor">'
        f"{html.escape(text('teach_step', language))} 1–{len(losses)}</text></svg>"
    )


def code_html() -> str:
    """The training step's exact source, with the ``.detach()`` line marked."""
    lines = []
    for line in TRAINING_CODE.rstrip().splitlines():
        escaped = html.escape(line)
        lines.append(f'<mark data-testid="detach-line">{escaped}</mark>' if DETACH_LINE in line else escaped)
    return '<pre class="teach-code"><code>' + "\n".join(lines) + "</code></pre>"


def report_html(report: dict, language: str) -> str:
    """The panel after a teaching: what changed, the two plots, the time on which device, and the code."""
    started = time.perf_counter()
    before_digit, before_percent = _top(report["before"])
    after_digit, after_percent = _top(report["after"])
    summary = text("teach_taught", language).format(
        digit=report["digit"],
        before_digit=before_digit,
        before_percent=before_percent,
        after_digit=after_digit,
        after_percent=after_percent,
        lessons=report["lessons"],
    )
    legend = (
        f'<span class="teach-key" style="background:#94a3b8"></span>{html.escape(text("teach_before", language))} '
        f'<span class="teach-key" style="background:#4f46e5"></span>{html.escape(text("teach_after", language))}'
    )
    loss_caption = text("teach_loss", language).format(
        warps=WARPS, replay=REPLAY_BATCH, share=round(OWN_SHARE * 100), guard=round(PROTECT_SHARE * 100)
    )
    body = (
        f'<p data-testid="teach-summary">{html.escape(summary)}</p>'
        '<div class="teach-plots">'
        f"<figure><figcaption>{html.escape(text('teach_probabilities', language))} · {legend}</figcaption>"
        f"{probability_bars_svg(report['before'], report['after'], report['digit'], language)}</figure>"
        f"<figure><figcaption>{html.escape(loss_caption)}"
        f"</figcaption>{loss_svg(report['loss'], language)}</figure></div>"
    )
    code = (
        f"<details open><summary>{html.escape(text('teach_code', language))}</summary>{code_html()}</details>"
        '<p><a href="#" data-testid="lab-link">'
        f"{html.escape(text('teach_lab_link', language))}</a></p>"
    )
    render_ms = (time.perf_counter() - started) * 1000
    report["render_ms"] = round(render_ms, 2)
    timing = text("teach_time", language).format(
        ms=f"{report['server_ms'] + render_ms:.1f}",
        device=device_words(report["device"], report["gpu_unavailable"], language),
        preprocess=f"{report['preprocess_ms']:.1f}",
        prepare=f"{report['prepare_ms']:.1f}",
        steps=report["steps"],
        steps_ms=f"{report['steps_ms']:.1f}",
        render=f"{render_ms:.1f}",
    )
    return (
        f'<div class="teach-report" data-testid="teach-report">{body}'
        f'<p class="teach-time" data-testid="teach-time">{html.escape(timing)}</p>{code}</div>'
    )


def forgotten_html(language: str) -> str:
    words = html.escape(text("teach_forgotten", language))
    return f'<div class="teach-report" data-testid="teach-forgotten">{words}</div>'


# --- handlers -----------------------------------------------------------------------------------------------------


def teach_session(session: str | None, image, digit: Any, language: str, where: str) -> dict:
    """Teach the session's own model that ``image`` is ``digit`` and keep it; the report with the time split."""
    started = time.perf_counter()
    number = parse_digit(digit, language, where)
    field = drawing_field(image, language, where)
    if not session:  # every Gradio request has one; a bare function call does not
        raise refuse_text("teach_err_no_session", language, where=where)
    prepared = time.perf_counter()
    new_head, report = teach_field(STORE.get(session), field, number)
    STORE.put(session, new_head)
    report["preprocess_ms"] = round((prepared - started) * 1000, 2)
    report["server_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return report


def teach_from_page(
    png: str | None, upload: Any, shown: str, digit: str, browser_language: str, request: gr.Request
) -> tuple[str, Any, Any, dict | None, Any]:
    """A digit button under the reading: teach with the drawing the reading shows (``shown``: ``"upload"`` for the
    upload panel's image, else the canvas's); the report, the forget button, and the reading's title (the visitor's
    own model reads from now on), and the layer for the visitor's browser to keep (``gr.BrowserState``). Values come
    unprocessed: the upload as its file value, the others as text."""
    language = page_language(browser_language, request)
    try:
        image = uploaded_image(upload) if shown == "upload" else decode_data_url(png)
    except DrawingError as error:
        raise refuse_drawing(error, language, where="teach") from error
    report = teach_session(request.session_hash, image, digit, language, "teach")
    title = gr.update(label=text("teach_your_reading", language))
    kept = STORE.get(request.session_hash)
    saved = head_to_browser(kept) if kept is not None else None
    download = gr.DownloadButton(value=export_session(request.session_hash, language, "teach"), visible=True)
    return report_html(report, language), gr.Button(visible=True), title, saved, download


FORGOTTEN = {"forgotten": True}  # what the browser keeps once the visitor forgot their layer


def forget_from_page(browser_language: str, request: gr.Request) -> tuple[str, Any, Any, Any, dict, Any]:
    """The "Forget my teaching" button: the session's layer is dropped (the browser's copy too); the shared model
    reads again."""
    STORE.forget(request.session_hash)
    drop_export(request.session_hash)
    language = page_language(browser_language, request)
    title = gr.update(label=text("reading", language))
    # Not None: the browser keeps its last value when sent None (Gradio's BrowserState stores only values).
    shared, hidden = gr.update(value={}, visible=False), gr.DownloadButton(visible=False)
    return forgotten_html(language), gr.Button(visible=False), shared, title, FORGOTTEN, hidden


def import_from_page(upload: Any, browser_language: str, request: gr.Request) -> tuple[str, Any, Any, dict, Any]:
    """ "Load a layer file": the file becomes this session's layer (refused with the reason, nothing changed, when it
    is not one); the report, the forget button, the reading's title, the browser's copy and the download button."""
    language = page_language(browser_language, request)
    head = import_session(request.session_hash, upload, language, "import")
    words = html.escape(text("teach_imported_blank", language))
    download = gr.DownloadButton(value=export_session(request.session_hash, language, "import"), visible=True)
    title = gr.update(label=text("teach_your_reading", language))
    report = f'<div class="teach-report" data-testid="teach-imported">{words}</div>'
    return report, gr.Button(visible=True), title, head_to_browser(head), download


def restore_from_browser(saved: Any, browser_language: str, request: gr.Request) -> tuple[Any, Any, Any]:
    """The page (re)loaded: the layer the visitor's browser kept becomes this session's again (the forget button
    and the reading's title say so). Anything the browser sends that is not such a layer is ignored."""
    head = head_from_browser(saved, LESSONS_KEPT)
    if head is None or not request.session_hash:
        return gr.update(), gr.update(), gr.update()
    STORE.put(request.session_hash, head)
    language = page_language(browser_language, request)
    download = gr.DownloadButton(value=export_session(request.session_hash, language, "load"), visible=True)
    return gr.Button(visible=True), gr.update(label=text("teach_your_reading", language)), download


def teach_api(image: Any, digit: Any, request: gr.Request) -> dict:
    """/teach: an image file (like /classify) and a digit 0–9 → the JSON report; this session's model learns."""
    language = page_language(None, request)
    try:
        opened = uploaded_image(image)
    except DrawingError as error:
        raise refuse_drawing(error, language, where="/teach") from error
    report = teach_session(request.session_hash, opened, digit, language, "/teach")
    # The device as /teach has always said it, e.g. "cpu (GPU unavailable: quota)"; gpu_unavailable names the reason.
    return {**report, "device": device_words(report["device"], report["gpu_unavailable"], "en")}


def forget_api(request: gr.Request) -> dict:
    """/forget: drop this session's own layer."""
    drop_export(request.session_hash)
    return {"forgotten": STORE.forget(request.session_hash), "model": "shared"}


def _export_path(session: str) -> str:
    return os.path.join(EXPORT_FOLDER, f"{abs(hash(session)):x}", FILE_NAME)


def drop_export(session: str | None) -> None:
    """The session's exported file, if any, goes with its layer."""
    if session and os.path.exists(_export_path(session)):
        os.remove(_export_path(session))


def export_session(session: str | None, language: str, where: str) -> str:
    """The session's layer written as a safetensors file (one file per session, rewritten); its path."""
    head = STORE.get(session)
    if head is None or not session:
        raise refuse_text("teach_nothing_to_export", language, where=where)
    path = _export_path(session)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(head_bytes(head))
    return path


def import_session(session: str | None, payload: Any, language: str, where: str) -> PersonalHead:
    """A layer file (an unprocessed file value) read, checked and kept as the session's; refused in ``language``
    with the reason, changing nothing, when it is not a layer."""
    path = file_path(payload) if not_sent(payload) is None else None
    if path is None:
        raise refuse_text("teach_err_file_missing", language, where=where)
    if not session:
        raise refuse_text("teach_err_no_session", language, where=where)
    size = os.path.getsize(path)
    try:
        if size > MAX_BYTES:
            raise TeachingFileError("too_large")
        with open(path, "rb") as file:
            head = read_head(file.read())
    except TeachingFileError as error:
        detail = str(error).partition(": ")[2]
        key = f"teach_err_file_{error.code}"
        raise refuse_text(key, language, where=where, size=round(size / 1024), detail=detail) from error
    STORE.put(session, head)
    return head


def export_api(request: gr.Request) -> str:
    """/export_teaching: this session's layer as a safetensors file."""
    return export_session(request.session_hash, page_language(None, request), "/export_teaching")


def import_api(file: Any, request: gr.Request) -> dict:
    """/import_teaching: a layer file becomes this session's own layer."""
    head = import_session(request.session_hash, file, page_language(None, request), "/import_teaching")
    start = compute.TEACHER.start
    changed = max(float(np.abs(head.weight - start.weight).max()), float(np.abs(head.bias - start.bias).max()))
    return {"loaded": True, "model": "yours", "lessons": head.lessons, "changed": changed}


def end_session(request: gr.Request) -> None:
    """The page was closed: its layer goes with it."""
    STORE.forget(request.session_hash)
    drop_export(request.session_hash)


# --- the page -----------------------------------------------------------------------------------------------------

CSS = """
.teach-report { font-size: 14px; }
.teach-plots { display: flex; flex-wrap: wrap; gap: 12px; }
.teach-plots figure { margin: 0; }
.teach-plots figcaption { font-size: 12px; color: var(--body-text-color-subdued); max-width: 300px; }
.teach-key { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 2px 0 6px; }
.teach-code { font-size: 12px; padding: 8px; border-radius: 6px; background: var(--code-background-fill, #f4f4f5);
  overflow-x: auto; white-space: pre-wrap; }
.teach-code mark { background: #fde68a; color: #111; border-radius: 3px; }
.teach-time { font-size: 12px; color: var(--body-text-color-subdued); }
.teach-report summary { cursor: pointer; margin: 6px 0; }
"""


@dataclass
class TeachPanel:
    """The panel's components (made by :func:`render`, wired by :func:`wire`)."""

    digits: list[gr.Button]
    report: gr.HTML
    forget: gr.Button
    shared_reading: gr.Label
    api_file: gr.Image
    api_digit: gr.Number
    api_report: gr.JSON
    api_forget: gr.Button
    api_forgot: gr.JSON
    api_export: gr.Button
    api_exported: gr.File
    api_import: gr.File
    api_imported: gr.JSON
    saved: gr.BrowserState
    download: gr.DownloadButton
    upload: gr.UploadButton


def shared_reading_label(I18N: gr.I18n) -> gr.Label:
    """The shared model's reading, shown beside the visitor's own once they have taught (hidden before)."""
    return gr.Label(
        label=I18N("teach_shared_reading"), num_top_classes=3, visible=False, elem_id="shared-reading", scale=1
    )


def render(I18N: gr.I18n, shared_reading: gr.Label) -> TeachPanel:
    """The teaching block, where it is called in the Draw tab: "Not right? It is a …", ten digits, the report,
    "Forget my teaching"; and the hidden inputs and outputs of /teach and /forget."""
    gr.Markdown(I18N("teach_heading"))
    with gr.Row(elem_id="teach-digits"):
        digits = [gr.Button(name, size="sm", min_width=36, elem_id=f"teach-{name}") for name in CLASS_NAMES]
    gr.Markdown(I18N("teach_help"))
    forget = gr.Button(I18N("teach_forget"), size="sm", visible=False, elem_id="teach-forget")
    report = gr.HTML("", elem_id="teach-report", css_template=CSS, js_on_load=LAB_LINK_JS)
    with gr.Row():
        download = gr.DownloadButton(I18N("teach_download"), size="sm", visible=False, elem_id="teach-download")
        upload = gr.UploadButton(I18N("teach_upload"), size="sm", file_types=[".safetensors"], elem_id="teach-upload")
    with gr.Accordion(I18N("teach_load_code"), open=False):
        gr.Code(LOAD_CODE, language="python", interactive=False, show_label=False)
    return TeachPanel(
        digits=digits,
        report=report,
        forget=forget,
        shared_reading=shared_reading,
        api_file=api_image(),
        api_digit=gr.Number(label="digit", visible=False),
        api_report=gr.JSON(label="teaching report", visible=False),
        api_forget=gr.Button("forget", visible=False),
        api_forgot=gr.JSON(label="forgotten", visible=False),
        api_export=gr.Button("export", visible=False),
        api_exported=gr.File(label="layer file", visible=False),
        api_import=api_file("layer file"),
        api_imported=gr.JSON(label="import report", visible=False),
        saved=gr.BrowserState(None, storage_key="touch-pytorch-my-layer", secret=BROWSER_SECRET),
        download=download,
        upload=upload,
    )


def wire(
    panel: TeachPanel,
    language: gr.Textbox,
    drawing_inputs: list,
    reading: gr.Label,
    reread: Callable[..., Any],
    reread_inputs: list,
    reread_outputs: list,
) -> None:
    """The panel's events, /teach and /forget, and the session's end.

    ``drawing_inputs`` are the Draw tab's canvas, upload panel and the hidden box that says which of the two the
    reading shows (what :func:`teach_from_page` takes). ``reading`` is the Draw tab's reading label (its title says
    whose model reads); ``reread`` (with its inputs and outputs) is the Draw tab's own reading of what it shows: it
    runs after each teaching and forgetting, so the reading shown comes from the right model. Like the Draw tab's own
    events, these run without pre- and postprocessing (values come in the components' own shapes).
    """
    page_event = dict(api_visibility="private", show_progress="hidden")
    reread_event = dict(preprocess=False, postprocess=False, **page_event)
    for button in panel.digits:
        button.click(
            teach_from_page,
            [*drawing_inputs, button, language],
            [panel.report, panel.forget, reading, panel.saved, panel.download],
            preprocess=False,
            concurrency_limit=4,
            **page_event,
        ).success(reread, reread_inputs, reread_outputs, **reread_event)
    panel.forget.click(
        forget_from_page,
        language,
        [panel.report, panel.forget, panel.shared_reading, reading, panel.saved, panel.download],
        **page_event,
    ).then(reread, reread_inputs, reread_outputs, **reread_event)
    panel.upload.upload(
        import_from_page,
        [panel.upload, language],
        [panel.report, panel.forget, reading, panel.saved, panel.download],
        preprocess=False,
        **page_event,
    ).success(reread, reread_inputs, reread_outputs, **reread_event)
    language.change(  # the page loaded: the layer the browser kept comes back
        restore_from_browser, [panel.saved, language], [panel.forget, reading, panel.download], **page_event
    ).then(reread, reread_inputs, reread_outputs, **reread_event)
    panel.api_digit.change(
        teach_api,
        [panel.api_file, panel.api_digit],
        panel.api_report,
        api_name="teach",
        api_description=TEACH_DESCRIPTION,
        preprocess=False,
        concurrency_limit=4,
    )
    panel.api_forget.click(forget_api, None, panel.api_forgot, api_name="forget", api_description=FORGET_DESCRIPTION)
    panel.api_export.click(
        export_api, None, panel.api_exported, api_name="export_teaching", api_description=EXPORT_DESCRIPTION
    )
    panel.api_import.change(
        import_api,
        panel.api_import,
        panel.api_imported,
        api_name="import_teaching",
        api_description=IMPORT_DESCRIPTION,
        preprocess=False,
    )
    root = gr.context.Context.root_block
    if root is not None:
        root.unload(end_session)
