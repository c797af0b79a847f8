"""Browser tests for the world's handwriting (issue 14): in a real Chromium, a 1 with a long flag and a crossed 7 read
right on the canvas, and a scribble answers "?".

The scribble is answered with the "not sure" rule of ``model/unsure.py``: the Label's top line is "?".
Needs Debian's Chromium at /usr/bin/chromium (or ``$CHROMIUM_PATH``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect

from model.nondigits import CANVAS_SIDE, scribble_path
from tests.browser_helpers import (
    CHROMIUM,
    POINTER_LOG_SCRIPT,
    READ_TIMEOUT_MS,
    TOP_LABEL,
    clear,
    describe_reading,
    expect_reading,
    mouse_stroke,
    open_app,
    settle,
)

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH)", allow_module_level=True)

pytestmark = pytest.mark.browser

# Strokes in canvas fractions, drawn with the canvas's own 22 px brush, the way such writers draw them.
LONG_FLAG_ONE = [[(0.36, 0.37), (0.58, 0.14), (0.46, 0.86)]]  # the flag up to the top, then the slanted stem down
CROSSED_SEVEN = [[(0.26, 0.2), (0.72, 0.2), (0.42, 0.86)], [(0.42, 0.53), (0.72, 0.53)]]
# The first scribble of model.evaluate's scribble set (seed 1101; training used seed 0), in canvas fractions.
SCRIBBLE = [[(x / CANVAS_SIDE, y / CANVAS_SIDE) for x, y in scribble_path(np.random.default_rng(1101))]]


@pytest.fixture(scope="module")
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.add_init_script(POINTER_LOG_SCRIPT)
    page = context.new_page()
    open_app(page, app_url)
    yield page
    context.close()


def draw_strokes(page: Page, strokes) -> None:
    clear(page)
    for stroke in strokes:
        mouse_stroke(page, stroke)


def test_one_with_a_long_flag_reads_one(page: Page) -> None:
    draw_strokes(page, LONG_FLAG_ONE)
    expect_reading(page, "1")


def test_crossed_seven_reads_seven(page: Page) -> None:
    draw_strokes(page, CROSSED_SEVEN)
    expect_reading(page, "7")


def test_scribble_answers_not_sure(page: Page) -> None:
    draw_strokes(page, SCRIBBLE)
    top = page.locator(TOP_LABEL)
    try:
        expect(top).to_have_text("?", timeout=READ_TIMEOUT_MS)
        settle(page.locator("#status"))
        expect(top).to_have_text("?", timeout=500)
    except AssertionError as error:
        raise AssertionError(f"expected '?'; the page shows {describe_reading(page)}") from error
