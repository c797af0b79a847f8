"""Serving: load the weights once onto the device and read digits, with a look inside the network.

The model goes to the device once, at load; each call moves one small input tensor in and plain Python/NumPy values
out, so callers never hold device tensors (that is also what ZeroGPU requires).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from model.device import pick_device
from model.network import NUM_CLASSES, NeuralNetwork
from model.unsure import UNSURE_LABEL, is_unsure, label_value

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "weights" / "mnist_mlp.safetensors"
CLASS_NAMES = [str(digit) for digit in range(NUM_CLASSES)]


def load_model(weights: str | Path = WEIGHTS_PATH, device: str | torch.device | None = None) -> NeuralNetwork:
    """The network with the shipped weights (safetensors, no pickle), in eval mode on the chosen device."""
    device = pick_device(str(device) if device is not None else None)
    model = NeuralNetwork()
    model.load_state_dict(load_file(str(weights)))
    model.requires_grad_(False)  # serving never trains; saliency asks autograd for the input's gradient only
    return model.to(device).eval()


def normalise(images: torch.Tensor) -> torch.Tensor:
    """Pixels in [0, 1] (white ink on black) to the network's input scale, ``(x - 0.1307) / 0.3081``."""
    return (images - MNIST_MEAN) / MNIST_STD


@dataclass
class Reading:
    """What the network made of one drawing, as plain values ready to show."""

    probabilities: dict[str, float]
    hidden1: np.ndarray  # 512 activations after the first ReLU
    hidden2: np.ndarray  # 512 activations after the second ReLU
    saliency: np.ndarray  # 28×28, |d top logit / d input|, scaled to [0, 1]
    forward_ms: float  # the forward pass alone (input to logits), synchronised on CUDA
    device: str

    @property
    def top(self) -> str:
        """The most likely digit, even when the network is not sure."""
        return max(self.probabilities, key=self.probabilities.get)

    @property
    def unsure(self) -> bool:
        """Whether the reading is "not sure" (see ``model/unsure.py``)."""
        return is_unsure(self.probabilities)

    @property
    def answer(self) -> str:
        """The digit to show, or ``"?"`` when not sure."""
        return UNSURE_LABEL if self.unsure else self.top

    def label_value(self) -> dict:
        """The ``gr.Label`` value: ``{"label": digit or "?", "confidences": [...]}`` (see ``model.unsure``)."""
        return label_value(self.probabilities)


class DigitReader:
    """The model on its device, with the two ways the app asks it things."""

    def __init__(self, model: NeuralNetwork) -> None:
        self.model = model
        self.device = next(model.parameters()).device

    @classmethod
    def load(cls, weights: str | Path = WEIGHTS_PATH, device: str | torch.device | None = None) -> DigitReader:
        return cls(load_model(weights, device))

    @torch.inference_mode()
    def probabilities(self, images: torch.Tensor) -> np.ndarray:
        """``N×1×28×28`` images in [0, 1] → ``N×10`` class probabilities (one forward pass for the whole batch)."""
        logits = self.model(normalise(images.to(self.device, non_blocking=True)))
        return torch.softmax(logits, dim=1).cpu().numpy()

    def read(self, image: torch.Tensor) -> Reading:
        """One ``1×28×28`` image → probabilities, both hidden layers, and a saliency map, from one forward pass.

        Not under ``inference_mode``: the saliency map is the gradient of the top logit with respect to the input,
        so this pass records autograd for the input alone (the parameters do not require grad).
        """
        started = _now(self.device)
        x = normalise(image.to(self.device).reshape(1, -1)).requires_grad_(True)
        with torch.enable_grad():
            hidden1, hidden2 = self.model.hidden_layers(x)
            logits = self.model.head(hidden2)
            forward_ms = (_now(self.device) - started) * 1000  # the forward pass alone, before the saliency pass
            top = logits[0].argmax()
            (gradient,) = torch.autograd.grad(logits[0, top], x)
        probabilities = torch.softmax(logits.detach(), dim=1)[0]
        saliency = gradient.abs().reshape(28, 28)
        saliency = saliency / saliency.max().clamp_min(1e-12)
        values = torch.cat([probabilities, hidden1.detach()[0], hidden2.detach()[0], saliency.flatten()]).cpu()
        values = values.numpy()
        return Reading(
            probabilities={name: float(p) for name, p in zip(CLASS_NAMES, values[:10])},
            hidden1=values[10:522],
            hidden2=values[522:1034],
            saliency=values[1034:].reshape(28, 28),
            forward_ms=forward_ms,
            device=str(self.device),
        )


def _now(device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter()
