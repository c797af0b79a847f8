"""Shared fixtures: the shipped MNIST slice and network; the app served in this process or as ``python app.py``;
Chromium, a browser context and the screenshot folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.servers import ROOT, free_port, running_app

DESKTOP = {"width": 1280, "height": 900}
DATA_SLICE = Path(__file__).resolve().parent / "data" / "mnist_test_2000.npz"


@dataclass(frozen=True)
class MnistSlice:
    images: np.ndarray  # N×28×28 uint8, white digit on black
    labels: np.ndarray  # N uint8
    indices: np.ndarray  # positions in the official 10k MNIST test set


@pytest.fixture(scope="session")
def mnist_slice() -> MnistSlice:
    with np.load(DATA_SLICE) as data:
        return MnistSlice(images=data["images"], labels=data["labels"], indices=data["indices"])


@pytest.fixture(scope="session")
def digit_reader():
    """The shipped weights on the CPU, so the figures are the same on every machine."""
    from model.inference import DigitReader

    return DigitReader.load(device="cpu")


# --- servers and browsers, shared by the API, ZeroGPU and browser tests ------------------------------------------


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """The app served from this process (tests can look at its state, e.g. the teaching store), model on the CPU."""
    os.environ.setdefault("MNIST_DEVICE", "cpu")
    import app

    _, url, _ = app.demo.launch(
        **app.LAUNCH_OPTIONS, prevent_thread_lock=True, server_name="127.0.0.1", server_port=free_port(), quiet=True
    )
    yield url
    app.demo.close()


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """``python app.py`` as a user runs it, in its own process group (tests/servers.py), model on the CPU."""
    with running_app() as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (browser modules skip themselves where it is missing)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_helpers import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh English desktop context (the module's ``DESKTOP`` viewport) that logs the last pointer events."""
    from tests.browser_helpers import POINTER_LOG_SCRIPT

    context = browser.new_context(viewport=getattr(request.module, "DESKTOP", DESKTOP), locale="en-US")
    context.add_init_script(POINTER_LOG_SCRIPT)
    yield context
    context.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    """Where the browser tests save their screenshots (``$SCREENSHOT_DIR``, default ``artifacts/screenshots``)."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
