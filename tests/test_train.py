"""The Train tab's logic (model/quickstart.py): the seed's three networks, the Quickstart's loop, its facts."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from model import quickstart
from model.network import NeuralNetwork
from model.quickstart import TrainConfig, TrainInputError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def data() -> quickstart.Dataset:
    """The shipped digits (what CI and a machine without MNIST train on)."""
    return quickstart.shipped_data()


@pytest.fixture(autouse=True)
def one_thread():
    """One CPU thread, as the server (compute.py) trains."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def run_on_cpu(config: TrainConfig, data, networks=None) -> quickstart.Progress:
    *_, last = quickstart.run(config, lambda chunk: quickstart.run_chunk(chunk, data, "cpu"), data, networks)
    return last


# --- the three networks --------------------------------------------------------------------------------------


def test_the_seed_as_given_raises_pytorchs_error_on_the_tuple_line():
    with pytest.raises(TypeError, match="tuple is not a Module subclass"):
        quickstart.build_network("as_given")
    error = quickstart.as_given_error()
    assert (error.type, error.message) == ("TypeError", "tuple is not a Module subclass")
    assert error.code == "(28*28, 512)," == quickstart.SEED_SOURCE.splitlines()[error.line - 1].strip()
    assert error.fix == "nn.Linear(28*28, 512),"
    assert "nn.Sequential(" in quickstart.SEED_SOURCE.splitlines()[error.raised_at - 1]


def test_fixed_is_model_network_and_relu_on_logits_only_adds_the_last_relu():
    fixed, relu = quickstart.build_network("fixed"), quickstart.build_network("relu_on_logits")
    shipped = NeuralNetwork()
    assert [type(m) for m in fixed.linear_relu_stack] == [type(m) for m in shipped.linear_relu_stack]
    assert [type(m) for m in relu.linear_relu_stack] == [*map(type, shipped.linear_relu_stack), nn.ReLU]
    assert fixed.state_dict().keys() == relu.state_dict().keys() == shipped.state_dict().keys()
    start = quickstart.initial_state("fixed", 7)
    assert all(np.array_equal(start[k], v) for k, v in quickstart.initial_state("relu_on_logits", 7).items())


# --- settings ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"steps": 0}, "bad_steps"),
        ({"steps": quickstart.MAX_STEPS + 1}, "bad_steps"),
        ({"steps": 2.5}, "bad_steps"),
        ({"lr": 0}, "bad_lr"),
        ({"lr": -1e-3}, "bad_lr"),
        ({"lr": math.nan}, "bad_lr"),
        ({"lr": math.inf}, "bad_lr"),
        ({"lr": "0.1"}, "bad_lr"),
        ({"optimizer": "RMSprop"}, "bad_optimizer"),
        ({"network": "resnet"}, "bad_network"),
        ({"batch_size": 0}, "bad_batch_size"),
        ({"batch_size": None}, "bad_batch_size"),
        ({"seed": -1}, "bad_seed"),
        ({"steps": True}, "bad_steps"),
    ],
)
def test_bad_settings_are_refused_by_name(settings, key):
    with pytest.raises(TrainInputError) as refused:
        TrainConfig(**settings).checked()
    assert refused.value.key == key


def test_settings_are_normalised():
    config = TrainConfig(optimizer="adam", steps=300.0, batch_size=np.int64(32)).checked()
    assert (config.optimizer, config.steps, config.batch_size) == ("Adam", 300, 32)
    assert TrainConfig(steps=300).checked().chunks == 3  # 100 steps of 64 a chunk
    long = TrainConfig(steps=2000, batch_size=512).checked()
    assert long.chunks <= quickstart.MAX_CHUNKS and long.chunk_steps % long.log_every == 0


# --- training ------------------------------------------------------------------------------------------------


def test_the_same_seed_and_settings_give_the_same_loss_curve_twice(data):
    config = TrainConfig(optimizer="SGD", lr=0.05, steps=60, batch_size=32, seed=5)
    first, second = run_on_cpu(config, data), run_on_cpu(config, data)
    assert first.facts["networks"]["fixed"]["loss"] == second.facts["networks"]["fixed"]["loss"]
    assert len(first.facts["networks"]["fixed"]["loss"]) == 30
    other = run_on_cpu(TrainConfig(optimizer="SGD", lr=0.05, steps=60, batch_size=32, seed=6), data)
    assert other.facts["networks"]["fixed"]["loss"] != first.facts["networks"]["fixed"]["loss"]


def test_chunks_carry_the_whole_state(data):
    """A run in three chunks trains exactly as one chunk of the same steps (Adam's moments travel as NumPy)."""
    config = TrainConfig(steps=30, batch_size=32, seed=1).checked()
    order = quickstart.batch_order(1, len(data.train_labels), 30, 32)
    whole = quickstart.run_chunk(
        quickstart.Chunk("fixed", "Adam", 1e-3, 1, 30, 0, order, quickstart.initial_state("fixed", 1)), data, "cpu"
    )
    state, optimiser, losses = quickstart.initial_state("fixed", 1), None, []
    for first in (0, 10, 20):
        chunk = quickstart.Chunk("fixed", "Adam", 1e-3, 1, 30, first, order[first : first + 10], state, optimiser)
        part = quickstart.run_chunk(chunk, data, "cpu")
        state, optimiser, losses = part.model_state, part.optimizer_state, losses + part.losses
    assert config.steps == 30 and losses == whole.losses
    assert all(np.array_equal(state[name], whole.model_state[name]) for name in state)


@pytest.mark.slow
def test_300_adam_steps_of_the_fixed_network_reach_90_percent(data):
    facts = run_on_cpu(TrainConfig(optimizer="Adam", lr=1e-3, steps=300, batch_size=64, seed=0), data).facts
    run = facts["networks"]["fixed"]
    assert run["test_accuracy"][-1][0] == 300 and run["test_accuracy"][-1][1] >= 0.90, run["test_accuracy"]
    assert [step for step, _ in run["test_accuracy"]] == [100, 200, 300]  # a checkpoint per chunk
    assert run["dead_classes"] == []
    assert facts["device"] == "cpu" and facts["examples_per_s"] > 0
    assert facts["data"] == {"source": "shipped", "train": 10_000, "test": 2_000}


def test_the_relu_on_the_logits_reports_its_dead_classes(data):
    """Compare: same start, same batches; the ReLU on the logits kills classes the fixed network learns."""
    config = TrainConfig(optimizer="SGD", lr=0.1, steps=120, batch_size=100, seed=2)
    facts = run_on_cpu(config, data, quickstart.COMPARED).facts
    fixed, relu = facts["networks"]["fixed"], facts["networks"]["relu_on_logits"]
    assert relu["dead_classes"], relu
    assert set(relu["dead_classes"]) <= set(relu["never_predicted"])
    assert fixed["dead_classes"] == [] and fixed["test_accuracy"][-1][1] > relu["test_accuracy"][-1][1]
    assert [step for step, _ in fixed["loss"]] == [step for step, _ in relu["loss"]]


def test_as_given_reports_the_error_and_trains_nothing(data):
    runs = list(quickstart.run(TrainConfig(network="as_given"), lambda chunk: pytest.fail("trained"), data))
    assert len(runs) == 1 and runs[0].states == {}
    assert runs[0].facts["error"]["message"] == "tuple is not a Module subclass"


def test_the_program_shown_reproduces_the_run(data, tmp_path):
    """The program the page shows uses torch.optim; its losses are the app's (written-out) optimiser's."""
    config = TrainConfig(network="relu_on_logits", optimizer="Adam", lr=2e-3, steps=40, batch_size=50, seed=4)
    app = run_on_cpu(config, data).facts["networks"]["relu_on_logits"]
    script = tmp_path / "program.py"
    script.write_text(quickstart.program(config, data))
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    printed = [(int(s), float(v)) for s, v in re.findall(r"step (\d+): loss ([\d.]+)", done.stdout)]
    assert [s for s, _ in printed] == [s for s, _ in app["loss"]]
    assert max(abs(v - w) for (_, v), (_, w) in zip(printed, app["loss"])) < 1e-5
    accuracy = float(re.search(r"test accuracy ([\d.]+)%", done.stdout)[1])
    assert abs(accuracy - app["test_accuracy"][-1][1] * 100) < 0.01


def test_the_as_given_program_raises_as_the_page_says(data, tmp_path):
    script = tmp_path / "program.py"
    script.write_text(quickstart.program(TrainConfig(network="as_given"), data))
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "TypeError: tuple is not a Module subclass" in done.stderr


# --- the visitor's model -------------------------------------------------------------------------------------


def test_the_store_is_bounded_and_reads_only_when_chosen(data):
    store = quickstart.ModelStore(capacity=2)
    state = quickstart.initial_state("fixed", 0)
    for session in ("a", "b", "c"):
        store.put(session, quickstart.TrainedModel("fixed", state))
    assert "a" not in store and len(store) == 2
    assert store.reader("b") is None
    store.choose("b", True)
    assert store.reader("b") is store.get("b")
    store.choose("a", True)  # no model: no choice
    assert store.reader("a") is None
    field = data.test_images[0] / 255
    assert store.reader("b").probabilities(field).shape == (10,)
    assert store.forget("b") and store.reader("b") is None and not store.forget("b")
