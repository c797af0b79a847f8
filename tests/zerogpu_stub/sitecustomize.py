"""On ``PYTHONPATH`` only for emulated ZeroGPU on a machine without a GPU (tests/fake_zerogpu.py).

When ``spaces.zero.torch`` is imported (by ``import spaces`` in ZeroGPU mode), its two hardware steps become
no-ops: ``init`` (in the forked worker: point ``CUDA_VISIBLE_DEVICES`` at the lent GPU and create a CUDA context)
and ``move`` (copy the packed weights onto it). Everything else of ZeroGPU runs as on a Space. Nothing is imported
early: ``spaces`` must still come before any CUDA use in the app, exactly as without this file.
"""

import importlib.abc
import importlib.machinery
import sys

HARDWARE_STEPS = ("init", "move")


class _StubHardwareAfterImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "spaces.zero.torch":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def load_then_stub(module):
            load(module)
            for step in HARDWARE_STEPS:
                setattr(module, step, lambda *args, **kwargs: None)

        spec.loader.exec_module = load_then_stub
        return spec


sys.meta_path.insert(0, _StubHardwareAfterImport())
