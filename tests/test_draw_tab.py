"""The Draw tab's words: every drawing error in both languages, and the one-line reading (no server here)."""

from __future__ import annotations

import io
import string

import pytest

from model.preprocess import DRAWING_ERRORS, DrawingError, decode_data_url, open_image
from ui.errors import translated
from ui.i18n import LANGUAGES, TEXTS
from ui.render import top_reading_html


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(DRAWING_ERRORS))
def test_every_drawing_error_has_its_words_in_both_languages(key):
    assert TEXTS["en"][f"drawing_{key}"] == DRAWING_ERRORS[key]  # the page's English is the API's English
    for language in LANGUAGES:
        assert fields(TEXTS[language][f"drawing_{key}"]) == fields(DRAWING_ERRORS[key]), language


def test_a_drawing_error_is_english_for_the_api_and_translated_for_the_page():
    with pytest.raises(DrawingError) as caught:
        open_image(io.BytesIO(b"this is a text file, not a PNG"))
    assert str(caught.value) == "The file is not a readable image (PNG, JPEG, WebP, BMP, GIF, ...)."
    assert translated(caught.value, "zh-CN", "drawing_") == "这个文件不是能读取的图片（PNG、JPEG、WebP、BMP、GIF 等）。"
    assert translated(caught.value, "en", "drawing_") == str(caught.value)

    with pytest.raises(DrawingError) as caught:
        decode_data_url("data:image/png;base64," + "A" * 8_000_001)
    assert str(caught.value) == "The drawing is too large (8,000,023 characters; the limit is 8,000,000)."
    assert translated(caught.value, "zh-CN", "drawing_") == "画布内容太大（8,000,023 个字符，上限为 8,000,000）。"


def test_the_one_line_reading_names_the_top_class():
    probabilities = {str(digit): 0.01 for digit in range(10)} | {"7": 0.91}
    assert ">The network reads <strong>7</strong> (91% sure)<" in top_reading_html(probabilities, "en")
    assert ">网络认为是 <strong>7</strong>（把握 91%）<" in top_reading_html(probabilities, "zh-CN")
    assert ">The network reads: nothing yet<" in top_reading_html(None, "en")


def test_the_gpu_fallback_note_is_said_in_the_page_language():
    """compute.py names the reason in a field; the page words it (English keeps the short name the API has always
    said)."""
    from compute import GPU_REASONS
    from ui.gpu_words import device_words

    assert device_words("cpu", "quota", "en") == "cpu (GPU unavailable: quota)"
    chinese = device_words("cpu", "quota", "zh-CN")
    assert chinese.startswith("cpu（") and "配额" in chinese and "quota" not in chinese
    assert device_words("cuda:0", None, "zh-CN") == "cuda:0"
    for reason in GPU_REASONS:  # every reason compute can give has its words
        for language in LANGUAGES:
            assert reason not in device_words("cpu", reason, "zh-CN") and device_words("cpu", reason, language)
