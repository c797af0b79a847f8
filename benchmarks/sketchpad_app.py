"""The contrast for benchmarks/browser_latency.py: a stock ``gr.Sketchpad`` read live by the same model.

    SKETCHPAD_SIDE=800 GRADIO_SERVER_PORT=7863 python -m benchmarks.sketchpad_app

One Sketchpad (``canvas_size`` SKETCHPAD_SIDE × SKETCHPAD_SIDE, default 280; ``type="pil"``,
``image_mode="RGBA"``) wired with ``.change(..., trigger_mode="always_last")`` to a function that does what the
app's Draw tab does with a drawing: the same preprocessing, ``DigitReader.read`` and insight panel, answering into
a ``gr.Label`` (``#reading``), ``gr.HTML`` (``#insight``) and ``gr.Markdown`` status line (``#status``).
"""

from __future__ import annotations

import os
import time

import gradio as gr
import torch

from model.inference import DigitReader
from model.preprocess import DrawingError, drawing_to_image, ink_map, mnist_field
from ui.render import insight_html, placeholder_html

SIDE = int(os.environ.get("SKETCHPAD_SIDE", "280"))
READER = DigitReader.load()  # MNIST_DEVICE, else cuda, mps, cpu: as app.py
CAPTIONS = {"input": "input", "saliency": "saliency", "hidden1": "hidden 1", "hidden2": "hidden 2"}


def read(drawing: dict | None) -> tuple[dict | None, str, str]:
    started = time.perf_counter()
    try:
        image = drawing_to_image(drawing)
    except DrawingError as error:
        raise gr.Error(str(error)) from error
    field = mnist_field(ink_map(image)) if image is not None else None
    if field is None:
        return None, placeholder_html("Draw a digit"), f"{READER.device} · —"
    prepared = time.perf_counter()
    reading = READER.read(torch.from_numpy(field))
    panel = insight_html(field, reading, CAPTIONS)
    total_ms = (time.perf_counter() - started) * 1000
    status = (
        f"{reading.device} · preprocess {(prepared - started) * 1000:.1f} ms · "
        f"forward {reading.forward_ms:.2f} ms · total {total_ms:.1f} ms"
    )
    return reading.probabilities, panel, status


with gr.Blocks(title=f"Sketchpad {SIDE}") as demo:
    with gr.Row(equal_height=False):
        with gr.Column():
            sketchpad = gr.Sketchpad(
                type="pil", image_mode="RGBA", canvas_size=(SIDE, SIDE), elem_id="sketchpad", label=f"{SIDE} px"
            )
        with gr.Column():
            reading = gr.Label(num_top_classes=10, elem_id="reading")
            insight = gr.HTML(placeholder_html("Draw a digit"), elem_id="insight")
            status = gr.Markdown(f"{READER.device} · —", elem_id="status")
    sketchpad.change(
        read,
        sketchpad,
        [reading, insight, status],
        trigger_mode="always_last",
        show_progress="hidden",
        concurrency_limit=4,
    )

demo.queue(max_size=256, default_concurrency_limit=2)

if __name__ == "__main__":
    demo.launch(ssr_mode=False, show_error=True)
