"""A photo of a digit on paper, with the table along one edge, uploaded through the Draw tab's file chooser in
Chromium: the page reads the digit and shows the photo with the region that was read outlined.

Needs Debian's Chromium at /usr/bin/chromium (or ``$CHROMIUM_PATH``); screenshots go to ``$SCREENSHOT_DIR``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from model.photos import digit_alpha, load_slice, write
from tests.browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    READ_TIMEOUT_MS,
    ROOT,
    TOP_LABEL,
    UPLOAD_INPUT,
    describe_reading,
    open_app,
)
from tests.servers import running_app

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH)", allow_module_level=True)

pytestmark = pytest.mark.browser

SEVEN = 0  # the first 7 of the slice


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with running_app() as (url, _):
        yield url


def table_edge_photo(folder: Path) -> tuple[Path, tuple[int, int, int, int]]:
    """Issue 17's first reproduction as a JPEG: a 600×600 sheet (225), a dark table strip (40) 90 px wide along
    the left edge, a 7 in dark pen ~300 px tall, and a little camera noise. Returns the file and the 7's box."""
    images, labels = load_slice()
    digit = images[np.nonzero(labels == 7)[0][SEVEN]]
    rng = np.random.default_rng(7)
    sheet = np.full((600, 600, 3), 225, np.float32)
    box = write(sheet, digit_alpha(digit, 300, 20, rng), (330, 300), (30, 30, 35), 1.0)
    sheet[:, :90] = 40
    sheet += rng.normal(0, 2, sheet.shape).astype(np.float32)
    path = folder / "seven_on_a_table.jpg"
    Image.fromarray(np.clip(sheet, 0, 255).astype(np.uint8)).save(path, quality=90)
    return path, box


def test_photo_with_a_table_edge_reads_and_shows_what_was_read(app_url: str, tmp_path: Path) -> None:
    path, (left, top, right, bottom) = table_edge_photo(tmp_path)
    shots = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "artifacts" / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
        try:
            open_app(page, app_url)
            page.get_by_role("button", name=re.compile("upload a photo")).click()
            page.locator(UPLOAD_INPUT).set_input_files(path)
            try:
                expect(page.locator(TOP_LABEL)).to_have_text("7", timeout=READ_TIMEOUT_MS)
            except AssertionError as error:
                raise AssertionError(f"the photo of a 7 reads as {describe_reading(page)}") from error
            shown = page.locator('#insight img[data-testid="read-region"]')
            expect(shown).to_be_visible()
            assert shown.evaluate("img => img.complete && img.naturalWidth > 0"), "the photo did not decode"
            expect(page.locator("#insight figcaption").first).to_have_text(re.compile("outlined part is what was"))
            region = [int(value) for value in shown.get_attribute("data-region").split(",")]
            # The outline is around the 7 (within a few pixels of its ink), far from the table strip (x < 90).
            assert all(abs(got - want) <= 12 for got, want in zip(region, (left, top, right, bottom))), region
            # The outline is drawn on the shown copy: its colour is there, along the region's top edge.
            scale = 280 / 600
            pixel = shown.evaluate(
                """(img, [x, y]) => { const c = document.createElement('canvas'); c.width = img.naturalWidth;
                c.height = img.naturalHeight; const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                return Array.from(g.getImageData(x, y, 1, 1).data); }""",
                [round((region[0] + region[2]) / 2 * scale), max(0, round(region[1] * scale) - 3)],
            )
            assert pixel[0] > 180 and pixel[1] < 110, pixel  # the outline's pink, not the grey paper
            page.locator("#insight").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "upload-photo.png"), full_page=True)
        finally:
            browser.close()
