"""When to say "not sure": the rule that turns the network's ten probabilities into a digit or ``"?"``.

The network keeps its ten outputs. Training pulls its answer for drawings that are no digit (dots, scribbles, pairs
of digits, letters; see ``model/nondigits.py``) towards the uniform 10 % each, so the highest probability is the
signal: below ``UNSURE_BELOW`` the answer is ``"?"``. The threshold was chosen by measurement
(``python -m model.evaluate`` prints the trade-off): it refuses real digits (MNIST test, canvas drawings) at most
about 1 % of the time and generated non-digits at least 90 % of the time.

No Gradio here; :func:`label_value` builds the value a ``gr.Label`` shows, in the shape Gradio itself sends to the
page (``{"label": ..., "confidences": [{"label": "0", "confidence": p0}, ...]}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

#: The answer when the network is not sure.
UNSURE_LABEL = "?"
#: A reading whose highest probability is below this is "not sure" (chosen by measurement, see the module's doc).
UNSURE_BELOW = 0.5

Probabilities = Mapping[str, float] | Sequence[float] | np.ndarray


def _as_array(probabilities: Probabilities) -> np.ndarray:
    if isinstance(probabilities, Mapping):
        return np.array([float(probabilities[str(digit)]) for digit in range(10)], dtype=np.float64)
    values = np.asarray(probabilities, dtype=np.float64)
    if values.shape[-1] != 10:
        raise ValueError(f"expected ten probabilities, got shape {values.shape}")
    return values


def unsure_mask(probabilities: np.ndarray, threshold: float = UNSURE_BELOW) -> np.ndarray:
    """``N×10`` probabilities → ``N`` booleans, True where the reading is "not sure"."""
    return _as_array(probabilities).max(axis=-1) < threshold


def is_unsure(probabilities: Probabilities, threshold: float = UNSURE_BELOW) -> bool:
    """Whether one reading is "not sure": its highest probability is below ``threshold``.

    ``probabilities``: the ten probabilities, as ``Reading.probabilities`` (``{"0": p0, ..., "9": p9}``) or a
    length-10 sequence/array (one row of ``DigitReader.probabilities``).
    """
    return bool(unsure_mask(_as_array(probabilities)[None], threshold)[0])


def answer(probabilities: Probabilities, threshold: float = UNSURE_BELOW) -> str:
    """The digit to show (``"0"``–``"9"``), or ``"?"`` when not sure."""
    values = _as_array(probabilities)
    return UNSURE_LABEL if is_unsure(values, threshold) else str(int(values.argmax()))


def label_value(probabilities: Probabilities | None, threshold: float = UNSURE_BELOW) -> dict:
    """The value for a ``gr.Label``: ``{"label": digit or "?", "confidences": all ten, most likely first}``.

    ``None`` (nothing drawn) gives ``{}``, Gradio's empty Label. This is the shape Gradio's Label sends to the page
    and to API callers; note that ``gr.Label.postprocess`` in Gradio 6.31 does not accept it as a return value (it
    only takes ``{class: confidence}``), so return it from an event with ``postprocess=False`` or as a JSON file.
    """
    if probabilities is None:
        return {}
    values = _as_array(probabilities)
    order = np.argsort(-values, kind="stable")
    return {
        "label": answer(values, threshold),
        "confidences": [{"label": str(int(digit)), "confidence": float(values[digit])} for digit in order],
    }
