"""Tests for the network, its shipped weights, loading and serving (model/network.py, model/inference.py)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from torch import nn

from model.device import pick_device
from model.inference import CLASS_NAMES, MNIST_MEAN, MNIST_STD, WEIGHTS_PATH, DigitReader, load_model, normalise
from model.network import NeuralNetwork

REPO = Path(__file__).resolve().parent.parent
MODEL_CARD = REPO / "weights" / "model_card.json"
STATE_KEYS = {f"linear_relu_stack.{i}.{kind}" for i in (0, 2, 4) for kind in ("weight", "bias")}


class TutorialNetwork(nn.Module):
    """PyTorch Quickstart's class, written out here independently of model/network.py."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        return self.linear_relu_stack(x)


def as_batch(images: np.ndarray) -> torch.Tensor:
    """uint8 N×28×28 → float N×1×28×28 in [0, 1]."""
    return torch.from_numpy(images).float().unsqueeze(1) / 255


# --- the network -----------------------------------------------------------------------------------------------


def test_layer_structure_is_the_fixed_quickstart_mlp():
    model = NeuralNetwork()
    assert [name for name, _ in model.named_children()] == ["flatten", "linear_relu_stack"]
    assert isinstance(model.flatten, nn.Flatten)
    stack = list(model.linear_relu_stack)
    assert [type(layer) for layer in stack] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    assert [(layer.in_features, layer.out_features) for layer in stack if isinstance(layer, nn.Linear)] == [
        (784, 512),
        (512, 512),
        (512, 10),
    ]
    assert all(layer.bias is not None for layer in stack if isinstance(layer, nn.Linear))
    assert not isinstance(stack[-1], nn.ReLU)
    assert sum(p.numel() for p in model.parameters()) == 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10


def test_body_and_head_are_the_stack_by_name():
    torch.manual_seed(0)
    model = NeuralNetwork()
    x = torch.randn(8, 1, 28, 28)
    assert torch.equal(model.head(model.body(x)), model(x))
    hidden1, hidden2 = model.hidden_layers(x.reshape(8, -1))
    assert torch.equal(hidden2, model.body(x)) and hidden1.shape == (8, 512) and (hidden1 >= 0).all()
    assert model.head is model.linear_relu_stack[4]
    # Named views add nothing to the state dict and share the model's tensors.
    assert set(model.state_dict()) == STATE_KEYS
    assert model.body[1].weight.data_ptr() == model.linear_relu_stack[0].weight.data_ptr()


def test_state_dict_keys_and_shapes():
    state = NeuralNetwork().state_dict()
    assert set(state) == STATE_KEYS
    shapes = {key: tuple(value.shape) for key, value in state.items()}
    assert shapes == {
        "linear_relu_stack.0.weight": (512, 784),
        "linear_relu_stack.0.bias": (512,),
        "linear_relu_stack.2.weight": (512, 512),
        "linear_relu_stack.2.bias": (512,),
        "linear_relu_stack.4.weight": (10, 512),
        "linear_relu_stack.4.bias": (10,),
    }


def test_forward_is_linear_relu_linear_relu_linear_and_logits_can_be_negative(mnist_slice):
    model = load_model(device="cpu")
    x = normalise(as_batch(mnist_slice.images[:64]))
    p = {key: value for key, value in model.state_dict().items()}
    h1 = torch.relu(x.reshape(64, -1) @ p["linear_relu_stack.0.weight"].T + p["linear_relu_stack.0.bias"])
    h2 = torch.relu(h1 @ p["linear_relu_stack.2.weight"].T + p["linear_relu_stack.2.bias"])
    expected = h2 @ p["linear_relu_stack.4.weight"].T + p["linear_relu_stack.4.bias"]
    with torch.no_grad():
        logits = model(x)
    assert logits.shape == (64, 10)
    torch.testing.assert_close(logits, expected, rtol=1e-4, atol=1e-4)
    # No ReLU on the logits: the unlikely classes get negative scores.
    assert (logits < 0).any(dim=1).all()
    # The same holds for a fresh, untrained network.
    torch.manual_seed(0)
    with torch.no_grad():
        assert (NeuralNetwork()(torch.randn(16, 1, 28, 28)) < 0).any()


# --- the weights file ----------------------------------------------------------------------------------------------


def test_weights_file_is_safetensors_not_pickle():
    raw = WEIGHTS_PATH.read_bytes()
    assert not raw.startswith(b"PK"), "a torch.save zip archive"
    assert raw[:1] != b"\x80", "a pickle"
    (header_length,) = struct.unpack("<Q", raw[:8])
    assert 0 < header_length < len(raw) - 8
    header = json.loads(raw[8 : 8 + header_length].decode("utf-8"))
    tensors = {key: value for key, value in header.items() if key != "__metadata__"}
    assert set(tensors) == STATE_KEYS
    expected_shapes = {key: list(value.shape) for key, value in NeuralNetwork().state_dict().items()}
    data_length = len(raw) - 8 - header_length
    for key, info in tensors.items():
        assert info["dtype"] == "F32"
        assert info["shape"] == expected_shapes[key]
        start, end = info["data_offsets"]
        assert 0 <= start <= end <= data_length
        assert end - start == 4 * int(np.prod(info["shape"]))
    assert max(info["data_offsets"][1] for info in tensors.values()) == data_length


def test_weights_load_into_the_tutorial_class_strictly(mnist_slice):
    tutorial = TutorialNetwork()
    result = tutorial.load_state_dict(load_file(str(WEIGHTS_PATH)), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    tutorial.eval()
    ours = load_model(device="cpu")
    x = normalise(as_batch(mnist_slice.images[:32]))
    with torch.no_grad():
        torch.testing.assert_close(tutorial(x), ours(x))


def test_load_model_never_unpickles(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("torch.load (pickle) must not be used to read the weights")

    monkeypatch.setattr(torch, "load", refuse)
    model = load_model(device="cpu")
    assert set(model.state_dict()) == STATE_KEYS


# --- loading -------------------------------------------------------------------------------------------------------


def test_load_model_eval_mode_on_picked_device_without_grad(monkeypatch):
    monkeypatch.delenv("MNIST_DEVICE", raising=False)
    model = load_model()
    assert not model.training
    assert not any(module.training for module in model.modules())
    devices = {p.device for p in model.parameters()}
    expected = pick_device()
    assert len(devices) == 1
    (device,) = devices
    assert device.type == expected.type
    assert not any(p.requires_grad for p in model.parameters())
    weights = load_file(str(WEIGHTS_PATH))
    for key, value in model.state_dict().items():
        assert torch.equal(value.cpu(), weights[key])


def test_mnist_device_environment_override(monkeypatch):
    monkeypatch.setenv("MNIST_DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")
    assert next(load_model().parameters()).device == torch.device("cpu")
    assert DigitReader.load().device == torch.device("cpu")
    # A value the automatic choice would never make proves the variable is read (meta needs no hardware).
    monkeypatch.setenv("MNIST_DEVICE", "meta")
    assert pick_device() == torch.device("meta")
    assert next(load_model().parameters()).device.type == "meta"
    # An explicit request beats the environment.
    assert pick_device("cpu") == torch.device("cpu")
    assert next(load_model(device="cpu").parameters()).device == torch.device("cpu")


def test_pick_device_without_override_is_a_real_available_device(monkeypatch):
    monkeypatch.delenv("MNIST_DEVICE", raising=False)
    device = pick_device()
    if torch.cuda.is_available():
        assert device.type == "cuda"
    elif torch.backends.mps.is_available():
        assert device.type == "mps"
    else:
        assert device == torch.device("cpu")


# --- accuracy and reading ------------------------------------------------------------------------------------------


def test_slice_is_a_consistent_part_of_the_mnist_test_set(mnist_slice):
    assert mnist_slice.images.shape == (2000, 28, 28) and mnist_slice.images.dtype == np.uint8
    assert mnist_slice.labels.shape == (2000,) and set(np.unique(mnist_slice.labels)) == set(range(10))
    assert len(np.unique(mnist_slice.indices)) == 2000
    assert mnist_slice.indices.min() >= 0 and mnist_slice.indices.max() < 10_000


def test_accuracy_of_shipped_weights_on_the_slice(digit_reader, mnist_slice):
    probabilities = digit_reader.probabilities(as_batch(mnist_slice.images))
    assert probabilities.shape == (2000, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    accuracy = float((probabilities.argmax(axis=1) == mnist_slice.labels).mean())
    print(f"\nshipped weights, MNIST test slice (2000 images): {accuracy:.2%}")
    assert accuracy >= 0.990


def test_probabilities_match_a_plain_forward_pass(digit_reader, mnist_slice):
    batch = as_batch(mnist_slice.images[:50])
    tutorial = TutorialNetwork()
    tutorial.load_state_dict(load_file(str(WEIGHTS_PATH)), strict=True)
    with torch.no_grad():
        expected = torch.softmax(tutorial((batch - MNIST_MEAN) / MNIST_STD), dim=1).numpy()
    np.testing.assert_allclose(digit_reader.probabilities(batch), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("position", [0, 1, 7, 1234])
def test_read_gives_consistent_probabilities_hidden_layers_and_saliency(digit_reader, mnist_slice, position):
    image = as_batch(mnist_slice.images[position : position + 1])[0]  # 1×28×28
    reading = digit_reader.read(image)

    assert list(reading.probabilities) == CLASS_NAMES
    values = np.array([reading.probabilities[name] for name in CLASS_NAMES])
    assert values.sum() == pytest.approx(1.0, abs=1e-5)
    assert (values >= 0).all()
    np.testing.assert_allclose(values, digit_reader.probabilities(image.unsqueeze(0))[0], rtol=1e-4, atol=1e-6)
    assert reading.top == CLASS_NAMES[int(values.argmax())]

    stack = TutorialNetwork().linear_relu_stack
    weights = load_file(str(WEIGHTS_PATH))
    stack.load_state_dict({key.removeprefix("linear_relu_stack."): value for key, value in weights.items()})
    x = normalise(image.reshape(1, -1))
    with torch.no_grad():
        hidden1 = stack[1](stack[0](x))[0].numpy()
        hidden2 = stack[3](stack[2](stack[1](stack[0](x))))[0].numpy()
    for got, want in ((reading.hidden1, hidden1), (reading.hidden2, hidden2)):
        assert got.shape == (512,)
        assert (got >= 0).all()
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)

    x = x.clone().requires_grad_(True)
    logits = stack(x)
    logits[0, logits[0].argmax()].backward()
    expected_saliency = x.grad.abs().reshape(28, 28)
    expected_saliency = (expected_saliency / expected_saliency.max()).numpy()
    assert reading.saliency.shape == (28, 28)
    assert reading.saliency.min() >= 0 and reading.saliency.max() == pytest.approx(1.0)
    np.testing.assert_allclose(reading.saliency, expected_saliency, rtol=1e-4, atol=1e-5)

    assert reading.device == str(digit_reader.device) == "cpu"
    assert reading.forward_ms >= 0
    # read() must not leave gradients on the (frozen) model.
    assert all(p.grad is None for p in digit_reader.model.parameters())


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_reader_matches_cpu(digit_reader, mnist_slice):
    cuda_reader = DigitReader.load(device="cuda")
    assert cuda_reader.device.type == "cuda"
    batch = as_batch(mnist_slice.images[:200])
    np.testing.assert_allclose(cuda_reader.probabilities(batch), digit_reader.probabilities(batch), atol=1e-4)
    reading = cuda_reader.read(batch[0])
    assert reading.device.startswith("cuda")
    assert isinstance(reading.hidden1, np.ndarray) and reading.hidden1.shape == (512,)


# --- model card and training augmentation --------------------------------------------------------------------------


def test_model_card():
    card = json.loads(MODEL_CARD.read_text())
    assert card["architecture"] == "Flatten, Linear(784, 512), ReLU, Linear(512, 512), ReLU, Linear(512, 10)"
    assert card["parameters"] == sum(p.numel() for p in NeuralNetwork().parameters())
    assert card["test_accuracy"] >= 0.993
    assert isinstance(card["epochs"], int) and card["epochs"] > 0
    assert card["hyperparameters"]["epochs"] == card["epochs"]
    assert len(card["history"]) == card["epochs"]
    assert card["history"][-1]["test_accuracy"] == card["test_accuracy"]
    for name in ("python", "torch", "torchvision"):
        assert isinstance(card["versions"][name], str) and card["versions"][name]
    # The card documents what the network learnt from (MNIST + the handwriting styles + non-digits) and the figures
    # python -m model.evaluate measured with the threshold the code uses.
    from model.nondigits import KINDS
    from model.styles import SORTED_ONLY, STYLES
    from model.unsure import UNSURE_BELOW

    training = card["training_data"]
    assert training["mnist_train"] == 60_000
    assert set(training["style_digits"]) == set(STYLES) - set(SORTED_ONLY)
    assert set(training["nondigits"]) == set(KINDS)
    evaluation = card["evaluation"]
    assert evaluation["unsure_below"] == UNSURE_BELOW
    assert evaluation["mnist_test_accuracy"] == pytest.approx(card["test_accuracy"], abs=5e-5)
    assert set(evaluation["styles"]) == set(STYLES)
    # The accuracy written into the weights file's metadata agrees with the card.
    raw = WEIGHTS_PATH.read_bytes()
    (header_length,) = struct.unpack("<Q", raw[:8])
    metadata = json.loads(raw[8 : 8 + header_length])["__metadata__"]
    assert float(metadata["test_accuracy"]) == pytest.approx(card["test_accuracy"], abs=5e-5)


def test_augment_keeps_shape_and_range_and_is_seed_deterministic(mnist_slice):
    train = pytest.importorskip("model.train")
    images = as_batch(mnist_slice.images[:64])
    first = train.augment(images, torch.Generator().manual_seed(123))
    again = train.augment(images, torch.Generator().manual_seed(123))
    other = train.augment(images, torch.Generator().manual_seed(124))
    assert first.shape == images.shape and first.dtype == torch.float32
    assert first.min() >= 0 and first.max() <= 1
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
    assert not torch.equal(first, images)  # it really warps
    # Warped digits are still mostly there: ink is neither lost nor smeared over the field.
    ink_before, ink_after = images.sum(dim=(1, 2, 3)), first.sum(dim=(1, 2, 3))
    assert ((ink_after / ink_before) > 0.25).all() and ((ink_after / ink_before) < 3.0).all()
    assert not first.isnan().any()


def test_train_epoch_learns_digits_and_pulls_non_digits_towards_uniform(mnist_slice):
    train = pytest.importorskip("model.train")
    args = train.parse_args(["--batch-size", "32", "--epochs", "1"])
    torch.manual_seed(0)
    model = NeuralNetwork()
    images = as_batch(mnist_slice.images[:256])
    labels = torch.from_numpy(mnist_slice.labels[:256].astype(np.int64))
    data = train.TrainingData(images, labels, torch.rand(64, 1, 28, 28), images[:, 0], labels, 256)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, epochs=3, steps_per_epoch=8)
    generator = torch.Generator().manual_seed(0)
    losses = [train.train_epoch(model, data, optimizer, schedule, (generator, generator), args, "t") for _ in range(3)]
    assert losses[-1] < losses[0]
    # The second image is a non-digit: its loss term is smallest for a flat answer, whatever the digit's term.
    flat = train.batch_loss(lambda x: torch.zeros(2, 10), images[:2], labels[:1], args)
    confident = torch.stack([torch.zeros(10), 20 * torch.eye(10)[3]])
    sure = train.batch_loss(lambda x: confident, images[:2], labels[:1], args)
    assert flat < sure
