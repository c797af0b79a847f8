"""The public API through the real Gradio server and the real gradio_client: /classify, /predict, /detach."""

from __future__ import annotations

import json
import re
import socket
import threading
from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from model.canvas_synth import draw_canvas

DATA = Path(__file__).parent / "data" / "mnist_test_2000.npz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url():
    import app

    _, url, _ = app.demo.launch(
        **app.LAUNCH_OPTIONS, prevent_thread_lock=True, server_name="127.0.0.1", server_port=free_port(), quiet=True
    )
    yield url
    app.demo.close()


@pytest.fixture(scope="module")
def client(server_url):
    return Client(server_url, verbose=False)


@pytest.fixture(scope="module")
def digits():
    data = np.load(DATA)
    return data["images"], data["labels"]


def canvas_file(tmp_path: Path, digits, index: int, style: str, suffix: str = ".png", seed: int = 0) -> tuple[str, int]:
    images, labels = digits
    canvas = draw_canvas(images[index], np.random.default_rng(seed + index), style=style)
    path = tmp_path / f"{style}_{index}{suffix}"
    image = canvas.image
    if suffix in (".jpg", ".jpeg") and image.mode in ("RGBA", "LA"):
        image = image.convert("RGB")  # only opaque styles are used for JPEG
    image.save(path)
    return str(path), int(labels[index])


def top(label_value: dict | None) -> str | None:
    """The top class; ``None`` for an empty Label (the client receives ``{}`` for no prediction)."""
    return (label_value or {}).get("label")


def test_view_api_lists_the_three_public_endpoints(client):
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/classify", "/predict", "/detach"} <= set(info)
    detach_parameters = [p["parameter_name"] for p in info["/detach"]["parameters"]]
    assert detach_parameters == ["x", "op", "mode", "device", "edits"]
    assert len(info["/classify"]["parameters"]) == 1
    assert len(info["/predict"]["parameters"]) == 1


def test_view_api_reads_like_the_readme(client):
    """Named parameters and results, plain descriptions, Gradio's own component names (no custom components)."""
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    classify, predict = info["/classify"], info["/predict"]
    assert [(p["parameter_name"], p["label"], p["component"]) for p in classify["parameters"]] == [
        ("image", "image", "Image")
    ]
    assert classify["parameters"][0]["python_type"]["type"] == "filepath"
    assert [(p["parameter_name"], p["label"]) for p in predict["parameters"]] == [("drawing", "drawing")]
    assert [(r["label"], r["component"]) for r in classify["returns"]] == [("reading", "Label")]
    assert [(r["label"], r["component"]) for r in predict["returns"]] == [
        ("reading", "Label"),
        ("insight panel", "Html"),
        ("device and timing", "Textbox"),
    ]
    assert "ten class probabilities" in classify["description"] and "Sketchpad" in predict["description"]
    words = json.dumps([classify, predict])
    for wrong in ("``", "[object Object]", "Digitupload", "Digitsketchpad", '"paths"'):
        assert wrong not in words, wrong
    assert not re.search(r"\b(parameter|value)_\d+\b", words)  # Gradio's names for unlabelled components


def test_the_api_pages_examples_work(client, digits, tmp_path, monkeypatch):
    """The examples are the README's: handle_file("digit.png") as the file, the drawing as the composite."""
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    drawing = info["/predict"]["parameters"][0]["example_input"]
    image = info["/classify"]["parameters"][0]["example_input"]
    assert drawing["background"] is None and drawing["layers"] == [] and drawing["composite"]["path"] == "digit.png"
    assert image["path"] == "digit.png"
    path, label = canvas_file(tmp_path, digits, 8, "black_on_white")
    Path(path).rename(tmp_path / "digit.png")
    monkeypatch.chdir(tmp_path)  # the snippet's handle_file('digit.png'), with a digit.png where it runs
    assert top(client.predict({**drawing, "composite": handle_file("digit.png")}, api_name="/predict")[0]) == str(label)
    assert top(client.predict(handle_file("digit.png"), api_name="/classify")) == str(label)


@pytest.mark.parametrize("endpoint", ["/predict", "/classify"])
def test_a_refusal_comes_in_the_callers_language(server_url, tmp_path, endpoint):
    """No page, so the caller's Accept-Language picks the message's language."""
    fake = tmp_path / "notes.png"
    fake.write_text("this is a text file, not a PNG")
    drawing = {"background": None, "layers": [], "composite": handle_file(str(fake))}
    argument = drawing if endpoint == "/predict" else handle_file(str(fake))
    for accept_language, message in (
        ("zh-CN,zh;q=0.9", "这个文件不是能读取的图片"),
        ("en-US,en;q=0.9", "The file is not a readable image"),
    ):
        caller = Client(server_url, verbose=False, headers={"Accept-Language": accept_language})
        with pytest.raises(AppError) as caught:
            caller.predict(argument, api_name=endpoint)
        assert message in str(caught.value)


@pytest.mark.parametrize(
    ("style", "suffix"),
    [
        ("black_on_white", ".png"),
        ("sketchpad_layer", ".png"),
        ("colour_on_transparent", ".png"),
        ("colour_on_white", ".jpg"),
        ("white_on_black", ".webp"),
        ("grey", ".png"),
    ],
)
def test_classify_reads_each_image_form(client, digits, tmp_path, style, suffix):
    for index in (0, 1, 2):
        path, label = canvas_file(tmp_path, digits, index, style, suffix)
        result = client.predict(handle_file(path), api_name="/classify")
        assert top(result) == str(label), (style, index, result)
        assert len(result["confidences"]) == 10
        assert sum(c["confidence"] for c in result["confidences"]) == pytest.approx(1, abs=1e-4)


def test_classify_palette_and_16_bit_images(client, digits, tmp_path):
    images, labels = digits
    field = Image.fromarray(255 - images[3]).resize((280, 280))
    palette = tmp_path / "palette.png"
    field.convert("P").save(palette)
    sixteen = tmp_path / "sixteen.png"
    Image.fromarray(np.asarray(field, dtype=np.uint16) * 257).save(sixteen)
    grey = tmp_path / "grey.png"
    field.save(grey)
    reference = client.predict(handle_file(str(grey)), api_name="/classify")
    assert reference["confidences"][0]["label"] == str(labels[3])  # the most likely class is the digit
    expected = {c["label"]: c["confidence"] for c in reference["confidences"]}
    for path in (palette, sixteen):  # the same picture in other modes reads the same
        result = client.predict(handle_file(str(path)), api_name="/classify")
        assert top(result) == top(reference)
        assert {c["label"]: c["confidence"] for c in result["confidences"]} == pytest.approx(expected, abs=1e-3)


def test_classify_blank_image_is_no_prediction(client, tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 300), "white").save(blank)
    result = client.predict(handle_file(str(blank)), api_name="/classify")
    assert top(result) is None and not result.get("confidences")


def _drawing_file(tmp_path: Path, name: str, strokes: list[list[tuple[int, int]]]) -> str:
    """Black strokes with the canvas's 22 px brush on a white 280 px canvas, saved as a PNG."""
    from PIL import ImageDraw

    image = Image.new("RGB", (280, 280), "white")
    pen = ImageDraw.Draw(image)
    for stroke in strokes:
        pen.line(stroke, fill="black", width=22, joint="curve")
    path = tmp_path / f"{name}.png"
    image.save(path)
    return str(path)


def test_label_is_the_digit_or_a_question_mark_exactly_as_the_unsure_rule_says(client, tmp_path):
    """/classify and /predict label a drawing "?" exactly when model.unsure says so, and always send all ten."""
    from model.inference import DigitReader
    from model.preprocess import preprocess
    from model.unsure import answer

    reader = DigitReader.load(device="cpu")
    drawings = {
        "dot": [[(140, 140), (142, 141)]],
        "scribble": [[(60, 80), (220, 200), (70, 210), (200, 60), (90, 120), (230, 150), (50, 160)]],
        "pair": [[(60, 60), (60, 220)], [(150, 60), (230, 60), (170, 220)]],
        "one": [[(140, 40), (140, 240)]],
    }
    seen = set()
    for name, strokes in drawings.items():
        path = _drawing_file(tmp_path, name, strokes)
        expected = answer(reader.probabilities(preprocess(path).unsqueeze(0))[0])
        seen.add(expected == "?")
        classified = client.predict(handle_file(path), api_name="/classify")
        predicted, insight, _ = client.predict(
            {"background": None, "layers": [], "composite": handle_file(path)}, api_name="/predict"
        )
        for result in (classified, predicted):
            assert top(result) == expected, (name, result)
            assert sorted(c["label"] for c in result["confidences"]) == [str(d) for d in range(10)]
            assert abs(sum(c["confidence"] for c in result["confidences"]) - 1) < 1e-4
        assert ('data-testid="unsure-hint"' in insight) == (expected == "?"), name
    assert seen == {True, False}, "the set should hold both a sure and a not-sure drawing"


def test_classify_refuses_a_file_that_is_not_an_image_without_hurting_others(client, digits, tmp_path):
    fake = tmp_path / "notes.png"
    fake.write_text("this is a text file, not a PNG")
    with pytest.raises(AppError) as caught:
        client.predict(handle_file(str(fake)), api_name="/classify")
    assert "not a readable image" in str(caught.value)
    path, label = canvas_file(tmp_path, digits, 4, "black_on_white")
    assert top(client.predict(handle_file(path), api_name="/classify")) == str(label)


def test_concurrent_classify_callers_each_get_their_own_answer(server_url, digits, tmp_path):
    files = [canvas_file(tmp_path, digits, index, "black_on_white") for index in range(8)]
    # Each file's own answer, read one at a time; the same model answers "?" for a drawing it is not sure of.
    from model.inference import DigitReader
    from model.preprocess import preprocess
    from model.unsure import answer

    reader = DigitReader.load(device="cpu")
    expected = {
        slot: answer(reader.probabilities(preprocess(path).unsqueeze(0))[0]) for slot, (path, _) in enumerate(files)
    }
    assert sum(expected[slot] == str(label) for slot, (_, label) in enumerate(files)) >= 7
    results: dict[int, str | None] = {}

    def call(slot: int) -> None:
        own_client = Client(server_url, verbose=False)  # one client per simulated user
        results[slot] = top(own_client.predict(handle_file(files[slot][0]), api_name="/classify"))

    threads = [threading.Thread(target=call, args=(slot,)) for slot in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == expected


@pytest.mark.parametrize("part", ["composite", "layers", "background"])
def test_predict_reads_the_sketchpad_dict_whichever_part_is_sent(client, digits, tmp_path, part):
    style = "sketchpad_layer" if part == "layers" else "black_on_white"
    path, label = canvas_file(tmp_path, digits, 5, style)
    value = {"background": None, "layers": [], "composite": None}
    value[part] = [handle_file(path)] if part == "layers" else handle_file(path)
    label_value, insight, status = client.predict(value, api_name="/predict")
    assert top(label_value) == str(label)
    for test_id in ("network-input", "saliency", "hidden1", "hidden2"):
        assert f'data-testid="{test_id}"' in insight
    assert "forward" in status and "ms" in status


def test_predict_layer_over_background(client, digits, tmp_path):
    path, label = canvas_file(tmp_path, digits, 6, "sketchpad_layer")
    background = tmp_path / "paper.png"
    Image.new("RGB", Image.open(path).size, "white").save(background)
    value = {"background": handle_file(str(background)), "layers": [handle_file(path)], "composite": None}
    assert top(client.predict(value, api_name="/predict")[0]) == str(label)


@pytest.mark.parametrize("style", ["colour_on_white", "white_on_black"])
def test_predict_coloured_and_inverted_ink(client, digits, tmp_path, style):
    path, label = canvas_file(tmp_path, digits, 7, style)
    value = {"background": None, "layers": [], "composite": handle_file(path)}
    assert top(client.predict(value, api_name="/predict")[0]) == str(label)


def test_predict_blank_canvas_is_a_friendly_prompt(client):
    label_value, insight, status = client.predict(
        {"background": None, "layers": [], "composite": None}, api_name="/predict"
    )
    assert top(label_value) is None
    assert 'data-testid="draw-hint"' in insight and "Draw a digit" in insight
    assert "—" in status


def test_detach_shares_storage_through_the_api(client):
    report = client.predict(
        x="1, 2, 3", op="x * 2", mode="y.detach()", device="cpu", edits=[[0, 100]], api_name="/detach"
    )
    assert report["shares_storage"] is True
    assert report["y_values"] == [100.0, 4.0, 6.0]
    assert report["y_version"] == report["z_version"] == 1
    assert report["x_grad"] == [2.0, 2.0, 2.0] and report["backward_error"] is None


def test_detach_exp_edit_breaks_backward_through_the_api(client):
    report = client.predict(
        x="1, 2, 3", op="x.exp()", mode="y.detach()", device="cpu", edits=[[1, 0]], api_name="/detach"
    )
    assert report["x_grad"] is None
    assert "modified by an inplace operation" in report["backward_error"]


def test_detach_clone_never_shares_through_the_api(client):
    report = client.predict(
        x="1, 2, 3", op="x * 2", mode="y.detach().clone()", device="cpu", edits=[[0, 100]], api_name="/detach"
    )
    assert report["shares_storage"] is False
    assert report["y_values"] == [2.0, 4.0, 6.0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": "1, a"}, "not a number"),
        ({"x": ", ".join(["1"] * 10_000)}, "too many"),
        ({"x": "nan, 1"}, "finite"),
        ({"op": "__import__('os')"}, "x * 2"),
        ({"mode": "y"}, "y.detach()"),
        ({"edits": [[7, 1]]}, "out of range"),
    ],
)
def test_detach_bad_input_gives_a_clear_error(client, kwargs, message):
    arguments = {"x": "1, 2, 3", "op": "x * 2", "mode": "y.detach()", "device": "cpu", "edits": [], **kwargs}
    with pytest.raises(AppError) as caught:
        client.predict(**arguments, api_name="/detach")
    assert message in str(caught.value)
    assert client.predict(
        **{**arguments, **{"x": "1, 2, 3", "op": "x * 2", "mode": "y.detach()", "edits": []}}, api_name="/detach"
    )["y_values"] == [2.0, 4.0, 6.0]
