"""End-to-end tests in a real Chromium: the Draw tab's canvas (mouse, touch, undo, clear, examples), its reading and
insight panel, the Chinese page, the phone layout, and the detach() lab's editable table.

The app runs as ``python app.py`` on a free port with the model on the CPU. Screenshots go to ``$SCREENSHOT_DIR``
(default ``artifacts/screenshots``). Needs Debian's Chromium at /usr/bin/chromium (or ``$CHROMIUM_PATH``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser_helpers import (
    CANVAS,
    CHROMIUM,
    CHROMIUM_ARGS,
    CLEAR,
    DIGITS,
    DRAW_HINT,
    EXAMPLES,
    INSIGHT_IMAGES,
    POINTER_LOG_SCRIPT,
    READ_TIMEOUT_MS,
    ROOT,
    STATUS_PATTERN,
    TOP_LABEL,
    UNDO,
    clear,
    describe_reading,
    draw,
    expect_empty_reading,
    expect_reading,
    mouse_stroke,
    open_app,
    screenshot,
    settle,
    touch_stroke,
)
from tests.servers import running_app

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH)", allow_module_level=True)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with running_app() as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.add_init_script(POINTER_LOG_SCRIPT)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, app_url: str) -> Page:
    page = context.new_page()
    open_app(page, app_url)
    return page


def test_canvas_reads_mouse_drawn_digits_without_choosing_a_tool(page: Page, shots: Path) -> None:
    expect_empty_reading(page)
    for digit in ("1", "7", "0", "4"):
        draw(page, digit)
        expect_reading(page, digit)
        if digit == "7":
            screenshot(page, shots, "draw.png")
        clear(page)


def test_insight_panel_and_status_after_drawing(page: Page) -> None:
    expect(page.locator("#status")).to_have_text("cpu · —")
    draw(page, "1")
    expect_reading(page, "1")
    for test_id in INSIGHT_IMAGES:
        image = page.locator(f'#insight img[data-testid="{test_id}"]')
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), f"{test_id} did not decode"
    expect(page.locator("#insight figcaption")).to_have_count(4)
    expect(page.locator("#insight")).to_contain_text("hidden layer 1")
    expect(page.locator(DRAW_HINT)).to_have_count(0)
    expect(page.locator("#status")).to_have_text(re.compile(STATUS_PATTERN))


def test_reading_follows_the_finished_drawing_on_a_slow_network(context: BrowserContext, page: Page) -> None:
    """With latency, strokes end while a reading is pending; the page must still end on the finished drawing.

    (Regression: the canvas used to send its PNG as event data with trigger_mode="always_last", and Gradio's
    deferred re-run reuses the pending event's data, so the page ended on the reading of a stroke's first pixels.)
    """
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 300, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", conditions)  # 300 ms is a phone or a far-away server
    draw(page, "1")
    expect(page.locator(TOP_LABEL)).to_have_count(1, timeout=READ_TIMEOUT_MS)
    settle(page.locator("#status"), quiet_s=2.0, timeout_s=20.0)
    assert page.locator(TOP_LABEL).inner_text() == "1", f"a finished 1 reads as {describe_reading(page)}"

    mouse_stroke(page, [(0.25, 0.15), (0.5, 0.15)])  # a 7, undone at once: the readings overlap
    page.locator(UNDO).click()
    settle(page.locator("#status"), quiet_s=2.0, timeout_s=20.0)
    assert page.locator(TOP_LABEL).inner_text() == "1", f"after undo the 1 reads as {describe_reading(page)}"
    page.locator(CLEAR).click()
    expect_empty_reading(page)


def test_clear_brings_back_the_prompt_and_undo_removes_the_last_stroke(page: Page) -> None:
    expect(page.locator(DRAW_HINT)).to_contain_text("Draw a digit")
    draw(page, "1")
    expect_reading(page, "1")
    page.locator(CLEAR).click()
    expect_empty_reading(page)
    expect(page.locator(DRAW_HINT)).to_contain_text("Draw a digit")
    expect(page.locator("#status")).to_have_text("cpu · —")

    draw(page, "1")
    expect_reading(page, "1")
    mouse_stroke(page, [(0.25, 0.15), (0.5, 0.15)])  # a bar on top: the 1 becomes a 7
    expect_reading(page, "7")
    page.locator(UNDO).click()
    expect_reading(page, "1")
    page.locator(UNDO).click()  # nothing left: back to the prompt
    expect_empty_reading(page)


def test_mnist_examples_read_as_their_digits(page: Page) -> None:
    examples = page.locator(EXAMPLES)
    expect(examples).to_have_count(10)
    for digit in range(10):  # the strip is ordered 0 to 9; each click sends one finished drawing
        examples.nth(digit).click()
        expect(page.locator(TOP_LABEL)).to_have_text(str(digit), timeout=10_000)


def test_chinese_page(browser: Browser, app_url: str, shots: Path) -> None:
    context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    context.add_init_script(POINTER_LOG_SCRIPT)
    try:
        page = context.new_page()
        open_app(page, app_url)
        expect(page.locator(DRAW_HINT)).to_contain_text("画一个数字")  # the page opens in its language
        expect(page.get_by_role("tab", name="手写")).to_be_visible()
        expect(page.get_by_role("tab", name="detach() 实验室")).to_be_visible()
        expect(page.locator(CLEAR)).to_contain_text("清空")
        expect(page.locator(CANVAS)).to_have_attribute("aria-label", re.compile("画布"))
        draw(page, "7")
        expect_reading(page, "7")
        expect(page.locator("#insight")).to_contain_text("隐藏层 1")
        expect(page.locator("#insight")).to_contain_text("网络实际收到的输入")
        screenshot(page, shots, "draw-zh.png")
        clear(page)
        expect(page.locator(DRAW_HINT)).to_contain_text("画一个数字")  # the server writes it in the page's language
    finally:
        context.close()


def test_touch_drawing_and_stacked_layout_on_a_phone(browser: Browser, app_url: str, shots: Path) -> None:
    context = browser.new_context(**PHONE, locale="en-US")
    context.add_init_script(POINTER_LOG_SCRIPT)
    try:
        page = context.new_page()
        open_app(page, app_url)
        cdp = context.new_cdp_session(page)
        scroll_before = page.evaluate("window.scrollY")
        for stroke in DIGITS["1"]:
            touch_stroke(page, cdp, stroke)
        expect_reading(page, "1")
        assert page.evaluate("window.scrollY") == scroll_before, "drawing with a finger scrolled the page"

        canvas = page.locator(CANVAS).bounding_box()
        reading = page.locator("#reading").bounding_box()
        assert canvas and reading
        assert canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= 390, f"canvas overflows the phone: {canvas}"
        assert reading["y"] >= canvas["y"] + canvas["height"], f"not stacked: canvas {canvas}, reading {reading}"
        screenshot(page, shots, "phone.png")
    finally:
        context.close()


def test_reading_sits_beside_the_canvas_on_a_desktop(page: Page) -> None:
    canvas = page.locator(CANVAS).bounding_box()
    reading = page.locator("#reading").bounding_box()
    assert canvas and reading
    assert reading["x"] > canvas["x"] + canvas["width"] * 0.9, f"not side by side: canvas {canvas}, reading {reading}"
    assert reading["y"] < canvas["y"] + canvas["height"], f"reading below the canvas: {canvas}, {reading}"


FIRST_Z = '#z-table [data-testid="cell-0-0"]'
FIRST_Z_VALUE = f"{FIRST_Z} span[data-editable]"  # the cell's text, without its menu button's "⋮"


def _edit_first_z(page: Page, value: str) -> None:
    """Gradio 6's Dataframe: a double click opens the cell's editor (a textarea); Enter commits the edit."""
    cell = page.locator(FIRST_Z)
    cell.dblclick()
    editor = cell.locator("textarea")
    expect(editor).to_be_visible()
    editor.fill(value)
    editor.press("Enter")
    expect(editor).to_have_count(0)
    expect(page.locator(FIRST_Z_VALUE)).to_have_text(value)


def test_detach_lab_edit_shows_shared_storage(page: Page, shots: Path) -> None:
    page.get_by_role("tab", name="detach() lab").click()
    printed = page.locator("#printed")
    expect(printed).to_contain_text("y = tensor([2., 4., 6.], grad_fn=<MulBackward0>)")
    expect(page.locator(FIRST_Z_VALUE)).to_have_text("2")

    _edit_first_z(page, "100")
    expect(printed).to_contain_text("y = tensor([100.,")  # z = y.detach() shares y's storage
    expect(printed).to_contain_text("z = tensor([100.,")
    expect(page.locator("#lab-why")).to_contain_text("share storage")
    grad = re.compile(r"^x\.grad = (tensor\()?\[2\.0?, +2\.0?, +2\.0?\]")  # backward still works
    expect(page.locator("#lab-grad textarea")).to_have_value(grad)
    screenshot(page, shots, "lab.png")

    page.get_by_role("radio", name="y.detach().clone()").check()
    expect(printed).to_contain_text("z = tensor([2., 4., 6.])")  # a fresh run with the table refilled
    expect(page.locator(FIRST_Z_VALUE)).to_have_text("2")
    _edit_first_z(page, "100")
    expect(printed).to_contain_text("z = tensor([100.,")
    expect(printed).to_contain_text("y = tensor([2., 4., 6.], grad_fn=<MulBackward0>)")
    expect(page.locator("#lab-why")).to_contain_text("own memory")
    expect(page.locator("#lab-grad textarea")).to_have_value(grad)
