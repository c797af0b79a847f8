"""Tests for lab.detach, the y.detach() teaching lab."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lab import detach
from lab.detach import (
    DEFAULT_MODE,
    DEFAULT_OP,
    DEFAULT_X,
    FLOAT32_MAX,
    INPUT_ERRORS,
    MAX_VALUES,
    MODES,
    OPS,
    LabInputError,
    available_devices,
    parse_edits,
    parse_x,
    run_experiment,
)
from ui.i18n import LANGUAGES, TEXTS, words
from ui.lab_report import report_json

ROOT = Path(__file__).resolve().parents[1]


def report(*args, **kwargs) -> dict:
    """A run as /detach answers it: the lab's facts, with the ui's words (the JSON the tests pin)."""
    return report_json(run_experiment(*args, **kwargs))


needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def _run_code(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- constants and module surface ---------------------------------------------------------------------------------


def test_constants_and_tables() -> None:
    assert list(OPS) == ["x * 2", "x ** 2", "x.exp()", "x.sigmoid()"]
    assert list(MODES) == [
        "y.detach()",
        "y.detach().cpu()",
        "y.detach().clone()",
        "y.data",
        "torch.from_numpy(y.detach().cpu().numpy())",
        "with torch.no_grad(): y[i] = v",
    ]
    assert (DEFAULT_X, DEFAULT_OP, DEFAULT_MODE, MAX_VALUES) == ("1, 2, 3", "x * 2", "y.detach()", 16)
    pitfall = {language: TEXTS[language]["lab_pitfall"] for language in LANGUAGES}
    assert 'device="cuda"' in pitfall["en"] and ".cuda()" in pitfall["en"] and "None" in pitfall["en"]
    assert 'device="cuda"' in pitfall["zh-CN"]


def test_module_does_not_import_gradio() -> None:
    code = "import sys, lab.detach; print('gradio' in sys.modules)"
    assert _run_code(code).strip() == "False"
    assert "gradio" not in Path(detach.__file__).read_text(encoding="utf-8")


def test_available_devices() -> None:
    devices = available_devices()
    assert devices[0] == "cpu"
    assert ("cuda" in devices) == torch.cuda.is_available()


# --- the experiment on the CPU ----------------------------------------------------------------------------------


def test_default_run_without_edits() -> None:
    r = report()
    assert r["device"] == "cpu" and r["z_device"] == "cpu"
    assert r["x"] == "tensor([1., 2., 3.], requires_grad=True)"
    assert r["y_before"] == "tensor([2., 4., 6.], grad_fn=<MulBackward0>)"
    assert r["y"] == r["y_before"]
    assert r["z"] == "tensor([2., 4., 6.])"
    assert r["shares_storage"] is True and r["same_object"] is True
    assert r["y_changed"] is False
    assert r["y_version"] == r["z_version"] == 0
    assert r["x_grad"] == [2.0, 2.0, 2.0] and r["backward_error"] is None
    assert r["x_grad_printed"] == "tensor([2., 2., 2.])"
    assert r["cpu_case"] is None
    assert "Edit z" in r["why"]["en"] and "修改 z" in r["why"]["zh-CN"]


def test_detach_shares_storage_and_version_counter() -> None:
    r = report("1, 2, 3", "x * 2", "y.detach()", edits=[[0, 100]])
    assert r["y"] == "tensor([100.,   4.,   6.], grad_fn=<MulBackward0>)"
    assert r["z"] == "tensor([100.,   4.,   6.])"
    assert r["y_values"] == r["z_values"] == [100.0, 4.0, 6.0]
    assert r["y_changed"] is True and r["shares_storage"] is True and r["same_object"] is True
    assert r["y_version"] == r["z_version"] == 1
    assert r["y_requires_grad"] is True and r["z_requires_grad"] is False
    assert r["y_grad_fn"] == "MulBackward0" and r["z_grad_fn"] is None
    assert r["y_is_leaf"] is False and r["z_is_leaf"] is True
    assert "share storage" in r["why"]["en"] and "went up to 1" in r["why"]["en"]

    r3 = report("1, 2, 3", "x * 2", "y.detach()", edits=[[0, 7], [1, 8], [-1, 9]])
    assert r3["y_values"] == [7.0, 8.0, 9.0]
    assert r3["y_version"] == r3["z_version"] == 3


def test_edit_with_same_value_still_bumps_versions() -> None:
    r = report("1, 2, 3", "x * 2", "y.detach()", edits=[[0, 2.0]])
    assert r["y_changed"] is False and r["shares_storage"] is True
    assert r["y_version"] == r["z_version"] == 1
    assert "looks the same" in r["why"]["en"]


@pytest.mark.parametrize(
    ("op", "expected_grad"),
    [("x * 2", [2.0, 2.0, 2.0]), ("x ** 2", [2.0, 4.0, 6.0])],
)
def test_backward_survives_edit_when_op_did_not_save_y(op: str, expected_grad: list[float]) -> None:
    r = report("1, 2, 3", op, "y.detach()", edits=[[0, 100]])
    assert r["y_changed"] is True
    assert r["backward_error"] is None
    assert r["x_grad"] == expected_grad
    assert "Backward still works" in r["why"]["en"] and "反向传播仍然成功" in r["why"]["zh-CN"]


@pytest.mark.parametrize("op", ["x.exp()", "x.sigmoid()"])
def test_backward_fails_after_edit_when_op_saved_y(op: str) -> None:
    r = report("1, 2, 3", op, "y.detach()", edits=[[0, 100]])
    assert r["x_grad"] is None and r["x_grad_printed"] is None
    assert "modified by an inplace operation" in r["backward_error"]
    assert "backward failed: " + r["backward_error"] in r["output"]
    assert "Backward failed" in r["why"]["en"] and op in r["why"]["en"] and "反向传播失败" in r["why"]["zh-CN"]


@pytest.mark.parametrize("op", ["x.exp()", "x.sigmoid()"])
def test_backward_works_without_edits_for_ops_that_save_y(op: str) -> None:
    values = [1.0, 2.0, 3.0]
    r = report(values, op, "y.detach()")
    assert r["backward_error"] is None
    xt = torch.tensor(values)
    expected = xt.exp() if op == "x.exp()" else xt.sigmoid() * (1 - xt.sigmoid())
    assert r["x_grad"] == pytest.approx(expected.tolist(), rel=1e-6)
    if op == "x.exp()":
        assert r["x_grad"] == pytest.approx([math.exp(v) for v in values], rel=1e-6)


def test_detach_cpu_on_cpu_is_the_same_tensor() -> None:
    r = report("1, 2, 3", "x * 2", "y.detach().cpu()", edits=[[1, -5]])
    assert r["cpu_case"] == "same tensor"
    assert r["same_object"] is True and r["shares_storage"] is True
    assert r["y_changed"] is True and r["y_values"] == [2.0, -5.0, 6.0]
    assert r["y_version"] == r["z_version"] == 1
    assert "same tensor" in r["why"]["en"]


@pytest.mark.parametrize("op", list(OPS))
def test_detach_clone_never_shares(op: str) -> None:
    r = report("1, 2, 3", op, "y.detach().clone()", edits=[[0, 100], [2, 0.5]])
    assert r["shares_storage"] is False and r["same_object"] is False
    assert r["y_changed"] is False and r["y"] == r["y_before"]
    assert r["z_values"][0] == 100.0 and r["z_values"][2] == 0.5
    assert r["y_version"] == 0 and r["z_version"] == 2
    assert r["backward_error"] is None and r["x_grad"] is not None
    assert r["cpu_case"] is None
    assert "did not change y" in r["why"]["en"]


def test_facts_table_rows() -> None:
    r = report(edits=[[0, 1]])
    facts = {row[0]: row[1:] for row in r["facts"]}
    assert all(len(row) == 3 and all(isinstance(c, str) for c in row) for row in r["facts"])
    assert facts["device"] == ["cpu", "cpu"]
    assert facts["_version"] == ["1", "1"]
    assert facts["requires_grad"] == ["True", "False"]
    assert facts["grad_fn"] == ["MulBackward0", "None"]
    assert facts["is_leaf"] == ["False", "True"]


def test_report_is_json_serialisable_and_deterministic() -> None:
    args = ("[0.5, -1.25, 3]", "x.sigmoid()", "y.detach()", "cpu", [[1, "2.5"], [-1, 4]])
    first = report(*args)
    second = report(*args)
    assert first == second
    assert json.loads(json.dumps(first, allow_nan=False)) == first


def test_x_given_as_list_and_edits_as_tuples() -> None:
    r = report([1, 2.5, -3], "x * 2", "y.detach()", edits=[(0.0, 1), (2, "-1e1")])
    assert r["y_values"] == [1.0, 5.0, -10.0]


# --- the generated program -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "op", "mode", "edits"),
    [
        ("1, 2, 3", "x * 2", "y.detach()", [[0, 100]]),
        ("1, 2, 3", "x.exp()", "y.detach()", [[0, 100], [-1, 5]]),
        ("[0.1, -2.5e-3, 7, 1e30]", "x ** 2", "y.detach().clone()", [[3, 0.1]]),
        ("-1 0 1", "x.sigmoid()", "y.detach().cpu()", None),
        (" ".join(str(i) for i in range(16)), "x * 2", "y.detach()", [[15, 1e-7]]),
    ],
)
def test_generated_code_prints_output(x: str, op: str, mode: str, edits: list | None) -> None:
    r = report(x, op, mode, "cpu", edits)
    code = r["code"]
    assert code.startswith("import torch\n")
    assert [line for line in code.splitlines() if line.startswith(("import", "from"))] == ["import torch"]
    assert "device=" not in code
    assert f"y = {op}\n" in code and f"z = {mode}\n" in code
    assert _run_code(code) == r["output"]
    assert r["output"].startswith(f"x = {r['x']}\ny before edits = {r['y_before']}\n")
    assert f"y = {r['y']}\nz = {r['z']}\n" in r["output"]


# --- parse_x ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2, 3]", [1.0, 2.0, 3.0]),
        ("1 2 3", [1.0, 2.0, 3.0]),
        ("-1.5e2, 0", [-150.0, 0.0]),
        ("  1,\t2\n,3 ,", [1.0, 2.0, 3.0]),
        ("+.5", [0.5]),
        (", ".join(["1"] * 16), [1.0] * 16),
    ],
)
def test_parse_x_accepts(text: str, expected: list[float]) -> None:
    assert parse_x(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("a, b", ["'a'", "not a number"]),
        ("1, 2x, 3", ["x value 2", "'2x'", "not a number"]),
        ("", ["empty"]),
        ("  [ ]  ", ["empty"]),
        (", ".join(["1"] * 17), ["too many", "17 given", "16"]),
        ("nan", ["finite"]),
        ("1, inf", ["finite"]),
        ("-Infinity", ["finite"]),
        ("1e999", ["finite"]),
        ("1e39", ["float32"]),
        ("1_000", ["not a number"]),
        ("2**3", ["not a number"]),
        ("__import__('os')", ["not a number"]),
    ],
)
def test_parse_x_rejects(text: str, fragments: list[str]) -> None:
    with pytest.raises(LabInputError) as info:
        parse_x(text)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize("bad", [None, 3, ["1", "2"], b"1, 2"])
def test_parse_x_rejects_non_str(bad: object) -> None:
    with pytest.raises(LabInputError, match="must be text"):
        parse_x(bad)  # type: ignore[arg-type]


def test_parse_x_many_numbers_is_fast() -> None:
    text = ", ".join(["1.5"] * 10_000)
    start = time.perf_counter()
    with pytest.raises(LabInputError, match="too many numbers for x: 10000 given"):
        parse_x(text)
    assert time.perf_counter() - start < 0.5


def test_parse_x_absurdly_long_text_is_fast() -> None:
    text = "1" * 5_000_000
    start = time.perf_counter()
    with pytest.raises(LabInputError, match="too long"):
        parse_x(text)
    assert time.perf_counter() - start < 0.5


_float32_range = st.floats(min_value=-FLOAT32_MAX, max_value=FLOAT32_MAX, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(_float32_range, min_size=1, max_size=16))
def test_parse_x_round_trips_repr(values: list[float]) -> None:
    assert parse_x(", ".join(repr(v) for v in values)) == values


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789.,eE+-[] \t\nnaifINF_x")))
def test_parse_x_only_raises_lab_input_error(text: str) -> None:
    try:
        result = parse_x(text)
    except LabInputError:
        return
    assert 1 <= len(result) <= MAX_VALUES
    assert all(math.isfinite(v) and math.isfinite(torch.tensor(v).item()) for v in result)  # finite in float32


# --- parse_edits -----------------------------------------------------------------------------------------------


def test_parse_edits_accepts() -> None:
    assert parse_edits(None, 3) == []
    assert parse_edits([], 3) == []
    assert parse_edits([[0, 1], (1.0, "2.5"), [-3, -4.0], ["2", 5]], 3) == [(0, 1.0), (1, 2.5), (-3, -4.0), (2, 5.0)]


@pytest.mark.parametrize(
    ("edits", "fragments"),
    [
        ([[0, 1], [5, 1]], ["edit 2: index 5 is out of range for z with 3 elements (use 0 to 2"]),
        ([[-4, 1]], ["index -4 is out of range", "-3 to -1"]),
        ([[1.5, 1]], ["edit 1", "index must be an integer", "1.5"]),
        ([[True, 1]], ["index must be an integer", "True"]),
        ([["x", 1]], ["index must be an integer"]),
        ([[0, "nan"]], ["finite"]),
        ([[0, float("inf")]], ["finite"]),
        ([[0, "abc"]], ["edit 1: value", "not a number"]),
        ([[0, None]], ["must be a number"]),
        ([[0, 10**400]], ["too large"]),
        ([[0, 1e300]], ["float32"]),
        ([[0]], ["[index, value]"]),
        ([[0, 1, 2]], ["[index, value]"]),
        ("0, 1", ["list of [index, value] pairs"]),
        ([[0, 1]] * 1001, ["too many edits", "1001 given"]),
    ],
)
def test_parse_edits_rejects(edits: object, fragments: list[str]) -> None:
    with pytest.raises(LabInputError) as info:
        parse_edits(edits, 3)
    for fragment in fragments:
        assert fragment in str(info.value)


# --- run_experiment argument errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"op": "x * 3"}, ["unknown op", "'x * 2'", "'x.sigmoid()'"]),
        ({"op": ["x * 2"]}, ["unknown op"]),
        ({"mode": "y.clone()"}, ["unknown mode", "'y.detach().clone()'"]),
        ({"device": "mps"}, ["unknown device", "'cpu'", "'cuda'"]),
        ({"x": "1, b"}, ["'b'"]),
        ({"x": []}, ["empty"]),
        ({"x": [1.0] * 17}, ["too many"]),
        ({"x": [1, float("nan")]}, ["finite"]),
        ({"edits": [[3, 1]]}, ["out of range for z with 3 elements"]),
    ],
)
def test_run_experiment_rejects(kwargs: dict, fragments: list[str]) -> None:
    with pytest.raises(LabInputError) as info:
        report(**kwargs)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_lab_input_error_is_value_error() -> None:
    assert issubclass(LabInputError, ValueError)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_unavailable_is_a_clear_error() -> None:
    with pytest.raises(LabInputError, match="CUDA is not available on this server"):
        report(device="cuda")


# --- GPU ---------------------------------------------------------------------------------------------------------


@pytest.mark.gpu
@needs_cuda
def test_cuda_detach_shares() -> None:
    r = report("1, 2, 3", "x * 2", "y.detach()", "cuda", [[0, 100]])
    assert r["device"] == "cuda:0" and r["z_device"] == "cuda:0"
    assert r["shares_storage"] is True and r["y_changed"] is True
    assert r["y_version"] == r["z_version"] == 1


@pytest.mark.gpu
@needs_cuda
def test_cuda_detach_cpu_copies() -> None:
    r = report("1, 2, 3", "x.exp()", "y.detach().cpu()", "cuda", [[0, 100]])
    assert r["device"] == "cuda:0" and r["z_device"] == "cpu"
    assert r["cpu_case"] == "copy" and r["same_object"] is False
    assert r["shares_storage"] is False and r["y_changed"] is False
    assert r["y_version"] == 0 and r["z_version"] == 1
    assert r["backward_error"] is None
    assert "copied" in r["why"]["en"]


@pytest.mark.gpu
@needs_cuda
def test_cuda_generated_code() -> None:
    r = report("1, 2, 3", "x.sigmoid()", "y.detach()", "cuda", [[1, 0]])
    assert 'requires_grad=True, device="cuda")' in r["code"]
    assert ".cuda()" not in r["code"]
    assert _run_code(r["code"]) == r["output"]
    assert "modified by an inplace operation" in r["backward_error"]


# --- every op × mode × (no edit, one edit, the same value rewritten) against PyTorch itself ------------------------

REFERENCE_OPS = {
    "x * 2": lambda x: x * 2,
    "x ** 2": lambda x: x**2,
    "x.exp()": torch.exp,
    "x.sigmoid()": torch.sigmoid,
}
#: What torch's grad_fn saves (its _saved_* debugging attributes, which may change between versions: pinned here).
SAVED_BY_OP = {
    "x * 2": [("_saved_other", "constant")],
    "x ** 2": [("_saved_self", "x")],
    "x.exp()": [("_saved_result", "y")],
    "x.sigmoid()": [("_saved_result", "y")],
}
NUMPY_MODE = "torch.from_numpy(y.detach().cpu().numpy())"
ALL_MODES = [
    "y.detach()",
    "y.detach().cpu()",
    "y.detach().clone()",
    "y.data",
    NUMPY_MODE,
    "with torch.no_grad(): y[i] = v",
]
VALUES = [0.5, -1.0, 2.0]


def _reference(op: str, mode: str, edits: list[tuple[int, float]]) -> dict:
    """The experiment written out by hand with plain torch calls (no lab code)."""
    x = torch.tensor(VALUES, requires_grad=True)
    y = REFERENCE_OPS[op](x)
    if mode == "with torch.no_grad(): y[i] = v":
        z = y
        with torch.no_grad():
            for i, v in edits:
                y[i] = v
    else:
        z = {
            "y.detach()": lambda: y.detach(),
            "y.detach().cpu()": lambda: y.detach().cpu(),
            "y.detach().clone()": lambda: y.detach().clone(),
            "y.data": lambda: y.data,
            NUMPY_MODE: lambda: torch.from_numpy(y.detach().cpu().numpy()),
        }[mode]()
        for i, v in edits:
            z[i] = v
    of_version = {"x": x._version, "y": y._version, "constant": 0}
    try:
        y.sum().backward()
        grad, ok = x.grad.tolist(), True
    except RuntimeError as error:
        assert "modified by an inplace operation" in str(error)
        grad, ok = None, False
    fresh = torch.tensor(VALUES, requires_grad=True)
    REFERENCE_OPS[op](fresh).sum().backward()
    return {
        "y_values": y.detach().tolist(),
        "z_values": z.detach().tolist(),
        "y_version": y._version,
        "z_version": z._version,
        "of_version": of_version,
        "ok": ok,
        "grad": grad,
        "expected": fresh.grad.tolist(),
    }


def _edit_cases(op: str) -> dict[str, list[tuple[int, float]]]:
    y0 = REFERENCE_OPS[op](torch.tensor(VALUES))[0].item()  # y[0] exactly as float32 holds it
    return {"none": [], "one edit": [(0, 100.0)], "same value rewritten": [(0, y0)]}


@pytest.mark.parametrize("mode", ALL_MODES)
@pytest.mark.parametrize("op", list(REFERENCE_OPS))
@pytest.mark.parametrize("case", ["none", "one edit", "same value rewritten"])
def test_every_op_mode_and_edit_agrees_with_pytorch(op: str, mode: str, case: str) -> None:
    edits = _edit_cases(op)[case]
    r = report(VALUES, op, mode, "cpu", [list(e) for e in edits])
    ref = _reference(op, mode, edits)
    assert (r["y_values"], r["z_values"]) == (ref["y_values"], ref["z_values"])
    assert (r["y_version"], r["z_version"]) == (ref["y_version"], ref["z_version"])
    # What y.grad_fn saved, its version when saved (0: nothing was written before the forward pass) and now.
    assert [(s["name"], s["of"]) for s in r["saved_tensors"]] == SAVED_BY_OP[op]
    for saved in r["saved_tensors"]:
        assert saved["version_saved"] == 0
        assert saved["version_now"] == ref["of_version"][saved["of"]]
        assert saved["readable"] == (saved["version_now"] == saved["version_saved"])  # torch refuses a moved one
    # Backward: predicted from the versions, then run; both agree with PyTorch.
    assert r["backward_predicted_ok"] == r["backward_ok"] == ref["ok"]
    assert r["x_grad"] == ref["grad"]
    assert r["x_grad_expected"] == ref["expected"]
    assert r["grad_is_wrong"] == (ref["ok"] and ref["grad"] != ref["expected"])
    # Rewriting a value is a write: the version counts it even though no value changed.
    writes = len(edits)
    if mode in ("y.detach()", "y.detach().cpu()", "with torch.no_grad(): y[i] = v"):
        assert r["y_version"] == writes
    else:  # .clone() and .data write through z's own version counter
        assert r["y_version"] == 0 and r["z_version"] == writes
    json.dumps(r, allow_nan=False)


def test_the_cases_the_issue_names() -> None:
    exp_e = torch.tensor(1.0).exp().item()
    retyped = report("1, 2, 3", "x.exp()", "y.detach()", edits=[[0, exp_e]])
    assert retyped["y_changed"] is False and retyped["y_version"] == 1 and retyped["backward_ok"] is False
    three = report("1, 2, 3", "x * 2", "y.detach()", edits=[[1, 100], [1, 200], [1, 4]])
    assert three["y_values"] == [2.0, 4.0, 6.0] and three["y_version"] == 3  # back to its value: still 3 writes
    data = report("1, 2, 3", "x.exp()", "y.data", edits=[[0, 100]])
    assert data["y_version"] == 0 and data["backward_ok"] is True and data["grad_is_wrong"] is True
    assert data["x_grad"][0] == 100.0 and data["x_grad_expected"][0] == pytest.approx(math.e)
    no_grad = report("1, 2, 3", "x.exp()", "with torch.no_grad(): y[i] = v", edits=[[0, 100]])
    assert no_grad["y_version"] == 1 and no_grad["backward_predicted_ok"] is False and no_grad["backward_ok"] is False
    assert no_grad["z_requires_grad"] is True and no_grad["same_object"] is False


@pytest.mark.parametrize(
    ("op", "mode", "edits", "verdicts", "reasons"),
    [
        ("x * 2", "y.detach()", [], [True, True, True, False], ["same_storage", "detached", "same", "same_tensor"]),
        ("x.exp()", "y.detach()", [[0, 9]], [True, True, False, False], ["same_storage", "detached", "fails", None]),
        ("x.exp()", "y.data", [[0, 9]], [True, True, False, False], [None, None, "silent", None]),
        ("x.exp()", "y.detach().clone()", [[0, 9]], [False, True, True, False], ["clone", None, "same", None]),
        ("x * 2", "with torch.no_grad(): y[i] = v", [[0, 9]], [True, False, True, False], [None, "is_y", None, None]),
    ],
)
def test_claims_verdicts(op: str, mode: str, edits: list, verdicts: list, reasons: list) -> None:
    claims = report("1, 2, 3", op, mode, "cpu", edits)["claims"]
    assert [c["id"] for c in claims] == ["shares", "no_backward", "grad_unaffected", "cpu_never_shares"]
    assert [c["holds"] for c in claims] == verdicts
    for claim, reason in zip(claims, reasons):
        if reason:
            assert claim["reason"] == reason


@pytest.mark.parametrize(
    ("op", "mode", "edits"),
    [
        ("x.exp()", "y.data", [[0, 100], [2, -1]]),
        ("x.sigmoid()", "with torch.no_grad(): y[i] = v", [[1, 0.25]]),
        ("x * 2", "with torch.no_grad(): y[i] = v", []),
        ("x.exp()", "y.detach()", [[0, 2.718281828459045]]),
        ("x.exp()", NUMPY_MODE, [[0, 100], [1, 7.38905609893065]]),
    ],
)
def test_generated_program_reproduces_the_new_cases(op: str, mode: str, edits: list) -> None:
    r = report("1, 2, 3", op, mode, "cpu", edits)
    assert _run_code(r["code"]) == r["output"]
    assert "saved versions:" in r["output"] and "x.grad of the unedited function =" in r["output"]
    if mode.startswith("with torch.no_grad()") and edits:
        assert "with torch.no_grad():\n    y[" in r["code"]


# --- saved tensors are debugging attributes: guarded ---------------------------------------------------------------


class _BrokenGradFn:
    def __dir__(self):
        raise RuntimeError("attributes changed in a future torch")


def test_saved_tensors_guard_against_changed_attributes() -> None:
    x = torch.tensor([1.0], requires_grad=True)
    assert detach.saved_tensors(_BrokenGradFn(), x, x) == []
    assert detach.saved_tensors(None, x, x) == []  # a leaf has no grad_fn


# --- Chinese input and messages in the page's language --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1，2，3", [1.0, 2.0, 3.0]),
        ("1、2、3", [1.0, 2.0, 3.0]),
        ("1\u30002\u30003", [1.0, 2.0, 3.0]),
        ("［１，２．５，－３］", [1.0, 2.5, -3.0]),
    ],
)
def test_parse_x_accepts_what_a_chinese_input_method_types(text: str, expected: list[float]) -> None:
    assert parse_x(text) == expected


def test_messages_name_the_cell_and_follow_the_language() -> None:
    with pytest.raises(LabInputError) as bad:
        detach.parse_cell(2, "abc", 3)
    assert str(bad.value).startswith("z[2] is 'abc', which is not a number")
    assert bad.value.message(words("zh-CN")).startswith("z[2] 是 'abc'，不是数字")
    with pytest.raises(LabInputError) as empty:
        detach.parse_cell(1, "  ", 3)
    assert "z[1] is empty" in str(empty.value) and "z[1] 是空的" in empty.value.message(words("zh-CN"))
    assert detach.parse_cell(0, "１００", 3) == (0, 100.0)
    with pytest.raises(LabInputError) as bad_x:
        parse_x("1, a")
    assert "x value 2" in str(bad_x.value) and "x 的第 2 个值" in bad_x.value.message(words("zh-CN"))


def test_the_lab_names_messages_and_every_language_has_them() -> None:
    """The lab reports message keys; the words are the ui's, in every language (its English errors excepted)."""
    source = Path(detach.__file__).read_text(encoding="utf-8")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in source), "sentences belong in ui/words/"
    for language in LANGUAGES:
        said = TEXTS[language]
        assert {key for key in INPUT_ERRORS if key not in said} == set(), language
        for op in OPS.values():
            assert op.backward_note in said
        for mode in MODES.values():
            keys = [mode.fresh, mode.fresh_copy or mode.fresh, *mode.edited, *mode.silently_wrong[:2]]
            assert [key for key in keys if key not in said] == [], (language, mode.code)
            assert f"claim_grad_unaffected_{mode.silently_wrong[2]}" in said
    for op in OPS:
        for mode in MODES:
            for edits in ([], [[0, 5]]):
                r = report("1, 2, 3", op, mode, "cpu", edits)
                for key, _ in r["why_parts"]:
                    assert all(key in TEXTS[language] for language in LANGUAGES), key
                assert r["why"]["en"] and r["why"]["zh-CN"] and r["why"]["en"] != r["why"]["zh-CN"]
                for claim in r["claims"]:
                    assert f"claim_{claim['id']}_{claim['reason']}" in TEXTS["zh-CN"]


def test_the_lab_says_its_errors_in_the_words_of_every_language() -> None:
    """str() of a refused input is the API's English, the same as the English page's words."""
    assert {key: TEXTS["en"][key] for key in INPUT_ERRORS} == INPUT_ERRORS


# --- through the real server and gradio_client ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab_server() -> str:
    from tests.servers import running_app

    with running_app() as (url, _):
        yield url


def test_api_reports_match_the_module_for_every_op_and_new_mode(lab_server: str) -> None:
    from gradio_client import Client

    client = Client(lab_server, verbose=False)
    for op in OPS:
        for mode in ALL_MODES:
            for case, edits in _edit_cases(op).items():
                arguments = ("0.5, -1, 2", op, mode, "cpu", [list(e) for e in edits])
                answer = client.predict(*arguments, api_name="/detach")
                assert answer == report(*arguments), (op, mode, case)
                assert {"saved_tensors", "backward_predicted_ok", "x_grad_expected", "grad_is_wrong"} <= set(answer)


def test_api_stays_backward_compatible_and_speaks_the_callers_language(lab_server: str) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(lab_server, verbose=False)
    info = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/detach"]
    assert [p["parameter_name"] for p in info["parameters"]] == ["x", "op", "mode", "device", "edits"]
    assert info["parameters"][4]["python_type"]["type"] == "list[list[float]]"
    assert info["parameters"][4]["example_input"] == []
    assert "``" not in info.get("description", "")
    example = {p["parameter_name"]: p["example_input"] for p in info["parameters"]}  # the API page's example
    assert client.predict(**example, api_name="/detach")["y_values"] == [2.0, 4.0, 6.0]
    old = client.predict("1, 2, 3", "x * 2", "y.detach()", "cpu", None, api_name="/detach")  # positional, None
    assert old["y_values"] == [2.0, 4.0, 6.0] and isinstance(old["why"]["en"], str) and old["why"]["zh-CN"]
    with pytest.raises(AppError, match="x value 2 is 'a', which is not a number"):
        client.predict(x="1, a", api_name="/detach")
    chinese = Client(lab_server, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    with pytest.raises(AppError, match="x 的第 2 个值 是 'a'，不是数字"):
        chinese.predict(x="1, a", api_name="/detach")


@settings(max_examples=300, deadline=None)
@given(_float32_range)
def test_a_cell_shows_text_that_writes_back_the_same_float32(value: float) -> None:
    from ui.lab_panels import cell_text

    held = torch.tensor(value).item()  # what a float32 z holds
    assert torch.tensor(detach.parse_cell(0, cell_text(held), 1)[1]).item() == held


@pytest.mark.gpu
@needs_cuda
@pytest.mark.parametrize("mode", ALL_MODES)
@pytest.mark.parametrize("op", list(REFERENCE_OPS))
def test_cuda_claims_saved_tensors_and_program(op: str, mode: str) -> None:
    r = report("1, 2, 3", op, mode, "cuda", [[0, 100]])
    claims = {c["id"]: c for c in r["claims"]}
    assert claims["cpu_never_shares"]["holds"] is True  # on a GPU .detach().cpu() copies
    assert claims["shares"]["holds"] is (mode not in ("y.detach().cpu()", "y.detach().clone()", NUMPY_MODE))
    assert [(s["name"], s["of"]) for s in r["saved_tensors"]] == SAVED_BY_OP[op]
    assert r["backward_predicted_ok"] == r["backward_ok"]
    assert _run_code(r["code"]) == r["output"]


# --- facts, not words: the run is data; a new mode is one entry -----------------------------------------------------


def test_a_run_is_facts_that_pickle_and_hold_no_tensor() -> None:
    import dataclasses
    import pickle

    run = run_experiment("1, 2, 3", "x.exp()", NUMPY_MODE, "cpu", [[0, 100]])
    assert dataclasses.is_dataclass(run) and pickle.loads(pickle.dumps(run)) == run
    json.dumps(report_json(run), allow_nan=False)  # plain values all the way down

    def tensors(value: object) -> int:
        if dataclasses.is_dataclass(value):
            value = [getattr(value, f.name) for f in dataclasses.fields(value)]
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, (list, tuple)):
            return sum(tensors(item) for item in value)
        return int(isinstance(value, torch.Tensor))

    assert tensors(run) == 0
    assert run.why_parts and all(isinstance(key, str) for key, _ in run.why_parts)


def test_the_program_is_the_steps_that_ran(monkeypatch) -> None:
    """A new mode is one row of MODES (plus its words): the run and its program follow without other code."""
    view = "y.detach().view(-1)"
    monkeypatch.setitem(MODES, view, detach.Mode(view, lambda d: d.view(-1), fresh="lab_why_detach_fresh"))
    r = report("1, 2, 3", "x.exp()", view, "cpu", [[0, 100]])
    assert f"z = {view}\n" in r["code"] and _run_code(r["code"]) == r["output"]
    assert r["shares_storage"] and r["y_version"] == r["z_version"] == 1 and not r["backward_ok"]
    assert r["link"] == "shared" and r["why_parts"][0][0] == "lab_why_shared_changed"


# --- every sentence true ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ALL_MODES)
@pytest.mark.parametrize("op", list(REFERENCE_OPS))
def test_words_follow_the_facts_when_a_rewrite_leaves_y_the_same(op: str, mode: str) -> None:
    """Writing the value a cell already holds changes nothing: no explanation may say the edit changed y."""
    r = report(VALUES, op, mode, "cpu", [list(edit) for edit in _edit_cases(op)["same value rewritten"]])
    assert r["y_changed"] is False
    assert "changed y" not in r["why"]["en"] and "改变了 y" not in r["why"]["zh-CN"], r["why_parts"]
    changed = report(VALUES, op, mode, "cpu", [[0, 100.0]])
    if changed["y_changed"]:
        assert "looks the same" not in changed["why"]["en"] and "看起来没变" not in changed["why"]["zh-CN"]


def test_the_version_note_says_exactly_what_shares_y_s_counter() -> None:
    """Measured on every mode: z over y's memory either moved y's version with its write (it shares the counter:
    y.detach(), .cpu() on a CPU) or did not (its own counter: .data, the NumPy round trip); the note names each."""
    notes = [TEXTS[language]["lab_version_counts"] for language in LANGUAGES]
    for mode in MODES:
        r = report("1, 2, 3", "x.exp()", mode, "cpu", [[0, 100]])
        if mode == "with torch.no_grad(): y[i] = v" or not r["shares_storage"]:
            continue  # z is y, or z has its own memory
        assert r["y_changed"] and r["z_version"] == 1
        assert all(mode in note for note in notes), f"{mode} is missing from the version note"
        if r["y_version"] == 0:  # its own counter: the write went unnoticed and backward read the edited value
            assert r["backward_ok"] and r["grad_is_wrong"]
    assert all("every tensor on the same storage" not in note for note in notes)


def test_a_tensor_rebuilt_through_numpy_shares_y_s_memory_but_not_its_counter() -> None:
    r = report("1, 2, 3", "x.exp()", NUMPY_MODE, "cpu", [[0, 100]])
    assert r["shares_storage"] is True and r["same_object"] is False and r["link"] == "own_version"
    assert r["y_values"][0] == 100.0 and r["y_version"] == 0 and r["z_version"] == 1
    assert r["backward_predicted_ok"] is True and r["backward_ok"] is True and r["grad_is_wrong"] is True
    assert r["x_grad"][0] == 100.0 and r["x_grad_expected"][0] == pytest.approx(math.e)
    claims = {claim["id"]: claim for claim in r["claims"]}
    assert claims["shares"]["holds"] and claims["grad_unaffected"]["verdict"] == "silent"
    assert "rebuilt on y's memory" in r["why"]["en"] and ".data" in r["why"]["en"]
    assert "torch.from_numpy(y.detach().cpu().numpy())" in r["code"] and _run_code(r["code"]) == r["output"]


@pytest.mark.gpu
@needs_cuda
def test_cuda_numpy_round_trip_copies() -> None:
    """On a GPU, .cpu() copies before .numpy(): z is host memory of its own, and y and its gradient are untouched."""
    r = report("1, 2, 3", "x.exp()", NUMPY_MODE, "cuda", [[0, 100]])
    assert r["device"] == "cuda:0" and r["z_device"] == "cpu" and r["link"] == "copy"
    assert r["shares_storage"] is False and r["y_changed"] is False and r["y_version"] == 0
    assert r["backward_ok"] and not r["grad_is_wrong"]
    assert {c["id"]: c["reason"] for c in r["claims"]}["shares"] == "gpu_copy"
    assert "copies it into host memory" in report("1, 2, 3", "x.exp()", NUMPY_MODE, "cuda")["why"]["en"]
    assert _run_code(r["code"]) == r["output"]


def test_numbers_json_cannot_carry_travel_as_strings(lab_server: str) -> None:
    """float32 overflows to inf: /detach says "inf" and "-inf" (JSON has no such numbers; Gradio wrote null)."""
    from gradio_client import Client

    client = Client(lab_server, verbose=False)
    exp = client.predict("100, 1", "x.exp()", "y.detach()", "cpu", [], api_name="/detach")
    assert exp["y_values"][0] == exp["z_values"][0] == "inf" and exp["y_values"][1] == pytest.approx(math.e)
    assert exp["x_grad"][0] == exp["x_grad_expected"][0] == "inf"
    doubled = client.predict("-3e38", "x * 2", "y.detach().clone()", "cpu", [[0, 1]], api_name="/detach")
    assert doubled["y_values"] == ["-inf"] and doubled["z_values"] == [1.0] and doubled["x_grad"] == [2.0]
    from ui.lab_report import json_number

    assert [json_number(value) for value in (1.5, math.inf, -math.inf, math.nan)] == [1.5, "inf", "-inf", "nan"]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_numpy_round_trip_s_graph_claims_and_backward_panel(language: str) -> None:
    from ui.lab_graph import graph_svg
    from ui.lab_panels import backward_html, claims_html

    run = run_experiment("1, 2, 3", "x.exp()", NUMPY_MODE, "cpu", [[0, 100]])
    said = TEXTS[language]
    graph = graph_svg(run, language)
    assert 'data-link="shares"' in graph and said["lab_graph_data"].replace("'", "&#x27;") in graph
    assert 'data-saved="_saved_result" data-moved="false"' in graph  # y's version never moved: nothing turns red
    claims = claims_html(run, language)
    assert said["lab_verdict_silent"] in claims and said["claim_grad_unaffected_silent_rebuilt"][:12] in claims
    backward = backward_html(run, language)
    assert "data-grad-wrong='true'" in backward and said["lab_grad_wrong_numpy"][:10] in backward
    assert ".data" not in backward  # its own words: y.data is not what hid this write
