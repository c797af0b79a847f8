"""compute.py, the one GPU layer: every GPU call declared in one place, and a failed one answered with its reason as a
field (no server here; the emulated ZeroGPU runs are tests/test_zerogpu.py)."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest
import torch

import compute
from compute import Computed, GpuFallback, GpuUnavailable


def test_every_gpu_call_of_the_app_is_declared_in_compute() -> None:
    names = [call.__name__ for call in compute.GPU_CALLS]
    assert names == ["gpu_reading", "gpu_probabilities", "run_lab_on_gpu", "gpu_teaching", "gpu_train_chunk"]
    assert all(hasattr(call, "__wrapped__") for call in compute.GPU_CALLS)


def test_no_module_but_compute_asks_for_a_gpu() -> None:
    root = Path(compute.__file__).resolve().parent
    for path in [*root.glob("*.py"), *root.glob("model/*.py"), *root.glob("lab/*.py"), *root.glob("ui/*.py")]:
        if path.name == "compute.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert "spaces" not in {name.split(".")[0] for name in _imported(source)}, path
        assert "gpu_call(" not in source and "spaces.GPU" not in source, path


def _imported(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.fixture
def a_gpu_server(monkeypatch) -> None:
    """compute as on a server with a GPU (the reader is not the CPU copy), with a fresh fallback record."""
    monkeypatch.setattr(compute, "READER", SimpleNamespace(device=torch.device("cuda")))
    monkeypatch.setattr(compute, "ZERO_GPU", False)
    monkeypatch.setattr(compute, "FALLBACK", GpuFallback(60))


def test_a_failed_gpu_call_is_answered_from_the_cpu_with_its_reason(a_gpu_server) -> None:
    def busy(value: int) -> int:
        raise gr.Error("No GPU was available", title="ZeroGPU client error")

    assert compute.on_gpu_or_cpu(lambda value: value + 1, lambda value: -value, 41) == Computed(42)
    assert compute.on_gpu_or_cpu(busy, lambda value: value * 2, 21) == Computed(42, "no GPU free")
    assert compute.on_gpu_or_cpu(lambda value: value, lambda value: value, 7) == Computed(
        7, "no GPU free"
    )  # left alone
    with pytest.raises(GpuUnavailable) as caught:  # a call with no CPU twin
        compute.on_gpu_or_cpu(busy, None, 1)
    assert caught.value.reason == "no GPU free"


def test_a_lab_run_on_cuda_without_a_gpu_names_the_reason_and_the_page_words_it() -> None:
    if compute.READER.device.type == "cuda":
        pytest.skip("this server has a GPU")
    with pytest.raises(GpuUnavailable) as caught:
        compute.run_lab("1, 2, 3", "x * 2", "y.detach()", "cuda", [[0, 100]])
    assert caught.value.reason == "no GPU"
    from ui.lab_tab import run_lab

    with pytest.raises(gr.Error) as refused:
        run_lab("1, 2, 3", "x * 2", "y.detach()", "cuda", [], "zh-CN")
    assert "这台服务器没有 GPU" in refused.value.message
