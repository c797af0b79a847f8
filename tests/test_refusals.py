"""The page's and the API's refusals are sentences: a capital first letter (a name from the code, such as ``x`` or
``z[2]``, keeps its case) and a full stop, in English and in Chinese (no server here)."""

from __future__ import annotations

import re
import string

import pytest

from ui.errors import sentence
from ui.i18n import LANGUAGES, TEXTS

LAB_ERRORS = sorted(key for key in TEXTS["en"] if key.startswith("lab_err_"))
CODE_NAME_FIRST = re.compile(r"^(x|z\[\d+\])[\s:，：]")


def filled(template: str, language: str) -> str:
    """``template`` with every field filled as the lab fills it (``what`` names a value, as ``LabInputError`` does)."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    values = {name: "3" for name in names} | {"what": TEXTS[language]["lab_what_edit"].format(n=2)}
    return template.format(**values)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", LAB_ERRORS)
def test_every_lab_refusal_is_a_sentence(key, language):
    """They lacked both: "too many edits: 1001 given, at most 1000 are allowed" (no capital, no full stop)."""
    said = sentence(filled(TEXTS[language][key], language), language)
    assert said.endswith("。" if language == "zh-CN" else "."), said
    if language == "en":
        assert said[0].isupper() or CODE_NAME_FIRST.match(said), said


@pytest.mark.parametrize(
    ("message", "language", "expected"),
    [
        ("too many edits: 1001 given", "en", "Too many edits: 1001 given."),
        ("edit 2: index 5 is out of range", "en", "Edit 2: index 5 is out of range."),
        ("x is empty: give 1 to 16 numbers", "en", "x is empty: give 1 to 16 numbers."),  # x is the code's name
        ("z[0] is empty: type a number", "en", "z[0] is empty: type a number."),
        (
            'CUDA is not available on this server: use device "cpu"',
            "en",
            'CUDA is not available on this server: use device "cpu".',
        ),
        ("The file is not a readable image (PNG, ...).", "en", "The file is not a readable image (PNG, ...)."),
        ("修改太多了：给了 1001 次", "zh-CN", "修改太多了：给了 1001 次。"),
        ("这个文件不是能读取的图片。", "zh-CN", "这个文件不是能读取的图片。"),
    ],
)
def test_sentence(message, language, expected):
    assert sentence(message, language) == expected
