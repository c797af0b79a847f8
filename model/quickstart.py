"""The Train tab's logic: PyTorch Quickstart's training loop on the seed's network, fixed or with its bugs.

No Gradio and no sentences here: facts only (numbers, names, keys). The seed's class is kept as text
(:data:`SEED_SOURCE`) and each network is built by running its text, so the page shows the exact code that ran:

- ``"as_given"``: the seed's code. ``nn.Sequential((28*28, 512), ...)`` raises PyTorch's ``TypeError`` (a tuple is
  not a module): :func:`as_given_error` builds it and reports the error and the line.
- ``"relu_on_logits"``: the first line fixed (``nn.Linear(28*28, 512)``), the ReLU after the last layer kept.
- ``"fixed"``: both fixed (``model/network.py``'s architecture).

Training is the Quickstart's ``train``/``test`` pair, cut into chunks (:func:`run_chunk`) that carry the model's and
the optimiser's state as NumPy, so a chunk can run in a ZeroGPU call and the next one anywhere. The data lives on the
device (:func:`on_device`); a chunk sends its batch indices there once, never a batch from the host.
"""

from __future__ import annotations

import ast
import functools
import math
import os
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_TRAIN = ROOT / "assets" / "train" / "mnist_train_10k.npz"
SHIPPED_TEST = ROOT / "assets" / "train" / "mnist_test_2000.npz"

NETWORKS = ("fixed", "relu_on_logits", "as_given")
OPTIMIZERS = ("SGD", "Adam")
COMPARED = ("fixed", "relu_on_logits")  # what "Compare" trains, on the same batches from the same start
MAX_STEPS = 2000
MAX_BATCH = 512
MAX_LR = 10.0
CHUNK_EXAMPLES = 6400  # examples per chunk (one GPU call under ZeroGPU; one progress update): 100 steps of 64
MAX_CHUNKS = 20  # ... but never more chunks than this in a run (larger chunks for long runs)
STORE_CAPACITY = 32  # sessions whose trained model is kept (2.7 MB each), least recently used dropped first

# The seed's class, as we were given it (the Quickstart's, with two bugs). Kept as text: the page shows it.
SEED_SOURCE = """\
class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            (28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
            nn.ReLU()
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits
"""
BROKEN_LINE = "(28*28, 512),"
FIXED_LINE = "nn.Linear(28*28, 512),"
RELU_ON_LOGITS = "nn.Linear(512, 10),\n            nn.ReLU()\n"


def network_source(network: str) -> str:
    """The class's code for ``network`` (one of :data:`NETWORKS`): the seed's, with zero, one or two fixes."""
    if network == "as_given":
        return SEED_SOURCE
    first_fixed = SEED_SOURCE.replace(BROKEN_LINE, FIXED_LINE)
    if network == "relu_on_logits":
        return first_fixed
    if network == "fixed":
        return first_fixed.replace(RELU_ON_LOGITS, "nn.Linear(512, 10),\n")
    raise ValueError(f"unknown network {network!r}")


def build_network(network: str) -> nn.Module:
    """Run ``network``'s code and make one ``NeuralNetwork`` (its weights from torch's global generator).

    Input ``N×1×28×28`` floats in [0, 1] (as ``ToTensor()`` gives); output ``N×10``. ``"as_given"`` raises
    PyTorch's ``TypeError``.
    """
    namespace: dict[str, Any] = {"nn": nn}
    exec(compile(network_source(network), f"<{network}>", "exec"), namespace)  # our own constant text only
    return namespace["NeuralNetwork"]()


@dataclass(frozen=True)
class BuildError:
    """What building the seed's code as given raised, and where."""

    type: str  # e.g. "TypeError"
    message: str  # PyTorch's message, e.g. "tuple is not a Module subclass"
    line: int  # 1-based line of SEED_SOURCE with the argument PyTorch refused
    code: str  # that line's code
    raised_at: int  # 1-based line of the call that raised (the traceback's)
    fix: str  # the line that replaces it

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in ("type", "message", "line", "code", "raised_at", "fix")}


def as_given_error() -> BuildError:
    """Build the seed's class as given, live, and report what PyTorch raises."""
    try:
        with torch.random.fork_rng(devices=[]):
            build_network("as_given")
    except TypeError as error:
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == "<as_given>"]
        raised_at = frames[-1].lineno or 1
        line = _refused_argument_line(SEED_SOURCE, raised_at) or raised_at
        code = SEED_SOURCE.splitlines()[line - 1].strip()
        return BuildError(type(error).__name__, str(error), line, code, raised_at, FIXED_LINE)
    raise AssertionError("the seed's code built: nothing to report")


def _refused_argument_line(source: str, raised_at: int) -> int | None:
    """The line of the first argument of the ``nn.Sequential(...)`` call spanning ``raised_at`` that is not a call
    (a module is made by a call; a bare tuple is not)."""
    for node in ast.walk(ast.parse(source)):
        spans = isinstance(node, ast.Call) and node.lineno <= raised_at <= (node.end_lineno or node.lineno)
        if spans and getattr(node.func, "attr", None) == "Sequential":
            for argument in node.args:
                if not isinstance(argument, ast.Call):
                    return argument.lineno
    return None


# --- the settings ---------------------------------------------------------------------------------------------


class TrainInputError(ValueError):
    """A setting refused: ``key`` names the problem (the page words it), ``params`` fill its message."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(f"{key}: {params}")


def _whole(value: Any, name: str, low: int, high: int) -> int:
    """``value`` as a whole number in ``[low, high]``, or :class:`TrainInputError`."""
    number = value if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or number != int(number) or not low <= number <= high:
        raise TrainInputError(f"bad_{name}", value=repr(value), low=low, high=high)
    return int(number)


@dataclass(frozen=True)
class TrainConfig:
    """One run's settings. Defaults: the fixed network, Adam at 1e-3, batch 64, 300 steps, seed 0."""

    network: str = "fixed"
    optimizer: str = "Adam"
    lr: float = 1e-3
    batch_size: int = 64
    steps: int = 300
    seed: int = 0

    def checked(self) -> TrainConfig:
        """The same settings, validated and normalised (``"adam"`` → ``"Adam"``); raises :class:`TrainInputError`."""
        if self.network not in NETWORKS:
            raise TrainInputError("bad_network", value=repr(self.network), choices=", ".join(NETWORKS))
        optimizer = {name.lower(): name for name in OPTIMIZERS}.get(str(self.optimizer).strip().lower())
        if optimizer is None:
            raise TrainInputError("bad_optimizer", value=repr(self.optimizer), choices=", ".join(OPTIMIZERS))
        lr = self.lr if isinstance(self.lr, (int, float)) and not isinstance(self.lr, bool) else math.nan
        if not (math.isfinite(lr) and 0 < lr <= MAX_LR):
            raise TrainInputError("bad_lr", value=repr(self.lr), high=MAX_LR)
        return TrainConfig(
            network=self.network,
            optimizer=optimizer,
            lr=float(lr),
            batch_size=_whole(self.batch_size, "batch_size", 1, MAX_BATCH),
            steps=_whole(self.steps, "steps", 1, MAX_STEPS),
            seed=_whole(self.seed, "seed", 0, 2**31 - 1),
        )

    @property
    def log_every(self) -> int:
        """Steps per logged loss (the mean of those steps' losses): 10, fewer for short runs (≥ 30 points)."""
        return max(1, min(10, self.steps // 30))

    @property
    def chunk_steps(self) -> int:
        """Steps per chunk: ~``CHUNK_EXAMPLES`` examples, at most ``MAX_CHUNKS`` chunks, a multiple of
        :attr:`log_every` (a logged window never spans two chunks)."""
        steps = max(CHUNK_EXAMPLES // self.batch_size, math.ceil(self.steps / MAX_CHUNKS), 1)
        return min(math.ceil(steps / self.log_every) * self.log_every, self.steps)

    @property
    def chunks(self) -> int:
        return math.ceil(self.steps / self.chunk_steps)


# --- the data -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """Training and test digits (uint8 ``N×28×28``, white on black; labels int64) and where they come from."""

    source: str  # "torchvision" (MNIST, 60,000 + 10,000) or "shipped" (assets/train/)
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    root: str = ""  # torchvision's root directory (for the program shown), or ""

    def facts(self) -> dict:
        return {"source": self.source, "train": len(self.train_labels), "test": len(self.test_labels)}


def data_dir() -> Path:
    """Where torchvision's MNIST is looked for (and downloaded to): ``MNIST_DATA_DIR``, else a cache folder."""
    return Path(os.environ.get("MNIST_DATA_DIR") or Path.home() / ".cache" / "touch-pytorch")


def may_download() -> bool:
    """Download MNIST when it is missing: on a Hugging Face Space (``SPACE_ID`` set), or with ``MNIST_DOWNLOAD=1``.
    Elsewhere (CI, machines without a network) the shipped digits are used without trying."""
    return os.environ.get("MNIST_DOWNLOAD", "1" if os.environ.get("SPACE_ID") else "0") == "1"


def shipped_data() -> Dataset:
    """The digits the project ships: 10,000 MNIST training digits and 2,000 MNIST test digits."""
    with np.load(SHIPPED_TRAIN) as train, np.load(SHIPPED_TEST) as test:
        return Dataset(
            "shipped",
            train["images"],
            train["labels"].astype(np.int64),
            test["images"],
            test["labels"].astype(np.int64),
        )


def torchvision_data(root: Path, download: bool) -> Dataset:
    """MNIST's 60,000 training and 10,000 test digits through torchvision (downloaded once to ``root``)."""
    from torchvision.datasets import MNIST  # imported only here: it costs start-up time

    train, test = (MNIST(str(root), train=flag, download=download) for flag in (True, False))
    return Dataset(
        "torchvision",
        train.data.numpy(),
        train.targets.numpy().astype(np.int64),
        test.data.numpy(),
        test.targets.numpy().astype(np.int64),
        root=str(root),
    )


@functools.lru_cache(maxsize=1)
def load_data() -> Dataset:
    """MNIST through torchvision when it is there (or may be downloaded), else the shipped digits. Once per process."""
    root = data_dir()
    present = (root / "MNIST" / "raw" / "train-images-idx3-ubyte").exists()
    if present or may_download():
        try:
            return torchvision_data(root, download=not present)
        except Exception:  # noqa: BLE001 - no network, a broken download: the shipped digits still train
            pass
    return shipped_data()


_ON_DEVICE: dict[tuple[str, str], tuple[Tensor, Tensor, Tensor, Tensor]] = {}
_ON_DEVICE_LOCK = threading.Lock()


def on_device(data: Dataset, device: torch.device) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The dataset's four arrays as tensors on ``device``, copied there once per process (uint8: 47 MB for MNIST).
    On the CPU they share the NumPy arrays' memory."""
    key = (data.source, str(device))
    with _ON_DEVICE_LOCK:
        if key not in _ON_DEVICE:
            arrays = (data.train_images, data.train_labels, data.test_images, data.test_labels)
            _ON_DEVICE[key] = tuple(torch.from_numpy(array).to(device) for array in arrays)
        return _ON_DEVICE[key]


def batch_order(seed: int, train_size: int, steps: int, batch_size: int) -> np.ndarray:
    """Which training digits each step uses (``steps×batch_size`` int64): reshuffled each epoch with a generator
    seeded by ``seed`` (``DataLoader(shuffle=True)`` does the same, with batches crossing epoch ends here)."""
    generator = torch.Generator().manual_seed(seed)
    epochs = math.ceil(steps * batch_size / train_size)
    order = torch.cat([torch.randperm(train_size, generator=generator) for _ in range(epochs)])
    return order[: steps * batch_size].view(steps, batch_size).numpy()


def initial_state(network: str, seed: int) -> dict[str, np.ndarray]:
    """The network's starting weights for ``seed``: ``torch.manual_seed(seed)`` and then ``NeuralNetwork()``, as
    the program shown does. ``"fixed"`` and ``"relu_on_logits"`` get the same numbers (same layers)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = build_network(network)
    return {name: tensor.detach().numpy().copy() for name, tensor in model.state_dict().items()}


# --- the Quickstart's loop ------------------------------------------------------------------------------------


def as_input(images: Tensor) -> Tensor:
    """uint8 ``N×28×28`` → float ``N×1×28×28`` in [0, 1], as the Quickstart's ``ToTensor()`` gives."""
    return images.float().div(255).unsqueeze(1)


def train(batches: Tensor, images: Tensor, labels: Tensor, model: nn.Module, loss_fn, optimizer) -> Tensor:
    """The Quickstart's ``train``: one optimiser step per row of ``batches`` (``steps×batch`` indices on the
    device). Returns each step's loss, on the device (no host sync per step)."""
    model.train()
    losses = []
    for batch in batches:
        X, y = as_input(images[batch]), labels[batch]
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.detach())
    return torch.stack(losses)


@dataclass(frozen=True)
class TestFacts:
    """The Quickstart's ``test`` on every test digit, and which classes are dead."""

    accuracy: float  # 0..1
    loss: float  # mean cross-entropy
    dead_classes: list[int]  # output ≤ 0 for every test digit and never predicted: no gradient can revive them
    never_predicted: list[int]


@torch.inference_mode()
def test(images: Tensor, labels: Tensor, model: nn.Module) -> TestFacts:
    """The Quickstart's ``test``: accuracy and loss over all test digits in one pass, and the dead classes."""
    model.eval()
    outputs = model(as_input(images))  # N×10
    predicted = outputs.argmax(1)
    alive = (outputs > 0).any(0).cpu()
    counts = torch.bincount(predicted, minlength=outputs.shape[1]).cpu()
    accuracy = (predicted == labels).float().mean().item()
    loss = F.cross_entropy(outputs, labels).item()
    never = [digit for digit in range(outputs.shape[1]) if counts[digit] == 0]
    return TestFacts(accuracy, loss, [digit for digit in never if not alive[digit]], never)


ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8  # torch.optim.Adam's defaults


class Optimizer:
    """``torch.optim.SGD`` or ``torch.optim.Adam`` (their defaults besides ``lr``), written out with the same
    arithmetic as torch.optim's single-tensor steps; the program shown uses torch.optim and a test checks that it
    gives the same losses. Written out because torch.optim's first step imports ``torch._dynamo`` (5 s measured on
    this project's CPU machine, on a server's first training run) and checks CUDA-graph capture through
    ``torch.accelerator``, which ZeroGPU's CUDA emulation in the main process does not cover.

    ``state``: what :meth:`state_dict` gave (NumPy), to go on where another chunk stopped.
    """

    def __init__(self, name: str, parameters, lr: float, state: dict | None = None) -> None:
        if name not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {name!r}")
        self.name, self.lr = name, lr
        self.parameters = list(parameters)
        self.steps = int(state["steps"]) if state else 0
        if name == "Adam":
            saved = state or {}
            self.exp_avg = [self._moment(saved, "exp_avg", i, p) for i, p in enumerate(self.parameters)]
            self.exp_avg_sq = [self._moment(saved, "exp_avg_sq", i, p) for i, p in enumerate(self.parameters)]

    @staticmethod
    def _moment(state: dict, name: str, index: int, parameter: Tensor) -> Tensor:
        if name in state:
            return torch.from_numpy(state[name][index].copy()).to(parameter.device)
        return torch.zeros_like(parameter, memory_format=torch.preserve_format)

    @torch.no_grad()
    def step(self) -> None:
        """One update of every parameter from its ``.grad``."""
        self.steps += 1
        if self.name == "SGD":
            for parameter in self.parameters:
                parameter.add_(parameter.grad, alpha=-self.lr)
            return
        (beta1, beta2), step = ADAM_BETAS, float(self.steps)
        step_size = self.lr / (1 - beta1**step)
        correction2_sqrt = (1 - beta2**step) ** 0.5
        for parameter, exp_avg, exp_avg_sq in zip(self.parameters, self.exp_avg, self.exp_avg_sq):
            grad = parameter.grad
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = (exp_avg_sq.sqrt() / correction2_sqrt).add_(ADAM_EPS)
            parameter.addcdiv_(exp_avg, denom, value=-step_size)

    def zero_grad(self) -> None:
        for parameter in self.parameters:
            parameter.grad = None

    def state_dict(self) -> dict:
        """The steps taken and, for Adam, both moments (NumPy copies)."""
        state: dict[str, Any] = {"steps": self.steps}
        if self.name == "Adam":
            state["exp_avg"] = [moment.cpu().numpy().copy() for moment in self.exp_avg]
            state["exp_avg_sq"] = [moment.cpu().numpy().copy() for moment in self.exp_avg_sq]
        return state


@dataclass
class Chunk:
    """One piece of a run: steps ``first_step + 1 .. first_step + len(order)`` of ``total_steps``."""

    network: str
    optimizer: str
    lr: float
    log_every: int
    total_steps: int
    first_step: int
    order: np.ndarray  # steps×batch int64: the training digits of each step
    model_state: dict[str, np.ndarray]
    optimizer_state: dict | None = None  # None: a fresh optimiser

    @property
    def examples(self) -> int:
        return int(self.order.size)


@dataclass
class ChunkResult:
    """What a chunk did, as plain values."""

    model_state: dict[str, np.ndarray]
    optimizer_state: dict
    losses: list[tuple[int, float]]  # (step, mean loss of the steps since the previous logged one)
    test: TestFacts
    train_seconds: float  # the steps alone (synchronised on CUDA)
    examples: int
    device: str
    gpu_unavailable: str | None = None  # why the CPU ran it instead of the GPU (compute.py fills it in)


def _now(device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter()


def logged_losses(losses: list[float], first_step: int, log_every: int, total: int) -> list[tuple[int, float]]:
    """Per-step losses → (step, the mean over the steps since the previous logged step), at every ``log_every``-th
    step and at the last one."""
    logged, start = [], 0
    for index in range(len(losses)):
        step = first_step + index + 1
        if step % log_every == 0 or step == total:
            window = losses[start : index + 1]
            logged.append((step, sum(window) / len(window)))
            start = index + 1
    return logged


def run_chunk(chunk: Chunk, data: Dataset, device: torch.device | str) -> ChunkResult:
    """Load the states, train the chunk's steps on ``device`` (the data already there), test, hand the states back."""
    device = torch.device(device)
    images, labels, test_images, test_labels = on_device(data, device)
    with torch.random.fork_rng(devices=[]):  # the weights are overwritten: leave the global generator as it was
        model = build_network(chunk.network)
    model.load_state_dict({name: torch.from_numpy(array) for name, array in chunk.model_state.items()})
    model.to(device)
    optimizer = Optimizer(chunk.optimizer, model.parameters(), chunk.lr, chunk.optimizer_state)
    batches = torch.from_numpy(chunk.order).to(device)  # one copy of the indices per chunk
    with torch.enable_grad():
        started = _now(device)
        losses = train(batches, images, labels, model, nn.CrossEntropyLoss(), optimizer)
        finished = _now(device)
    facts = test(test_images, test_labels, model)
    return ChunkResult(
        model_state={name: tensor.detach().cpu().numpy().copy() for name, tensor in model.state_dict().items()},
        optimizer_state=optimizer.state_dict(),
        losses=logged_losses(losses.cpu().tolist(), chunk.first_step, chunk.log_every, chunk.total_steps),
        test=facts,
        train_seconds=finished - started,
        examples=chunk.examples,
        device=str(device),
    )


# --- a whole run, as a stream of facts ------------------------------------------------------------------------


@dataclass
class Progress:
    """A run so far: ``facts`` (JSON-ready, no words) and the trained weights of each network (NumPy)."""

    facts: dict
    states: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


def _network_facts(network: str) -> dict:
    return {"network": network, "loss": [], "test_accuracy": [], "dead_classes": [], "never_predicted": []}


def run(
    config: TrainConfig,
    execute: Callable[[Chunk], ChunkResult],
    data: Dataset | None = None,
    networks: tuple[str, ...] | None = None,
) -> Iterator[Progress]:
    """Train ``networks`` (default: the config's) on the same batches from the same start, chunk by chunk through
    ``execute`` (which runs :func:`run_chunk` where it can); yields the facts after each round of chunks.

    Facts: ``networks`` (per network: ``loss`` as ``[step, value]`` pairs, ``test_accuracy`` as ``[step, value]``
    at each checkpoint, ``dead_classes``, ``never_predicted``), ``step``, ``steps``, ``device``, ``examples_per_s``,
    ``train_seconds``, ``chunks``, ``data``; for ``"as_given"`` ``error`` and no training.
    """
    config = config.checked()
    data = data or load_data()
    networks = networks or (config.network,)
    facts: dict[str, Any] = {"settings": dict(config.__dict__), "step": 0, "steps": config.steps, "data": data.facts()}
    facts |= {"chunks": config.chunks, "chunks_done": 0, "device": None, "gpu_unavailable": None}
    facts |= {"examples_per_s": None, "train_seconds": 0}
    facts["networks"] = {network: _network_facts(network) for network in networks}
    if "as_given" in networks:
        yield Progress({**facts, "error": as_given_error().as_dict(), "chunks": 0})
        return
    order = batch_order(config.seed, len(data.train_labels), config.steps, config.batch_size)
    states = {network: (initial_state(network, config.seed), None) for network in networks}
    examples = 0
    for first in range(0, config.steps, config.chunk_steps):
        for network in networks:
            model_state, optimizer_state = states[network]
            chunk = Chunk(
                network,
                config.optimizer,
                config.lr,
                config.log_every,
                config.steps,
                first,
                order[first : first + config.chunk_steps],
                model_state,
                optimizer_state,
            )
            result = execute(chunk)
            states[network] = (result.model_state, result.optimizer_state)
            _add_result(facts["networks"][network], result)
            facts["train_seconds"] += result.train_seconds
            facts["device"], facts["gpu_unavailable"] = result.device, result.gpu_unavailable
            examples += result.examples
        facts["step"] = min(first + config.chunk_steps, config.steps)
        facts["chunks_done"] += 1
        facts["examples_per_s"] = examples / facts["train_seconds"] if facts["train_seconds"] > 0 else None
        yield Progress(facts, {network: state for network, (state, _) in states.items()})


def _add_result(network_facts: dict, result: ChunkResult) -> None:
    step = result.losses[-1][0]
    network_facts["loss"] += [[s, value] for s, value in result.losses]
    network_facts["test_accuracy"].append([step, result.test.accuracy])
    network_facts["test_loss"] = result.test.loss
    network_facts["dead_classes"] = result.test.dead_classes
    network_facts["never_predicted"] = result.test.never_predicted


# --- the visitor's trained model ------------------------------------------------------------------------------


class TrainedModel:
    """A trained network on the CPU, ready to read 28×28 fields."""

    def __init__(self, network: str, state: dict[str, np.ndarray], facts: dict | None = None) -> None:
        with torch.random.fork_rng(devices=[]):
            self.model = build_network(network)
        self.model.load_state_dict({name: torch.from_numpy(array.copy()) for name, array in state.items()})
        self.model.requires_grad_(False).eval()
        self.network = network
        self.facts = facts or {}

    @torch.inference_mode()
    def probabilities(self, field: np.ndarray) -> np.ndarray:
        """One 28×28 field in [0, 1] (white on black, as the Draw tab makes it) → its 10 probabilities."""
        x = torch.as_tensor(np.asarray(field, dtype=np.float32)).reshape(1, 1, 28, 28)
        return torch.softmax(self.model(x), dim=1)[0].numpy()

    @property
    def nbytes(self) -> int:
        return sum(tensor.numel() * tensor.element_size() for tensor in self.model.state_dict().values())


class ModelStore:
    """One trained model per session, at most ``capacity``; least recently used dropped first. Each session also
    says whether its readings use its model (:meth:`choose`). Thread-safe (Gradio serves requests in threads)."""

    def __init__(self, capacity: int = STORE_CAPACITY) -> None:
        self.capacity = capacity
        self._models: OrderedDict[str, TrainedModel] = OrderedDict()
        self._chosen: set[str] = set()
        self._lock = threading.Lock()

    def put(self, session: str, model: TrainedModel) -> None:
        """Keep ``model`` as the session's (replacing an earlier one; the session's choice stays)."""
        with self._lock:
            self._models[session] = model
            self._models.move_to_end(session)
            while len(self._models) > self.capacity:
                dropped, _ = self._models.popitem(last=False)
                self._chosen.discard(dropped)

    def get(self, session: str | None) -> TrainedModel | None:
        with self._lock:
            model = self._models.get(session) if session else None
            if model is not None:
                self._models.move_to_end(session)
            return model

    def choose(self, session: str | None, use: bool) -> None:
        """Whether the session's readings use its trained model (only while it has one)."""
        with self._lock:
            if session and use and session in self._models:
                self._chosen.add(session)
            elif session:
                self._chosen.discard(session)

    def reader(self, session: str | None) -> TrainedModel | None:
        """The session's trained model if it chose to read with it, else ``None``."""
        with self._lock:
            return self._models.get(session) if session in self._chosen else None

    def forget(self, session: str | None) -> bool:
        with self._lock:
            self._chosen.discard(session)
            return self._models.pop(session, None) is not None if session else False

    def __len__(self) -> int:
        return len(self._models)

    def __contains__(self, session: object) -> bool:
        return session in self._models


# --- the program that reproduces a run ------------------------------------------------------------------------

_PROGRAM = """\
# Reproduces this run: {network}, {optimizer} lr={lr!r}, batch {batch_size}, {steps} steps, seed {seed}.
import math

import numpy as np
import torch
from torch import nn

{data}
train_images, train_labels = torch.from_numpy(train_images), torch.from_numpy(train_labels).long()
test_images, test_labels = torch.from_numpy(test_images), torch.from_numpy(test_labels).long()


def as_input(images):  # uint8 N×28×28 → N×1×28×28 in [0, 1], as ToTensor() gives
    return images.float().div(255).unsqueeze(1)


{network_code}

torch.manual_seed({seed})
model = NeuralNetwork()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.{optimizer}(model.parameters(), lr={lr!r})

# Each epoch reshuffled by a generator seeded with {seed}; step i trains on order[i].
generator = torch.Generator().manual_seed({seed})
epochs = math.ceil({steps} * {batch_size} / len(train_labels))
order = torch.cat([torch.randperm(len(train_labels), generator=generator) for _ in range(epochs)])
order = order[: {steps} * {batch_size}].view({steps}, {batch_size})


def train(order, model, loss_fn, optimizer):
    model.train()
    window = []
    for step, batch in enumerate(order, start=1):
        X, y = as_input(train_images[batch]), train_labels[batch]
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        window.append(loss.item())
        if step % {log_every} == 0 or step == len(order):
            print(f"step {{step}}: loss {{sum(window) / len(window):.6f}}")
            window = []


def test(model, loss_fn):
    model.eval()
    with torch.no_grad():
        pred = model(as_input(test_images))
    accuracy = (pred.argmax(1) == test_labels).float().mean().item()
    dead = [c for c in range(10) if (pred[:, c] <= 0).all() and not (pred.argmax(1) == c).any()]
    print(f"test accuracy {{accuracy:.2%}}, loss {{loss_fn(pred, test_labels).item():.4f}}, dead classes {{dead}}")


train(order, model, loss_fn, optimizer)
test(model, loss_fn)
"""

_SHIPPED_DATA = """\
# The digits this app ships (run from the app's folder): 10,000 MNIST training digits, 2,000 MNIST test digits.
with np.load("assets/train/mnist_train_10k.npz") as train_file:
    train_images, train_labels = train_file["images"], train_file["labels"]
with np.load("assets/train/mnist_test_2000.npz") as test_file:
    test_images, test_labels = test_file["images"], test_file["labels"]"""

_TORCHVISION_DATA = """\
from torchvision.datasets import MNIST

train_set, test_set = (MNIST({root!r}, train=flag, download=True) for flag in (True, False))
train_images, train_labels = train_set.data.numpy(), train_set.targets.numpy()
test_images, test_labels = test_set.data.numpy(), test_set.targets.numpy()"""


def program(config: TrainConfig, data: Dataset) -> str:
    """A standalone program that reproduces the run (CPU) and prints its logged losses and test accuracy."""
    config = config.checked()
    source = _SHIPPED_DATA if data.source == "shipped" else _TORCHVISION_DATA.format(root=data.root)
    return _PROGRAM.format(
        **config.__dict__, log_every=config.log_every, data=source, network_code=network_source(config.network)
    )
