"""A bare Gradio app with app.py's public API and queue settings, whose functions do no work: the floor to beat.

    GRADIO_SERVER_PORT=7861 python -m benchmarks.baseline_app

Same endpoints and components as app.py: ``/classify`` (``gr.Image(type="filepath")`` → ``gr.Label``, 64 calls at a
time), ``/predict`` (``gr.Sketchpad(type="pil", image_mode="RGBA")`` → Label, HTML, Markdown) and
``/detach``; the same ``demo.queue(max_size=256, default_concurrency_limit=2)`` and per-event concurrency, the same
upload limit, no SSR. No torch, no model, no validator: what is left is Gradio's own cost.
"""

from __future__ import annotations

import gradio as gr

LABEL = {str(digit): (1.0 if digit == 7 else 0.0) for digit in range(10)}


def classify(path: str | None) -> dict:
    return LABEL


def predict(drawing: dict | None) -> tuple[dict, str, str]:
    return LABEL, "<div></div>", "baseline · —"


def detach(
    x: str = "1, 2, 3",
    op: str = "x * 2",
    mode: str = "y.detach()",
    device: str = "cpu",
    edits: list[list[float]] | None = None,
) -> dict:
    return {"y": "", "z": "", "x_grad": ""}


with gr.Blocks(title="baseline") as demo:
    reading = gr.Label(num_top_classes=10, elem_id="reading")
    insight = gr.HTML()
    status = gr.Markdown()
    # image_mode=None as app.py: the file is passed on as uploaded, not converted and saved again
    upload = gr.Image(type="filepath", image_mode=None, sources=["upload", "clipboard"])
    sketchpad = gr.Sketchpad(type="pil", image_mode="RGBA", visible=False)
    sketchpad.change(
        predict, sketchpad, [reading, insight, status], api_name="predict", show_progress="hidden", concurrency_limit=4
    )
    upload.change(classify, upload, reading, api_name="classify", concurrency_limit=64)
    gr.api(detach, api_name="detach")

demo.queue(max_size=256, default_concurrency_limit=2)

if __name__ == "__main__":
    demo.launch(ssr_mode=False, max_file_size="10mb", show_error=True)
