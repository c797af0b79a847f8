"""The ``y.detach()`` lab: run the detach experiment live and report what PyTorch did.

The experiment::

    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    z = y.detach()
    z[0] = 100.        # does y change?
    y.sum().backward() # does backward still work?

Besides ``y.detach()``, ``.cpu()`` and ``.clone()`` the lab shows ``y.data`` (shares y's storage but not its version
counter, so autograd misses the edit) and an edit of y itself under ``torch.no_grad()``. The report lists what
``y.grad_fn`` saved for backward (its ``_saved_*`` attributes), the version of each saved tensor when saved and now,
predicts backward from those versions, then runs it.

This module has no web-framework imports and holds only PyTorch facts; the sentences that explain them live in
``ui.i18n.LAB_TEXTS`` (both languages). Bad input raises :class:`LabInputError` (a ``ValueError``) whose message
(:meth:`LabInputError.message`) says what is wrong and what is allowed. Every call builds fresh tensors, so the
functions here are thread-safe and deterministic.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from typing import Any

import torch

from ui.i18n import LAB_TEXTS

__all__ = [
    "DATA_MODE",
    "DEFAULT_MODE",
    "DEFAULT_OP",
    "DEFAULT_X",
    "DEVICES",
    "FLOAT32_MAX",
    "MAX_EDITS",
    "MAX_TEXT_CHARS",
    "MAX_VALUES",
    "MODES",
    "NO_GRAD_MODE",
    "OPS",
    "PITFALL",
    "LabInputError",
    "available_devices",
    "parse_cell",
    "parse_edits",
    "parse_x",
    "run_experiment",
    "saved_tensors",
]


class LabInputError(ValueError):
    """Bad input to the lab. ``str(error)`` is English; :meth:`message` gives it in another language.

    ``key`` is a message of ``LAB_TEXTS``; ``what`` optionally names the value (a ``(key, params)`` pair of
    ``LAB_TEXTS``, such as ``("lab_what_cell", {"index": 2})`` → ``z[2]``).
    """

    def __init__(self, key: str, what: tuple[str, dict[str, Any]] | None = None, **params: Any) -> None:
        self.key, self.what, self.params = key, what, params
        super().__init__(self.message("en"))

    def message(self, language: str) -> str:
        texts = LAB_TEXTS.get(language, LAB_TEXTS["en"])
        params = dict(self.params)
        if self.what is not None:
            what_key, what_params = self.what
            params["what"] = texts[what_key].format(**what_params)
        return texts[self.key].format(**params)


#: Operations producing y from x. Each key is also the literal Python code used in the generated program.
OPS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "x * 2": lambda x: x * 2,
    "x ** 2": lambda x: x**2,
    "x.exp()": lambda x: x.exp(),
    "x.sigmoid()": lambda x: x.sigmoid(),
}

DATA_MODE = "y.data"
NO_GRAD_MODE = "with torch.no_grad(): y[i] = v"
#: Ways of getting z from y. The ``y.detach()`` modes take the tensor returned by ``y.detach()`` and apply the rest
#: of the key's expression to it (so the lab can tell whether ``.cpu()`` returned that very tensor); ``y.data`` and
#: the no-grad mode take y. In the no-grad mode z *is* y: each edit is ``y[i] = v`` under ``torch.no_grad()``.
#: The key is the literal Python code used in the generated program.
MODES: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "y.detach()": lambda d: d,
    "y.detach().cpu()": lambda d: d.cpu(),
    "y.detach().clone()": lambda d: d.clone(),
    DATA_MODE: lambda y: y.data,
    NO_GRAD_MODE: lambda y: y,
}
_DETACH_MODES = ("y.detach()", "y.detach().cpu()", "y.detach().clone()")

DEVICES: tuple[str, ...] = ("cpu", "cuda")
DEFAULT_X = "1, 2, 3"
DEFAULT_OP = "x * 2"
DEFAULT_MODE = "y.detach()"
MAX_VALUES = 16
MAX_EDITS = 1000
#: Longer text is rejected before it is split (10,000 numbers still fit, and get the "too many numbers" error).
MAX_TEXT_CHARS = 1_000_000
#: Largest finite float32; bigger values would silently become inf in the float32 tensor.
FLOAT32_MAX = float(torch.finfo(torch.float32).max)
#: Values below this (in size) round to a finite float32, such as 3.4028235e+38, the shortest text for FLOAT32_MAX.
_FLOAT32_OVERFLOW = (2 - 2**-24) * 2.0**127

#: Kept for callers of the old API; the sentences themselves live in ``ui.i18n.LAB_TEXTS``.
PITFALL: dict[str, str] = {language: words["lab_pitfall"] for language, words in LAB_TEXTS.items()}

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NONFINITE_RE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"[,\s]+")
#: What a Chinese input method types for numbers and separators: full-width digits and signs, the full-width comma,
#: the enumeration comma 、 and the ideographic space, read as their ASCII twins.
_FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"，": ",", "、": ",", "\u3000": " ", "．": ".", "－": "-", "＋": "+", "ｅ": "e", "Ｅ": "E", "［": "[", "］": "]"}
)


def _short(obj: Any, limit: int = 40) -> str:
    """repr() of user input, cut to ``limit`` characters so error messages stay readable."""
    text = repr(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_LIMITS = {"max": repr(FLOAT32_MAX)}


def _check_float(value: float, what: tuple[str, dict]) -> float:
    if not math.isfinite(value):
        raise LabInputError("lab_err_nonfinite", what, value=repr(value))
    if abs(value) >= _FLOAT32_OVERFLOW:
        raise LabInputError("lab_err_float32", what, value=repr(value), **_LIMITS)
    return value


def _to_float(raw: Any, what: tuple[str, dict]) -> float:
    """Turn one number (int, float, or numeric string) into a checked float; ``what`` names it in errors."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise LabInputError("lab_err_must_be_number", what, value=_short(raw))
    if isinstance(raw, str):
        token = raw.translate(_FULL_WIDTH).strip()
        if not token:
            raise LabInputError("lab_err_empty_value", what)
        if _NONFINITE_RE.fullmatch(token):
            raise LabInputError("lab_err_nonfinite", what, value=_short(raw))
        if not _NUMBER_RE.fullmatch(token):
            raise LabInputError("lab_err_not_number", what, value=_short(raw))
        raw = token
    try:
        value = float(raw)
    except OverflowError:  # huge int
        raise LabInputError("lab_err_too_large", what, **_LIMITS) from None
    return _check_float(value, what)


def available_devices() -> list[str]:
    """Devices this server can run the lab on: ``["cpu"]``, plus ``"cuda"`` when a GPU is available."""
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


def parse_x(text: str) -> list[float]:
    """Parse the values of x: 1 to 16 finite numbers separated by commas and/or spaces, optionally in ``[ ]``.

    Full-width digits, the full-width comma ``，``, ``、`` and the ideographic space are read like their ASCII twins.
    """
    example = repr(DEFAULT_X)
    if not isinstance(text, str):
        raise LabInputError("lab_err_x_type", example=example, value=_short(text))
    if len(text) > MAX_TEXT_CHARS:
        raise LabInputError("lab_err_x_too_long", chars=len(text), max=MAX_VALUES, example=example)
    body = text.translate(_FULL_WIDTH).strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    tokens = [t for t in _SEPARATOR_RE.split(body) if t]
    if not tokens:
        raise LabInputError("lab_err_x_empty", max=MAX_VALUES, example=example)
    if len(tokens) > MAX_VALUES:
        raise LabInputError("lab_err_x_too_many", count=len(tokens), max=MAX_VALUES)
    return [_to_float(tok, ("lab_what_x", {"n": i + 1})) for i, tok in enumerate(tokens)]


def _check_values(values: Any) -> list[float]:
    """Validate x given as a list of numbers (the same rules as :func:`parse_x`)."""
    if not isinstance(values, (list, tuple)):
        raise LabInputError("lab_err_x_list_type", example=repr(DEFAULT_X), value=_short(values))
    if not values:
        raise LabInputError("lab_err_x_list_empty", max=MAX_VALUES)
    if len(values) > MAX_VALUES:
        raise LabInputError("lab_err_x_too_many", count=len(values), max=MAX_VALUES)
    return [_to_float(v, ("lab_what_x", {"n": i + 1})) for i, v in enumerate(values)]


def _to_index(raw: Any, what: tuple[str, dict], length: int) -> int:
    if isinstance(raw, bool):
        raise LabInputError("lab_err_index", what, value=repr(raw))
    if isinstance(raw, str):
        if not _NUMBER_RE.fullmatch(raw.strip()):
            raise LabInputError("lab_err_index", what, value=_short(raw))
        raw = float(raw) if any(c in raw for c in ".eE") else int(raw)
    if isinstance(raw, float):
        if not raw.is_integer():
            raise LabInputError("lab_err_index", what, value=repr(raw))
        raw = int(raw)
    if not isinstance(raw, int):
        raise LabInputError("lab_err_index", what, value=_short(raw))
    if not -length <= raw < length:
        raise LabInputError("lab_err_index_range", what, index=raw, length=length, last=length - 1)
    return raw


def _check_length(length: Any) -> int:
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MAX_VALUES:
        raise LabInputError("lab_err_length", max=MAX_VALUES, value=_short(length))
    return length


def parse_edits(edits: Any, length: int) -> list[tuple[int, float]]:
    """Validate edits to z: a list of ``[index, value]`` pairs (None or ``[]`` means no edits).

    An index is an integer (``1.0`` is accepted, ``1.5`` and booleans are not) in ``-length..length-1``; a value is a
    finite number (int, float or numeric string). At most :data:`MAX_EDITS` edits. Edits are numbered from 1 in errors.
    """
    _check_length(length)
    if edits is None:
        return []
    if not isinstance(edits, (list, tuple)):
        raise LabInputError("lab_err_edits_type", value=_short(edits))
    if len(edits) > MAX_EDITS:
        raise LabInputError("lab_err_too_many_edits", count=len(edits), max=MAX_EDITS)
    parsed: list[tuple[int, float]] = []
    for n, item in enumerate(edits, start=1):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise LabInputError("lab_err_pair", ("lab_what_edit", {"n": n}), value=_short(item))
        index = _to_index(item[0], ("lab_what_edit", {"n": n}), length)
        value = _to_float(item[1], ("lab_what_edit_value", {"n": n}))
        parsed.append((index, value))
    return parsed


def parse_cell(index: Any, text: Any, length: int) -> tuple[int, float]:
    """One edit typed into z's cell ``index``: errors name the cell as the page does (``z[2]``)."""
    _check_length(length)
    what = ("lab_what_cell", {"index": index if isinstance(index, int) else _short(index)})
    return _to_index(index, what, length), _to_float(text, what)


def _check_choice(value: Any, choices: list[str] | tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise LabInputError("lab_err_choice", name=what, value=_short(value), allowed=allowed)
    return value


def _grad_fn_name(t: torch.Tensor) -> str | None:
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def _floats(values: list[float]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def _same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.device == b.device and a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


# --- what y.grad_fn saved ------------------------------------------------------------------------------------------


def saved_tensors(grad_fn: Any, x: torch.Tensor, y: torch.Tensor) -> list[dict[str, Any]]:
    """The tensors ``grad_fn`` saved for backward, read from its ``_saved_*`` attributes (call right after forward).

    Each is ``{"name", "of", "version_saved"}``: ``of`` is ``"x"``, ``"y"`` (the same storage) or ``"constant"``.
    The "Autograd mechanics" notes document ``_saved_*`` / ``_raw_saved_*`` for learning and debugging and say they
    may change, so anything unexpected gives an empty list instead of an error (the tests pin what torch returns).
    """
    found: list[dict[str, Any]] = []
    try:
        names = sorted(name for name in dir(grad_fn) if name.startswith("_saved_"))
        for name in names:
            if not hasattr(grad_fn, "_raw" + name):
                continue  # a saved number (such as PowBackward0's _saved_exponent), not a SavedTensor
            tensor = getattr(grad_fn, name)
            if not isinstance(tensor, torch.Tensor):
                continue  # None: nothing saved under this name (MulBackward0's _saved_self when x * a constant)
            of = "x" if _same_storage(tensor, x) else "y" if _same_storage(tensor, y) else "constant"
            found.append({"name": name, "of": of, "version_saved": int(tensor._version), "_tensor": tensor})
    except Exception:  # noqa: BLE001 - debugging attributes: never let them break the lab
        return []
    return found


def _saved_now(saved: list[dict[str, Any]], grad_fn: Any, x: torch.Tensor, y: torch.Tensor) -> list[dict]:
    """Each saved tensor's version now, and whether PyTorch still lets us read it (it refuses after a write)."""
    report = []
    for entry in saved:
        now = {"x": x, "y": y}.get(entry["of"], entry["_tensor"])._version
        try:
            getattr(grad_fn, entry["name"])
            readable, read_error = True, None
        except RuntimeError as error:
            readable, read_error = False, str(error)
        report.append(
            {
                "name": entry["name"],
                "of": entry["of"],
                "version_saved": entry["version_saved"],
                "version_now": int(now),
                "readable": readable,
                "read_error": read_error,
            }
        )
    return report


# --- the generated program ---------------------------------------------------------------------------------------


def _edit_lines(mode: str, edits: list[tuple[int, float]]) -> list[str]:
    if mode == NO_GRAD_MODE:
        return ["with torch.no_grad():", *[f"    y[{i}] = {v!r}" for i, v in edits]] if edits else []
    return [f"z[{i}] = {v!r}" for i, v in edits]


def _build_code(values: list[float], op: str, mode: str, device: str, edits: list[tuple[int, float]]) -> str:
    """The standalone program (only ``import torch``) that reproduces a run; it prints what :func:`run_experiment`
    prints."""
    device_arg = ', device="cuda"' if device == "cuda" else ""
    make_x = f"torch.tensor({_floats(values)}, requires_grad=True{device_arg})"
    z_line = "z = y  # no second tensor: the edits write into y itself" if mode == NO_GRAD_MODE else f"z = {mode}"
    lines = [
        "import torch",
        "",
        f"x = {make_x}",
        f"y = {op}",
        'print("x =", x)',
        'print("y before edits =", y)',
        "saved = {name: getattr(y.grad_fn, name) for name in dir(y.grad_fn) if name.startswith('_saved_')}",
        "saved_versions = {name: t._version for name, t in saved.items() if isinstance(t, torch.Tensor)}",
        'print("y.grad_fn =", type(y.grad_fn).__name__, "saved versions:", saved_versions)',
        z_line,
        'print("z =", z)',
        *_edit_lines(mode, edits),
        f'print("after {len(edits)} edit(s) to z:")',
        'print("y =", y)',
        'print("z =", z)',
        "shares = y.device == z.device and y.untyped_storage().data_ptr() == z.untyped_storage().data_ptr()",
        'print("y and z share storage:", shares)',
        'print("y._version =", y._version, "z._version =", z._version)',
        "for name in saved_versions:",
        "    try:",
        "        getattr(y.grad_fn, name)",
        '        print("y.grad_fn." + name, "can still be read")',
        "    except RuntimeError as e:",
        '        print("y.grad_fn." + name, "cannot be read:", e)',
        "try:",
        "    y.sum().backward()",
        '    print("x.grad =", x.grad)',
        "except RuntimeError as e:",
        '    print("backward failed:", e)',
        f"x_fresh = {make_x}",
        f"({op.replace('x', 'x_fresh', 1)}).sum().backward()",
        'print("x.grad of the unedited function =", x_fresh.grad)',
    ]
    return "\n".join(lines) + "\n"


# --- the run -----------------------------------------------------------------------------------------------------


def _claims(
    *, mode: str, shares: bool, z_requires_grad: bool, backward_ok: bool, grad_is_wrong: bool, cpu_copy_shares: bool
) -> list[dict[str, Any]]:
    """Four claims a typical explanation of detach() makes, each with its verdict on this run and a reason id."""
    share_reason = "same_storage" if shares else "clone" if mode == "y.detach().clone()" else "gpu_copy"
    if not backward_ok:
        grad_reason = "fails"
    elif grad_is_wrong:
        grad_reason = "silent"
    else:
        grad_reason = "same"
    return [
        {"id": "shares", "holds": shares, "reason": share_reason},
        {"id": "no_backward", "holds": not z_requires_grad, "reason": "detached" if not z_requires_grad else "is_y"},
        {"id": "grad_unaffected", "holds": grad_reason == "same", "reason": grad_reason},
        {
            "id": "cpu_never_shares",
            "holds": not cpu_copy_shares,
            "reason": "same_tensor" if cpu_copy_shares else "copy",
        },
    ]


def _why_parts(report: dict[str, Any], mode: str, op: str, n_edits: int) -> list[tuple[str, dict[str, Any]]]:
    """This run's explanation as ``LAB_TEXTS`` keys with their parameters (the sentences live in ui.i18n)."""
    shares, cpu_mode = report["shares_storage"], mode == "y.detach().cpu()"
    device, y_version, z_version = report["device"], report["y_version"], report["z_version"]
    parts: list[tuple[str, dict[str, Any]]] = []
    if n_edits == 0:
        if mode == "y.detach().clone()":
            parts.append(("lab_why_clone_fresh", {}))
        elif cpu_mode:
            parts.append(("lab_why_cpu_same_fresh", {}) if shares else ("lab_why_cpu_copy_fresh", {"device": device}))
        elif mode == DATA_MODE:
            parts.append(("lab_why_data_fresh", {}))
        elif mode == NO_GRAD_MODE:
            parts.append(("lab_why_nograd_fresh", {}))
        else:
            parts.append(("lab_why_detach_fresh", {}))
        parts.append(("lab_why_try", {}))
        return parts
    if mode == DATA_MODE:
        parts.append(("lab_why_data_edited", {"y_version": y_version, "z_version": z_version}))
    elif mode == NO_GRAD_MODE:
        parts.append(("lab_why_nograd_edited", {"version": y_version}))
    elif shares:
        key = "lab_why_shared_changed" if report["y_changed"] else "lab_why_shared_same"
        parts.append((key, {"cpu": cpu_mode, "version": y_version}))
    else:
        prefix = ("lab_why_clone_prefix", {}) if mode == "y.detach().clone()" else ("lab_why_copy_prefix", {})
        parts += [(prefix[0], {"device": device}), ("lab_why_not_changed", {"y": y_version, "z": z_version})]
    if report["backward_error"] is not None:
        parts.append(("lab_why_backward_failed", {"op": op}))
    elif report["grad_is_wrong"]:
        parts.append(("lab_why_data_wrong", {"op": op}))
    elif not shares:
        parts.append(("lab_why_backward_untouched", {}))
    elif op == "x * 2":
        parts.append(("lab_why_backward_mul", {}))
    elif op == "x ** 2":
        parts.append(("lab_why_backward_pow", {}))
    else:
        parts.append(("lab_why_backward_ok", {}))
    return parts


def explain(parts: list[tuple[str, dict[str, Any]]], language: str) -> str:
    """``LAB_TEXTS`` keys with parameters → one paragraph in ``language``."""
    texts = LAB_TEXTS.get(language, LAB_TEXTS["en"])
    sentences = []
    for key, params in parts:
        params = {name: (texts["lab_why_cpu_prefix"] if value is True else "") if name == "cpu" else value
                  for name, value in params.items()}  # fmt: skip
        sentences.append(texts[key].format(**params))
    return ("" if language == "zh-CN" else " ").join(sentences)


def run_experiment(
    x: str | list[float] = DEFAULT_X,
    op: str = DEFAULT_OP,
    mode: str = DEFAULT_MODE,
    device: str = "cpu",
    edits: Any = None,
) -> dict[str, Any]:
    """Run the detach experiment once on fresh tensors and return a JSON-serialisable report.

    ``x`` is text for :func:`parse_x` or a list of numbers; ``op`` is a key of :data:`OPS`; ``mode`` a key of
    :data:`MODES`; ``device`` is ``"cpu"`` or ``"cuda"``; ``edits`` is a list of ``[index, value]`` pairs applied as
    ``z[index] = value`` in order (every one is a write, even of the value already there). Raises
    :class:`LabInputError` for bad input.
    """
    values = parse_x(x) if isinstance(x, str) else _check_values(x)
    op = _check_choice(op, list(OPS), "op")
    mode = _check_choice(mode, list(MODES), "mode")
    device = _check_choice(device, DEVICES, "device")
    if device == "cuda" and not torch.cuda.is_available():
        raise LabInputError("lab_err_no_cuda")
    parsed_edits = parse_edits(edits, len(values))

    out = io.StringIO()

    def emit(*args: object) -> None:
        print(*args, file=out)

    # The same steps, in the same order, as the program from _build_code.
    xt = torch.tensor(values, dtype=torch.float32, requires_grad=True, device=device)
    y = OPS[op](xt)
    grad_fn = y.grad_fn
    saved = saved_tensors(grad_fn, xt, y)
    emit("x =", xt)
    y_before = str(y)
    y_before_values = y.detach().cpu().tolist()
    emit("y before edits =", y)
    emit("y.grad_fn =", type(grad_fn).__name__, "saved versions:", {s["name"]: s["version_saved"] for s in saved})
    detached = y.detach() if mode in _DETACH_MODES else y
    z = MODES[mode](detached)
    emit("z =", z)
    if mode == NO_GRAD_MODE:
        with torch.no_grad():
            for index, value in parsed_edits:
                y[index] = value
    else:
        for index, value in parsed_edits:
            z[index] = value
    emit(f"after {len(parsed_edits)} edit(s) to z:")
    emit("y =", y)
    emit("z =", z)
    shares = _same_storage(y, z)
    emit("y and z share storage:", shares)
    emit("y._version =", y._version, "z._version =", z._version)
    saved_report = _saved_now(saved, grad_fn, xt, y)
    for entry in saved_report:
        if entry["readable"]:
            emit("y.grad_fn." + entry["name"], "can still be read")
        else:
            emit("y.grad_fn." + entry["name"], "cannot be read:", entry["read_error"])
    predicted_ok = all(entry["version_saved"] == entry["version_now"] for entry in saved_report)
    # Does .detach().cpu() share memory with y here? (The claims panel's fourth claim, on this run's device.)
    cpu_copy_shares = _same_storage(y, y.detach().cpu())

    y_values = y.detach().cpu().tolist()
    z_values = z.detach().cpu().tolist()
    report: dict[str, Any] = {
        "device": str(xt.device),
        "op": op,
        "mode": mode,
        "edits": [[i, v] for i, v in parsed_edits],
        "x": str(xt),
        "y_before": y_before,
        "y": str(y),
        "z": str(z),
        "y_values": y_values,
        "z_values": z_values,
        "shares_storage": bool(shares),
        "same_object": mode in _DETACH_MODES and z is detached,
        "y_changed": y_values != y_before_values,
        "y_version": int(y._version),
        "z_version": int(z._version),
        "y_requires_grad": bool(y.requires_grad),
        "z_requires_grad": bool(z.requires_grad),
        "y_grad_fn": _grad_fn_name(y),
        "z_grad_fn": _grad_fn_name(z),
        "y_is_leaf": bool(y.is_leaf),
        "z_is_leaf": bool(z.is_leaf),
        "z_device": str(z.device),
        "cpu_case": None,
        "saved_tensors": saved_report,
        "backward_predicted_ok": predicted_ok,
    }
    if mode == "y.detach().cpu()":
        report["cpu_case"] = "same tensor" if z is detached else "copy"
    report["facts_headers"] = ["fact", "y", "z"]
    report["facts"] = [
        ["device", str(y.device), str(z.device)],
        ["shares storage with the other", str(shares), str(shares)],
        ["_version", str(y._version), str(z._version)],
        ["requires_grad", str(y.requires_grad), str(z.requires_grad)],
        ["grad_fn", str(_grad_fn_name(y)), str(_grad_fn_name(z))],
        ["is_leaf", str(y.is_leaf), str(z.is_leaf)],
    ]

    try:
        y.sum().backward()
        x_grad: list[float] | None = xt.grad.detach().cpu().tolist()
        report["x_grad_printed"] = str(xt.grad)
        backward_error = None
        emit("x.grad =", xt.grad)
    except RuntimeError as e:
        x_grad = None
        report["x_grad_printed"] = None
        backward_error = str(e)
        emit("backward failed:", e)
    # The true gradient: the same function on fresh tensors with no edits.
    x_fresh = torch.tensor(values, dtype=torch.float32, requires_grad=True, device=device)
    OPS[op](x_fresh).sum().backward()
    emit("x.grad of the unedited function =", x_fresh.grad)
    report["x_grad"] = x_grad
    report["backward_error"] = backward_error
    report["backward_ok"] = backward_error is None
    report["x_grad_expected"] = x_fresh.grad.detach().cpu().tolist()
    report["x_grad_expected_printed"] = str(x_fresh.grad)
    report["grad_is_wrong"] = x_grad is not None and x_grad != report["x_grad_expected"]
    report["code"] = _build_code(values, op, mode, device, parsed_edits)
    report["output"] = out.getvalue()
    report["claims"] = _claims(
        mode=mode,
        shares=bool(shares),
        z_requires_grad=bool(z.requires_grad),
        backward_ok=backward_error is None,
        grad_is_wrong=report["grad_is_wrong"],
        cpu_copy_shares=cpu_copy_shares,
    )
    report["why_parts"] = [[key, params] for key, params in _why_parts(report, mode, op, len(parsed_edits))]
    report["why"] = {language: explain(report["why_parts"], language) for language in LAB_TEXTS}
    return report
