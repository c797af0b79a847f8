"""A visitor's layer as a file they keep: safetensors with the Quickstart's own names, and a form for the browser.

The file holds ``linear_relu_stack.4.weight`` (10×512) and ``linear_relu_stack.4.bias`` (10), float32: loaded into
PyTorch's Quickstart ``NeuralNetwork`` with the shipped body, it reads as the visitor's model does (:data:`LOAD_CODE`).
:func:`read_head` refuses anything else with a reason code (:class:`TeachingFileError`); the page words the code.
No Gradio here.
"""

from __future__ import annotations

import base64
import json
import struct

import numpy as np
import torch
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

from model.network import INPUT_SIDE, NUM_CLASSES
from model.teach import PersonalHead

WEIGHT, BIAS = "linear_relu_stack.4.weight", "linear_relu_stack.4.bias"
SHAPES = {WEIGHT: (NUM_CLASSES, 512), BIAS: (NUM_CLASSES,)}
MAX_BYTES = 64 * 1024  # the file is 20.6 KB; anything far larger is not one
FILE_NAME = "my_mnist_layer.safetensors"

#: The three lines that load the file into the Quickstart network with the shipped body (shown on the page).
LOAD_CODE = """model = NeuralNetwork()  # PyTorch's Quickstart class (model/network.py)
model.load_state_dict(load_file("weights/mnist_mlp.safetensors"))  # the shipped body (and shared last layer)
model.load_state_dict(load_file("my_mnist_layer.safetensors"), strict=False)  # your last layer over it"""


class TeachingFileError(ValueError):
    """A file that is not a visitor's layer; ``code`` names why (``too_large``, ``pickle``, ``not_safetensors``,
    ``keys``, ``shapes``, ``not_finite``)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def head_bytes(head: PersonalHead) -> bytes:
    """The layer as a safetensors file (the Quickstart's names; float32)."""
    tensors = {WEIGHT: np.ascontiguousarray(head.weight, np.float32), BIAS: np.ascontiguousarray(head.bias, np.float32)}
    return save_safetensors(tensors, metadata={"format": "pt", "model": "PyTorch Quickstart NeuralNetwork, last layer"})


def _looks_like_safetensors(data: bytes) -> bool:
    """An 8-byte little-endian header length that fits the file, then the header's JSON ``{``."""
    return len(data) >= 10 and struct.unpack("<Q", data[:8])[0] <= len(data) - 8 and data[8:9] == b"{"


def _looks_like_pickle(data: bytes) -> bool:
    """A pickle (``torch.save``'s zip holds one too) is never opened: only recognised, by its first bytes."""
    return data[:1] == b"\x80" or data[:2] == b"PK"


def read_head(data: bytes) -> PersonalHead:
    """A safetensors file's bytes → the layer it holds; anything else raises :class:`TeachingFileError`."""
    if len(data) > MAX_BYTES:
        raise TeachingFileError("too_large", f"{len(data)} bytes")
    if not _looks_like_safetensors(data):
        raise TeachingFileError("pickle" if _looks_like_pickle(data) else "not_safetensors")
    try:
        tensors = load_safetensors(data)
    except Exception as error:  # safetensors raises its own SafetensorError and others for broken headers
        raise TeachingFileError("not_safetensors", str(error)[:80]) from error
    if set(tensors) != set(SHAPES):
        raise TeachingFileError("keys", ", ".join(sorted(tensors))[:120])
    if any(tensors[name].shape != shape for name, shape in SHAPES.items()):
        raise TeachingFileError("shapes", ", ".join(str(tensors[name].shape) for name in SHAPES))
    if any(not np.issubdtype(tensors[name].dtype, np.floating) for name in SHAPES):
        raise TeachingFileError("shapes", ", ".join(str(tensors[name].dtype) for name in SHAPES))
    weight, bias = (np.array(tensors[name], np.float32) for name in (WEIGHT, BIAS))
    if not (np.isfinite(weight).all() and np.isfinite(bias).all()):
        raise TeachingFileError("not_finite")
    return PersonalHead(weight, bias)


def head_to_browser(head: PersonalHead) -> dict:
    """The layer and its kept drawings as JSON-ready text, for the visitor's own browser (``gr.BrowserState``)."""
    return {
        "layer": base64.b64encode(head_bytes(head)).decode("ascii"),
        "drawings": base64.b64encode(np.ascontiguousarray(head.lesson_fields, np.uint8).tobytes()).decode("ascii"),
        "labels": [int(label) for label in head.lesson_labels],
        "lessons": int(head.lessons),
    }


def head_from_browser(value: object, lessons_kept: int) -> PersonalHead | None:
    """What :func:`head_to_browser` made (as the browser sends it back) → the layer; ``None`` for anything else."""
    if not isinstance(value, dict) or not isinstance(value.get("layer"), str):
        return None
    try:
        head = read_head(base64.b64decode(value["layer"], validate=True))
        labels = np.array([int(label) for label in value.get("labels", [])][-lessons_kept:], np.int64)
        drawings = np.frombuffer(base64.b64decode(value.get("drawings", ""), validate=True), np.uint8)
        drawings = drawings.reshape(-1, INPUT_SIDE, INPUT_SIDE)[-lessons_kept:]
        lessons = max(int(value.get("lessons", len(labels))), len(labels))
    except (TeachingFileError, ValueError, TypeError, json.JSONDecodeError):
        return None
    if len(drawings) != len(labels) or not ((labels >= 0) & (labels < NUM_CLASSES)).all():
        drawings, labels = drawings[:0], labels[:0]
    return PersonalHead(head.weight, head.bias, drawings.copy(), labels, lessons)


def quickstart_probabilities(weights: str, layer: str, fields: np.ndarray) -> np.ndarray:
    """What the Quickstart class gives for ``fields`` (28×28 in [0, 1]) loaded as :data:`LOAD_CODE` loads it: the
    shipped ``weights`` file, then the visitor's ``layer`` file."""
    from safetensors.torch import load_file

    from model.inference import normalise
    from model.network import NeuralNetwork

    model = NeuralNetwork()
    model.load_state_dict(load_file(weights))
    model.load_state_dict(load_file(layer), strict=False)
    model.eval()
    with torch.no_grad():
        x = normalise(torch.as_tensor(fields, dtype=torch.float32).reshape(-1, 1, INPUT_SIDE, INPUT_SIDE))
        return torch.softmax(model(x), dim=1).numpy()
