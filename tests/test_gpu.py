"""GPU residency: the model lives on CUDA and a reading moves nothing. Skipped where there is no CUDA."""

import numpy as np
import pytest
import torch

from model.inference import DigitReader

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


@pytest.fixture(scope="module")
def reader():
    return DigitReader.load(device="cuda")


def test_parameters_live_on_cuda(reader):
    assert all(p.device.type == "cuda" for p in reader.model.parameters())


def test_a_reading_does_not_move_the_model_and_returns_host_values(reader):
    before = {name: (p.device, p.data_ptr()) for name, p in reader.model.named_parameters()}
    data = np.load("tests/data/mnist_test_2000.npz")
    image = torch.from_numpy(data["images"][0]).float().unsqueeze(0) / 255
    reading = reader.read(image)
    probabilities = reader.probabilities(image.unsqueeze(0))
    after = {name: (p.device, p.data_ptr()) for name, p in reader.model.named_parameters()}
    assert before == after
    assert reading.device.startswith("cuda")
    assert isinstance(probabilities, np.ndarray) and isinstance(reading.hidden1, np.ndarray)
    assert reading.top == str(int(data["labels"][0]))


def test_gpu_accuracy_matches_cpu(reader):
    data = np.load("tests/data/mnist_test_2000.npz")
    images = torch.from_numpy(data["images"]).float().unsqueeze(1) / 255
    on_gpu = reader.probabilities(images)
    on_cpu = DigitReader.load(device="cpu").probabilities(images)
    assert (on_gpu.argmax(1) == on_cpu.argmax(1)).mean() > 0.999
    accuracy = (on_gpu.argmax(1) == data["labels"]).mean()
    print(f"GPU accuracy on the 2000-image slice: {accuracy:.2%}")
    assert accuracy >= 0.99
