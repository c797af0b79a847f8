"""Teaching through the real server and the real gradio_client: /teach, /forget, and /predict per session.

The app runs in this process (as in test_api.py) so the tests can also look at the server's session store.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from model.evaluate_teaching import STYLES, draw_style

DATA = Path(__file__).parent / "data" / "mnist_test_2000.npz"
REPORT_KEYS = {"before", "after", "loss", "steps", "ms", "device"}


@pytest.fixture(scope="module")
def store():
    from ui import teach_panel

    return teach_panel.STORE


@pytest.fixture
def client(server_url) -> Client:
    """A fresh visitor: one Client is one session."""
    return Client(server_url, verbose=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    """A 3 from the MNIST test slice that the shared model reads as 3, a mirrored 3, a blank image, a text file."""
    folder = tmp_path_factory.mktemp("teach")
    with np.load(DATA) as data:
        images, labels = data["images"], data["labels"]
    paths = {}
    three = images[np.flatnonzero(labels == 3)[0]]
    Image.fromarray(255 - three).save(paths.setdefault("three", str(folder / "three.png")))
    for name, (_, strokes) in STYLES.items():  # "mirrored 3", "mirrored 7", "seven-segment 6"
        draw_style(strokes, np.random.default_rng(1)).save(paths.setdefault(name, str(folder / f"{name}.png")))
    Image.new("RGB", (200, 200), "white").save(paths.setdefault("blank", str(folder / "blank.png")))
    (folder / "notes.png").write_text("not an image")
    paths["not an image"] = str(folder / "notes.png")
    return paths


@pytest.fixture(scope="module")
def misread(files, digit_reader) -> tuple[str, int]:
    """(file, the digit meant) of the first made-up handwriting style the shared model misreads."""
    from model.preprocess import preprocess

    for name, (digit, _) in STYLES.items():
        if digit_reader.probabilities(preprocess(files[name]).unsqueeze(0))[0].argmax() != digit:
            return files[name], digit
    pytest.fail(f"the shared model reads every style in {list(STYLES)} right: make a new one")


def sketch(path: str) -> dict:
    return {"background": None, "layers": [], "composite": handle_file(path)}


def read(client: Client, path: str) -> str:
    """The top class /predict gives this client (its own model once it has taught)."""
    return client.predict(sketch(path), api_name="/predict")[0]["label"]


def classify(client: Client, path: str) -> str:
    return client.predict(handle_file(path), api_name="/classify")["label"]


def teach(client: Client, path: str, digit) -> dict:
    return client.predict(image=handle_file(path), digit=digit, api_name="/teach")


def test_the_api_lists_teach_and_forget(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert [p["parameter_name"] for p in endpoints["/teach"]["parameters"]] == ["image", "digit"]
    assert endpoints["/forget"]["parameters"] == []
    assert {"/predict", "/classify"} <= set(endpoints)


def test_teach_returns_the_report_and_the_drawing_reads_as_taught(client, files, store):
    assert read(client, files["three"]) == "3"
    report = teach(client, files["three"], 8)

    assert set(report) >= REPORT_KEYS
    assert len(report["before"]) == len(report["after"]) == 10
    assert sum(report["before"]) == pytest.approx(1, abs=1e-4) and sum(report["after"]) == pytest.approx(1, abs=1e-4)
    assert int(np.argmax(report["before"])) == 3 and int(np.argmax(report["after"])) == 8
    assert report["steps"] == len(report["loss"]) > 1 and report["loss"][-1] < report["loss"][0]
    assert report["device"].startswith("cpu") and 0 < report["ms"] <= report["server_ms"]
    assert report["digit"] == 8 and report["lessons"] == 1
    assert read(client, files["three"]) == "8"
    assert classify(client, files["three"]) == "3"  # /classify stays on the shared model
    assert store.get(client.session_hash) is not None


def test_teaching_follows_only_its_own_session(server_url, files):
    teacher, bystander = Client(server_url, verbose=False), Client(server_url, verbose=False)
    teach(teacher, files["three"], 8)
    assert read(teacher, files["three"]) == "8"
    assert read(bystander, files["three"]) == "3"


def test_a_misread_style_is_learned_and_forget_returns_to_the_shared_model(client, misread, store):
    path, digit = misread
    shared = read(client, path)
    assert shared != str(digit)
    teach(client, path, digit)
    assert read(client, path) == str(digit)

    assert client.predict(api_name="/forget") == {"forgotten": True, "model": "shared"}
    assert store.get(client.session_hash) is None
    assert read(client, path) == shared
    assert client.predict(api_name="/forget") == {"forgotten": False, "model": "shared"}


def test_two_clients_teaching_contradicting_labels_at_once_each_see_their_own(server_url, files):
    clients = {digit: Client(server_url, verbose=False) for digit in (8, 5)}
    start = threading.Barrier(len(clients))
    errors: list[BaseException] = []

    def visitor(digit: int, client: Client) -> None:
        try:
            start.wait()
            for _ in range(3):
                teach(client, files["three"], digit)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=visitor, args=item) for item in clients.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert read(clients[8], files["three"]) == "8"
    assert read(clients[5], files["three"]) == "5"
    assert read(Client(server_url, verbose=False), files["three"]) == "3"


@pytest.mark.parametrize("digit", [10, -1, 3.5, "seven", None])
def test_a_digit_outside_0_to_9_is_refused_and_nothing_is_learned(client, files, store, digit):
    with pytest.raises(AppError, match="whole number from 0 to 9"):
        teach(client, files["three"], digit)
    assert store.get(client.session_hash) is None
    assert read(client, files["three"]) == "3"


@pytest.mark.parametrize(("name", "message"), [("blank", "nothing to teach"), ("not an image", "not a readable image")])
def test_a_blank_or_unreadable_image_is_refused_and_nothing_is_learned(client, files, store, name, message):
    teach(client, files["three"], 8)
    head = store.get(client.session_hash)
    with pytest.raises(AppError, match=message):
        teach(client, files[name], 3)
    after = store.get(client.session_hash)
    assert np.array_equal(after.weight, head.weight) and after.lessons == head.lessons == 1
    assert read(client, files["three"]) == "8"


def test_refusals_speak_the_callers_language(server_url, files):
    chinese = Client(server_url, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    with pytest.raises(AppError, match="数字必须是 0 到 9 的整数"):
        teach(chinese, files["three"], 12)


def test_the_store_keeps_at_most_its_cap_and_drops_the_least_recently_used(server_url, files, store):
    capacity = store.capacity
    store.capacity = 2
    try:
        clients = [Client(server_url, verbose=False) for _ in range(3)]
        for client in clients:
            teach(client, files["three"], 8)
        assert len(store) == 2
        assert store.get(clients[0].session_hash) is None  # the least recently used went
        assert read(clients[0], files["three"]) == "3"  # ... so it reads with the shared model again
        assert read(clients[2], files["three"]) == "8"
    finally:
        store.capacity = capacity


def test_the_shared_model_never_changes(server_url, files):
    from compute import READER

    weights = {name: tensor.clone() for name, tensor in READER.model.state_dict().items()}
    client = Client(server_url, verbose=False)
    before = client.predict(handle_file(files["mirrored 3"]), api_name="/classify")
    for digit in (3, 3, 7):
        teach(client, files["mirrored 3"], digit)
    after = client.predict(handle_file(files["mirrored 3"]), api_name="/classify")
    assert before == after
    assert all(np.array_equal(tensor, weights[name]) for name, tensor in READER.model.state_dict().items())


# --- under ZeroGPU (emulated as in tests/test_zerogpu.py) ----------------------------------------------------------

PROBE = """
import json, pickle
import numpy as np
import compute
fields = np.load("tests/data/mnist_test_2000.npz")["images"][:2].astype(np.float32) / 255
body = compute.gpu_teaching.__wrapped__  # what ZeroGPU's worker runs
head, report = body(None, fields[0], 8)
head, report = body(*pickle.loads(pickle.dumps((head, fields[1], 3))))  # the layer travels with the call
back = pickle.loads(pickle.dumps((head, report)))
print("PROBE " + json.dumps({
    "wrapped": hasattr(compute.gpu_teaching, "zerogpu"),
    "device": back[1]["device"],
    "lessons": back[0].lessons,
    "types": sorted({type(value).__name__ for value in vars(back[0]).values()}),
    "pickled_bytes": len(pickle.dumps(back[0])),
}))
"""


@pytest.mark.slow
def test_the_teaching_gpu_call_sends_numpy_both_ways_under_zerogpu():
    """The @spaces.GPU body, run under ZeroGPU's CUDA emulation: the layer goes in and comes back as NumPy."""
    import json
    import os
    import subprocess
    import sys

    from tests.fake_zerogpu import FakeDeviceAPI
    from tests.servers import ROOT
    from tests.test_zerogpu import STUBBED, zerogpu_env

    with FakeDeviceAPI(nvidia_uuid="GPU-fake" if STUBBED else "0") as api:
        env = {**os.environ, **zerogpu_env(api, Path("/nonexistent"))}
        done = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    report = json.loads(lines[-1].removeprefix("PROBE "))
    assert report["wrapped"] and report["device"] == "cuda:0" and report["lessons"] == 2
    assert report["types"] == ["int", "ndarray"] and report["pickled_bytes"] < 30_000


@pytest.mark.slow
def test_teaching_through_emulated_zerogpu(tmp_path, files):
    """python app.py as a ZeroGPU Space: /teach answers (from the GPU worker, or from the CPU when the worker
    cannot use a GPU, saying why), and /predict then reads with the visitor's own layer."""
    from tests.fake_zerogpu import FakeDeviceAPI
    from tests.servers import running_app
    from tests.test_zerogpu import GPU_DEVICE, STUBBED, zerogpu_env

    with (
        FakeDeviceAPI(nvidia_uuid="GPU-fake" if STUBBED else "0") as api,
        running_app(**zerogpu_env(api, tmp_path)) as (url, _),
    ):
        visitor, other = Client(url, verbose=False), Client(url, verbose=False)
        report = teach(visitor, files["three"], 8)
        assert report["device"] == GPU_DEVICE and int(np.argmax(report["after"])) == 8
        assert report["gpu_unavailable"] == ("no driver" if STUBBED else None)  # the reason, as a field
        assert read(visitor, files["three"]) == "8" and read(other, files["three"]) == "3"
        assert api.called("/schedule"), "the teaching never asked the device API for a GPU"


# --- keeping a teaching: /export_teaching and /import_teaching ------------------------------------------------------


def confidences(client: Client, path: str) -> dict[str, float]:
    label = client.predict(sketch(path), api_name="/predict")[0]
    return {item["label"]: item["confidence"] for item in label["confidences"]}


def test_a_layer_exported_from_one_client_reads_the_same_in_another(server_url, files, misread, store):
    path, digit = misread
    teacher, other = Client(server_url, verbose=False), Client(server_url, verbose=False)
    teach(teacher, path, digit)
    exported = teacher.predict(api_name="/export_teaching")
    assert Path(exported).name.endswith(".safetensors")
    report = other.predict(handle_file(exported), api_name="/import_teaching")
    assert report["loaded"] is True and report["model"] == "yours" and report["changed"] > 0
    for drawing in (path, files["three"]):
        theirs, ours = confidences(teacher, drawing), confidences(other, drawing)
        assert theirs.keys() == ours.keys()
        assert all(abs(theirs[k] - ours[k]) < 1e-6 for k in theirs)
    assert read(other, path) == str(digit)


def test_the_exported_file_in_the_quickstart_class_gives_the_visitors_probabilities(server_url, misread, tmp_path):
    from model.inference import WEIGHTS_PATH
    from model.preprocess import preprocess
    from model.teaching_file import quickstart_probabilities

    path, digit = misread
    client = Client(server_url, verbose=False)
    teach(client, path, digit)
    exported = client.predict(api_name="/export_teaching")
    field = preprocess(path).numpy()
    quickstart = quickstart_probabilities(str(WEIGHTS_PATH), exported, field)[0]
    served = confidences(client, path)
    assert int(np.argmax(quickstart)) == digit
    for name, value in served.items():
        assert abs(quickstart[int(name)] - value) < 1e-5


@pytest.mark.parametrize("kind", ["pickle", "text", "shapes", "nan", "keys"])
def test_a_bad_layer_file_is_refused_and_changes_nothing(server_url, files, misread, tmp_path, kind):
    import pickle

    from safetensors.numpy import save

    from model.teaching_file import BIAS, WEIGHT

    made = {
        "pickle": pickle.dumps({WEIGHT: np.zeros((10, 512))}),
        "text": b"hello, not a layer",
        "shapes": save({WEIGHT: np.zeros((10, 511), np.float32), BIAS: np.zeros(10, np.float32)}),
        "nan": save({WEIGHT: np.full((10, 512), np.nan, np.float32), BIAS: np.zeros(10, np.float32)}),
        "keys": save({"weight": np.zeros((10, 512), np.float32), "bias": np.zeros(10, np.float32)}),
    }
    bad = tmp_path / f"{kind}.safetensors"
    bad.write_bytes(made[kind])
    path, digit = misread
    client = Client(server_url, verbose=False)
    teach(client, path, digit)
    before = confidences(client, path)
    with pytest.raises(AppError) as refused:
        client.predict(handle_file(str(bad)), api_name="/import_teaching")
    assert {"pickle": "pickle", "text": "safetensors", "shapes": "10×512", "nan": "NaN", "keys": "linear_relu"}[
        kind
    ] in str(refused.value)
    assert confidences(client, path) == before


def test_export_before_any_teaching_is_refused(server_url):
    with pytest.raises(AppError, match="teach a digit first"):
        Client(server_url, verbose=False).predict(api_name="/export_teaching")
