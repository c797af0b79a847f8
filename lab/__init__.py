"""Interactive PyTorch teaching labs (no web framework imports here)."""
