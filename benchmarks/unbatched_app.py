"""app.py's /classify without the shared forward pass: the same input component, model and queue, one pass a call.

    GRADIO_SERVER_PORT=7862 python -m benchmarks.unbatched_app

The contrast for benchmarks/throughput.py. The work per image is the Draw tab's classify (the unprocessed file value,
opened by model/preprocess.py: ink map, MNIST field, one forward pass; a bad file raises gr.Error), with the same
concurrency (64 calls at a time) and queue (``demo.queue(max_size=256, default_concurrency_limit=2)``); only the
shared pass (model/batching.py: calls that arrive together share one forward pass) is gone.
"""

from __future__ import annotations

import gradio as gr
import torch

from model.inference import CLASS_NAMES, DigitReader
from model.preprocess import DrawingError, ink_map, mnist_field
from ui.upload import api_image, uploaded_image

READER = DigitReader.load()  # MNIST_DEVICE, else cuda, mps, cpu: as app.py


def classify(image: dict | None) -> dict | None:
    try:
        opened = uploaded_image(image)
        field = mnist_field(ink_map(opened)) if opened is not None else None
    except DrawingError as error:
        raise gr.Error(str(error)) from error
    if field is None:
        return None
    (probabilities,) = READER.probabilities(torch.from_numpy(field).reshape(1, 1, 28, 28))
    return dict(zip(CLASS_NAMES, map(float, probabilities)))


with gr.Blocks(title="unbatched") as demo:
    image = api_image()  # as the Draw tab's /classify
    reading = gr.Label(num_top_classes=10)
    image.change(classify, image, reading, api_name="classify", preprocess=False, concurrency_limit=64)

demo.queue(max_size=256, default_concurrency_limit=2)

if __name__ == "__main__":
    demo.launch(ssr_mode=False, max_file_size="10mb", show_error=True)
