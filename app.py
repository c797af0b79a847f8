"""Touch PyTorch: draw a digit for a GPU-resident MLP to read, and run the y.detach() experiment live.

    python app.py            # then open http://127.0.0.1:7860

This file only composes the page: each tab's page code is in ``ui/`` (``draw_tab.py``, ``lab_tab.py``,
``train_tab.py``), the model in ``model/``, the detach() experiment in ``lab/``, and what runs on the GPU in
``compute.py``.
"""

import compute  # noqa: F401, I001 - first: it imports `spaces` before anything touches CUDA (ZeroGPU)

import gradio as gr
from PIL import Image

from compute import READER
from model.preprocess import MAX_PIXELS
from ui import contrast, draw_tab, lab_tab, train_tab
from ui.errors import ERROR_TITLE_JS
from ui.i18n import TEXTS
from ui.language import BROWSER_LANGUAGE_JS, language_box

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Gradio decodes uploads with PIL too: refuse bombs there, not just in our code


def page_words(language: str) -> dict[str, str]:
    """Every word of the page in ``language``, the intro naming the device this server really reads on."""
    words = TEXTS[language]
    device = words.get(f"device_{READER.device.type}", READER.device.type)
    return {**words, "intro": words["intro"].format(device=device)}


I18N = gr.I18n(**{language: page_words(language) for language in TEXTS})
# Text on the page's own background uses the body colour: the theme's "subdued" grey is 2.45:1 on white (AA: 4.5:1).
CSS = """
.nn-insight { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.nn-fig { margin: 0; text-align: center; font-size: 12px; color: var(--body-text-color); }
.nn-fig img { image-rendering: pixelated; border-radius: 6px; background: #000; display: block; }
.nn-fig figcaption { max-width: 192px; }
.nn-empty { padding: 24px; color: var(--body-text-color); }
.nn-unsure { margin: 0 0 8px; padding: 8px 12px; border-radius: 8px; background: var(--color-accent-soft); }
.top-reading { padding: 6px 12px; border-radius: 8px; font-size: 16px; color: var(--body-text-color);
  background: var(--background-fill-primary); border: 1px solid var(--border-color-primary); }
.top-reading strong { font-size: 20px; }
/* Side by side on a desktop, the reading is in view anyway; stacked on a phone, the top line sticks to the top. */
@media (min-width: 721px) { #top-reading { display: none !important; } }
@media (max-width: 720px) { #top-reading { position: sticky; top: 0; z-index: 20; pointer-events: none; } }
/* Clips like Gradio's overflow: hidden, but is no scroll container (which keeps anything inside from sticking). */
.gradio-container { overflow: clip !important; }
/* Gradio's footer keeps the divider before its Settings link when the link is left out: a divider with nothing shown
   after it is hidden (the footer ended in a stray "·"). */
footer .divider:not(:has(~ a:not(.hidden), ~ button:not(.hidden))) { display: none; }
"""

with gr.Blocks(title="Touch PyTorch") as demo:
    language = language_box()  # the browser's language, filled on load; its change tells the tabs the page is ready
    gr.Markdown(I18N("title"))
    gr.Markdown(I18N("intro"))
    with gr.Tabs():
        with gr.Tab(I18N("tab_draw"), id="draw"):
            read_with = draw_tab.render(language, I18N)
        with gr.Tab(I18N("tab_lab"), id="lab"):
            lab_tab.render(language, I18N)
        with gr.Tab(I18N("tab_train"), id="train"):
            train_tab.render(language, I18N, read_with)

    demo.load(None, None, language, js=BROWSER_LANGUAGE_JS, api_visibility="private")
    demo.load(None, js=ERROR_TITLE_JS, api_visibility="private")

demo.queue(max_size=256, default_concurrency_limit=2)

LAUNCH_OPTIONS = dict(
    i18n=I18N,
    theme=contrast.THEME,
    css=CSS + contrast.CSS,
    head=contrast.HEAD,
    show_error=True,
    max_file_size="10mb",
    ssr_mode=False,
    footer_links=["api", "gradio"],
)

if __name__ == "__main__":
    demo.launch(**LAUNCH_OPTIONS)
