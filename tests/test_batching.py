"""model/batching.py: concurrent callers share one forward pass, each still gets its own answer or its own error."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from model.batching import SharedPass


class HeldForward:
    """A forward pass (doubles its input) that records each batch's size and, while ``held``, waits to be let go:
    the time a real pass takes on a GPU, made as long as the test needs."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.held = threading.Event()
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self.sizes.append(len(batch))
        self.entered.set()
        if self.held.is_set():
            assert self.release.wait(30), "the test never released the pass"
        return batch * 2


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_lone_caller_runs_its_own_pass_at_once():
    forward = HeldForward()
    shared = SharedPass(forward)
    assert np.array_equal(shared(np.array([1.0, 2.0])), [2.0, 4.0])
    assert forward.sizes == [1] and shared.passes == shared.calls == 1


def test_callers_who_arrive_during_a_pass_share_the_next_one_and_each_get_their_own_answer():
    forward = HeldForward()
    forward.held.set()
    shared = SharedPass(forward)
    with ThreadPoolExecutor(11) as pool:
        first = pool.submit(shared, np.array([0.0]))
        assert forward.entered.wait(30)  # the first caller's pass is running (as if on a GPU)
        others = [pool.submit(shared, np.array([float(n)])) for n in range(1, 11)]
        wait_for(lambda: len(shared._waiting) == 10)
        forward.release.set()
        assert first.result(30)[0] == 0.0
        assert [future.result(30)[0] for future in others] == [2.0 * n for n in range(1, 11)]
    assert forward.sizes == [1, 10]  # 11 calls, 2 passes
    assert shared.passes == 2 and shared.calls == 11 and shared.largest == 10


def test_a_batch_holds_at_most_max_batch_first_come_first_served():
    forward = HeldForward()
    forward.held.set()
    shared = SharedPass(forward, max_batch=4)
    with ThreadPoolExecutor(11) as pool:
        first = pool.submit(shared, np.array([0.0]))
        assert forward.entered.wait(30)
        others = [pool.submit(shared, np.array([float(n)])) for n in range(1, 11)]
        wait_for(lambda: len(shared._waiting) == 10)
        forward.release.set()
        results = [first.result(30)[0]] + [future.result(30)[0] for future in others]
    assert results == [2.0 * n for n in range(11)]
    assert forward.sizes == [1, 4, 4, 2]


def test_a_fault_of_the_pass_fails_only_the_calls_in_it():
    calls = []

    def forward(batch: np.ndarray) -> np.ndarray:
        calls.append(len(batch))
        if len(calls) == 1:
            raise RuntimeError("CUDA error: the pass failed")
        return batch

    shared = SharedPass(forward)
    with pytest.raises(RuntimeError, match="the pass failed"):
        shared(np.array([1.0]))
    assert shared(np.array([3.0]))[0] == 3.0  # the next pass runs as usual


def test_many_threads_at_once_all_get_their_own_row():
    shared = SharedPass(lambda batch: batch + 0.5, max_batch=8)
    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(lambda n: shared(np.array([float(n)]))[0], range(500)))
    assert results == [n + 0.5 for n in range(500)]
    assert shared.calls == 500 and shared.passes <= 500 and shared.largest <= 8
