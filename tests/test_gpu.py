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


def _copies(reader, image, readings: int) -> tuple[int, int]:
    """Host-to-device and device-to-host copies the CUDA profiler sees over ``readings`` calls of ``read``."""
    from torch.profiler import ProfilerActivity, profile

    reader.read(image)  # warm: cuBLAS handles and kernels loaded outside the count
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(readings):
            reader.read(image)
        torch.cuda.synchronize()
    names = [event.name for event in prof.events()]
    return sum("Memcpy HtoD" in name for name in names), sum("Memcpy DtoH" in name for name in names)


def test_readings_keep_the_model_on_cuda_and_copy_one_input_in_each(reader):
    data = np.load("tests/data/mnist_test_2000.npz")
    image = torch.from_numpy(data["images"][0]).float().unsqueeze(0) / 255
    before = {name: (p.device, p.data_ptr()) for name, p in reader.model.named_parameters()}
    host_to_device, device_to_host = _copies(reader, image, readings=10)
    assert {name: (p.device, p.data_ptr()) for name, p in reader.model.named_parameters()} == before
    print(f"10 readings: {host_to_device} host-to-device copies, {device_to_host} device-to-host copies")
    assert host_to_device == 10  # the 28×28 input, nothing else (no parameter ever moves)


def test_detach_cpu_on_cuda_is_a_copy_that_does_not_share_storage():
    x = torch.tensor([1.0, 2.0, 3.0], device="cuda", requires_grad=True)
    y = x * 2
    z = y.detach().cpu()
    z[0] = 100.0
    assert z.device.type == "cpu" and y.device.type == "cuda"
    assert y[0].item() == 2.0 and y._version == 0  # the copy's write never reaches y
    shared = y.detach()
    shared[0] = 100.0
    assert y[0].item() == 100.0 and y._version == 1  # detach() alone shares y's storage and its version counter


def test_cuda_call_on_a_grad_tensor_makes_a_non_leaf_whose_grad_stays_none():
    copied = torch.tensor([1.0, 2.0, 3.0], requires_grad=True).cuda()
    made_there = torch.tensor([1.0, 2.0, 3.0], requires_grad=True, device="cuda")
    assert not copied.is_leaf and copied.grad_fn is not None
    assert made_there.is_leaf
    with pytest.warns(UserWarning, match="non-leaf"):
        (copied * 2).sum().backward()
        assert copied.grad is None
    (made_there * 2).sum().backward()
    assert made_there.grad.tolist() == [2.0, 2.0, 2.0]
