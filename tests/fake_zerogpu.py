"""ZeroGPU without Hugging Face: a stand-in for its device API on loopback, and the hardware stubs for a machine
without a GPU.

With ``SPACES_ZERO_GPU=true`` and ``SPACES_ZERO_DEVICE_API_URL`` pointing at :class:`FakeDeviceAPI`, importing
``spaces`` turns the app into a ZeroGPU app: torch's CUDA is emulated in the main process, the weights are packed at
launch (``POST /startup-report``), and each ``@spaces.GPU`` call asks ``POST /schedule`` for a GPU, runs in a forked
worker (``POST /allow``) with its arguments and result pickled, and gives the GPU back (``POST /release``). The fake
records every call, so a test can read what the app asked for (e.g. ``durationSeconds``) and how long it held it.

Without a GPU, put :data:`STUB_DIR` on the app's ``PYTHONPATH``: its ``sitecustomize`` turns ZeroGPU's two hardware
steps in the worker (``spaces.zero.torch.init``, which creates the CUDA context, and ``move``, which copies the
packed weights to it) into no-ops. The worker then fails at the first CUDA use, as a Space whose GPU is gone would.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

STUB_DIR = Path(__file__).resolve().parent / "zerogpu_stub"


@dataclass
class Call:
    """One request the app made to the device API."""

    path: str
    params: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    token: str | None = None  # the allowToken a successful /schedule handed out


class FakeDeviceAPI:
    """ZeroGPU's device API on ``127.0.0.1``: answers like the real one, records every call.

    ``mode`` says how ``/schedule`` answers: ``"ok"`` (a GPU, at once), ``"quota"`` (HTTP 429 with the visitor's
    quota left, as when a visitor's daily quota is used up) or ``"busy"`` (HTTP 503, no GPU available).
    ``nvidia_uuid`` is what the worker puts in ``CUDA_VISIBLE_DEVICES`` (an index such as ``"0"`` works too).
    """

    def __init__(self, nvidia_uuid: str = "GPU-fake") -> None:
        self.nvidia_uuid = nvidia_uuid
        self.mode = "ok"
        self.calls: list[Call] = []
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                api._answer(self)

            def do_GET(self) -> None:  # noqa: N802
                api._answer(self)

            def log_message(self, *args) -> None:  # quiet: the calls are recorded instead
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeDeviceAPI:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        url = urlsplit(request.path)
        params = {key: values[-1] for key, values in parse_qs(url.query).items()}
        with self._lock:
            status, body = self._reply(url.path)
            token = body.get("allowToken") if isinstance(body, dict) else None
            self.calls.append(Call(url.path, params, token=token))
        payload = json.dumps(body).encode() if body is not None else b""
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _reply(self, path: str) -> tuple[int, object]:
        if path == "/schedule":
            if self.mode == "quota":
                return 429, {"left": 3, "wait": 3600}
            if self.mode == "busy":
                return 503, None
            token = f"token-{next(self._tokens)}"
            return 200, {"idle": True, "nvidiaIndex": 0, "nvidiaUUID": self.nvidia_uuid, "allowToken": token}
        if path in ("/startup-report", "/allow", "/release"):
            return 200, None
        if path == "/queue-size":
            return 200, 0
        return 404, None

    def called(self, path: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.path == path]

    def held_seconds(self) -> list[tuple[int, float, float]]:
        """Each GPU lease granted: (requested seconds, held seconds from /schedule to /release, released as failed)."""
        with self._lock:
            calls = list(self.calls)
        granted, leases = {}, []
        for call in calls:
            if call.path == "/schedule" and call.token is not None:
                granted[call.token] = call
            elif call.path == "/release" and call.params.get("allowToken") in granted:
                asked = granted.pop(call.params["allowToken"])
                failed = call.params.get("fail", "false").lower() == "true"
                leases.append((int(asked.params["durationSeconds"]), call.at - asked.at, failed))
        return leases


# --- the GPU calls' values, checked inside an emulated ZeroGPU process -------------------------------------------


def _tensors_in(value: object, where: str = "result") -> list[str]:
    """Where ``value`` holds a torch tensor (ZeroGPU's worker must send back NumPy and Python values only)."""
    import dataclasses

    import torch

    if isinstance(value, torch.Tensor):
        return [f"{where}: a {value.device.type} tensor"]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list | tuple):
        items = list(enumerate(value))
    else:
        return []
    return [found for key, item in items for found in _tensors_in(item, f"{where}[{key!r}]")]


def _first_training_chunk(quickstart):
    """The first chunk of a short Train tab run (Adam, 40 steps of 32): what the app sends gpu_train_chunk."""
    config = quickstart.TrainConfig(steps=40, batch_size=32)
    order = quickstart.batch_order(config.seed, len(quickstart.load_data().train_labels), config.steps, 32)
    state = quickstart.initial_state(config.network, config.seed)
    return quickstart.Chunk(config.network, config.optimizer, config.lr, config.log_every, 40, 0, order, state)


def probe_gpu_calls() -> dict[str, dict]:
    """Run each ``@spaces.GPU`` function's body in this process under ZeroGPU's CUDA emulation (the model on the
    emulated ``cuda``, computing on the CPU) with the arguments the app sends; report whether the arguments and the
    result pickle, where the result holds tensors, and the reading's device. Import order as in app.py: compute first.
    """
    import pickle

    import numpy as np

    import compute
    from model import quickstart

    with np.load(Path(__file__).resolve().parent / "data" / "mnist_test_2000.npz") as data:
        fields = (data["images"][:4] / 255).astype(np.float32)[:, None]
        labels = [int(label) for label in data["labels"][:4]]
    arguments = {
        "gpu_reading": (fields[0],),
        "gpu_probabilities": (fields,),
        "run_lab_on_gpu": ("1, 2, 3", "x * 2", "y.detach()", "cuda", [[0, 100]]),
        "gpu_teaching": (None, fields[0][0], (labels[0] + 1) % 10),  # teach a wrong digit: the layer must move
        "gpu_train_chunk": (_first_training_chunk(quickstart),),
    }
    report = {}
    for call in compute.GPU_CALLS:
        args = arguments[call.__name__]
        body = getattr(call, "__wrapped__", call)  # what ZeroGPU's worker runs
        entry: dict = {"zero_gpu_wrapped": hasattr(call, "zerogpu"), "reader_device": str(compute.READER.device)}
        try:
            pickle.loads(pickle.dumps(args))
            entry["arguments_pickle"] = True
        except Exception as error:  # noqa: BLE001 - reported, the test asserts
            entry["arguments_pickle"] = f"{type(error).__name__}: {error}"
        try:
            result = body(*args)
        except Exception as error:  # noqa: BLE001
            entry["error"] = f"{type(error).__name__}: {error}"
            report[call.__name__] = entry
            continue
        entry["tensors"] = _tensors_in(result)
        try:
            back = pickle.loads(pickle.dumps(result))
            entry["result_pickles"] = True
        except Exception as error:  # noqa: BLE001
            entry["result_pickles"] = f"{type(error).__name__}: {error}"
            back = result
        if call.__name__ == "gpu_reading":
            entry["device"], entry["read"], entry["label"] = back.device, back.top, str(labels[0])
        elif call.__name__ == "gpu_probabilities":
            entry["read"], entry["label"] = [int(i) for i in np.asarray(back).argmax(1)], labels
        elif call.__name__ == "gpu_train_chunk":
            entry["device"], entry["losses"] = back.device, len(back.losses)
            entry["accuracy"], entry["asked_s"] = back.test.accuracy, compute.train_chunk_gpu_seconds(*args)
        elif call.__name__ == "gpu_teaching":
            head, teaching = back
            taught = args[2]
            entry["device"] = teaching.get("device")
            entry["taught_gained"] = teaching["after"][taught] > teaching["before"][taught]
            entry["head_type"] = type(head).__name__
        else:
            entry["device"] = getattr(back, "device", None)  # the lab's Run
        report[call.__name__] = entry
    return report


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:] != ["probe"]:
        sys.exit("usage: SPACES_ZERO_GPU=true SPACES_ZERO_DEVICE_API_URL=... python -m tests.fake_zerogpu probe")
    print("PROBE " + json.dumps(probe_gpu_calls()))
