"""The ``y.detach()`` lab: run the detach experiment live and explain what happened.

The experiment::

    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    z = y.detach()
    z[0] = 100.        # does y change?
    y.sum().backward() # does backward still work?

This module has no web-framework imports. Bad input raises :class:`LabInputError` (a ``ValueError``)
whose message says what is wrong and what is allowed; the web layer turns it into a user-facing error.
Every call builds fresh tensors, so the functions here are thread-safe and deterministic.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from typing import Any

import torch

__all__ = [
    "DEFAULT_MODE",
    "DEFAULT_OP",
    "DEFAULT_X",
    "DEVICES",
    "FLOAT32_MAX",
    "MAX_EDITS",
    "MAX_TEXT_CHARS",
    "MAX_VALUES",
    "MODES",
    "OPS",
    "PITFALL",
    "LabInputError",
    "available_devices",
    "parse_edits",
    "parse_x",
    "run_experiment",
]


class LabInputError(ValueError):
    """Bad input to the lab; the message says what is wrong and what is allowed."""


#: Operations producing y from x. Each key is also the literal Python code used in the generated program.
OPS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "x * 2": lambda x: x * 2,
    "x ** 2": lambda x: x**2,
    "x.exp()": lambda x: x.exp(),
    "x.sigmoid()": lambda x: x.sigmoid(),
}

#: Ways of getting z from y. Each value takes the tensor returned by ``y.detach()`` and applies the rest of the
#: key's expression to it (so the lab can tell whether ``.cpu()`` returned that very tensor). The key is the literal
#: Python code used in the generated program.
MODES: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "y.detach()": lambda d: d,
    "y.detach().cpu()": lambda d: d.cpu(),
    "y.detach().clone()": lambda d: d.clone(),
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

PITFALL: dict[str, str] = {
    "en": (
        "Pitfall: torch.tensor([1., 2., 3.], requires_grad=True).cuda() makes x the output of a copy, i.e. a "
        "non-leaf tensor, so after backward x.grad stays None (and reading it gives a UserWarning). Create it on the "
        'GPU directly instead: torch.tensor([1., 2., 3.], requires_grad=True, device="cuda").'
    ),
    "zh-CN": (
        "陷阱：torch.tensor([1., 2., 3.], requires_grad=True).cuda() 得到的 x 是一次复制的结果，即非叶子张量，"
        "所以 backward 之后 x.grad 仍是 None（读取它时还会发出 UserWarning）。应直接在 GPU 上创建："
        'torch.tensor([1., 2., 3.], requires_grad=True, device="cuda")。'
    ),
}

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NONFINITE_RE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"[,\s]+")


def _short(obj: Any, limit: int = 40) -> str:
    """repr() of user input, cut to ``limit`` characters so error messages stay readable."""
    text = repr(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_float(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise LabInputError(f"{what} is {value!r}: values must be finite numbers (no NaN or infinity)")
    if abs(value) > FLOAT32_MAX:
        raise LabInputError(
            f"{what} is {value!r}: values must fit in float32 (between -{FLOAT32_MAX!r} and {FLOAT32_MAX!r})"
        )
    return value


def _to_float(raw: Any, what: str) -> float:
    """Turn one number (int, float, or numeric string) into a checked float; ``what`` names it in errors."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise LabInputError(f"{what} must be a number, got {_short(raw)}")
    if isinstance(raw, str):
        token = raw.strip()
        if _NONFINITE_RE.fullmatch(token):
            raise LabInputError(f"{what} is {_short(raw)}: values must be finite numbers (no NaN or infinity)")
        if not _NUMBER_RE.fullmatch(token):
            raise LabInputError(f"{what} is {_short(raw)}, which is not a number (examples: 3, -1.5, 2e-3)")
        raw = token
    try:
        value = float(raw)
    except OverflowError:  # huge int
        raise LabInputError(
            f"{what} is too large: values must fit in float32 (between -{FLOAT32_MAX!r} and {FLOAT32_MAX!r})"
        ) from None
    return _check_float(value, what)


def available_devices() -> list[str]:
    """Devices this server can run the lab on: ``["cpu"]``, plus ``"cuda"`` when a GPU is available."""
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


def parse_x(text: str) -> list[float]:
    """Parse the values of x: 1 to 16 finite numbers separated by commas and/or spaces, optionally in ``[ ]``."""
    if not isinstance(text, str):
        raise LabInputError(f"x must be text such as {DEFAULT_X!r}, got {_short(text)}")
    if len(text) > MAX_TEXT_CHARS:
        raise LabInputError(
            f"x is too long ({len(text)} characters): give 1 to {MAX_VALUES} numbers, such as {DEFAULT_X!r}"
        )
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    tokens = [t for t in _SEPARATOR_RE.split(body) if t]
    if not tokens:
        raise LabInputError(f"x is empty: give 1 to {MAX_VALUES} numbers separated by commas, such as {DEFAULT_X!r}")
    if len(tokens) > MAX_VALUES:
        raise LabInputError(f"too many numbers for x: {len(tokens)} given, at most {MAX_VALUES} are allowed")
    return [_to_float(tok, f"x value {i + 1}") for i, tok in enumerate(tokens)]


def _check_values(values: Any) -> list[float]:
    """Validate x given as a list of numbers (the same rules as :func:`parse_x`)."""
    if not isinstance(values, (list, tuple)):
        raise LabInputError(f"x must be text such as {DEFAULT_X!r} or a list of numbers, got {_short(values)}")
    if not values:
        raise LabInputError(f"x is empty: give 1 to {MAX_VALUES} numbers")
    if len(values) > MAX_VALUES:
        raise LabInputError(f"too many numbers for x: {len(values)} given, at most {MAX_VALUES} are allowed")
    return [_to_float(v, f"x value {i + 1}") for i, v in enumerate(values)]


def _to_index(raw: Any, what: str, length: int) -> int:
    if isinstance(raw, bool):
        raise LabInputError(f"{what}: index must be an integer, got {raw!r}")
    if isinstance(raw, str):
        if not _NUMBER_RE.fullmatch(raw.strip()):
            raise LabInputError(f"{what}: index must be an integer, got {_short(raw)}")
        raw = float(raw) if any(c in raw for c in ".eE") else int(raw)
    if isinstance(raw, float):
        if not raw.is_integer():
            raise LabInputError(f"{what}: index must be an integer, got {raw!r}")
        raw = int(raw)
    if not isinstance(raw, int):
        raise LabInputError(f"{what}: index must be an integer, got {_short(raw)}")
    if not -length <= raw < length:
        raise LabInputError(
            f"{what}: index {raw} is out of range for z with {length} elements "
            f"(use 0 to {length - 1}, or -{length} to -1 to count from the end)"
        )
    return raw


def parse_edits(edits: Any, length: int) -> list[tuple[int, float]]:
    """Validate edits to z: a list of ``[index, value]`` pairs (None or ``[]`` means no edits).

    An index is an integer (``1.0`` is accepted, ``1.5`` and booleans are not) in ``-length..length-1``; a value is a
    finite number (int, float or numeric string). At most :data:`MAX_EDITS` edits. Edits are numbered from 1 in errors.
    """
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MAX_VALUES:
        raise LabInputError(f"length of z must be an integer from 1 to {MAX_VALUES}, got {_short(length)}")
    if edits is None:
        return []
    if not isinstance(edits, (list, tuple)):
        raise LabInputError(f"edits must be a list of [index, value] pairs, got {_short(edits)}")
    if len(edits) > MAX_EDITS:
        raise LabInputError(f"too many edits: {len(edits)} given, at most {MAX_EDITS} are allowed")
    parsed: list[tuple[int, float]] = []
    for n, item in enumerate(edits, start=1):
        what = f"edit {n}"
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise LabInputError(f"{what}: expected an [index, value] pair, got {_short(item)}")
        index = _to_index(item[0], what, length)
        value = _to_float(item[1], f"{what}: value")
        parsed.append((index, value))
    return parsed


def _check_choice(value: Any, choices: list[str] | tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise LabInputError(f"unknown {what} {_short(value)}: choose one of {allowed}")
    return value


def _grad_fn_name(t: torch.Tensor) -> str | None:
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def _floats(values: list[float]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def _build_code(values: list[float], op: str, mode: str, device: str, edits: list[tuple[int, float]]) -> str:
    """The standalone program (only ``import torch``) that reproduces a run; it prints what :func:`_run` prints."""
    device_arg = ', device="cuda"' if device == "cuda" else ""
    lines = [
        "import torch",
        "",
        f"x = torch.tensor({_floats(values)}, requires_grad=True{device_arg})",
        f"y = {op}",
        'print("x =", x)',
        'print("y before edits =", y)',
        f"z = {mode}",
        'print("z =", z)',
    ]
    lines += [f"z[{i}] = {v!r}" for i, v in edits]
    lines += [
        f'print("after {len(edits)} edit(s) to z:")',
        'print("y =", y)',
        'print("z =", z)',
        "shares = y.device == z.device and y.untyped_storage().data_ptr() == z.untyped_storage().data_ptr()",
        'print("y and z share storage:", shares)',
        'print("y._version =", y._version, "z._version =", z._version)',
        "try:",
        "    y.sum().backward()",
        '    print("x.grad =", x.grad)',
        "except RuntimeError as e:",
        '    print("backward failed:", e)',
    ]
    return "\n".join(lines) + "\n"


def _why(
    *,
    op: str,
    mode: str,
    n_edits: int,
    shares: bool,
    y_changed: bool,
    y_version: int,
    z_version: int,
    y_device: str,
    backward_error: str | None,
) -> dict[str, str]:
    """One or two plain sentences (English and Simplified Chinese) explaining this particular run."""
    cpu_mode = mode == "y.detach().cpu()"
    clone_mode = mode == "y.detach().clone()"
    if n_edits == 0:
        if clone_mode:
            en = (
                ".clone() copies the data into new memory, so z never shares storage with y and an edit to z "
                "will not reach y."
            )
            zh = ".clone() 把数据复制到新的内存，所以 z 从不与 y 共享存储，修改 z 不会影响 y。"
        elif cpu_mode and not shares:
            en = (
                f"y is on the GPU ({y_device}), so .cpu() copies it into host memory: z is a separate tensor and an "
                "edit to z will not reach y."
            )
            zh = f"y 在 GPU（{y_device}）上，所以 .cpu() 会把它复制到主机内存：z 是独立的张量，修改 z 不会影响 y。"
        elif cpu_mode:
            en = (
                "y is on the CPU, so .cpu() returns the very tensor that y.detach() gave: z still shares y's storage "
                "and version counter, so an edit to z will show up in y."
            )
            zh = (
                "y 在 CPU 上，所以 .cpu() 直接返回 y.detach() 得到的那个张量：z 仍与 y 共享存储和版本计数器，"
                "修改 z 会反映到 y 上。"
            )
        else:
            en = (
                "z = y.detach() is a new tensor without autograd history, but it shares y's storage and version "
                "counter, so an edit to z will show up in y."
            )
            zh = (
                "z = y.detach() 是一个没有 autograd 历史的新张量，但它与 y 共享存储和版本计数器，"
                "所以修改 z 会反映到 y 上。"
            )
        en += " Edit z to see whether y changes and whether y.sum().backward() still works."
        zh += "修改 z，看看 y 是否改变，以及 y.sum().backward() 是否仍能运行。"
        return {"en": en, "zh-CN": zh}

    if shares:
        prefix_en = "On a CPU tensor .cpu() returns the same tensor, so " if cpu_mode else ""
        prefix_zh = "在 CPU 张量上 .cpu() 返回同一个张量，所以" if cpu_mode else ""
        if y_changed:
            en = (
                f"{prefix_en}z and y share storage: editing z changed y, and both version counters went up "
                f"to {y_version}."
            )
            zh = f"{prefix_zh}z 与 y 共享存储：修改 z 改变了 y，两者的版本计数器都增加到了 {y_version}。"
        else:
            en = (
                f"{prefix_en}z and y share storage: the edit wrote into y's memory (with values y already had, so y "
                f"looks the same), and both version counters went up to {y_version}."
            )
            zh = (
                f"{prefix_zh}z 与 y 共享存储：这次修改写进了 y 的内存（写入的值与原值相同，所以 y 看起来没变），"
                f"两者的版本计数器都增加到了 {y_version}。"
            )
    else:
        if clone_mode:
            en = "z is a clone with its own memory: "
            zh = "z 是 clone 出来的副本，有自己的内存："
        else:
            en = f"y is on the GPU ({y_device}), so .cpu() copied it into host memory: "
            zh = f"y 在 GPU（{y_device}）上，所以 .cpu() 把它复制到了主机内存："
        en += f"editing z did not change y; z's version counter went up to {z_version} while y's stayed at {y_version}."
        zh += f"修改 z 没有改变 y；z 的版本计数器增加到了 {z_version}，而 y 的仍是 {y_version}。"

    if backward_error is not None:
        en += (
            f" Backward failed: {op} saved its output y for the backward pass, and the in-place edit through z bumped "
            "the version counter, so autograd refuses to use the changed value."
        )
        zh += (
            f"反向传播失败：{op} 为反向传播保存了输出 y，而通过 z 的原地修改增加了版本计数器，"
            "所以 autograd 拒绝使用被改动的值。"
        )
    elif not shares:
        en += " Backward works: y itself was never modified, so x.grad is unaffected."
        zh += "反向传播成功：y 本身从未被修改，所以 x.grad 不受影响。"
    elif op == "x * 2":
        en += (
            " Backward still works: x * 2 multiplies by a constant and saves nothing of y for the backward pass, "
            "so x.grad is 2 everywhere."
        )
        zh += "反向传播仍然成功：x * 2 只是乘以常数，没有为反向传播保存 y，所以 x.grad 处处为 2。"
    elif op == "x ** 2":
        en += " Backward still works: x ** 2 saves x, not y, for the backward pass, so x.grad = 2x is unaffected."
        zh += "反向传播仍然成功：x ** 2 为反向传播保存的是 x 而不是 y，所以 x.grad = 2x 不受这次修改影响。"
    else:
        en += " Backward still works."
        zh += "反向传播仍然成功。"
    return {"en": en, "zh-CN": zh}


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
    ``z[index] = value`` in order. Raises :class:`LabInputError` for bad input.
    """
    values = parse_x(x) if isinstance(x, str) else _check_values(x)
    op = _check_choice(op, list(OPS), "op")
    mode = _check_choice(mode, list(MODES), "mode")
    device = _check_choice(device, DEVICES, "device")
    if device == "cuda" and not torch.cuda.is_available():
        raise LabInputError('CUDA is not available on this server: use device "cpu"')
    parsed_edits = parse_edits(edits, len(values))

    out = io.StringIO()

    def emit(*args: object) -> None:
        print(*args, file=out)

    # The same steps, in the same order, as the program from _build_code.
    xt = torch.tensor(values, dtype=torch.float32, requires_grad=True, device=device)
    y = OPS[op](xt)
    emit("x =", xt)
    y_before = str(y)
    y_before_values = y.detach().cpu().tolist()
    emit("y before edits =", y)
    detached = y.detach()
    z = MODES[mode](detached)
    emit("z =", z)
    for index, value in parsed_edits:
        z[index] = value
    emit(f"after {len(parsed_edits)} edit(s) to z:")
    emit("y =", y)
    emit("z =", z)
    shares = y.device == z.device and y.untyped_storage().data_ptr() == z.untyped_storage().data_ptr()
    emit("y and z share storage:", shares)
    emit("y._version =", y._version, "z._version =", z._version)

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
        "same_object": z is detached,
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
    report["x_grad"] = x_grad
    report["backward_error"] = backward_error
    report["code"] = _build_code(values, op, mode, device, parsed_edits)
    report["output"] = out.getvalue()
    report["why"] = _why(
        op=op,
        mode=mode,
        n_edits=len(parsed_edits),
        shares=bool(shares),
        y_changed=report["y_changed"],
        y_version=report["y_version"],
        z_version=report["z_version"],
        y_device=str(y.device),
        backward_error=backward_error,
    )
    return report
