"""One words file per language (ui/words/), one rule that picks the language, on the server and in the page."""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ui.i18n import (
    FREE_PARAMETERS,
    LANGUAGE_RULES,
    LANGUAGES,
    MATCH_LANGUAGE_JS,
    TEXTS,
    language_from_header,
    match_language,
)

ROOT = Path(__file__).resolve().parent.parent


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_key_with_the_same_placeholders(language: str) -> None:
    english, words = TEXTS["en"], TEXTS[language]
    assert sorted(set(english) - set(words)) == [], f"{language} lacks these"
    assert sorted(set(words) - set(english)) == [], f"{language} has these that English lacks"
    wrong = {
        key: fields(words[key])
        for key in english
        if not (
            fields(words[key]) <= FREE_PARAMETERS[key]
            if key in FREE_PARAMETERS
            else fields(words[key]) == fields(english[key])
        )
    }
    assert wrong == {}
    assert all(isinstance(value, str) for value in words.values())


def test_the_languages_are_the_words_files() -> None:
    files = sorted(path.stem for path in (ROOT / "ui" / "words").glob("*.py") if path.stem != "__init__")
    assert LANGUAGES[0] == "en" and len(LANGUAGES) == len(files) == len(set(LANGUAGES))
    assert {"en", "zh-CN"} <= set(LANGUAGES)  # a new language's file adds itself; nothing here names it


@pytest.mark.parametrize(
    ("tags", "language"),
    [
        (["zh-CN"], "zh-CN"),
        (["zh-TW"], "zh-CN"),
        (["ZH"], "zh-CN"),
        (["en-US"], "en"),
        (["fr-FR"], "en"),
        ([""], "en"),
        ([None, "zh-CN"], "zh-CN"),
        (["fr-FR", "zh-CN", "en"], "zh-CN"),
        (["de", "en-GB", "zh"], "en"),
    ],
)
def test_one_rule_picks_the_language(tags: list, language: str) -> None:
    assert match_language(tags) == language


def test_a_language_tag_picks_itself_so_the_page_can_send_it_back() -> None:
    assert all(match_language([language]) == language for language in LANGUAGES)


def test_accept_language_goes_by_weight_then_the_same_rule() -> None:
    assert language_from_header("zh-CN,zh;q=0.9") == "zh-CN"
    assert language_from_header("en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert language_from_header("fr-FR, zh;q=0.8, en;q=0.5") == "zh-CN"
    assert language_from_header("zh;q=0.2, en;q=0.9") == "en"
    assert language_from_header(None) == language_from_header("*") == "en"


def test_the_page_s_javascript_gets_the_rule_s_table_from_the_server() -> None:
    """The canvas, the error titles and the language box all pick with MATCH_LANGUAGE_JS, built from LANGUAGE_RULES;
    no JavaScript of the page names a language of its own."""
    from ui.canvas import DrawingCanvas
    from ui.errors import ERROR_TITLE_JS
    from ui.language import BROWSER_LANGUAGE_JS

    assert json.dumps(LANGUAGE_RULES) in MATCH_LANGUAGE_JS
    assert MATCH_LANGUAGE_JS in BROWSER_LANGUAGE_JS and MATCH_LANGUAGE_JS in ERROR_TITLE_JS
    canvas = DrawingCanvas({language: {} for language in LANGUAGES})
    assert MATCH_LANGUAGE_JS in canvas.js_on_load
    for path in (ROOT / "ui").glob("*.js"):
        assert "zh" not in path.read_text(encoding="utf-8"), path


def test_the_page_s_javascript_matches_as_the_server_does() -> None:
    """The JavaScript rule, run in Chromium, against the Python rule (skipped without a browser)."""
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from tests.browser_helpers import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    cases = [["zh-CN"], ["zh-TW"], ["en-US"], ["fr"], [""], ["fr-FR", "zh"], ["de", "en-GB", "zh"]]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            picked = page.evaluate(f"cases => cases.map({MATCH_LANGUAGE_JS})", cases)
        finally:
            browser.close()
    assert picked == [match_language(tags) for tags in cases]


THIRD_LANGUAGE = '''
"""A third language for the test: English words, marked."""
from ui.words.en import WORDS as _ENGLISH

TAG = "fr"
MATCHES = ("fr",)
WORDS = {key: value if key == "sentence_gap" else "[fr] " + value for key, value in _ENGLISH.items()}
'''

PROBE = """
import json, sys
import ui.words
ui.words.__path__.append(sys.argv[1])  # one new file in the words folder
import app
from compute import READER
from lab.detach import run_experiment
from ui.errors import ERROR_TITLE_JS
from ui.gpu_words import device_words, gpu_refusal
from ui.i18n import LANGUAGES, canvas_texts, match_language, text
from ui.lab_report import explain, report_json
from ui.language import BROWSER_LANGUAGE_JS, page_language

run = run_experiment("1, 2, 3", "x.exp()", "y.data", "cpu", [[0, 100]])
print("PROBE " + json.dumps({
    "languages": LANGUAGES,
    "page": page_language("fr-FR"),
    "header": page_language(None, type("R", (), {"headers": {"accept-language": "fr-CA,fr;q=0.9"}})()),
    "i18n": app.I18N.translations["fr"]["intro"],
    "canvas": canvas_texts()["fr"]["clear"],
    "error_title": '"fr": "[fr] Error"' in ERROR_TITLE_JS,
    "picks_fr": '["fr", "fr"]' in BROWSER_LANGUAGE_JS,
    "why": explain(run.why_parts, "fr"),
    "json_why": report_json(run)["why"]["fr"],
    "device": device_words("cpu", "quota", "fr"),
    "refusal": gpu_refusal("no GPU", "fr"),
    "teach": text("teach_err_no_session", "fr"),
}))
"""


@pytest.mark.slow
def test_a_third_language_is_one_new_file(tmp_path: Path) -> None:
    (tmp_path / "fr.py").write_text(THIRD_LANGUAGE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PROBE), str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "MNIST_DEVICE": "cpu"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    found = json.loads(lines[-1].removeprefix("PROBE "))
    assert found["languages"] == ["en", "fr", "zh-CN"]
    assert found["page"] == found["header"] == "fr"
    assert found["i18n"].startswith("[fr] ") and "{device}" not in found["i18n"]
    assert found["canvas"] == "[fr] Clear" and found["error_title"] and found["picks_fr"]
    assert found["why"].startswith("[fr] z = y.data") and found["json_why"] == found["why"]
    assert found["device"] == "[fr] cpu (GPU unavailable: quota)"
    assert found["refusal"].startswith("[fr] ") and "[fr] this server has no GPU" in found["refusal"]
    assert found["teach"] == "[fr] No session to teach."


def test_no_session_to_teach_is_said_in_the_page_s_language() -> None:
    """The last page string that was English only."""
    import gradio as gr
    from PIL import Image

    from ui.teach_panel import teach_session

    image = Image.open(next((ROOT / "assets" / "examples").glob("*_digit_3.png")))
    for language in LANGUAGES:
        with pytest.raises(gr.Error) as refused:
            teach_session(None, image, 3, language, "test")
        assert refused.value.message == TEXTS[language]["teach_err_no_session"]
    assert TEXTS["zh-CN"]["teach_err_no_session"] != TEXTS["en"]["teach_err_no_session"]
