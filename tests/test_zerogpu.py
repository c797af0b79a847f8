"""The app as a ZeroGPU Space, emulated: ``python app.py`` with ``SPACES_ZERO_GPU=true`` against a fake device API.

``spaces`` then does what it does on Hugging Face: emulates CUDA in the main process, packs the weights at launch,
and runs each ``@spaces.GPU`` call in a forked worker after asking the device API for a GPU (tests/fake_zerogpu.py).
Without a GPU here, the worker's two hardware steps are stubbed and the worker fails at its first CUDA use, so every
reading must come from the CPU copy and say so; on a GPU machine the same tests run without stubs and the readings
must come from ``cuda:0``. ``ZEROGPU_STUBS=0|1`` forces either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import httpx
import pytest
import torch
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from tests.fake_zerogpu import STUB_DIR, FakeDeviceAPI
from tests.servers import ROOT, alive, descendants, running_app

STUBBED = os.environ.get("ZEROGPU_STUBS", "0" if torch.cuda.is_available() else "1") == "1"
RETRY_S = 6  # MNIST_GPU_RETRY_S for the app under test: how long it leaves a failing GPU alone
DURATION_S = 5  # what each GPU call must ask for (compute.py's *_GPU_SECONDS)
WEIGHT_BYTES = (784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10) * 4  # the MLP's float32 parameters
EXAMPLES = {int(path.stem[-1]): path for path in (ROOT / "assets" / "examples").glob("*_digit_*.png")}
# Where a reading comes from: the worker's GPU, or (stubbed) the CPU copy, with the reason the GPU failed.
GPU_DEVICE = "cpu (GPU unavailable: no driver)" if STUBBED else "cuda:0"

pytestmark = pytest.mark.slow


def zerogpu_env(api: FakeDeviceAPI, offload_dir: Path) -> dict[str, str]:
    env = {
        "SPACES_ZERO_GPU": "true",
        "SPACES_ZERO_DEVICE_API_URL": api.url,
        "ZEROGPU_OFFLOAD_DIR": str(offload_dir),
        "MNIST_DEVICE": "",  # pick the device as on a Space (tests/servers.py defaults to cpu)
        "MNIST_GPU_RETRY_S": str(RETRY_S),
    }
    if STUBBED:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(STUB_DIR), os.environ.get("PYTHONPATH")]))
    return env


@pytest.fixture(scope="module")
def api() -> Iterator[FakeDeviceAPI]:
    with FakeDeviceAPI(nvidia_uuid="GPU-fake" if STUBBED else "0") as api:
        yield api


@pytest.fixture(scope="module")
def app(api, tmp_path_factory) -> Iterator[SimpleNamespace]:
    offload_dir = tmp_path_factory.mktemp("zerogpu-offload")
    with running_app(**zerogpu_env(api, offload_dir)) as (url, process):
        config = json.load(urllib.request.urlopen(url + "config", timeout=30))
        yield SimpleNamespace(url=url, process=process, offload_dir=offload_dir, config=config)


@pytest.fixture(scope="module")
def client(app) -> Client:
    return Client(app.url, verbose=False)


def sketch(digit: int) -> dict:
    return {"background": handle_file(str(EXAMPLES[digit])), "layers": [], "composite": None}


def top(label: dict) -> str:
    return label["label"]


def wait_out_the_retry() -> None:
    time.sleep(RETRY_S + 0.5)


def component(config: dict, **props) -> dict:
    (found,) = [c for c in config["components"] if all(c["props"].get(k) == v for k, v in props.items())]
    return found


def test_app_starts_as_zerogpu_and_packs_its_weights(app, api):
    """``import spaces`` came before any CUDA use: the reader sits on ZeroGPU's cuda and its weights were packed."""
    assert len(api.called("/startup-report")) == 1
    packed = sum(path.stat().st_size for path in app.offload_dir.iterdir())
    assert WEIGHT_BYTES <= packed < WEIGHT_BYTES + 64 * 4096, f"packed {packed} bytes, the weights are {WEIGHT_BYTES}"
    assert component(app.config, elem_id="status")["props"]["value"] == "cuda:0 · —"


def test_gpu_calls_pickle_and_send_back_no_tensors(api):
    """Each @spaces.GPU body, run under ZeroGPU's CUDA emulation: arguments and result pickle, no tensor comes back."""
    env = {**os.environ, **zerogpu_env(api, Path("/nonexistent"))}
    done = subprocess.run(
        [sys.executable, "-m", "tests.fake_zerogpu", "probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    report = json.loads(lines[-1].removeprefix("PROBE "))
    assert set(report) == {"gpu_reading", "gpu_probabilities", "run_lab_on_gpu", "gpu_teaching", "gpu_train_chunk"}
    for name, entry in report.items():
        assert entry.get("error") is None, f"{name}: {entry['error']}"
        assert entry["zero_gpu_wrapped"] and entry["reader_device"] == "cuda:0", (name, entry)
        assert entry["arguments_pickle"] is True and entry["result_pickles"] is True, (name, entry)
        assert entry["tensors"] == [], f"{name} returns tensors: {entry['tensors']}"
    assert report["gpu_reading"]["device"] == "cuda:0"
    assert report["gpu_reading"]["read"] == report["gpu_reading"]["label"]
    assert report["gpu_probabilities"]["read"] == report["gpu_probabilities"]["label"]
    assert report["run_lab_on_gpu"]["device"] == "cuda:0"
    assert report["gpu_teaching"]["device"] == "cuda:0" and report["gpu_teaching"]["taught_gained"]
    training = report["gpu_train_chunk"]
    assert training["device"] == "cuda:0" and training["losses"] == 40 and training["accuracy"] > 0.5, training
    assert training["asked_s"] == 6, training  # 5 s for a cold worker and 1 s for its 1,280 examples


def test_predict_and_classify_read_right_through_zerogpu(app, api, client):
    for digit in (3, 7):
        label, insight, status = client.predict(sketch(digit), api_name="/predict")
        assert top(label) == str(digit)
        assert status.startswith(f"{GPU_DEVICE} · ")
        assert 'data-testid="saliency"' in insight
        assert top(client.predict(handle_file(str(EXAMPLES[digit])), api_name="/classify")) == str(digit)
    schedules = api.called("/schedule")
    assert schedules, "no GPU call reached the device API"
    assert {call.params["durationSeconds"] for call in schedules} == {str(DURATION_S)}
    failed = [call.params["fail"] for call in api.called("/release")]
    assert failed and set(failed) == ({"true"} if STUBBED else {"false"})


def test_a_failing_gpu_is_tried_once_then_left_alone(app, api, client):
    """Quota used up: every reading still answers (from the CPU), one GPU try per retry period, one log line."""
    wait_out_the_retry()
    api.mode = "quota"
    try:
        before = len(api.called("/schedule"))
        started = time.monotonic()
        for digit in (1, 4, 9, 1):
            label, _, status = client.predict(sketch(digit), api_name="/predict")
            assert top(label) == str(digit)
            assert status.startswith("cpu (GPU unavailable: quota) · ")
        assert top(client.predict(handle_file(str(EXAMPLES[4])), api_name="/classify")) == "4"
        periods = 1 + int((time.monotonic() - started) // RETRY_S)
        assert 1 <= len(api.called("/schedule")) - before <= periods
        log = app.process.read_log()
        assert log.count("GPU call failed (quota)") == 1, log[-3000:]
        assert "Traceback" not in log, log[-3000:]

        api.mode = "busy"
        wait_out_the_retry()
        assert client.predict(sketch(2), api_name="/predict")[2].startswith("cpu (GPU unavailable: no GPU free) · ")
    finally:
        api.mode = "ok"
    wait_out_the_retry()
    label, _, status = client.predict(sketch(5), api_name="/predict")
    assert top(label) == "5" and status.startswith(f"{GPU_DEVICE} · ")


def test_one_visitors_quota_keeps_only_that_visitor_on_the_cpu(app, api):
    """ZeroGPU counts quota per visitor (their X-IP-Token): another visitor still gets the GPU tried for them."""
    first = Client(app.url, verbose=False, headers={"X-IP-Token": "visitor-a"})
    second = Client(app.url, verbose=False, headers={"X-IP-Token": "visitor-b"})
    wait_out_the_retry()
    api.mode = "quota"
    try:
        label, _, status = first.predict(sketch(6), api_name="/predict")
        assert top(label) == "6" and status.startswith("cpu (GPU unavailable: quota) · ")
        assert api.called("/schedule")[-1].params.get("token") == "visitor-a"
    finally:
        api.mode = "ok"
    before = len(api.called("/schedule"))
    label, _, status = second.predict(sketch(8), api_name="/predict")
    assert top(label) == "8" and status.startswith(f"{GPU_DEVICE} · ")
    assert len(api.called("/schedule")) == before + 1  # tried on the GPU for the second visitor
    assert api.called("/schedule")[-1].params.get("token") == "visitor-b"
    label, _, status = first.predict(sketch(6), api_name="/predict")
    assert top(label) == "6"
    assert status.startswith("cpu (GPU unavailable: quota) · ")


def test_a_training_run_is_short_gpu_calls_each_asking_for_its_size(app, api, client):
    """/train under ZeroGPU: one GPU call per chunk (100 steps, then 50), each asking 5 s and 1 s for its examples;
    the report says the seconds asked in all and where it trained (stubbed: the CPU, after the failed calls)."""
    wait_out_the_retry()
    before = len(api.called("/schedule"))
    report = client.predict(
        network="fixed", optimizer="Adam", lr=1e-3, batch_size=64, steps=150, seed=0, api_name="/train"
    )
    asked = [int(call.params["durationSeconds"]) for call in api.called("/schedule")[before:]]
    # Stubbed, a failed call leaves the GPU alone for RETRY_S: the next chunk tries it again only if that has passed.
    assert asked == [6, 6] or (STUBBED and asked == [6]), asked
    assert report["gpu_seconds_requested"] == 12
    assert report["device"] == GPU_DEVICE and report["test_accuracy"] > 0.8, report["device"]
    assert report["checkpoints"][0][0] == 100 and report["loss_steps"][-1] == 150


def test_every_gpu_lease_ends_within_what_it_asked_for(api):
    leases = api.held_seconds()
    assert leases
    print("\nZeroGPU leases (requested s, held s, failed):", [(r, round(h, 3), f) for r, h, f in leases])
    assert all(held < requested for requested, held, _ in leases), leases


def test_the_queue_drains_while_the_gpu_fails(app, client):
    """16 callers at once while GPU calls fail: all answered right, nothing left waiting in the queue."""

    def call(index: int) -> str:
        digit = (index % 9) + 1
        return top(Client(app.url, verbose=False).predict(handle_file(str(EXAMPLES[digit])), api_name="/classify"))

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(call, range(16)))
    assert answers == [str((index % 9) + 1) for index in range(16)]
    status = json.load(urllib.request.urlopen(app.url + "gradio_api/queue/status", timeout=10))
    assert status["queue_size"] == 0


def test_the_lab_offers_cuda_only_when_a_gpu_call_can_work(app, client):
    (radio,) = [c for c in app.config["components"] if c["type"] == "radio" and ["cpu", "cpu"] in c["props"]["choices"]]
    device_choices = [value for value, _ in radio["props"]["choices"]]
    arguments = dict(x="1, 2, 3", op="x * 2", mode="y.detach()", device="cuda", edits=[[0, 100]], api_name="/detach")
    if STUBBED:
        assert device_choices == ["cpu"]
        with pytest.raises(AppError, match="no NVIDIA driver"):
            client.predict(**arguments)
        chinese = Client(app.url, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        with pytest.raises(AppError, match="没有 NVIDIA 驱动"):
            chinese.predict(**arguments)
    else:
        assert device_choices == ["cpu", "cuda"]
        assert client.predict(**arguments)["device"] == "cuda:0"


def test_no_process_the_server_starts_outlives_it(api, tmp_path):
    """ZeroGPU forks a worker for the GPU calls; stopping the server stops it too (they were left running after
    pytest, ~5 processes and ~1 GB a full run)."""
    with running_app(**zerogpu_env(api, tmp_path)) as (url, process):
        label = Client(url, verbose=False).predict(handle_file(str(EXAMPLES[3])), api_name="/classify")
        assert top(label) == "3"
        started = descendants(process.pid)
        assert started, "the server forked no ZeroGPU worker: nothing to check"
    assert [pid for pid in started if alive(pid)] == []


@pytest.mark.browser
def test_a_digit_drawn_in_the_browser_is_read_through_zerogpu(app):
    pytest.importorskip("playwright")
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_helpers import CHROMIUM, CHROMIUM_ARGS, draw, expect_reading, open_app

    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
            open_app(page, app.url)
            draw(page, "7")
            expect_reading(page, "7")
            expect(page.locator("#status")).to_contain_text(f"{GPU_DEVICE} · ")
        finally:
            browser.close()


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (lambda: gr.Error("GPU task aborted", title="ZeroGPU worker error"), "worker error"),
        (lambda: gr.Error("No GPU was available", title="ZeroGPU client error"), "no GPU free"),
        (lambda: torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), "out of memory"),
        (lambda: httpx.ConnectError("[Errno 111] Connection refused"), "scheduling"),
        (lambda: RuntimeError("ZeroGPU API /schedule error: 500 (Internal Server Error)"), "scheduling"),
        (lambda: ValueError("something else"), "error"),
    ],
)
def test_gpu_failures_are_named_by_their_cause(error, reason):
    from compute import gpu_failure_reason

    assert gpu_failure_reason(error()) == reason
