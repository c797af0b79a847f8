"""End-to-end tests in a real Chromium: the Draw tab's canvas (mouse, touch, undo, clear, examples), its reading and
insight panel, the Chinese page, the phone layout, and the detach() lab's editable table.

The app runs as ``python app.py`` on a free port with the model on the CPU. Screenshots go to ``$SCREENSHOT_DIR``
(default ``artifacts/screenshots``). Needs Debian's Chromium at /usr/bin/chromium (or ``$CHROMIUM_PATH``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from model.canvas_synth import draw_canvas
from tests.browser_helpers import (
    BRUSH,
    CANVAS,
    CHROMIUM,
    CLEAR,
    DIGITS,
    DRAW_HINT,
    ERASER,
    EXAMPLES,
    INSIGHT_IMAGES,
    POINTER_LOG_SCRIPT,
    READ_TIMEOUT_MS,
    ROOT,
    STATUS_PATTERN,
    TOAST,
    TOP_LABEL,
    TOP_READING,
    UNDO,
    UPLOAD_INPUT,
    clear,
    contrast_ratio,
    dark_pixels,
    describe_reading,
    draw,
    expect_empty_reading,
    expect_reading,
    low_contrast_texts,
    mouse_stroke,
    open_app,
    renders_chinese,
    screenshot,
    settle,
    touch_stroke,
)

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH)", allow_module_level=True)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
# A Chinese browser whose Accept-Language still puts English first: the page's language is the browser's.
CHINESE_BROWSER = {"locale": "zh-CN", "extra_http_headers": {"Accept-Language": "en-US,en;q=0.9"}}
ZH_STATUS_PATTERN = r"^\s*cpu · 预处理 \d+(\.\d+)? ms · 前向 \d+(\.\d+)? ms · 总计 \d+(\.\d+)? ms\s*$"
DATA = ROOT / "tests" / "data" / "mnist_test_2000.npz"


@pytest.fixture(scope="module")
def upload_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str | None]]:
    """name → (file, its digit): a PNG, a JPEG, a transparent PNG (made like the API tests' photos and scans of
    MNIST test digits) and a text file named .png (no digit)."""
    folder = tmp_path_factory.mktemp("uploads")
    with np.load(DATA) as data:
        images, labels = data["images"], data["labels"]
    files: dict[str, tuple[Path, str | None]] = {}
    for name, index, style, suffix in (
        ("png", 1, "black_on_white", ".png"),
        ("jpeg", 2, "colour_on_white", ".jpg"),
        ("transparent png", 5, "colour_on_transparent", ".png"),  # index 3, a U-shaped 4, reads "?"
    ):
        image = draw_canvas(images[index], np.random.default_rng(index), style=style).image
        path = folder / f"{name.replace(' ', '_')}{suffix}"
        (image.convert("RGB") if suffix == ".jpg" else image).save(path)
        files[name] = (path, str(int(labels[index])))
    junk = folder / "notes.png"
    junk.write_text("this is a text file, not a PNG")
    files["junk named .png"] = (junk, None)
    return files


def open_upload_panel(page: Page) -> None:
    page.get_by_role("button", name=re.compile("upload a photo|上传一张数字")).click()
    expect(page.locator(UPLOAD_INPUT)).to_have_count(1)


def remove_upload(page: Page) -> None:
    """The upload panel's own ✕ (Remove Image): the reading goes back to the prompt."""
    page.locator("#upload").get_by_role("button", name="Remove Image").click()
    expect_empty_reading(page)


def expect_upload_panel_empty(page: Page) -> None:
    """The panel is back to its empty drop zone (no image, not even a broken one) and the reading to the prompt."""
    expect(page.locator("#upload img")).to_have_count(0, timeout=READ_TIMEOUT_MS)
    expect(page.locator("#upload").get_by_role("button", name="Remove Image")).to_have_count(0)
    expect(page.locator(UPLOAD_INPUT)).to_have_count(1)
    expect_empty_reading(page)


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


def test_chinese_page(browser: Browser, app_url: str, shots: Path, upload_files) -> None:
    """zh-CN browser, English-first Accept-Language: every word the page and the server write is Chinese."""
    context = browser.new_context(viewport=DESKTOP, **CHINESE_BROWSER)
    context.add_init_script(POINTER_LOG_SCRIPT)
    try:
        page = context.new_page()
        open_app(page, app_url)
        expect(page.locator(DRAW_HINT)).to_contain_text("画一个数字")  # the page opens in its language
        # A Chinese font is installed (.ci/run installs one whenever these tests run): no screenshot of empty boxes.
        assert renders_chinese(page), "Chromium draws Chinese as empty boxes: install fonts-noto-cjk"
        expect(page.get_by_role("tab", name="手写")).to_be_visible()
        expect(page.get_by_role("tab", name="detach() 实验室")).to_be_visible()
        expect(page.get_by_text("运行在本服务器的 CPU上")).to_be_visible()  # the intro names the real device
        expect(page.locator(CLEAR)).to_contain_text("清空")
        expect(page.locator(CANVAS)).to_have_attribute("aria-label", re.compile("画布"))
        for digit in range(10):
            expect(page.get_by_role("button", name=f"示例：数字 {digit}", exact=True)).to_have_count(1)
        draw(page, "7")
        expect_reading(page, "7")
        expect(page.locator("#insight")).to_contain_text("隐藏层 1")
        expect(page.locator("#insight")).to_contain_text("网络实际收到的输入")
        expect(page.locator("#status")).to_have_text(re.compile(ZH_STATUS_PATTERN))
        screenshot(page, shots, "draw-zh.png")
        clear(page)
        expect(page.locator(DRAW_HINT)).to_contain_text("画一个数字")  # the server writes it in the page's language

        open_upload_panel(page)
        page.locator(UPLOAD_INPUT).set_input_files(upload_files["junk named .png"][0])
        toast = page.locator(TOAST)
        expect(toast).to_contain_text("出错了", timeout=READ_TIMEOUT_MS)  # the toast's title
        expect(toast.locator('[data-testid="toast-text"]')).to_have_text(
            "这个文件不是能读取的图片（PNG、JPEG、WebP、BMP、GIF 等）。"
        )
        expect(toast).to_be_in_viewport(ratio=1)  # slid in
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / "upload-error-zh.png"))  # the screen, with the toast
        expect_upload_panel_empty(page)
        path, digit = upload_files["png"]
        page.locator(UPLOAD_INPUT).set_input_files(path)
        expect(page.locator(TOP_LABEL)).to_have_text(digit, timeout=READ_TIMEOUT_MS)
        expect(page.locator("#insight")).to_contain_text("显著性")
        expect(page.locator("#status")).to_have_text(re.compile(ZH_STATUS_PATTERN))
    finally:
        context.close()


def test_upload_through_the_file_chooser(page: Page, shots: Path, upload_files) -> None:
    """A PNG, a JPEG and a transparent PNG are read like a drawing; a junk file named .png gets its reason."""
    open_upload_panel(page)
    for name in ("png", "jpeg", "transparent png"):
        path, digit = upload_files[name]
        page.locator(UPLOAD_INPUT).set_input_files(path)
        try:
            expect(page.locator(TOP_LABEL)).to_have_text(digit, timeout=READ_TIMEOUT_MS)
        except AssertionError as error:
            raise AssertionError(f"the {name} {digit} reads as {describe_reading(page)}") from error
        for test_id in INSIGHT_IMAGES:
            expect(page.locator(f'#insight img[data-testid="{test_id}"]')).to_be_visible()
        expect(page.locator("#status")).to_have_text(re.compile(STATUS_PATTERN))
        if name == "png":
            screenshot(page, shots, "upload.png")
        remove_upload(page)

    page.locator(UPLOAD_INPUT).set_input_files(upload_files["junk named .png"][0])
    toast = page.locator(TOAST)
    expect(toast).to_contain_text("Error", timeout=READ_TIMEOUT_MS)
    expect(toast.locator('[data-testid="toast-text"]')).to_have_text(
        "The file is not a readable image (PNG, JPEG, WebP, BMP, GIF, ...)."
    )
    expect_upload_panel_empty(page)  # the refused file is not left in the panel as a broken image
    path, digit = upload_files["png"]  # the page keeps working after a bad file
    page.locator(UPLOAD_INPUT).set_input_files(path)
    expect(page.locator(TOP_LABEL)).to_have_text(digit, timeout=READ_TIMEOUT_MS)


def test_intro_names_the_device_the_server_has(page: Page) -> None:
    expect(page.get_by_text("running on this server's CPU")).to_be_visible()  # the tests serve with MNIST_DEVICE=cpu
    expect(page.get_by_text("on the GPU")).to_have_count(0)


def test_example_buttons_have_accessible_names_and_sit_in_one_row(page: Page) -> None:
    for digit in range(10):
        expect(page.get_by_role("button", name=f"Example: digit {digit}", exact=True)).to_have_count(1)
    boxes = [tile.bounding_box() for tile in page.locator(EXAMPLES).all()]
    assert len(boxes) == 10 and all(boxes)
    tops = [box["y"] for box in boxes]
    heights = [box["height"] for box in boxes]
    assert max(tops) - min(tops) < 0.5, f"example tiles are not aligned: tops {tops}"
    assert max(heights) - min(heights) < 0.5, f"example tiles differ in height: {heights}"


def test_example_label_and_empty_panel_hint_have_enough_contrast(page: Page) -> None:
    for selector in (".dc-examples-title", DRAW_HINT):
        ratio = contrast_ratio(page.locator(selector))
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f}:1, WCAG AA needs 4.5:1"


def test_undo_after_clear_brings_the_drawing_back(page: Page) -> None:
    draw(page, "7")
    expect_reading(page, "7")
    ink = dark_pixels(page)
    page.locator(CLEAR).click()
    expect_empty_reading(page)
    assert dark_pixels(page) == 0
    page.locator(UNDO).click()
    expect_reading(page, "7")
    assert dark_pixels(page) == ink, "undo after clear did not restore the same drawing"

    page.locator(EXAMPLES).nth(3).click()  # an example replaces the drawing; undo brings the drawing back too
    expect(page.locator(TOP_LABEL)).to_have_text("3", timeout=READ_TIMEOUT_MS)
    page.locator(UNDO).click()
    expect_reading(page, "7")
    assert dark_pixels(page) == ink


def test_eraser_rubs_out_ink(page: Page) -> None:
    draw(page, "1")
    mouse_stroke(page, [(0.25, 0.15), (0.5, 0.15)])  # a bar on top: the 1 becomes a 7
    expect_reading(page, "7")
    page.locator(ERASER).click()
    expect(page.locator(ERASER)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(BRUSH)).to_have_attribute("aria-pressed", "false")
    ink = dark_pixels(page)
    mouse_stroke(page, [(0.2, 0.15), (0.56, 0.15)])  # rub out the bar: a 1 again
    expect_reading(page, "1")
    assert 0 < dark_pixels(page) < ink
    mouse_stroke(page, [(0.5, 0.05), (0.5, 0.95)])  # rub out the rest: nothing left to read
    expect_empty_reading(page)
    assert dark_pixels(page) == 0

    page.locator(BRUSH).click()  # and back to the brush
    expect(page.locator(BRUSH)).to_have_attribute("aria-pressed", "true")
    mouse_stroke(page, [(0.25, 0.2), (0.72, 0.2), (0.42, 0.85)])
    expect_reading(page, "7")


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


def in_view(box: dict | None, viewport: dict) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_phone_keeps_the_top_reading_in_view_while_drawing(browser: Browser, app_url: str, shots: Path) -> None:
    """Stacked on a phone, the full reading is below the canvas; a one-line reading stays in view above it."""
    context = browser.new_context(**PHONE, locale="en-US")
    try:
        page = context.new_page()
        open_app(page, app_url)
        cdp = context.new_cdp_session(page)
        viewport = PHONE["viewport"]
        top_line = page.locator(TOP_READING)
        expect(top_line).to_have_text("The network reads: nothing yet")
        # The canvas's bottom edge at the bottom of the screen: all of the canvas in view, the reading below it not.
        page.locator(CANVAS).evaluate(
            "canvas => window.scrollBy(0, canvas.getBoundingClientRect().bottom - window.innerHeight + 1)"
        )
        for stroke in DIGITS["7"]:
            touch_stroke(page, cdp, stroke)
        expect(page.locator(TOP_LABEL)).to_have_text("7", timeout=READ_TIMEOUT_MS)
        assert in_view(page.locator(CANVAS).bounding_box(), viewport), "the canvas is not in view"
        assert not in_view(page.locator(TOP_LABEL).bounding_box(), viewport), "the reading was in view anyway"
        expect(top_line).to_have_text(re.compile(r"^The network reads 7 \(\d+% sure\)$"))
        assert in_view(top_line.bounding_box(), viewport), f"top reading out of view: {top_line.bounding_box()}"
        page.screenshot(path=str(shots / "phone-drawing.png"))  # what the phone's screen shows while drawing

        # The canvas's top edge at the top of the screen: the line sticks there, and strokes under it still draw.
        page.locator(CLEAR).click()
        expect(top_line).to_have_text("The network reads: nothing yet")
        page.locator(CANVAS).evaluate("canvas => window.scrollBy(0, canvas.getBoundingClientRect().top)")
        for stroke in DIGITS["1"]:
            touch_stroke(page, cdp, [(0.5, 0.05), *stroke])  # starting under the line
        expect(top_line).to_have_text(re.compile(r"^The network reads 1 \(\d+% sure\)$"), timeout=READ_TIMEOUT_MS)
        assert in_view(top_line.bounding_box(), viewport), f"top reading out of view: {top_line.bounding_box()}"
        assert in_view(page.locator(CANVAS).bounding_box(), viewport), "the canvas is not in view"
    finally:
        context.close()


def test_reading_sits_beside_the_canvas_on_a_desktop(page: Page) -> None:
    expect(page.locator(TOP_READING)).to_be_hidden()  # the phone's one-line reading: not needed side by side
    canvas = page.locator(CANVAS).bounding_box()
    reading = page.locator("#reading").bounding_box()
    assert canvas and reading
    assert reading["x"] > canvas["x"] + canvas["width"] * 0.9, f"not side by side: canvas {canvas}, reading {reading}"
    assert reading["y"] < canvas["y"] + canvas["height"], f"reading below the canvas: {canvas}, {reading}"


def test_every_visible_text_reads_at_aa_contrast(browser: Browser, app_url: str) -> None:
    """Every text on the page, measured from Chromium's computed styles: ≥ 4.5:1 (WCAG AA), in both languages, with a
    reading, a teaching report (its captions and timing line), the lab's claims, graph and code panels, and the
    footer (the theme's grey was 2.45:1: the claims' explanations, the graph caption, the teaching captions)."""
    for locale, lab_tab in (("en-US", "detach() lab"), ("zh-CN", "detach() 实验室")):
        context = browser.new_context(viewport=DESKTOP, locale=locale)
        try:
            page = context.new_page()
            open_app(page, app_url)
            draw(page, "7")
            settle(page.locator("#status"))
            page.locator("#teach-7").click()
            expect(page.locator('[data-testid="teach-time"]')).to_be_visible(timeout=30_000)
            assert low_contrast_texts(page) == [], locale
            footer = page.locator("footer").inner_text().split()
            assert footer[-1] != "·", f"the footer ends in a stray divider: {footer}"
            page.get_by_role("tab", name=lab_tab).click()
            expect(page.locator("#printed")).to_contain_text("y = tensor(", timeout=30_000)
            page.locator("#lab-op").get_by_text("x.exp()", exact=True).click()
            expect(page.locator("#lab-claims .lc-why").first).to_be_visible(timeout=READ_TIMEOUT_MS)
            expect(page.locator("#lab-graph figcaption")).to_be_visible()
            expect(page.locator("#lab-code .cm-line").first).to_be_visible()
            settle(page.locator("#lab-output"))
            assert low_contrast_texts(page) == [], locale
        finally:
            context.close()
