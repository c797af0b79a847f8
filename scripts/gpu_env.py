"""What the GPU check ran on: Python, torch and its CUDA, the GPU, and the app's serving packages."""

import importlib.metadata
import platform

import torch

print(f"python {platform.python_version()} · torch {torch.__version__} (CUDA {torch.version.cuda})")
for package in ("gradio", "gradio_client", "spaces", "numpy"):
    try:
        print(f"{package} {importlib.metadata.version(package)}")
    except importlib.metadata.PackageNotFoundError:
        print(f"{package} MISSING")
if torch.cuda.is_available():
    properties = torch.cuda.get_device_properties(0)
    print(f"GPU: {properties.name}, {properties.total_memory / 2**30:.0f} GiB, {properties.multi_processor_count} SMs")
else:
    print("GPU: none (torch.cuda.is_available() is False)")
