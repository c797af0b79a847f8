"""The visitor's layer as a file: safetensors with the Quickstart's names, read back exactly, bad files refused."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest
import torch
from safetensors.numpy import save

from model.inference import WEIGHTS_PATH
from model.teach import Teacher
from model.teaching_file import (
    BIAS,
    MAX_BYTES,
    WEIGHT,
    TeachingFileError,
    head_bytes,
    head_from_browser,
    head_to_browser,
    quickstart_probabilities,
    read_head,
)


@pytest.fixture(scope="module")
def taught(digit_reader, mnist_slice):
    teacher = Teacher.load(digit_reader.model)
    fields = mnist_slice.images[:50].astype(np.float32) / 255
    head, _ = teacher.teach(None, fields[0], (int(mnist_slice.labels[0]) + 1) % 10, seed=0)
    return teacher, head, fields


def test_the_file_holds_the_quickstart_names_and_reads_back_exactly(taught):
    _, head, _ = taught
    data = head_bytes(head)
    back = read_head(data)
    assert np.array_equal(back.weight, head.weight) and np.array_equal(back.bias, head.bias)
    assert len(data) < 21_000


def test_the_file_and_the_shipped_body_in_the_quickstart_class_read_as_the_visitor(taught, tmp_path):
    teacher, head, fields = taught
    layer = tmp_path / "my_mnist_layer.safetensors"
    layer.write_bytes(head_bytes(head))
    quickstart = quickstart_probabilities(str(WEIGHTS_PATH), str(layer), fields)
    visitor = head.probabilities(teacher.features(fields))
    assert np.abs(quickstart - visitor).max() < 1e-5
    assert not np.allclose(visitor, teacher.start.probabilities(teacher.features(fields)), atol=1e-3)


def _torch_save() -> bytes:
    buffer = io.BytesIO()
    torch.save({WEIGHT: torch.zeros(10, 512), BIAS: torch.zeros(10)}, buffer)
    return buffer.getvalue()


def _file(weight_shape=(10, 512), bias_shape=(10,), fill=0.0, keys=(WEIGHT, BIAS)) -> bytes:
    arrays = [np.full(weight_shape, fill, np.float32), np.full(bias_shape, fill, np.float32)]
    return save(dict(zip(keys, arrays)))


@pytest.mark.parametrize(
    "data, code",
    [
        (b"\0" * (MAX_BYTES + 1), "too_large"),
        (pickle.dumps({WEIGHT: np.zeros((10, 512))}), "pickle"),
        (_torch_save(), "pickle"),
        (b"not a layer at all", "not_safetensors"),
        (b"", "not_safetensors"),
        (_file(keys=("weight", "bias")), "keys"),
        (_file(weight_shape=(10, 511)), "shapes"),
        (_file(bias_shape=(9,)), "shapes"),
        (_file(fill=np.nan), "not_finite"),
        (_file(fill=np.inf), "not_finite"),
    ],
    ids=["too large", "pickle", "torch.save", "text", "empty", "keys", "weight shape", "bias shape", "nan", "inf"],
)
def test_a_bad_file_is_refused_with_its_reason(data, code):
    with pytest.raises(TeachingFileError) as refused:
        read_head(data)
    assert refused.value.code == code


def test_the_browser_form_keeps_the_layer_and_the_drawings(taught):
    _, head, _ = taught
    back = head_from_browser(head_to_browser(head), lessons_kept=8)
    assert back is not None and np.array_equal(back.weight, head.weight)
    assert np.array_equal(back.lesson_fields, head.lesson_fields) and back.lessons == head.lessons
    assert head_from_browser({"layer": "bm90IGEgbGF5ZXI="}, 8) is None
    assert head_from_browser("junk", 8) is None
