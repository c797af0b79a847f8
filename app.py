"""Touch PyTorch: draw a digit for a GPU-resident MLP to read, and run the y.detach() experiment live.

    python app.py            # then open http://127.0.0.1:7860

This file only composes the page: the model lives in ``model/``, the detach() experiment in ``lab/``, and the
page's parts (canvas, renderings, words) in ``ui/``.
"""

try:  # ZeroGPU: `spaces` must be imported before anything touches CUDA; elsewhere @spaces.GPU does nothing.
    import spaces

    gpu = spaces.GPU
except ImportError:  # pragma: no cover - `spaces` is in requirements.txt, but the app runs without it

    def gpu(fn):
        return fn


import time
from pathlib import Path

import gradio as gr
import numpy as np
import torch
from PIL import Image

from lab import detach as lab
from model.inference import CLASS_NAMES, DigitReader, Reading
from model.preprocess import (
    MAX_PIXELS,
    DrawingError,
    decode_data_url,
    drawing_to_image,
    ink_map,
    mnist_field,
    open_image,
)
from ui.canvas import DrawingCanvas, example_urls
from ui.i18n import TEXTS, canvas_texts, fact_name, language_from_header, text
from ui.render import insight_html, placeholder_html
from ui.upload import DigitSketchpad, DigitUpload

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Gradio decodes uploads with PIL too: refuse bombs there, not just in our code
ROOT = Path(__file__).resolve().parent
READER = DigitReader.load()  # onto the GPU (or MPS, or CPU) once, at import, and it stays there
if READER.device.type == "cpu":
    # One 28×28 forward is ~0.2 ms on one thread; with several, thread hand-offs cost more than the work, and
    # concurrent requests already keep the cores busy.
    torch.set_num_threads(1)


@gpu
def network_reading(field: np.ndarray) -> Reading:
    """One 28×28 field → the network's reading (NumPy in, NumPy out: what ZeroGPU's worker can pickle)."""
    return READER.read(torch.from_numpy(field))


@gpu
def network_probabilities(fields: np.ndarray) -> np.ndarray:
    """``N×1×28×28`` fields → ``N×10`` probabilities, one forward pass."""
    return READER.probabilities(torch.from_numpy(fields))


@gpu
def run_lab_on_gpu(*args) -> dict:
    return lab.run_experiment(*args)


def _language(request: gr.Request | None) -> str:
    headers = getattr(request, "headers", None) or {}
    return language_from_header(headers.get("accept-language"))


def welcome(language: str) -> tuple[None, str, str]:
    """The Draw tab before anything is drawn: no label, the friendly prompt, the device."""
    return None, placeholder_html(text("draw_prompt", language)), f"{READER.device} · —"


def on_page_load(request: gr.Request) -> tuple[None, str, str]:
    return welcome(_language(request))


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
        return _read(drawing_to_image(drawing), _language(request))
    except DrawingError as error:
        raise gr.Error(str(error)) from error


def read_canvas(png: str | None, request: gr.Request) -> tuple[dict | None, str, str]:
    """The Draw tab's live reading: the canvas sends a PNG data URL after each stroke."""
    try:
        return _read(decode_data_url(png), _language(request))
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


def detach(
    x: str = lab.DEFAULT_X,
    op: str = lab.DEFAULT_OP,
    mode: str = lab.DEFAULT_MODE,
    device: str = "cpu",
    edits: list[list[float]] | None = None,
) -> dict:
    """Run x → y = op(x) → z = mode(y), apply the edits to z in order, then y.sum().backward(); report everything."""
    try:
        run = run_lab_on_gpu if device == "cuda" else lab.run_experiment  # ZeroGPU lends the GPU per call
        return run(x, op, mode, device, edits)
    except lab.LabInputError as error:
        raise gr.Error(str(error)) from error


def lab_view(report: dict, language: str) -> tuple:
    """A report → the lab tab's displays (printed tensors, facts, gradient, why, code, output)."""
    printed = f"y = {report['y']}\nz = {report['z']}"
    error = report["backward_error"]
    grad = f"RuntimeError: {error}" if error else f"x.grad = {report['x_grad_printed']}"
    rows = [[fact_name(row[0], language), row[1], row[2]] for row in report["facts"]]
    facts = gr.Dataframe(value=rows, headers=[text("fact", language), "y", "z"])
    return printed, facts, grad, report["why"][language], report["code"], report["output"]


def lab_reset(x: str, op: str, mode: str, device: str, request: gr.Request) -> tuple:
    """New x/op/mode/device: a fresh run with no edits, and z's table filled from it."""
    report = detach(x, op, mode, device, [])
    headers = [f"z[{index}]" for index in range(len(report["z_values"]))]
    table = gr.Dataframe(value=[report["z_values"]], headers=headers, column_count=len(headers))
    return (table, *lab_view(report, _language(request)))


def lab_edit(x: str, op: str, mode: str, device: str, z_table, request: gr.Request) -> tuple:
    """z's table was edited: every cell that differs from the unedited z becomes an edit ``z[i] = value``."""
    fresh = detach(x, op, mode, device, [])["z_values"]
    row = z_table.values.tolist()[0] if hasattr(z_table, "values") else list(z_table[0])
    if len(row) != len(fresh):
        raise gr.Error(f"z has {len(fresh)} elements; the table has {len(row)} columns. Press Reset.")
    edits = [[index, value] for index, (value, before) in enumerate(zip(row, fresh)) if value != before]
    return lab_view(detach(x, op, mode, device, edits), _language(request))


def lab_defaults() -> tuple:
    return lab.DEFAULT_X, lab.DEFAULT_OP, lab.DEFAULT_MODE, "cpu"


I18N = gr.I18n(**{language: {**words, "lab_pitfall": lab.PITFALL[language]} for language, words in TEXTS.items()})
CSS = """
.nn-insight { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.nn-fig { margin: 0; text-align: center; font-size: 12px; color: var(--body-text-color-subdued); }
.nn-fig img { image-rendering: pixelated; border-radius: 6px; background: #000; display: block; }
.nn-fig figcaption { max-width: 192px; }
.nn-empty { padding: 24px; color: var(--body-text-color-subdued); }
"""

with gr.Blocks(title="Touch PyTorch") as demo:
    gr.Markdown(I18N("title"))
    gr.Markdown(I18N("intro"))
    with gr.Tabs():
        with gr.Tab(I18N("tab_draw"), id="draw"):
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

        with gr.Tab(I18N("tab_lab"), id="lab"):
            gr.Markdown(I18N("lab_heading"))
            gr.Markdown(I18N("lab_help"))
            with gr.Row():
                x_box = gr.Textbox(lab.DEFAULT_X, label=I18N("lab_x"), max_length=2000)
                op_choice = gr.Radio(list(lab.OPS), value=lab.DEFAULT_OP, label=I18N("lab_op"))
                mode_choice = gr.Radio(list(lab.MODES), value=lab.DEFAULT_MODE, label=I18N("lab_mode"))
                device_choice = gr.Radio(lab.available_devices(), value="cpu", label=I18N("lab_device"))
            with gr.Accordion(I18N("lab_pitfall_heading"), open=False):
                gr.Markdown(I18N("lab_pitfall"))
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    z_table = gr.Dataframe(
                        None,
                        label=I18N("lab_z_table"),
                        datatype="number",
                        interactive=True,
                        show_row_numbers=False,
                        elem_id="z-table",
                    )
                    printed = gr.Code(label=I18N("lab_printed"), language=None, interactive=False, elem_id="printed")
                reset = gr.Button(I18N("lab_reset"), variant="secondary", scale=1)
            why = gr.Markdown(elem_id="lab-why")
            with gr.Row():
                facts = gr.Dataframe(headers=["fact", "y", "z"], label=I18N("lab_facts"), interactive=False)
                grad = gr.Textbox(label=I18N("lab_grad"), interactive=False, lines=3, elem_id="lab-grad")
            with gr.Row():
                code = gr.Code(label=I18N("lab_code"), language="python", interactive=False)
                output = gr.Code(label=I18N("lab_output"), language=None, interactive=False)

    # Events, wired last.
    read_outputs = [reading, insight, status]
    demo.load(on_page_load, None, read_outputs, api_visibility="private", show_progress="hidden")
    canvas.drawn(
        read_canvas,
        canvas,
        read_outputs,
        trigger_mode="always_last",
        show_progress="hidden",
        api_visibility="private",
        concurrency_limit=4,
    )
    sketchpad.change(predict, sketchpad, read_outputs, api_name="predict", show_progress="hidden", concurrency_limit=4)
    upload.change(
        classify,
        upload,
        reading,
        api_name="classify",
        batch=True,
        max_batch_size=64,
    )
    lab_inputs = [x_box, op_choice, mode_choice, device_choice]
    lab_outputs = [printed, facts, grad, why, code, output]
    gr.on(
        [x_box.submit, x_box.blur, op_choice.change, mode_choice.change, device_choice.change, demo.load],
        lab_reset,
        lab_inputs,
        [z_table, *lab_outputs],
        api_visibility="private",
        show_progress="hidden",
    )
    z_table.input(
        lab_edit,
        [*lab_inputs, z_table],
        lab_outputs,
        api_visibility="private",
        show_progress="hidden",
        trigger_mode="always_last",
    )
    reset.click(lab_defaults, None, lab_inputs, api_visibility="private").then(
        lab_reset, lab_inputs, [z_table, *lab_outputs], api_visibility="private", show_progress="hidden"
    )
    gr.api(detach, api_name="detach")

demo.queue(max_size=256, default_concurrency_limit=2)

LAUNCH_OPTIONS = dict(
    i18n=I18N,
    theme=gr.themes.Soft(primary_hue="indigo", neutral_hue="slate"),
    css=CSS,
    show_error=True,
    max_file_size="10mb",
    ssr_mode=False,
    footer_links=["api", "gradio"],
)

if __name__ == "__main__":
    demo.launch(**LAUNCH_OPTIONS)
