"""The Train tab in a real Chromium: a short run whose curve grows as it streams, then the Draw tab reading with the
model just trained; the seed's code as given; the Chinese page on a phone, by keyboard; the model freed on close.

The app is launched in this process (so the test can see the store of trained models). Screenshots go to
``$SCREENSHOT_DIR`` (default ``artifacts/screenshots``). Needs Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    TOAST,
    draw,
    expect_reading,
    open_app,
    screenshot,
)
from tests.servers import free_port

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH)", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
STATUS = '[data-testid="train-status"]'
LOSS = '[data-testid="train-loss-fixed"]'
RUN_TIMEOUT_MS = 120_000  # a 300-step run on a busy 2-core CPU


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    os.environ.setdefault("MNIST_DEVICE", "cpu")
    import app

    _, url, _ = app.demo.launch(
        **app.LAUNCH_OPTIONS, prevent_thread_lock=True, server_name="127.0.0.1", server_port=free_port(), quiet=True
    )
    yield url
    app.demo.close()


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


def open_train(page: Page, url: str, tab: str = "Train") -> None:
    open_app(page, url)
    page.get_by_role("tab", name=tab).click()
    expect(page.locator("#train-button")).to_be_visible(timeout=30_000)


def loss_points_while_running(page: Page) -> list[int]:
    """The loss curve's point counts seen while the run streams, until the status says it is done."""
    seen: list[int] = []
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        curve = page.locator(LOSS)
        if curve.count():
            points = int(curve.get_attribute("data-points"))
            if not seen or points != seen[-1]:
                seen.append(points)
        if page.locator(f'{STATUS}[data-done="true"]').count():
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the run did not finish; curve sizes seen: {seen}")


def test_train_a_short_run_see_the_curve_grow_then_read_with_it(browser: Browser, app_url: str, shots: Path) -> None:
    from ui import train_tab

    with browser.new_context(viewport=DESKTOP, locale="en-US") as context:
        page = context.new_page()
        open_train(page, app_url)
        page.locator("#train-steps input").fill("300")
        page.locator("#train-button").click()
        seen = loss_points_while_running(page)
        assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] == 30, seen  # it grew, chunk by chunk
        expect(page.locator('[data-testid="train-accuracy-fixed"]')).to_have_count(3)  # a checkpoint per chunk
        result = page.locator('[data-testid="train-result-fixed"]')
        assert float(result.get_attribute("data-accuracy")) >= 0.85
        expect(page.locator(STATUS)).to_contain_text("cpu")
        expect(page.locator(STATUS)).to_contain_text("examples/s")
        expect(page.locator(STATUS)).to_contain_text("assets/train/mnist_train_10k.npz")  # the data, named
        expect(page.locator("#train-program")).to_contain_text("# Reproduces this run: fixed, Adam lr=0.001, batch 64")
        screenshot(page, shots, "train.png")

        page.get_by_role("tab", name="Draw").click()
        choice = page.locator("#draw-model")
        expect(choice).to_be_visible()
        choice.get_by_text("the model I trained").click()
        draw(page, "0")
        expect_reading(page, "0")
        expect(page.locator("#shared-reading")).to_be_visible()  # the shipped model's reading, beside
        assert len(train_tab.STORE) >= 1
        screenshot(page, shots, "train-read.png")


def test_the_seed_as_given_shows_pytorchs_error_on_its_line(browser: Browser, app_url: str) -> None:
    with browser.new_context(viewport=DESKTOP, locale="en-US") as context:
        page = context.new_page()
        open_train(page, app_url)
        page.locator("#train-network").get_by_text("the seed's, as given").click()
        marked = page.locator('[data-testid="train-marked-line"]')
        expect(marked).to_contain_text("(28*28, 512),")
        expect(page.locator("#train-network-code")).to_contain_text("TypeError: tuple is not a Module subclass")
        page.locator("#train-button").click()
        expect(page.locator('[data-testid="train-error"]')).to_contain_text(
            "tuple is not a Module subclass", timeout=30_000
        )
        expect(page.locator('[data-testid="train-error"]')).to_contain_text("nn.Linear(28*28, 512),")


def test_compare_draws_both_curves_and_names_the_dead_classes(browser: Browser, app_url: str, shots: Path) -> None:
    with browser.new_context(viewport=DESKTOP, locale="en-US") as context:
        page = context.new_page()
        open_train(page, app_url)
        page.locator("#train-optimizer").get_by_text("SGD", exact=True).click()
        for box, value in (("lr", "0.1"), ("batch", "100"), ("steps", "120"), ("seed", "2")):
            page.locator(f"#train-{box} input").fill(value)
        page.locator("#train-compare").click()
        expect(page.locator(f'{STATUS}[data-done="true"]')).to_be_visible(timeout=RUN_TIMEOUT_MS)
        for network in ("fixed", "relu_on_logits"):
            expect(page.locator(f'[data-testid="train-loss-{network}"]')).to_have_attribute("data-points", "30")
        relu = page.locator('[data-testid="train-result-relu_on_logits"]')
        assert relu.get_attribute("data-dead"), "no dead class named"
        expect(relu).to_contain_text("Dead classes: " + relu.get_attribute("data-dead").replace(",", ", "))
        fixed = page.locator('[data-testid="train-result-fixed"]')
        assert float(fixed.get_attribute("data-accuracy")) > float(relu.get_attribute("data-accuracy"))
        screenshot(page, shots, "train-compare.png")


def test_chinese_phone_by_keyboard_refuses_then_trains(browser: Browser, app_url: str, shots: Path) -> None:
    with browser.new_context(**PHONE, locale="zh-CN") as context:
        page = context.new_page()
        open_train(page, app_url, tab="训练")
        steps = page.locator("#train-steps input")
        steps.focus()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type("0")
        page.locator("#train-button").focus()
        page.keyboard.press("Enter")
        expect(page.locator(TOAST)).to_contain_text("步数必须是 1 到 2000 之间的整数", timeout=30_000)
        steps.focus()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type("30")
        page.locator("#train-button").focus()
        page.keyboard.press("Enter")
        expect(page.locator(f'{STATUS}[data-done="true"]')).to_contain_text("完成", timeout=RUN_TIMEOUT_MS)
        expect(page.locator('[data-testid="train-result-fixed"]')).to_contain_text("测试数字准确率")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone: {width} px"
        screenshot(page, shots, "train-phone-zh.png")


def test_closing_the_page_frees_its_trained_model(browser: Browser, app_url: str) -> None:
    from ui import train_tab

    with browser.new_context(viewport=DESKTOP, locale="en-US") as context:
        page: Page = context.new_page()
        open_train(page, app_url)
        before = len(train_tab.STORE)
        page.locator("#train-steps input").fill("10")
        page.locator("#train-button").click()
        expect(page.locator(f'{STATUS}[data-done="true"]')).to_be_visible(timeout=RUN_TIMEOUT_MS)
        assert len(train_tab.STORE) == before + 1
        page.close()
        deadline = time.monotonic() + 10
        while len(train_tab.STORE) > before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(train_tab.STORE) == before
