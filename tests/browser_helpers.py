"""Helpers for the browser tests: start the app, draw strokes on the canvas, read the page.

Strokes are lists of points in canvas fractions: ``(0, 0)`` is the canvas's top-left corner, ``(1, 1)`` its
bottom-right; :func:`densify` adds points between them so every pointer move is a few pixels long, like a real pen.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import CDPSession, Locator, Page, expect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
READ_TIMEOUT_MS = 10_000

Point = tuple[float, float]
Stroke = Sequence[Point]

# Selectors. The canvas and its toolbar carry data-testids (ui/canvas.html); the Label renders its top class as
# <h2 data-testid="label-output-value"> and an empty value as an element with aria-label="Empty value".
CANVAS = '[data-testid="digit-canvas"]'
BRUSH = '[data-testid="dc-brush"]'
ERASER = '[data-testid="dc-eraser"]'
UNDO = '[data-testid="dc-undo"]'
CLEAR = '[data-testid="dc-clear"]'
EXAMPLES = ".dc-example"
TOP_LABEL = '#reading [data-testid="label-output-value"]'
EMPTY_LABEL = '#reading [aria-label="Empty value"]'
INSIGHT_IMAGES = ("network-input", "saliency", "hidden1", "hidden2")
DRAW_HINT = '#insight [data-testid="draw-hint"]'
TOP_READING = '[data-testid="top-reading"]'  # the compact reading line shown above the canvas on a phone
UPLOAD_INPUT = '#upload input[type="file"]'  # the upload panel's own file chooser
TOAST = '[data-testid="toast-body"]'  # Gradio's error toast: its title, then [data-testid="toast-text"]
STATUS_PATTERN = r"^\s*cpu · preprocess \d+(\.\d+)? ms · forward \d+(\.\d+)? ms · total \d+(\.\d+)? ms\s*$"


# Added to every page: the last few pointer events' targets, reported when a reading is wrong.
POINTER_LOG_SCRIPT = """
window.__pointerLog = [];
for (const type of ['pointerdown', 'pointerup', 'pointercancel']) {
  document.addEventListener(type, event => {
    const target = event.target;
    window.__pointerLog.push(`${type}@${Math.round(event.clientX)},${Math.round(event.clientY)}:${target.tagName}.${target.className}`);
    window.__pointerLog.splice(0, window.__pointerLog.length - 6);
  }, true);
}
"""


# --- strokes --------------------------------------------------------------------------------------------------


def densify(stroke: Stroke, step: float = 0.03) -> list[Point]:
    """The stroke's corners with points every ``step`` (a canvas fraction) along each segment."""
    points = [stroke[0]]
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
        count = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step))
        points += [(x0 + (x1 - x0) * i / count, y0 + (y1 - y0) * i / count) for i in range(1, count + 1)]
    return points


def ellipse(cx: float, cy: float, rx: float, ry: float, count: int = 40) -> list[Point]:
    """A closed ellipse, starting and ending at the top."""
    return [
        (cx + rx * math.sin(2 * math.pi * i / count), cy - ry * math.cos(2 * math.pi * i / count))
        for i in range(count + 1)
    ]


DIGITS: dict[str, list[Stroke]] = {
    "1": [[(0.5, 0.15), (0.5, 0.85)]],
    "7": [[(0.28, 0.2), (0.72, 0.2), (0.42, 0.85)]],
    "0": [ellipse(0.5, 0.5, 0.22, 0.34)],
    "4": [[(0.38, 0.15), (0.28, 0.58), (0.74, 0.58)], [(0.62, 0.3), (0.62, 0.88)]],
}


def canvas_box(page: Page) -> dict:
    canvas = page.locator(CANVAS)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None, "the drawing canvas is not laid out"
    return box


def _to_page(box: dict, point: Point) -> Point:
    return box["x"] + point[0] * box["width"], box["y"] + point[1] * box["height"]


def mouse_stroke(page: Page, stroke: Stroke) -> None:
    """One stroke with the mouse: press, many small moves, release."""
    box = canvas_box(page)
    points = [_to_page(box, point) for point in densify(stroke)]
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y)
    page.mouse.up()


def touch_stroke(page: Page, cdp: CDPSession, stroke: Stroke) -> None:
    """One stroke with a finger: real touch events through the DevTools protocol."""
    box = canvas_box(page)
    points = [_to_page(box, point) for point in densify(stroke)]
    x, y = points[0]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def draw(page: Page, digit: str) -> None:
    for stroke in DIGITS[digit]:
        mouse_stroke(page, stroke)


# --- reading the page -----------------------------------------------------------------------------------------


# True once a click at the canvas's centre would reach the canvas: Gradio's page-wide loading overlay (a translucent
# status tracker over the whole app) can still cover a canvas that is already rendered and "visible".
CANVAS_ON_TOP = """() => {
  const canvas = document.querySelector('[data-testid="digit-canvas"]');
  if (!canvas) return false;
  const box = canvas.getBoundingClientRect();
  return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === canvas;
}"""


def open_app(page: Page, url: str) -> None:
    """Load the page and wait until the canvas takes input."""
    page.goto(url)
    canvas = page.locator(CANVAS)
    expect(canvas).to_be_visible(timeout=30_000)
    # The canvas script has run once the toolbar's words are filled in (they start empty in the template).
    expect(page.locator(CLEAR)).not_to_have_text("✕", timeout=30_000)
    canvas.scroll_into_view_if_needed()
    page.wait_for_function(CANVAS_ON_TOP, timeout=30_000)


def settle(locator: Locator, quiet_s: float = 0.6, timeout_s: float = 10.0) -> None:
    """Wait until ``locator``'s text has not changed for ``quiet_s`` (the last live reading has arrived)."""
    deadline = time.monotonic() + timeout_s
    last, since = locator.inner_text(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = locator.inner_text()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
    raise AssertionError(f"{locator} kept changing for {timeout_s} s")


def expect_reading(page: Page, digit: str) -> None:
    """The top label becomes ``digit`` and is still ``digit`` once the live readings stop arriving.

    The canvas sends a reading every 150 ms while a stroke is drawn, so a half-drawn digit can briefly show the
    right answer; settling on the status line (its timings change with every reading) rules that out.
    """
    top = page.locator(TOP_LABEL)
    try:
        expect(top).to_have_text(digit, timeout=READ_TIMEOUT_MS)
        settle(page.locator("#status"))
        expect(top).to_have_text(digit, timeout=500)
    except AssertionError as error:
        raise AssertionError(f"expected the reading {digit!r}; the page shows {describe_reading(page)}") from error


def describe_reading(page: Page) -> str:
    """The reading's top rows and the status line, for failure messages."""
    rows = page.locator("#reading dl").all_inner_texts()[:3]
    status = page.locator("#status").inner_text()
    ink = page.locator(CANVAS).evaluate(
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 0 && v < 128)"
        ".length"
    )
    selected = page.evaluate("getSelection().toString().length")
    pointer = page.evaluate("window.__pointerLog || []")
    return (
        f"{[' '.join(row.split()) for row in rows] or 'no reading'}, status {status.strip()!r}, "
        f"{ink} dark canvas pixels, {selected} characters of text selected, pointer events {pointer}, "
        f"canvas at {page.locator(CANVAS).bounding_box()}"
    )


def expect_empty_reading(page: Page) -> None:
    expect(page.locator(EMPTY_LABEL)).to_be_visible(timeout=READ_TIMEOUT_MS)
    expect(page.locator(TOP_LABEL)).to_have_count(0)
    expect(page.locator(DRAW_HINT)).to_be_visible()


def clear(page: Page) -> None:
    page.locator(CLEAR).click()
    expect_empty_reading(page)


def screenshot(page: Page, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    return path


def dark_pixels(page: Page) -> int:
    """How many of the canvas's pixels are ink (dark)."""
    return page.locator(CANVAS).evaluate(
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 0 && v < 128)"
        ".length"
    )


# WCAG 2 contrast of an element's text (its colour times ``opacity``) against the first ancestor background that is
# not transparent.
CONTRAST_OF = """(element, opacity = 1) => {
  const rgba = text => {
    const v = text.match(/[\\d.]+/g).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const linear = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const luminance = c => 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);
  let background = [255, 255, 255, 1];
  for (let node = element; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour[3] > 0) { background = colour; break; }
  }
  const text = rgba(getComputedStyle(element).color);
  const alpha = text[3] * opacity;
  const seen = [0, 1, 2].map(i => text[i] * alpha + background[i] * (1 - alpha));
  const [high, low] = [luminance(seen), luminance(background)].sort((a, b) => b - a);
  return (high + 0.05) / (low + 0.05);
}"""
CONTRAST_SCRIPT = f"element => ({CONTRAST_OF})(element)"


def contrast_ratio(locator: Locator) -> float:
    """The WCAG contrast ratio of ``locator``'s text colour on its background, from Chromium's computed styles."""
    return float(locator.evaluate(CONTRAST_SCRIPT))


# Every visible text on the page whose WCAG contrast is below ``minimum``: each element with text of its own, its
# colour (with the opacity of it and its ancestors) over the first ancestor background that is not transparent.
# Invisible text (display none, visibility hidden, zero size, an opacity of 0 on the way up) is not seen, so not
# counted; nor is text outside the page's layout width (off-screen helpers).
LOW_CONTRAST_SCRIPT = """minimum => {
  const contrastOf = CONTRAST_OF;
  const low = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.data.trim() || !element || seen.has(element)) continue;
    seen.add(element);
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility !== 'visible' || box.right < 0) continue;
    let opacity = 1;
    for (let up = element; up; up = up.parentElement) opacity *= Number(getComputedStyle(up).opacity);
    if (opacity < 0.05) continue;
    const ratio = contrastOf(element, opacity);
    if (ratio < minimum) {
      const where = element.closest('[id]');
      const words = JSON.stringify(node.data.trim().slice(0, 40));
      low.push(`${ratio.toFixed(2)}:1 ${words} in ${element.tagName.toLowerCase()}${where ? '#' + where.id : ''} ` +
        `(${style.color})`);
    }
  }
  return low;
}""".replace("CONTRAST_OF", CONTRAST_OF)


def low_contrast_texts(page: Page, minimum: float = 4.5) -> list[str]:
    """Every visible text on ``page`` below ``minimum`` contrast (WCAG AA: 4.5:1), described for a failure message."""
    return page.evaluate(LOW_CONTRAST_SCRIPT, minimum)


# Whether Chromium has a font for Chinese: two different characters drawn differently. Without one, both are the same
# empty box (as two unassigned code points are), and a Chinese page "passes" while showing boxes.
RENDERS_CHINESE_SCRIPT = """() => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const pen = canvas.getContext('2d');
  pen.font = `40px ${getComputedStyle(document.body).fontFamily}`;
  const drawn = text => {
    pen.clearRect(0, 0, 48, 48);
    pen.fillText(text, 2, 42);
    return pen.getImageData(0, 0, 48, 48).data.join();
  };
  const boxes = [drawn('\\u{10FFFC}'), drawn('\\u{10FFFD}')];
  return { boxesAlike: boxes[0] === boxes[1], differ: drawn('实') !== drawn('验'), notBox: drawn('实') !== boxes[0] };
}"""


def renders_chinese(page: Page) -> bool:
    """Whether the page's font draws Chinese characters as themselves, not as empty boxes."""
    seen = page.evaluate(RENDERS_CHINESE_SCRIPT)
    assert seen["boxesAlike"], "two unassigned code points drew differently: the check cannot tell boxes apart"
    return seen["differ"] and seen["notBox"]
