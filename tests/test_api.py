"""The public API through the real Gradio server and the real gradio_client: /classify, /predict, /detach."""

from __future__ import annotations

import base64
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from model.canvas_synth import draw_canvas

DATA = Path(__file__).parent / "data" / "mnist_test_2000.npz"


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


def test_a_blank_image_answers_no_label_and_no_confidences_as_the_readme_says(client, tmp_path):
    """A script can read ``r["label"]`` and ``r["confidences"]`` of any answer (it got ``{}``: a KeyError)."""
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 300), "white").save(blank)
    result = client.predict(handle_file(str(blank)), api_name="/classify")
    assert result == {"label": None, "confidences": []}
    drawing = {"background": None, "layers": [], "composite": handle_file(str(blank))}
    assert client.predict(drawing, api_name="/predict")[0] == {"label": None, "confidences": []}
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "`label` is `None` and `confidences` is empty" in readme


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
    assert label_value == {"label": None, "confidences": []}
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
        ({"x": ", ".join(["1"] * 10_000)}, "Too many numbers for x"),  # refusals are sentences
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


# --- what a script sends that is not what an endpoint takes --------------------------------------------------------


def data_url(path: str) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode()


@pytest.fixture
def server_log(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture):
    """What the server (in this process) logs from now on: ``read()`` → (its ``touch_pytorch`` lines, all it wrote
    to stderr: Gradio's tracebacks go there)."""
    capfd.readouterr()
    caplog.clear()

    def read() -> tuple[list[str], str]:
        lines = [record.getMessage() for record in caplog.records if record.name == "touch_pytorch"]
        caplog.clear()
        return lines, capfd.readouterr().err

    return read


def one_refusal(server_log, endpoint: str) -> str:
    """The one ``refused input`` line the last call logged for ``endpoint``; no traceback, no validation text."""
    lines, stderr = server_log()
    assert [line for line in lines if line.startswith("refused input")] == lines and len(lines) == 1, lines
    assert lines[0].startswith(f"refused input ({endpoint})"), lines
    assert "Traceback" not in stderr and "validation error" not in stderr, stderr
    return lines[0]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_predict_refuses_a_bare_file_saying_to_send_the_dict(server_url, digits, tmp_path, server_log, language):
    """A bare handle_file() reached /predict as an empty canvas: an empty reading and no error."""
    path, _ = canvas_file(tmp_path, digits, 9, "black_on_white")
    caller = Client(server_url, verbose=False, headers={"Accept-Language": language})
    server_log()
    with pytest.raises(AppError) as caught:
        caller.predict(handle_file(path), api_name="/predict")
    expected = {"en": ("Send the Sketchpad dict", "a bare file"), "zh-CN": ("请发送 Sketchpad 字典", "一个单独的文件")}
    assert all(words in str(caught.value) for words in expected[language]), str(caught.value)
    assert "Send the Sketchpad dict" in one_refusal(server_log, "/predict")  # the log is English


@pytest.mark.parametrize(
    ("sent", "words"),
    [
        ({}, "a value that is not a file"),
        (None, "sent nothing"),
        ("digit.png", "sent text"),
        ({"path": "/etc/hostname"}, "a value that is not a file"),  # no Gradio file: never opened
    ],
)
def test_classify_refuses_what_is_not_a_file(client, server_log, sent, words):
    """``{}`` answered an empty label; anything that is not a file is refused, saying to send one."""
    server_log()
    with pytest.raises(AppError) as caught:
        client.predict(sent, api_name="/classify")
    assert 'Send one image file, such as handle_file("digit.png")' in str(caught.value)
    assert words in str(caught.value)
    one_refusal(server_log, "/classify")


def test_classify_refuses_a_data_url_cleanly_with_one_log_line(server_url, digits, tmp_path, server_log):
    """It gave pydantic's validation text to the caller and a traceback in the log."""
    path, label = canvas_file(tmp_path, digits, 10, "black_on_white")
    for language, words in (("en", "a data URL (send the file itself)"), ("zh-CN", "一个 data URL")):
        caller = Client(server_url, verbose=False, headers={"Accept-Language": language})
        server_log()
        with pytest.raises(AppError) as caught:
            caller.predict(data_url(path), api_name="/classify")
        assert words in str(caught.value) and "pydantic" not in str(caught.value)
        one_refusal(server_log, "/classify")
    assert top(Client(server_url, verbose=False).predict(handle_file(path), api_name="/classify")) == str(label)


def test_concurrent_classify_callers_with_bad_files_each_get_their_own_answer_or_refusal(server_url, digits, tmp_path):
    """Among concurrent callers, each bad file fails its own call, in its caller's language, and never comes back as
    a label; the good files all read right. (A batched /classify answered a bad file in a batch with its reason as
    the label, so the caller "succeeded".) Several rounds, as batches form differently each time."""
    from model.inference import DigitReader
    from model.preprocess import preprocess
    from model.unsure import answer

    reader = DigitReader.load(device="cpu")
    good = [canvas_file(tmp_path, digits, index, "black_on_white")[0] for index in range(12)]
    expected_good = [answer(reader.probabilities(preprocess(path).unsqueeze(0))[0]) for path in good]
    junk = tmp_path / "notes.png"
    junk.write_text("this is a text file, not a PNG")
    bad = {  # what is sent → the words of its refusal (English, Chinese)
        "text file": (handle_file(str(junk)), ("not a readable image", "不是能读取的图片")),
        "data URL": (data_url(good[0]), ("a data URL", "data URL")),
        "empty dict": ({}, ("not a file", "不是文件")),
    }
    calls = [("good", index, "en") for index in range(len(good))]
    calls += [("bad", name, language) for name in bad for language in ("en", "zh-CN")]

    def call(kind: str, key, language: str):
        caller = Client(server_url, verbose=False, headers={"Accept-Language": language})
        start.wait()
        try:
            sent = handle_file(good[key]) if kind == "good" else bad[key][0]
            return "answer", caller.predict(sent, api_name="/classify")
        except AppError as error:
            return "refused", str(error)

    for _ in range(3):
        start = threading.Barrier(len(calls))
        with ThreadPoolExecutor(len(calls)) as pool:
            outcomes = list(pool.map(lambda c: call(*c), calls))
        for (kind, key, language), (outcome, value) in zip(calls, outcomes):
            if kind == "good":
                assert outcome == "answer" and top(value) == expected_good[key], (key, outcome, value)
            else:
                words = bad[key][1][0 if language == "en" else 1]
                assert outcome == "refused" and words in value, (key, language, outcome, value)


def test_every_classify_call_goes_through_the_shared_forward_pass(server_url, digits, tmp_path):
    """/classify is no longer a Gradio batch; its calls share forward passes through the Draw tab's SharedPass
    (tests/test_batching.py shows the sharing itself; benchmarks/throughput.py measures it)."""
    from ui import draw_tab

    path, label = canvas_file(tmp_path, digits, 11, "black_on_white")

    def classify(_: int) -> str | None:
        return top(Client(server_url, verbose=False).predict(handle_file(path), api_name="/classify"))

    before = draw_tab.SHARED_PASS.calls
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(classify, range(8))) == [str(label)] * 8
    assert draw_tab.SHARED_PASS.calls - before == 8


def detach_over_http(server_url: str, data: list) -> dict:
    """/detach through Gradio's plain HTTP API (no gradio_client to fill in defaults): POST, then read the events."""
    import httpx

    posted = httpx.post(f"{server_url}gradio_api/call/detach", json={"data": data}, timeout=30)
    posted.raise_for_status()
    events = httpx.get(f"{server_url}gradio_api/call/detach/{posted.json()['event_id']}", timeout=60).text
    kind, payload = re.findall(r"^event: (\w+)\ndata: (.*)$", events, flags=re.MULTILINE)[-1]
    assert kind == "complete", events[-2000:]
    return json.loads(payload)[0]


def test_detach_with_no_data_uses_the_documented_defaults(server_url, client):
    """The API page says every /detach parameter is optional; a call with none failed ("needed: 5, got: 0")."""
    parameters = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/detach"]["parameters"]
    assert all(parameter["parameter_has_default"] for parameter in parameters)
    defaults = {parameter["parameter_name"]: parameter["parameter_default"] for parameter in parameters}
    expected = client.predict(**defaults, api_name="/detach")
    assert expected["y_values"] == [2.0, 4.0, 6.0]
    assert detach_over_http(server_url, []) == expected
    partial = detach_over_http(server_url, ["4, 5"])  # the ones not sent take their defaults, as in Python
    assert partial["y_values"] == [8.0, 10.0] and partial["mode"] == defaults["mode"] and partial["edits"] == []
