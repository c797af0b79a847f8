"""Concurrent callers share one forward pass, each call still its own request (no Gradio, no torch here).

Gradio's ``batch=True`` hands a function the inputs of several requests at once, and the function can then only
answer all of them or fail all of them: one caller's bad file either failed everyone or had to be answered as a
"label". So /classify is an ordinary event; each call checks and prepares its own input (a refusal is its own
error), and only then joins :class:`SharedPass`, which runs one forward pass for every caller waiting at that moment.

No thread of its own: the first caller to find no pass running runs the next one, in its own request's thread and
context (ZeroGPU counts the GPU call against that visitor, as Gradio's batching counted it against the first
request of a batch). Callers who arrive while a pass runs wait for it to end and go in the next one together, so
the busier the server, the larger the batches; a lone caller waits for no one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class _Call:
    item: np.ndarray
    done: bool = False
    result: Any = None
    error: BaseException | None = None


@dataclass
class SharedPass:
    """``SharedPass(forward)(item)`` → ``forward(np.stack(items))[i]`` for this caller's ``item``, where ``items``
    are the calls waiting together (at most ``max_batch``, first come first served)."""

    forward: Callable[[np.ndarray], Any]
    max_batch: int = 64
    passes: int = 0  # forward passes run so far
    calls: int = 0  # calls answered so far
    largest: int = 0  # the largest batch so far
    _waiting: list[_Call] = field(default_factory=list, repr=False)
    _running: bool = field(default=False, repr=False)
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def __call__(self, item: np.ndarray) -> Any:
        call = _Call(item)
        with self._changed:
            self._waiting.append(call)
        while True:
            with self._changed:
                while self._running and not call.done:
                    self._changed.wait()
                if call.done:
                    break
                self._running = True  # no pass running and this call not answered: this thread runs the next one
                batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            self._run(batch)
        if call.error is not None:
            raise call.error
        return call.result

    def _run(self, batch: list[_Call]) -> None:
        try:
            results, error = list(self.forward(np.stack([call.item for call in batch]))), None
            if len(results) != len(batch):
                raise ValueError(f"the forward pass answered {len(results)} items for {len(batch)}")
        except BaseException as failure:  # noqa: BLE001 - a fault of the pass is every caller's in it, re-raised there
            results, error = [None] * len(batch), failure
        with self._changed:
            for call, result in zip(batch, results):
                call.result, call.error, call.done = result, error, True
            self.passes += 1
            self.calls += len(batch)
            self.largest = max(self.largest, len(batch))
            self._running = False
            self._changed.notify_all()
