"""The ``y.detach()`` lab: run the detach experiment live and report what PyTorch did, as facts.

The experiment::

    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    z = y.detach()
    z[0] = 100.        # does y change?
    y.sum().backward() # does backward still work?

How y is made and how z is made are data: one row of :data:`OPS` or :data:`MODES` each. Besides ``y.detach()``,
``.cpu()`` and ``.clone()`` the lab shows ``y.data`` and a tensor rebuilt on y's memory through NumPy (both share y's
memory but not its version counter, so autograd misses the edit) and an edit of y itself under ``torch.no_grad()``.
The experiment is one list of steps (:func:`_steps`): each is the program's lines and the same thing done here, so
the program shown is the program run. The report (:class:`Run`) lists what ``y.grad_fn`` saved for backward (its
``_saved_*`` attributes), the version of each saved tensor when saved and now, predicts backward from those versions,
runs it, checks four common claims, and names its explanation as message keys with parameters.

This module holds only PyTorch facts: no web framework, no words but the English of its input errors (the API's
words, :data:`INPUT_ERRORS`); ``ui/`` says everything in the page's language. Bad input raises
:class:`LabInputError` (a ``ValueError``) with the message's key and parameters. Every call builds fresh tensors, so
the functions here are thread-safe and deterministic.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import torch

__all__ = [
    "DATA_MODE",
    "DEFAULT_MODE",
    "DEFAULT_OP",
    "DEFAULT_X",
    "DEVICES",
    "FLOAT32_MAX",
    "INPUT_ERRORS",
    "MAX_EDITS",
    "MAX_TEXT_CHARS",
    "MAX_VALUES",
    "MODES",
    "NO_GRAD_MODE",
    "NUMPY_MODE",
    "OPS",
    "Claim",
    "LabInputError",
    "Mode",
    "Op",
    "Run",
    "Saved",
    "available_devices",
    "parse_cell",
    "parse_edits",
    "parse_x",
    "run_experiment",
    "saved_tensors",
]

#: The lab's input errors in English: ``str()`` of a :class:`LabInputError` and the API's words. Every words file
#: in ``ui/words/`` says them too, under the same keys (a test keeps the English the same).
INPUT_ERRORS: dict[str, str] = {
    "lab_what_x": "x value {n}",
    "lab_what_edit": "edit {n}",
    "lab_what_edit_value": "edit {n}: value",
    "lab_what_cell": "z[{index}]",
    "lab_err_not_number": "{what} is {value}, which is not a number (examples: 3, -1.5, 2e-3)",
    "lab_err_empty_value": "{what} is empty: type a number (examples: 3, -1.5, 2e-3)",
    "lab_err_nonfinite": "{what} is {value}: values must be finite numbers (no NaN or infinity)",
    "lab_err_float32": "{what} is {value}: values must fit in float32 (between -{max} and {max})",
    "lab_err_too_large": "{what} is too large: values must fit in float32 (between -{max} and {max})",
    "lab_err_must_be_number": "{what} must be a number, got {value}",
    "lab_err_x_type": "x must be text such as {example}, got {value}",
    "lab_err_x_list_type": "x must be text such as {example} or a list of numbers, got {value}",
    "lab_err_x_too_long": "x is too long ({chars} characters): give 1 to {max} numbers, such as {example}",
    "lab_err_x_empty": "x is empty: give 1 to {max} numbers separated by commas, such as {example}",
    "lab_err_x_list_empty": "x is empty: give 1 to {max} numbers",
    "lab_err_x_too_many": "too many numbers for x: {count} given, at most {max} are allowed",
    "lab_err_index": "{what}: index must be an integer, got {value}",
    "lab_err_index_range": (
        "{what}: index {index} is out of range for z with {length} elements "
        "(use 0 to {last}, or -{length} to -1 to count from the end)"
    ),
    "lab_err_length": "length of z must be an integer from 1 to {max}, got {value}",
    "lab_err_edits_type": "edits must be a list of [index, value] pairs, got {value}",
    "lab_err_too_many_edits": "too many edits: {count} given, at most {max} are allowed",
    "lab_err_pair": "{what}: expected an [index, value] pair, got {value}",
    "lab_err_choice": "unknown {name} {value}: choose one of {allowed}",
    "lab_err_no_cuda": 'CUDA is not available on this server: use device "cpu"',
}


class LabInputError(ValueError):
    """Bad input to the lab. ``str(error)`` is English; :meth:`message` says it with other words.

    ``key`` is a message of :data:`INPUT_ERRORS`; ``what`` optionally names the value (a ``(key, params)`` pair, such
    as ``("lab_what_cell", {"index": 2})`` → ``z[2]``); ``params`` fill the message.
    """

    def __init__(self, key: str, what: tuple[str, dict[str, Any]] | None = None, **params: Any) -> None:
        self.key, self.what, self.params = key, what, params
        super().__init__(self.message(INPUT_ERRORS))

    def message(self, words: Mapping[str, str]) -> str:
        """This error in ``words`` (a language's words, keyed as :data:`INPUT_ERRORS`)."""
        params = dict(self.params)
        if self.what is not None:
            what_key, what_params = self.what
            params["what"] = words[what_key].format(**what_params)
        return words[self.key].format(**params)


# --- what the lab can do: the ops and the modes, one row each --------------------------------------------------


@dataclass(frozen=True)
class Op:
    """One way of making y from x. ``code`` is its name and the program's ``y = <code>``."""

    code: str
    make: Callable[[torch.Tensor], torch.Tensor]
    backward_note: str  #: the message saying why backward still works after y's memory was written, when it does


#: Operations producing y from x.
OPS: dict[str, Op] = {
    op.code: op
    for op in (
        Op("x * 2", lambda x: x * 2, "lab_why_backward_mul"),
        Op("x ** 2", lambda x: x**2, "lab_why_backward_pow"),
        Op("x.exp()", lambda x: x.exp(), "lab_why_backward_ok"),
        Op("x.sigmoid()", lambda x: x.sigmoid(), "lab_why_backward_ok"),
    )
}


@dataclass(frozen=True)
class Mode:
    """One way of getting z from y. ``code`` is its name and the program's ``z = <code>``; the rest says how z is
    tied to y and which messages explain it (keys of the words files).

    Whether z shares y's memory is never declared: each run measures it (``.cpu()`` copies only from a GPU).
    """

    code: str
    make: Callable[[torch.Tensor], torch.Tensor]  #: z from ``y.detach()`` (``detaches``), else from y
    fresh: str  #: the message before any edit (when z shares y's memory, or always)
    fresh_copy: str | None = None  #: the message before any edit when z measured a copy (takes ``{device}``)
    #: after edits, when z shares y's memory: the message when y changed, and when y ends up looking the same
    edited: tuple[str, str] = ("lab_why_shared_changed", "lab_why_shared_same")
    shares_counter: bool = True  #: z, over y's memory, counts writes in y's version counter (not its own)
    detaches: bool = True  #: made from ``y.detach()``, so the lab can tell whether z is that very tensor
    is_y: bool = False  #: no second tensor: each edit writes y itself, under ``torch.no_grad()``
    through_cpu: bool = False  #: ``.cpu()`` gives z: the very tensor on a CPU (its messages say so), a copy from a GPU
    copied_by: Literal["clone", "gpu_copy"] = "gpu_copy"  #: why z has its own memory, when it does
    #: backward used edited values without a word: the explanation's message, the backward panel's, the claim's reason
    silently_wrong: tuple[str, str, str] = ("lab_why_data_wrong", "lab_grad_wrong", "silent")


DATA_MODE = "y.data"
NO_GRAD_MODE = "with torch.no_grad(): y[i] = v"
NUMPY_MODE = "torch.from_numpy(y.detach().cpu().numpy())"
#: Ways of getting z from y.
MODES: dict[str, Mode] = {
    mode.code: mode
    for mode in (
        Mode("y.detach()", lambda d: d, fresh="lab_why_detach_fresh"),
        Mode(
            "y.detach().cpu()",
            lambda d: d.cpu(),
            fresh="lab_why_cpu_same_fresh",
            fresh_copy="lab_why_cpu_copy_fresh",
            through_cpu=True,
        ),
        Mode("y.detach().clone()", lambda d: d.clone(), fresh="lab_why_clone_fresh", copied_by="clone"),
        Mode(
            DATA_MODE,
            lambda y: y.data,
            fresh="lab_why_data_fresh",
            edited=("lab_why_data_edited", "lab_why_data_same"),
            shares_counter=False,
            detaches=False,
        ),
        # NumPy's array is y's memory on a CPU (.cpu() returns y's tensor) and a host copy from a GPU; from_numpy
        # wraps that memory in a new tensor whose version counter starts at 0 and is its own.
        Mode(
            NUMPY_MODE,
            lambda d: torch.from_numpy(d.cpu().numpy()),
            fresh="lab_why_numpy_same_fresh",
            fresh_copy="lab_why_numpy_copy_fresh",
            edited=("lab_why_numpy_edited", "lab_why_numpy_same"),
            shares_counter=False,
            silently_wrong=("lab_why_numpy_wrong", "lab_grad_wrong_numpy", "silent_rebuilt"),
        ),
        Mode(
            NO_GRAD_MODE,
            lambda y: y,
            fresh="lab_why_nograd_fresh",
            edited=("lab_why_nograd_edited", "lab_why_nograd_edited"),
            detaches=False,
            is_y=True,
        ),
    )
}

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


# --- the facts a run reports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """One tensor ``y.grad_fn`` saved for backward: its attribute, whose it is (``"x"``, ``"y"`` or
    ``"constant"``), its version when saved and now, and whether PyTorch still lets us read it (it refuses after a
    write)."""

    name: str
    of: str
    version_saved: int
    version_now: int
    readable: bool
    read_error: str | None


@dataclass(frozen=True)
class Claim:
    """A common claim about detach(), checked on one run: whether it ``holds``, the ``reason`` (a message key's
    end: ``claim_<id>_<reason>``) and the ``verdict``: ``"true"``, ``"false"``, or ``"silent"`` (false, and nothing
    said so)."""

    id: str
    holds: bool
    reason: str
    verdict: Literal["true", "false", "silent"]


#: How z is tied to y, measured: z is y; z shares y's memory and version counter; z shares y's memory but has its own
#: version counter; z has its own memory.
Link = Literal["is_y", "shared", "own_version", "copy"]


@dataclass(frozen=True)
class Run:
    """What one run of the experiment did, as facts (printed tensors are ``str(tensor)``; values are floats, which
    may be ``inf`` or ``nan`` when float32 overflows). ``why_parts`` is the explanation as message keys with their
    parameters; ``ui/`` says it."""

    device: str
    op: str
    mode: str
    edits: list[list[float]]
    x: str
    y_before: str
    y: str
    z: str
    y_values: list[float]
    z_values: list[float]
    shares_storage: bool
    same_object: bool
    y_changed: bool
    y_version: int
    z_version: int
    y_requires_grad: bool
    z_requires_grad: bool
    y_grad_fn: str | None
    z_grad_fn: str | None
    y_is_leaf: bool
    z_is_leaf: bool
    z_device: str
    cpu_case: str | None  # .cpu() modes: "same tensor" (a CPU tensor's .cpu() is itself) or "copy"
    link: Link
    saved_tensors: list[Saved]
    backward_predicted_ok: bool
    x_grad_printed: str | None
    x_grad: list[float] | None
    backward_error: str | None
    backward_ok: bool
    x_grad_expected: list[float]
    x_grad_expected_printed: str
    grad_is_wrong: bool
    code: str
    output: str
    claims: list[Claim]
    why_parts: list[tuple[str, dict[str, Any]]]

    def fact_rows(self) -> list[tuple[str, str, str]]:
        """y's and z's facts side by side, as ``(fact, y, z)`` strings; ``fact`` names a ``lab_fact_<fact>``
        message."""
        y_device = self.device  # y is made from x, on x's device
        return [
            ("device", y_device, self.z_device),
            ("shares", str(self.shares_storage), str(self.shares_storage)),
            ("version", str(self.y_version), str(self.z_version)),
            ("requires_grad", str(self.y_requires_grad), str(self.z_requires_grad)),
            ("grad_fn", str(self.y_grad_fn), str(self.z_grad_fn)),
            ("is_leaf", str(self.y_is_leaf), str(self.z_is_leaf)),
        ]


# --- what y.grad_fn saved ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SavedTensor:
    name: str
    of: str
    version_saved: int
    tensor: torch.Tensor


def saved_tensors(grad_fn: Any, x: torch.Tensor, y: torch.Tensor) -> list[_SavedTensor]:
    """The tensors ``grad_fn`` saved for backward, read from its ``_saved_*`` attributes (call right after forward).

    Each has its ``name``, ``of`` (``"x"``, ``"y"`` (the same storage) or ``"constant"``), ``version_saved`` and the
    ``tensor``. The "Autograd mechanics" notes document ``_saved_*`` / ``_raw_saved_*`` for learning and debugging and
    say they may change, so anything unexpected gives an empty list instead of an error (the tests pin what torch
    returns).
    """
    found: list[_SavedTensor] = []
    try:
        names = sorted(name for name in dir(grad_fn) if name.startswith("_saved_"))
        for name in names:
            if not hasattr(grad_fn, "_raw" + name):
                continue  # a saved number (such as PowBackward0's _saved_exponent), not a SavedTensor
            tensor = getattr(grad_fn, name)
            if not isinstance(tensor, torch.Tensor):
                continue  # None: nothing saved under this name (MulBackward0's _saved_self when x * a constant)
            of = "x" if _same_storage(tensor, x) else "y" if _same_storage(tensor, y) else "constant"
            found.append(_SavedTensor(name, of, int(tensor._version), tensor))
    except Exception:  # noqa: BLE001 - debugging attributes: never let them break the lab
        return []
    return found


def _saved_now(saved: list[_SavedTensor], grad_fn: Any, x: torch.Tensor, y: torch.Tensor) -> list[Saved]:
    """Each saved tensor's version now, and whether PyTorch still lets us read it (it refuses after a write)."""
    report = []
    for entry in saved:
        now = {"x": x, "y": y}.get(entry.of, entry.tensor)._version
        try:
            getattr(grad_fn, entry.name)
            readable, read_error = True, None
        except RuntimeError as error:
            readable, read_error = False, str(error)
        report.append(Saved(entry.name, entry.of, entry.version_saved, int(now), readable, read_error))
    return report


# --- the experiment: one list of steps, run here and printed as the program ----------------------------------------


@dataclass
class _Bench:
    """One run's inputs and the tensors its steps make, in order (each step fills what it makes)."""

    values: list[float]
    op: Op
    mode: Mode
    device: str
    edits: list[tuple[int, float]]
    out: io.StringIO = field(default_factory=io.StringIO)
    x: Any = None
    y: Any = None
    z: Any = None
    detached: Any = None  # what y.detach() returned (detaching modes), to tell whether z is that very tensor
    grad_fn: Any = None
    saved: list[_SavedTensor] = field(default_factory=list)
    y_before: str = ""
    y_before_values: list[float] = field(default_factory=list)
    shares: bool = False
    saved_now: list[Saved] = field(default_factory=list)
    backward_error: str | None = None
    x_fresh: Any = None
    make_x: str = ""  # the program's expression that makes x

    def emit(self, *args: object) -> None:
        print(*args, file=self.out)

    def new_x(self) -> torch.Tensor:
        return torch.tensor(self.values, dtype=torch.float32, requires_grad=True, device=self.device)


#: A step: its lines in the program, and the same thing done here on the bench.
Step = tuple[tuple[str, ...], Callable[[_Bench], None]]


def _show(label: str, name: str) -> Step:
    """``print("<label>", <name>)``."""
    return (f'print("{label}", {name})',), lambda bench: bench.emit(label, getattr(bench, name))


def _forward(bench: _Bench) -> None:
    bench.y = bench.op.make(bench.x)
    bench.grad_fn = bench.y.grad_fn
    bench.saved = saved_tensors(bench.grad_fn, bench.x, bench.y)  # right after forward: read before any write
    bench.y_before, bench.y_before_values = str(bench.y), bench.y.detach().cpu().tolist()


def _make_z(bench: _Bench) -> None:
    mode = bench.mode
    bench.detached = bench.y.detach() if mode.detaches else None
    bench.z = mode.make(bench.detached if mode.detaches else bench.y)


def _write(bench: _Bench) -> None:
    if bench.mode.is_y:
        with torch.no_grad():
            for index, value in bench.edits:
                bench.y[index] = value
    else:
        for index, value in bench.edits:
            bench.z[index] = value


def _compare_storage(bench: _Bench) -> None:
    bench.shares = _same_storage(bench.y, bench.z)
    bench.emit("y and z share storage:", bench.shares)


def _read_saved(bench: _Bench) -> None:
    bench.saved_now = _saved_now(bench.saved, bench.grad_fn, bench.x, bench.y)
    for entry in bench.saved_now:
        if entry.readable:
            bench.emit("y.grad_fn." + entry.name, "can still be read")
        else:
            bench.emit("y.grad_fn." + entry.name, "cannot be read:", entry.read_error)


def _backward(bench: _Bench) -> None:
    try:
        bench.y.sum().backward()
        bench.emit("x.grad =", bench.x.grad)
    except RuntimeError as error:
        bench.backward_error = str(error)
        bench.emit("backward failed:", error)


def _true_gradient(bench: _Bench) -> None:
    """The gradient of the same function on fresh tensors with no edits."""
    bench.x_fresh = bench.new_x()
    bench.op.make(bench.x_fresh).sum().backward()
    bench.emit("x.grad of the unedited function =", bench.x_fresh.grad)


def _steps(bench: _Bench) -> list[Step]:
    """The experiment's steps for ``bench``'s inputs: make x, y and z and write the edits, then look at what
    happened. The program (only ``import torch``) is their lines."""
    return [*_making(bench), *_looking(bench)]


def _making(bench: _Bench) -> list[Step]:
    device_arg = ', device="cuda"' if bench.device == "cuda" else ""
    bench.make_x = f"torch.tensor({_floats(bench.values)}, requires_grad=True{device_arg})"
    mode, edits = bench.mode, bench.edits
    if mode.is_y:
        z_line = "z = y  # no second tensor: the edits write into y itself"
        edit_lines = ("with torch.no_grad():", *[f"    y[{i}] = {v!r}" for i, v in edits]) if edits else ()
    else:
        z_line, edit_lines = f"z = {mode.code}", tuple(f"z[{i}] = {v!r}" for i, v in edits)
    return [
        (("import torch", ""), lambda bench: None),
        ((f"x = {bench.make_x}",), lambda bench: setattr(bench, "x", bench.new_x())),
        ((f"y = {bench.op.code}",), _forward),
        _show("x =", "x"),
        _show("y before edits =", "y"),
        (
            (
                "saved = {name: getattr(y.grad_fn, name) for name in dir(y.grad_fn) if name.startswith('_saved_')}",
                "saved_versions = {name: t._version for name, t in saved.items() if isinstance(t, torch.Tensor)}",
                'print("y.grad_fn =", type(y.grad_fn).__name__, "saved versions:", saved_versions)',
            ),
            lambda bench: bench.emit(
                "y.grad_fn =",
                type(bench.grad_fn).__name__,
                "saved versions:",
                {entry.name: entry.version_saved for entry in bench.saved},
            ),
        ),
        ((z_line,), _make_z),
        _show("z =", "z"),
        (edit_lines, _write),
    ]


def _looking(bench: _Bench) -> list[Step]:
    after = f"after {len(bench.edits)} edit(s) to z:"
    return [
        ((f'print("{after}")',), lambda bench: bench.emit(after)),
        _show("y =", "y"),
        _show("z =", "z"),
        (
            (
                "shares = y.device == z.device and y.untyped_storage().data_ptr() == z.untyped_storage().data_ptr()",
                'print("y and z share storage:", shares)',
            ),
            _compare_storage,
        ),
        (
            ('print("y._version =", y._version, "z._version =", z._version)',),
            lambda bench: bench.emit("y._version =", bench.y._version, "z._version =", bench.z._version),
        ),
        (
            (
                "for name in saved_versions:",
                "    try:",
                "        getattr(y.grad_fn, name)",
                '        print("y.grad_fn." + name, "can still be read")',
                "    except RuntimeError as e:",
                '        print("y.grad_fn." + name, "cannot be read:", e)',
            ),
            _read_saved,
        ),
        (
            (
                "try:",
                "    y.sum().backward()",
                '    print("x.grad =", x.grad)',
                "except RuntimeError as e:",
                '    print("backward failed:", e)',
            ),
            _backward,
        ),
        (
            (
                f"x_fresh = {bench.make_x}",
                f"({bench.op.code.replace('x', 'x_fresh', 1)}).sum().backward()",
                'print("x.grad of the unedited function =", x_fresh.grad)',
            ),
            _true_gradient,
        ),
    ]


# --- the run, its report, its claims and its explanation -----------------------------------------------------------


def run_experiment(
    x: str | list[float] = DEFAULT_X,
    op: str = DEFAULT_OP,
    mode: str = DEFAULT_MODE,
    device: str = "cpu",
    edits: Any = None,
) -> Run:
    """Run the detach experiment once on fresh tensors and report what PyTorch did.

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
    bench = _Bench(values, OPS[op], MODES[mode], device, parse_edits(edits, len(values)))
    steps = _steps(bench)
    for _, act in steps:
        act(bench)
    return _report(bench, "\n".join(line for lines, _ in steps for line in lines) + "\n")


def _link(mode: Mode, shares: bool) -> Link:
    if mode.is_y:
        return "is_y"
    if not shares:
        return "copy"
    return "shared" if mode.shares_counter else "own_version"


def _report(bench: _Bench, code: str) -> Run:
    """The facts of a run whose steps are done; ``code`` is its program."""
    x, y, z, mode = bench.x, bench.y, bench.z, bench.mode
    y_values, z_values = y.detach().cpu().tolist(), z.detach().cpu().tolist()
    x_grad = None if bench.backward_error is not None else x.grad.detach().cpu().tolist()
    x_grad_expected = bench.x_fresh.grad.detach().cpu().tolist()
    grad_is_wrong = x_grad is not None and x_grad != x_grad_expected
    same_object = mode.detaches and z is bench.detached
    facts = dict(
        device=str(x.device),
        op=bench.op.code,
        mode=mode.code,
        edits=[[i, v] for i, v in bench.edits],
        x=str(x),
        y_before=bench.y_before,
        y=str(y),
        z=str(z),
        y_values=y_values,
        z_values=z_values,
        shares_storage=bool(bench.shares),
        same_object=same_object,
        y_changed=y_values != bench.y_before_values,
        y_version=int(y._version),
        z_version=int(z._version),
        y_requires_grad=bool(y.requires_grad),
        z_requires_grad=bool(z.requires_grad),
        y_grad_fn=_grad_fn_name(y),
        z_grad_fn=_grad_fn_name(z),
        y_is_leaf=bool(y.is_leaf),
        z_is_leaf=bool(z.is_leaf),
        z_device=str(z.device),
        cpu_case=("same tensor" if z is bench.detached else "copy") if mode.through_cpu else None,
        link=_link(mode, bench.shares),
        saved_tensors=bench.saved_now,
        backward_predicted_ok=all(entry.version_saved == entry.version_now for entry in bench.saved_now),
        x_grad_printed=None if x_grad is None else str(x.grad),
        x_grad=x_grad,
        backward_error=bench.backward_error,
        backward_ok=bench.backward_error is None,
        x_grad_expected=x_grad_expected,
        x_grad_expected_printed=str(bench.x_fresh.grad),
        grad_is_wrong=grad_is_wrong,
        code=code,
        output=bench.out.getvalue(),
    )
    # Does .detach().cpu() share memory with y here? (The fourth claim, on this run's device.)
    cpu_copy_shares = _same_storage(y, y.detach().cpu())
    claims = _claims(mode, facts, cpu_copy_shares)
    return Run(**facts, claims=claims, why_parts=_why_parts(bench, facts))


def _claims(mode: Mode, facts: dict[str, Any], cpu_copy_shares: bool) -> list[Claim]:
    """Four claims a typical explanation of detach() makes, each with its verdict on this run and a reason."""
    shares, z_requires_grad = facts["shares_storage"], facts["z_requires_grad"]
    if not facts["backward_ok"]:
        grad_reason = "fails"
    elif facts["grad_is_wrong"]:
        grad_reason = mode.silently_wrong[2]
    else:
        grad_reason = "same"
    return [
        Claim("shares", shares, "same_storage" if shares else mode.copied_by, "true" if shares else "false"),
        Claim(
            "no_backward",
            not z_requires_grad,
            "is_y" if z_requires_grad else "detached",
            "false" if z_requires_grad else "true",
        ),
        Claim(
            "grad_unaffected",
            grad_reason == "same",
            grad_reason,
            "true" if grad_reason == "same" else "silent" if facts["grad_is_wrong"] else "false",
        ),
        Claim(
            "cpu_never_shares",
            not cpu_copy_shares,
            "same_tensor" if cpu_copy_shares else "copy",
            "false" if cpu_copy_shares else "true",
        ),
    ]


def _why_parts(bench: _Bench, facts: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """This run's explanation, as message keys with their parameters: what z is, what the edits did, and why
    backward went as it did. Each sentence follows the run's facts (a rewrite that leaves y looking the same is not
    said to have changed it)."""
    mode, device, link = bench.mode, facts["device"], facts["link"]
    y_version, z_version = facts["y_version"], facts["z_version"]
    if not bench.edits:
        fresh = (mode.fresh_copy, {"device": device}) if link == "copy" and mode.fresh_copy else (mode.fresh, {})
        return [fresh, ("lab_why_try", {})]
    edited = mode.edited[0] if facts["y_changed"] else mode.edited[1]
    parts: list[tuple[str, dict[str, Any]]] = {
        "is_y": [(edited, {"version": y_version})],
        "shared": [(edited, {"cpu": mode.through_cpu, "version": y_version})],
        "own_version": [(edited, {"y_version": y_version, "z_version": z_version})],
        "copy": [
            ("lab_why_clone_prefix" if mode.copied_by == "clone" else "lab_why_copy_prefix", {"device": device}),
            ("lab_why_not_changed", {"y": y_version, "z": z_version}),
        ],
    }[link]
    op = bench.op
    if facts["backward_error"] is not None:
        parts.append(("lab_why_backward_failed", {"op": op.code}))
    elif facts["grad_is_wrong"]:
        parts.append((mode.silently_wrong[0], {"op": op.code}))
    elif link == "copy":
        parts.append(("lab_why_backward_untouched", {}))
    else:
        parts.append((op.backward_note, {}))
    return parts
