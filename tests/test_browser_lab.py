"""The detach() lab in a real Chromium: writes to z's cells, refused input, the version counter, the autograd graph,
the claims panel, the code panels' gutters, the phone layout, the Chinese page and keyboard-only use.

The app runs as ``python app.py`` on a free port. Screenshots go to ``$SCREENSHOT_DIR`` (default
``artifacts/screenshots``). Needs Debian's Chromium at /usr/bin/chromium (or ``$CHROMIUM_PATH``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser_helpers import CHROMIUM, READ_TIMEOUT_MS, TOAST, open_app, screenshot

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH)", allow_module_level=True)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
PRINTED = "#printed"
BACKWARD = "#lab-backward .lab-backward"
FACTS = "#lab-facts table"


def open_lab(page: Page, url: str, tab: str = "detach() lab") -> None:
    open_app(page, url)
    page.get_by_role("tab", name=tab).click()
    expect(page.locator(PRINTED)).to_contain_text("y = tensor(", timeout=30_000)


@pytest.fixture
def page(context: BrowserContext, app_url: str) -> Page:
    page = context.new_page()
    open_lab(page, app_url)
    return page


def cell(page: Page, index: int):
    return page.locator(f'#z-editor input[data-index="{index}"]')


def write(page: Page, index: int, text: str) -> None:
    """Type ``text`` into z[index] and press Enter: one write."""
    target = cell(page, index)
    target.fill(text)
    target.press("Enter")


def fact(page: Page, name: str) -> list[str]:
    """A row of the facts table: [y, z]."""
    row = page.locator(f"{FACTS} tr", has=page.locator("th", has_text=re.compile(f"^{re.escape(name)}$")))
    return row.locator("td").all_inner_texts()


def expect_version(page: Page, y: int) -> None:
    row = page.locator(f"{FACTS} tr", has=page.locator("th", has_text=re.compile(r"_version$")))
    expect(row.locator("td").first).to_have_text(str(y))


def error_toasts(page: Page):
    return page.locator(TOAST)


def close_toasts(page: Page) -> None:
    for button in page.locator('[data-testid="toast-close"]').all():
        button.click()
    expect(error_toasts(page)).to_have_count(0)


def count_requests(page: Page) -> list[str]:
    """Every queue request the page sends from now on (one per event that reaches the server)."""
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/queue/join" in request.url else None)
    return sent


# --- edits ---------------------------------------------------------------------------------------------------------


def test_detach_lab_edit_shows_shared_storage(page: Page) -> None:
    printed = page.locator(PRINTED)
    expect(printed).to_contain_text("y = tensor([2., 4., 6.], grad_fn=<MulBackward0>)")
    expect(cell(page, 0)).to_have_value("2")

    write(page, 0, "100")
    expect(printed).to_contain_text("y = tensor([100.,")  # z = y.detach() shares y's storage
    expect(printed).to_contain_text("z = tensor([100.,")
    expect(page.locator("#lab-why")).to_contain_text("share storage")
    expect(page.locator(BACKWARD)).to_contain_text("x.grad = tensor([2., 2., 2.])")  # backward still works

    page.get_by_role("radio", name="y.detach().clone()").check()
    expect(printed).to_contain_text("z = tensor([2., 4., 6.])")  # a fresh run with the cells refilled
    expect(cell(page, 0)).to_have_value("2")
    write(page, 0, "100")
    expect(printed).to_contain_text("z = tensor([100.,")
    expect(printed).to_contain_text("y = tensor([2., 4., 6.], grad_fn=<MulBackward0>)")
    expect(page.locator("#lab-why")).to_contain_text("own memory")


def test_one_edit_sends_one_request(page: Page) -> None:
    sent = count_requests(page)
    write(page, 1, "50")
    expect(page.locator(PRINTED)).to_contain_text("50.")
    page.wait_for_timeout(800)
    assert len(sent) == 1, sent
    x_box = page.locator("#lab-x textarea, #lab-x input").first
    x_box.fill("1, 2")
    x_box.press("Enter")
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([2., 4.]")
    x_box.blur()  # leaving the box after Enter sends nothing more
    page.wait_for_timeout(800)
    assert len(sent) == 2, sent


def test_a_bad_cell_is_refused_alone_and_later_edits_work(page: Page) -> None:
    write(page, 1, "abc")
    toast = error_toasts(page)
    expect(toast).to_have_count(1, timeout=READ_TIMEOUT_MS)  # once, not twice
    expect(toast.locator('[data-testid="toast-text"]')).to_have_text(re.compile(r"^z\[1\] is 'abc', which is not a"))
    expect(cell(page, 1)).to_have_value("4")  # back to its last good value
    close_toasts(page)

    write(page, 2, "50")  # the next edit works, and the bad one left no trace
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([ 2.,  4., 50.]")
    expect_version(page, 1)
    expect(error_toasts(page)).to_have_count(0)

    write(page, 0, "")  # an emptied cell is refused, not read as 0
    expect(error_toasts(page).locator('[data-testid="toast-text"]')).to_have_text(re.compile(r"^z\[0\] is empty"))
    expect(cell(page, 0)).to_have_value("2")
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([ 2.,  4., 50.]")


def test_after_an_error_no_results_of_other_inputs_stay(page: Page) -> None:
    x_box = page.locator("#lab-x textarea, #lab-x input").first
    x_box.fill("1, a, 3")
    x_box.press("Enter")
    expect(error_toasts(page)).to_have_count(1, timeout=READ_TIMEOUT_MS)
    expect(page.locator(PRINTED)).not_to_contain_text("tensor")  # the x * 2 run of 1, 2, 3 is gone
    close_toasts(page)
    page.get_by_role("radio", name="x.exp()").check()
    expect(error_toasts(page)).to_have_count(1, timeout=READ_TIMEOUT_MS)
    for panel in (PRINTED, "#lab-code", "#lab-facts", "#lab-graph", "#lab-claims"):
        expect(page.locator(panel)).not_to_contain_text("MulBackward0")
        expect(page.locator(panel)).not_to_contain_text("ExpBackward0")
    expect(page.locator("#z-editor input")).to_have_count(0)
    expect(page.locator("#lab-why")).to_contain_text("No results")


def test_full_width_commas_and_ideographic_spaces_are_read_as_separators(page: Page) -> None:
    x_box = page.locator("#lab-x textarea, #lab-x input").first
    x_box.fill("1，2、3\u30004")
    x_box.press("Enter")
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([2., 4., 6., 8.]")
    expect(page.locator("#z-editor input")).to_have_count(4)
    expect(error_toasts(page)).to_have_count(0)


# --- the version counter, the graph and the claims ------------------------------------------------------------------


def test_retyping_a_value_is_a_write_and_the_graph_turns_red(page: Page, shots: Path) -> None:
    page.get_by_role("radio", name="x.exp()").check()
    expect(page.locator(PRINTED)).to_contain_text("ExpBackward0")
    saved = page.locator('#lab-graph [data-saved="_saved_result"]')
    expect(saved).to_have_attribute("data-moved", "false")
    expect(page.locator(BACKWARD)).to_have_attribute("data-backward-ok", "true")

    first = cell(page, 0)
    value = first.input_value()
    first.focus()
    first.press("Enter")  # the same value written again: still a write
    expect_version(page, 1)
    expect(first).to_have_value(value)
    expect(saved).to_have_attribute("data-moved", "true")
    assert saved.locator("rect").get_attribute("stroke") == "#c62828", "the moved saved tensor is not red"
    expect(saved).to_contain_text("saved v0 · now v1")
    expect(page.locator(BACKWARD)).to_have_attribute("data-backward-ok", "false")
    expect(page.locator(BACKWARD)).to_have_attribute("data-predicted-ok", "false")
    expect(page.locator(BACKWARD)).to_contain_text("modified by an inplace operation")
    expect(page.locator(BACKWARD)).to_contain_text("The prediction and the run agree")

    first_value = cell(page, 1).input_value()
    for text in ("100", "200", first_value):  # z[1] to 100, 200, then back to its first value: three more writes
        write(page, 1, text)
        expect(cell(page, 1)).to_have_value(text)
    expect_version(page, 4)
    code = page.locator("#lab-code")
    expect(code).to_contain_text(f"z[0] = {float(value)!r}")  # the history, in order, as the program's lines
    expect(code).to_contain_text("z[1] = 200.0")
    screenshot(page, shots, "lab.png")

    page.locator("#lab-reset").click()  # Reset clears the history
    expect(page.locator(PRINTED)).to_contain_text("MulBackward0")
    expect_version(page, 0)
    expect(code).not_to_contain_text("z[0] =")


def test_the_data_mode_shows_the_silently_wrong_gradient(page: Page) -> None:
    page.get_by_role("radio", name="x.exp()").check()
    expect(page.locator(PRINTED)).to_contain_text("ExpBackward0")
    page.get_by_role("radio", name="y.data").check()
    expect(page.locator("#lab-why")).to_contain_text("not its version counter")
    write(page, 0, "100")
    expect(page.locator(BACKWARD)).to_have_attribute("data-grad-wrong", "true")
    expect(page.locator(BACKWARD)).to_contain_text("x.grad = tensor([100.0000,")
    expect(page.locator(BACKWARD)).to_contain_text("true gradient of the unedited x.exp() is tensor([ 2.7183,")
    expect(page.locator('#lab-graph [data-saved="_saved_result"]')).to_have_attribute("data-moved", "false")
    expect(page.locator('#lab-claims [data-claim="grad_unaffected"]')).to_contain_text("false here, silently")


def test_the_numpy_round_trip_shows_its_own_counter_and_the_silently_wrong_gradient(page: Page) -> None:
    """torch.from_numpy(y.detach().cpu().numpy()) on a CPU: y's memory, a counter of its own, as .data."""
    page.get_by_role("radio", name="x.exp()").check()
    expect(page.locator(PRINTED)).to_contain_text("ExpBackward0")
    page.get_by_role("radio", name="torch.from_numpy(y.detach().cpu().numpy())").check()
    expect(page.locator("#lab-why")).to_contain_text("with a version counter of its own")
    write(page, 0, "100")
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([100.0000,")
    expect_version(page, 0)
    expect(page.locator(BACKWARD)).to_have_attribute("data-grad-wrong", "true")
    expect(page.locator(BACKWARD)).to_contain_text("z's own version counter hid the edit")
    expect(page.locator('#lab-graph [data-saved="_saved_result"]')).to_have_attribute("data-moved", "false")
    expect(page.locator("#lab-graph")).to_contain_text("own _version")
    expect(page.locator('#lab-claims [data-claim="grad_unaffected"]')).to_contain_text("false here, silently")
    expect(page.locator("#lab-code")).to_contain_text("z = torch.from_numpy(y.detach().cpu().numpy())")


def test_claims_change_with_the_mode_and_the_device(page: Page) -> None:
    claims = page.locator("#lab-claims")
    expect(claims.locator('[data-claim="shares"]')).to_have_attribute("data-holds", "true")
    expect(claims.locator('[data-claim="no_backward"]')).to_have_attribute("data-holds", "true")
    page.get_by_role("radio", name="y.detach().clone()").check()
    expect(claims.locator('[data-claim="shares"]')).to_have_attribute("data-holds", "false")
    page.get_by_role("radio", name="with torch.no_grad(): y[i] = v").check()
    expect(claims.locator('[data-claim="no_backward"]')).to_have_attribute("data-holds", "false")
    expect(claims.locator('[data-claim="shares"]')).to_have_attribute("data-holds", "true")
    cpu_claim = claims.locator('[data-claim="cpu_never_shares"]')
    expect(cpu_claim).to_have_attribute("data-holds", "false")  # on a CPU, .detach().cpu() is the same tensor
    if page.get_by_role("radio", name="cuda").count():
        page.get_by_role("radio", name="cuda").check()
        expect(cpu_claim).to_have_attribute("data-holds", "true")
        page.get_by_role("radio", name="y.detach().cpu()").check()
        expect(claims.locator('[data-claim="shares"]')).to_have_attribute("data-holds", "false")


# --- layout: code gutters, phone -------------------------------------------------------------------------------------

GUTTER_OFFSETS = """id => {
  const root = document.getElementById(id);
  const lines = [...root.querySelectorAll('.cm-line')].map(e => e.getBoundingClientRect());
  const numbers = [...root.querySelectorAll('.cm-lineNumbers .cm-gutterElement')]
    .filter(e => e.getBoundingClientRect().height > 0 && e.textContent.trim())
    .map(e => [Number(e.textContent), e.getBoundingClientRect()]);
  return {lines: lines.length, numbers: numbers.map(n => n[0]),
          offsets: numbers.map(([n, box]) => lines[n - 1]
            ? Math.abs((box.top + box.height / 2) - (lines[n - 1].top + lines[n - 1].height / 2)) : 999)};
}"""


def _expect_gutters_aligned(page: Page) -> None:
    for panel in ("lab-code", "lab-output"):
        page.locator(f"#{panel}").scroll_into_view_if_needed()
        found = page.evaluate(GUTTER_OFFSETS, panel)
        assert found["lines"] >= 12, found
        assert found["numbers"] == list(range(1, found["lines"] + 1)), f"{panel}: numbers {found}"
        assert max(found["offsets"]) <= 2, f"{panel}: numbers drift from their lines: {found}"


def test_code_gutters_stay_beside_their_lines(page: Page, browser: Browser, app_url: str) -> None:
    page.get_by_role("radio", name="x.exp()").check()
    write(page, 0, "1")
    expect(page.locator("#lab-output")).to_contain_text("cannot be read")
    _expect_gutters_aligned(page)
    phone = browser.new_context(**PHONE, locale="en-US")
    try:
        phone_page = phone.new_page()
        open_lab(phone_page, app_url)
        write(phone_page, 0, "5")
        expect(phone_page.locator("#lab-output")).to_contain_text("after 1 edit(s)")
        _expect_gutters_aligned(phone_page)
    finally:
        phone.close()


# The lines of a code panel's text that lie under one of its buttons (copy, download), from each line's text boxes.
TEXT_UNDER_BUTTONS = """panel => {
  const buttons = [...panel.querySelectorAll('button')].map(b => b.getBoundingClientRect()).filter(r => r.width);
  const under = [];
  for (const line of panel.querySelectorAll('.cm-line')) {
    const range = document.createRange();
    range.selectNodeContents(line);
    const overlaps = (r, b) => r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
    if ([...range.getClientRects()].some(r => buttons.some(b => overlaps(r, b))))
      under.push(line.textContent.slice(0, 60));
  }
  return buttons.length ? under : ['(no buttons found)'];
}"""


def test_long_lines_never_run_under_the_code_panels_buttons(browser: Browser, app_url: str) -> None:
    """16 values make lines wider than the panels; no text lies under the copy and download buttons (the output's
    first lines ran under them), on a desktop and on a phone."""
    for options in ({"viewport": DESKTOP}, PHONE):
        context = browser.new_context(**options, locale="en-US")
        try:
            page = context.new_page()
            open_lab(page, app_url)
            x_box = page.locator("#lab-x textarea, #lab-x input").first
            x_box.fill(", ".join(f"{value}.125" for value in range(1, 17)))
            x_box.press("Enter")
            expect(page.locator("#lab-output")).to_contain_text("16.1250", timeout=READ_TIMEOUT_MS)
            for panel in ("#lab-output", "#lab-code", "#printed"):
                assert page.locator(panel).evaluate(TEXT_UNDER_BUTTONS) == [], (options, panel)
        finally:
            context.close()


def _inside(box: dict | None, width: int) -> bool:
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


def _overlap(a: dict | None, b: dict | None) -> bool:
    assert a and b
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_phone_layout(browser: Browser, app_url: str, shots: Path) -> None:
    context = browser.new_context(**PHONE, locale="en-US")
    try:
        page = context.new_page()
        open_lab(page, app_url)
        page.get_by_role("radio", name="x.exp()").check()
        write(page, 0, "100")
        expect(page.locator(BACKWARD)).to_have_attribute("data-backward-ok", "false")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
        z_header = page.locator(f"{FACTS} thead th").nth(2)
        expect(z_header).to_have_text("z")
        assert _inside(z_header.bounding_box(), 390), f"the facts' z column is off screen: {z_header.bounding_box()}"
        assert _inside(page.locator(f"{FACTS} tbody tr").first.locator("td").nth(1).bounding_box(), 390)
        clone = page.locator("#lab-mode label", has_text="y.detach().clone()")
        assert _inside(clone.bounding_box(), 390), f"y.detach().clone() is cut off: {clone.bounding_box()}"
        assert clone.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "its text overflows its label"
        title = page.locator("#lab-code-title")
        buttons = page.locator("#lab-code button")
        assert title.is_visible()
        for index in range(buttons.count()):
            assert not _overlap(title.bounding_box(), buttons.nth(index).bounding_box()), "a button covers the title"
        for index in range(3):
            assert _inside(cell(page, index).bounding_box(), 390)
        graph = page.locator("#lab-graph svg")
        assert _inside(graph.bounding_box(), 390)
        assert graph.bounding_box()["width"] >= 300, "the graph is too small to read on a phone"
        assert _inside(page.locator("#lab-claims ul").bounding_box(), 390)
        screenshot(page, shots, "lab-phone.png")
    finally:
        context.close()


# --- the Chinese page and the keyboard -------------------------------------------------------------------------------


def test_chinese_page_with_an_english_first_accept_language(browser: Browser, app_url: str, shots: Path) -> None:
    context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", extra_http_headers={"Accept-Language": "en-US,en;q=0.9,zh-CN;q=0.8"}
    )
    try:
        page = context.new_page()
        open_lab(page, app_url, tab="detach() 实验室")
        expect(page.locator("#lab-why")).to_contain_text("共享存储")  # the server writes in the page's language
        expect(page.locator("#lab-claims")).to_contain_text("此处成立")
        expect(page.locator(BACKWARD)).to_contain_text("预测")
        expect(page.locator(FACTS)).to_contain_text("版本计数器")
        page.get_by_role("radio", name="x.exp()").check()
        # The new op's run is back before the write (typing as its answer arrives: the test of a selected cell).
        expect(page.locator(PRINTED)).to_contain_text("y = tensor([ 2.7183,")
        write(page, 0, "１００")  # full-width digits
        expect(page.locator(PRINTED)).to_contain_text("y = tensor([100.0000,")
        expect(page.locator("#lab-graph figcaption")).to_contain_text("保存后版本变了就标红")
        expect(page.locator("#lab-graph")).to_contain_text("保存时 v0 · 现在 v1")
        screenshot(page, shots, "lab-zh.png")
        write(page, 1, "abc")
        toast = error_toasts(page)
        expect(toast).to_contain_text("出错了", timeout=READ_TIMEOUT_MS)  # the toast's title
        expect(toast.locator('[data-testid="toast-text"]')).to_have_text(re.compile(r"^z\[1\] 是 'abc'，不是数字"))
        phone = browser.new_context(**PHONE, locale="zh-CN", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
        try:
            phone_page = phone.new_page()
            open_lab(phone_page, app_url, tab="detach() 实验室")
            phone_page.get_by_role("radio", name="x.sigmoid()").check()
            write(phone_page, 2, "0")
            expect(phone_page.locator("#lab-claims")).to_contain_text("此处不成立")
            assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
            screenshot(phone_page, shots, "lab-phone-zh.png")
        finally:
            phone.close()
    finally:
        context.close()


def _tab_to(page: Page, selector: str, presses: int = 60) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only(page: Page) -> None:
    page.get_by_role("tab", name="detach() lab").focus()
    _tab_to(page, "#lab-x textarea, #lab-x input")
    page.keyboard.press("Control+A")
    page.keyboard.type("3, 4")
    page.keyboard.press("Enter")
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([6., 8.]")
    _tab_to(page, "#lab-op input[type=radio]")
    page.keyboard.press("ArrowRight")  # x * 2 → x ** 2
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([ 9., 16.]")
    _tab_to(page, "#lab-mode input[type=radio]")
    page.keyboard.press("ArrowRight")  # y.detach() → y.detach().cpu()
    expect(page.locator("#lab-why")).to_contain_text(".cpu() returns the very tensor")
    _tab_to(page, '#z-editor input[data-index="1"]')
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([9., 7.]")
    assert page.evaluate("document.activeElement.dataset.index") == "1", "focus left the cell after Enter"
    _tab_to(page, "#lab-reset")
    page.keyboard.press("Enter")
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([2., 4., 6.], grad_fn=<MulBackward0>)")


def test_quick_writes_are_all_counted_in_order(page: Page) -> None:
    page.get_by_role("radio", name="x ** 2").check()
    # The new op's run is back before the writes start (a cell selected while the answer arrives: the next test).
    expect(cell(page, 2)).to_have_value("9")
    for value in ("11", "12", "13", "14", "15"):
        write(page, 2, value)  # no waiting between writes
    expect_version(page, 5)
    expect(page.locator(PRINTED)).to_contain_text("y = tensor([ 1.,  4., 15.], grad_fn=<PowBackward0>)")
    expect(cell(page, 2)).to_have_value("15")
    code = page.locator("#lab-code")
    for value in ("11", "12", "13", "14", "15"):
        expect(code).to_contain_text(f"z[2] = {value}.0")


def test_a_cell_selected_before_a_new_ops_answer_is_overwritten_not_appended_to(page: Page) -> None:
    """Select a cell's text, then the new op's answer replaces it: what is typed next replaces the new value too."""
    page.get_by_role("radio", name="x ** 2").check()
    target = cell(page, 2)
    target.click()
    page.keyboard.press("Control+A")  # usually before the op's answer is back
    expect(target).to_have_value("9")  # the answer, while the cell is in focus and selected
    page.keyboard.type("11")
    page.keyboard.press("Enter")
    expect(page.locator("#lab-code")).to_contain_text("z[2] = 11.0")
    expect(target).to_have_value("11")
