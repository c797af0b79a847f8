"""What compute.py's GPU reasons say to a visitor: the status line's fallback note and the lab's refusal."""

from __future__ import annotations

from compute import GpuReason
from ui.i18n import text


def reason_words(reason: GpuReason, language: str) -> str:
    """Why the GPU did not answer, as a phrase in ``language`` ("your ZeroGPU quota for today is used up")."""
    return text("gpu_reason_" + reason.lower().replace(" ", "_"), language)


def device_words(device: str, reason: GpuReason | None, language: str) -> str:
    """Where a reading or teaching ran, with why not on the GPU when it should have been: ``cpu (GPU unavailable:
    quota)`` in English (compute's short reason, as the API has always said it), the reason's phrase elsewhere."""
    if reason is None:
        return device
    return text("status_gpu_fallback", language).format(
        device=device, code=reason, reason=reason_words(reason, language)
    )


def gpu_refusal(reason: GpuReason, language: str) -> str:
    """The lab's message for a GPU run that cannot happen, with the reason, in ``language``."""
    return text("gpu_lab_refused", language).format(reason=reason_words(reason, language))
