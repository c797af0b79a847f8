"""Bad and odd input on every public endpoint, many users at once, and no state shared between them.

The server here is ``python app.py`` in a subprocess, as users run it, so its memory can be measured on its own.
"""

from __future__ import annotations

import io
import struct
import threading
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from model.canvas_synth import draw_canvas
from tests.servers import rss_mb, running_app

DATA = Path(__file__).parent / "data" / "mnist_test_2000.npz"
BLANK_CANVAS = {"background": None, "layers": [], "composite": None}


@pytest.fixture(scope="module")
def server():
    with running_app() as (url, process):
        yield url, process


@pytest.fixture(scope="module")
def client(server):
    return Client(server[0], verbose=False)


@pytest.fixture(scope="module")
def digit_png(tmp_path_factory) -> tuple[str, str]:
    data = np.load(DATA)
    canvas = draw_canvas(data["images"][0], np.random.default_rng(0), style="black_on_white")
    path = tmp_path_factory.mktemp("digit") / "digit.png"
    canvas.image.save(path)
    return str(path), str(int(data["labels"][0]))


def top(label_value: dict | None) -> str | None:
    return (label_value or {}).get("label")


def assert_still_serving(client: Client, digit_png: tuple[str, str]) -> None:
    path, label = digit_png
    assert top(client.predict(handle_file(path), api_name="/classify")) == label
    assert top(client.predict({**BLANK_CANVAS, "composite": handle_file(path)}, api_name="/predict")[0]) == label
    assert client.predict(x="1, 2", op="x * 2", mode="y.detach()", device="cpu", edits=[], api_name="/detach")


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny, valid PNG whose header claims ``width``×``height`` (a decompression bomb's calling card)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, words the error must contain)."""
    folder.mkdir(exist_ok=True)
    good = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(good, format="PNG")
    files = {
        "text named .png": (b"just some text, not an image", "not a readable image"),
        "empty file": (b"", "not a readable image"),
        "corrupt PNG": (good.getvalue()[:40], "not a readable image"),
        "30000x30000 bomb": (png_claiming_size(30000, 30000), "too large"),
        "5000x5000": (png_claiming_size(5000, 5000), "4096"),
    }
    out = {}
    for name, (content, words) in files.items():
        path = folder / (name.replace(" ", "_") + ".png")
        path.write_bytes(content)
        out[name] = (path, words)
    return out


@pytest.mark.parametrize("name", ["text named .png", "empty file", "corrupt PNG", "30000x30000 bomb", "5000x5000"])
def test_classify_refuses_bad_files_with_a_message_and_keeps_serving(client, digit_png, tmp_path, name):
    path, words = bad_files(tmp_path)[name]
    started = time.perf_counter()
    with pytest.raises(AppError) as caught:
        client.predict(handle_file(str(path)), api_name="/classify")
    assert words in str(caught.value)
    assert time.perf_counter() - started < 10  # refused from the header, not after decoding 900 M pixels
    assert_still_serving(client, digit_png)


@pytest.mark.parametrize("name", ["text named .png", "corrupt PNG", "30000x30000 bomb"])
def test_predict_refuses_bad_files_with_a_message_and_keeps_serving(client, digit_png, tmp_path, name):
    path, _ = bad_files(tmp_path)[name]
    with pytest.raises(AppError) as caught:
        client.predict({**BLANK_CANVAS, "composite": handle_file(str(path))}, api_name="/predict")
    message = str(caught.value)
    assert message and "error occurred" not in message.lower()
    assert_still_serving(client, digit_png)


@pytest.mark.parametrize("value", [None, BLANK_CANVAS, {"background": None}])
def test_predict_empty_canvas_forms_answer_draw_a_digit(client, value):
    label_value, insight, _ = client.predict(value, api_name="/predict")
    assert top(label_value) is None
    assert "draw-hint" in insight


def test_tiny_and_blank_images_are_no_prediction(client, tmp_path):
    for name, image in {"1x1": Image.new("L", (1, 1), 0), "blank": Image.new("RGBA", (400, 400), (0, 0, 0, 0))}.items():
        path = tmp_path / f"{name}.png"
        image.save(path)
        assert top(client.predict(handle_file(str(path)), api_name="/classify")) is None


@pytest.mark.parametrize("mode", ["P", "I;16", "CMYK", "LA"])
def test_valid_but_unusual_modes_are_classified(client, digit_png, tmp_path, mode):
    source, label = digit_png
    image = Image.open(source).convert("L")
    if mode == "I;16":
        converted = Image.fromarray(np.asarray(image, dtype=np.uint16) * 257)
    elif mode == "LA":
        converted = image.convert("LA")
    else:
        converted = image.convert(mode)
    path = tmp_path / ("digit.jpg" if mode == "CMYK" else "digit.png")
    converted.save(path)
    assert top(client.predict(handle_file(str(path)), api_name="/classify")) == label


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"x": ", ".join(["1"] * 10_000)}, "Too many numbers for x"),  # refusals are sentences
        ({"x": "1, inf"}, "finite"),
        ({"x": "nan"}, "finite"),
        ({"x": ""}, "x"),
        ({"edits": [[3, 1]]}, "out of range"),
        ({"edits": [[0, "nan"]]}, "finite"),  # JSON has no NaN: a client can only send it as text
        ({"edits": [[0, "1e400"]]}, "finite"),
        ({"op": "x.relu()"}, "x * 2"),
        ({"mode": "y.clone()"}, "y.detach()"),
        ({"device": "tpu"}, "cpu"),
    ],
)
def test_detach_bad_input_is_a_clear_error(client, digit_png, changes, words):
    arguments = {"x": "1, 2, 3", "op": "x * 2", "mode": "y.detach()", "device": "cpu", "edits": [], **changes}
    with pytest.raises(AppError) as caught:
        client.predict(**arguments, api_name="/detach")
    assert words in str(caught.value)
    assert_still_serving(client, digit_png)


def test_two_users_editing_z_at_once_never_see_each_other(server):
    url, _ = server
    reports: dict[str, list] = {"alice": [], "bob": []}
    values = {"alice": 111.0, "bob": -222.0}

    def user(name: str) -> None:
        own = Client(url, verbose=False)
        for step in range(6):
            value = values[name] + step
            reports[name].append(
                (
                    value,
                    own.predict(
                        x="1, 2, 3", op="x * 2", mode="y.detach()", device="cpu", edits=[[0, value]], api_name="/detach"
                    ),
                )
            )

    threads = [threading.Thread(target=user, args=(name,)) for name in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    for runs in reports.values():
        assert len(runs) == 6
        for value, report in runs:
            assert report["z_values"] == [value, 4.0, 6.0]
            assert report["y_values"] == [value, 4.0, 6.0]
            assert report["y_version"] == 1  # a fresh y for every call: nobody else's edits counted


@pytest.mark.slow
def test_sixteen_users_mixed_endpoints_no_failure_and_bounded_memory(server, digit_png):
    url, process = server
    path, label = digit_png
    Client(url, verbose=False).predict(handle_file(path), api_name="/classify")  # warm up before measuring
    memory_before = rss_mb(process.pid)
    failures: list[str] = []
    answered = [0]
    lock = threading.Lock()

    def user(number: int) -> None:
        own = Client(url, verbose=False)
        for request in range(20):
            kind = (number + request) % 3
            try:
                if kind == 0:
                    ok = top(own.predict(handle_file(path), api_name="/classify")) == label
                elif kind == 1:
                    ok = (
                        top(own.predict({**BLANK_CANVAS, "composite": handle_file(path)}, api_name="/predict")[0])
                        == label
                    )
                else:
                    report = own.predict(
                        x=f"{number}, {request}",
                        op="x ** 2",
                        mode="y.detach()",
                        device="cpu",
                        edits=[[1, -1]],
                        api_name="/detach",
                    )
                    ok = report["z_values"] == [float(number * number), -1.0]
                with lock:
                    answered[0] += 1
                    if not ok:
                        failures.append(f"user {number} request {request}: wrong answer")
            except Exception as error:  # noqa: BLE001 - every failure is collected and reported
                with lock:
                    failures.append(f"user {number} request {request}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=user, args=(number,)) for number in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    growth = rss_mb(process.pid) - memory_before
    print(f"16 users × 20 requests: {answered[0]} answered, {len(failures)} failed, server memory +{growth:.0f} MB")
    assert failures == []
    assert answered[0] == 320
    assert growth < 300


def test_a_refused_file_logs_one_line_and_no_traceback(server, client, tmp_path):
    """A user's bad file is not a fault of the server: one "refused input" line in its log, no traceback."""
    _, process = server
    fake = tmp_path / "notes.png"
    fake.write_text("this is a text file, not a PNG")
    before = len(process.read_log())
    with pytest.raises(AppError):
        client.predict(handle_file(str(fake)), api_name="/classify")
    with pytest.raises(AppError):
        client.predict({**BLANK_CANVAS, "composite": handle_file(str(fake))}, api_name="/predict")
    deadline = time.monotonic() + 10
    while process.read_log()[before:].count("refused input") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    log = process.read_log()[before:]
    refused = [line for line in log.splitlines() if "refused input" in line]
    assert len(refused) == 2, log
    assert "/classify" in refused[0] and "/predict" in refused[1] and "not a readable image" in refused[0]
    assert "Traceback" not in log, log


def test_files_outside_the_app_are_not_served(server):
    url, _ = server
    for path in ("/etc/passwd", str(Path(__file__).resolve()), str(Path(__file__).resolve().parent.parent / "app.py")):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{url}gradio_api/file={path}", timeout=10)
        assert caught.value.code in (403, 404)


def test_bad_uploads_in_a_crowd_fail_alone(server, digit_png, tmp_path):
    """Good and bad /classify calls at the same moment: every good one answers; each bad one carries its message.

    Alone, a bad file gets an AppError; batched with others, its own answer is the message as its label, and the
    batch's other calls are unharmed.
    """
    url, _ = server
    path, label = digit_png
    fake = tmp_path / "fake.png"
    fake.write_text("not an image")
    outcomes: dict[int, str] = {}

    def call(slot: int) -> None:
        own = Client(url, verbose=False)
        try:
            result = own.predict(handle_file(str(fake) if slot % 3 == 0 else path), api_name="/classify")
            outcomes[slot] = f"label {top(result)}"
        except AppError as error:
            outcomes[slot] = f"error {error}"

    threads = [threading.Thread(target=call, args=(slot,)) for slot in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    for slot in range(9):
        if slot % 3 == 0:
            assert outcomes[slot].split(" ", 1)[0] in ("error", "label") and "not a readable image" in outcomes[slot]
        else:
            assert outcomes[slot] == f"label {label}", outcomes
