"""Touch PyTorch: draw a digit for a GPU-resident MLP to read, and run the y.detach() experiment live.

    python app.py            # then open http://127.0.0.1:7860

This file only composes the page: each tab's page code is in ``ui/`` (``draw_tab.py``, ``lab_tab.py``), the model
in ``model/``, the detach() experiment in ``lab/``, and what runs on the GPU in ``compute.py``.
"""

import compute  # noqa: F401, I001 - first: it imports `spaces` before anything touches CUDA (ZeroGPU)

import gradio as gr
from PIL import Image

from lab import detach as lab
from model.preprocess import MAX_PIXELS
from ui import draw_tab, lab_tab
from ui.i18n import TEXTS
from ui.language import BROWSER_LANGUAGE_JS, language_box

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Gradio decodes uploads with PIL too: refuse bombs there, not just in our code

I18N = gr.I18n(**{language: {**words, "lab_pitfall": lab.PITFALL[language]} for language, words in TEXTS.items()})
CSS = """
.nn-insight { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.nn-fig { margin: 0; text-align: center; font-size: 12px; color: var(--body-text-color-subdued); }
.nn-fig img { image-rendering: pixelated; border-radius: 6px; background: #000; display: block; }
.nn-fig figcaption { max-width: 192px; }
.nn-empty { padding: 24px; color: var(--body-text-color-subdued); }
"""

with gr.Blocks(title="Touch PyTorch") as demo:
    language = language_box()  # the browser's language, filled on load; its change tells the tabs the page is ready
    gr.Markdown(I18N("title"))
    gr.Markdown(I18N("intro"))
    with gr.Tabs():
        with gr.Tab(I18N("tab_draw"), id="draw"):
            draw_tab.render(language, I18N)
        with gr.Tab(I18N("tab_lab"), id="lab"):
            lab_tab.render(language, I18N)

    demo.load(None, None, language, js=BROWSER_LANGUAGE_JS, api_visibility="private")

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
