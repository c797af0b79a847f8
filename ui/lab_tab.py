"""The detach() lab tab: x, the op, the mode and the device; z's cells to edit; and the /detach endpoint.

The page keeps the experiment (its inputs and the user's writes to z, in order) in a ``gr.State``: each edit of a cell
adds one write and replays them all on fresh tensors, so ``_version`` counts writes exactly as PyTorch does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import gradio as gr

import compute
from lab import detach as lab
from ui.errors import refuse, sentence
from ui.gpu_words import gpu_refusal
from ui.i18n import text
from ui.lab_graph import GRAPH_CSS, graph_svg
from ui.lab_panels import (
    PANELS_CSS,
    RERENDER_JS,
    Z_CSS,
    Z_JS,
    Z_TEMPLATE,
    backward_html,
    claims_html,
    facts_html,
    z_editor_value,
)
from ui.lab_report import explain, input_error, report_json
from ui.language import page_language

#: Page-wide rules for the lab's code panels (gr.Code). CodeMirror gives each line-number box a fixed height from its
#: own estimate (14 px), while Gradio's theme makes each line 16.8 px: the numbers drift (22 lines, numbers 1 to 19).
#: Lines never wrap here, so one fixed height for both keeps every number beside its line, on any screen. The fold
#: gutter places its arrows by the same estimate, so it is hidden (nothing here needs folding).
LAB_HEAD = """<style>
:is(#lab-code, #lab-output, #printed) .cm-foldGutter { display: none !important; }
:is(#lab-code, #lab-output, #printed) .cm-line { line-height: 18px; }
:is(#lab-code, #lab-output, #printed) .cm-content { padding-top: 0; padding-bottom: 0; }
:is(#lab-code, #lab-output, #printed) .cm-gutterElement:not([style*="hidden"]) { height: 18px !important;
  line-height: 18px; }
/* The copy and download buttons on a row of their own above the code: floating over its top right corner, they
   covered the end of a long first line (the output's x = tensor([...]) ran under them). */
:is(#lab-code, #lab-output, #printed) .icon-button-wrapper.top-panel { position: static; display: flex;
  justify-content: flex-end; margin: 0 0 2px auto; width: fit-content; }
</style>
<script>
// Gradio gives each radio button its own name, so the arrow keys do not move between a group's options as they do
// in a native radio group. For the lab's radios they do: the next or previous option is chosen and focused.
document.addEventListener('keydown', event => {
  const radio = event.target;
  const steps = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (!(event.key in steps) || radio.type !== 'radio' || !radio.closest('#lab-op, #lab-mode, #lab-device')) return;
  const group = [...radio.closest('.wrap').querySelectorAll('input[type=radio]')];
  const next = group[(group.indexOf(radio) + steps[event.key] + group.length) % group.length];
  event.preventDefault();
  next.click();
  next.focus();
});
</script>"""


def refuse_input(error: lab.LabInputError, language: str, where: str) -> gr.Error:
    """Refused input to the lab: its message in ``language`` (English in the log)."""
    message, english = sentence(input_error(error, language), language), sentence(str(error), "en")
    return refuse(message, language, where=where, english=english)


def run_lab(x: Any, op: Any, mode: Any, device: Any, edits: Any, language: str) -> lab.Run:
    """One lab run on fresh tensors; cuda through compute (ZeroGPU lends it per call), refused in ``language`` with
    the reason when the GPU cannot run it."""
    try:
        return compute.run_lab(x, op, mode, device, edits)
    except compute.GpuUnavailable as error:
        english = gpu_refusal(error.reason, "en")
        raise refuse(gpu_refusal(error.reason, language), language, where="lab, cuda", english=english) from None


def detach(
    x: str = lab.DEFAULT_X,
    op: str = lab.DEFAULT_OP,
    mode: str = lab.DEFAULT_MODE,
    device: str = "cpu",
    edits: list[list[float]] = (),  # a tuple: an immutable default; the API page shows it as [] (no edits)
    request: gr.Request = None,
) -> dict:
    """Run the detach() experiment once on fresh tensors and report everything PyTorch did: x requires grad, y =
    op(x), z = mode(y), the edits are written to z in order (in the no-grad mode to y, under torch.no_grad()), then
    y.sum().backward(). Every edit is a write, even of the value already there. The report has y and z printed and
    as values, their versions and storage, saved_tensors (what y.grad_fn saved, with its version when saved and
    now), backward_predicted_ok, backward_error, x_grad, x_grad_expected, grad_is_wrong, the claims, and a program
    that reproduces the run (code) with its output. Numbers JSON cannot carry (float32 overflows to infinity, such as
    exp of 100) come in y_values, z_values, x_grad and x_grad_expected as the strings "inf", "-inf" or "nan".

    Parameters:
        x: 1 to 16 numbers as text, such as "1, 2, 3"
        op: how y is made: "x * 2", "x ** 2", "x.exp()" or "x.sigmoid()"
        mode: how z is made: "y.detach()", "y.detach().cpu()", "y.detach().clone()", "y.data",
            "torch.from_numpy(y.detach().cpu().numpy())" or "with torch.no_grad(): y[i] = v"
        device: "cpu" or "cuda"
        edits: writes to z as [index, value] pairs, in order, such as [[0, 100]]
    """
    language = page_language(None, request)
    try:
        return report_json(run_lab(x, op, mode, device, edits, language))
    except lab.LabInputError as error:
        raise refuse_input(error, language, "/detach") from error


def fill_defaults(root: gr.Blocks, fn: Callable[..., Any]) -> None:
    """A call of ``fn``'s endpoint (a ``gr.api`` one) that sends fewer values than ``fn`` has parameters gets the
    rest from ``fn``'s defaults, as a Python call would. Gradio itself refuses it ("needed: 5, got: 0"), though its
    API page says each parameter with a default is optional; gradio_client fills them in itself, a plain HTTP call
    to ``/gradio_api/call/detach`` with ``{"data": []}`` does not."""
    parameters = list(inspect.signature(fn).parameters.values())
    stock = root.validate_inputs

    def validate_inputs(block_fn: Any, inputs: list[Any]) -> None:
        if block_fn.fn is fn and len(inputs) < len(block_fn.inputs):
            missing = parameters[len(inputs) : len(block_fn.inputs)]
            if all(parameter.default is not inspect.Parameter.empty for parameter in missing):
                inputs.extend(parameter.default for parameter in missing)
        stock(block_fn, inputs)

    root.validate_inputs = validate_inputs


def _views(run: lab.Run, language: str) -> tuple:
    """A run → the tab's displays, in the page's language."""
    return (
        f"y = {run.y}\nz = {run.z}",
        facts_html(run, language),
        backward_html(run, language),
        explain(run.why_parts, language),
        graph_svg(run, language),
        claims_html(run, language),
        run.code,
        run.output,
    )


def _empty_views(language: str) -> tuple:
    note = text("lab_no_results", language)
    return "", "", "", note, "", "", "", ""


def lab_start(
    x: str, op: str, mode: str, device: str, experiment: dict | None, browser_language: str, request: gr.Request
):
    """New x/op/mode/device (or the page loaded): a fresh experiment with no writes. Unchanged inputs: nothing to do."""
    inputs = [x, op, mode, device]
    if experiment is not None and experiment["inputs"] == inputs and experiment.get("refused") is None:
        return (gr.skip(),) * 10  # e.g. the x box lost focus without a change
    language = page_language(browser_language, request)
    try:
        run = run_lab(x, op, mode, device, [], language)
    except lab.LabInputError as error:
        if experiment is not None and experiment.get("refused") == inputs:
            return (gr.skip(),) * 10  # already refused: say it once
        raise refuse_input(error, language, "lab") from error
    return {"inputs": inputs, "edits": []}, z_editor_value(run), *_views(run, language)


def lab_refused(x: str, op: str, mode: str, device: str, browser_language: str, request: gr.Request) -> tuple:
    """After refused inputs: clear every result (they belong to other inputs) and remember what was refused."""
    language = page_language(browser_language, request)
    state = {"inputs": [x, op, mode, device], "edits": [], "refused": [x, op, mode, device]}
    return state, z_editor_value(None), *_empty_views(language)


def lab_edit(
    x: str,
    op: str,
    mode: str,
    device: str,
    experiment: dict | None,
    browser_language: str,
    request: gr.Request,
    write: gr.EventData,
) -> tuple:
    """One cell was written: check it alone, add it to the experiment's writes and replay them all.

    The write belongs to the inputs the page shows: if their run has not been made yet (a write typed right after a
    new op), it starts that experiment first, and the run of the new op then finds nothing left to do.
    """
    language = page_language(browser_language, request)
    inputs = [x, op, mode, device]
    if not experiment or experiment["inputs"] != inputs or experiment.get("refused") is not None:
        try:
            run_lab(*inputs, [], language)
        except lab.LabInputError as error:
            raise refuse_input(error, language, "lab z") from error
        experiment = {"inputs": inputs, "edits": []}
    try:  # the event's data: {"index", "text"}, what was typed into the cell z[index]
        index, value = lab.parse_cell(getattr(write, "index", None), getattr(write, "text", None), len(lab.parse_x(x)))
        edits = [*experiment["edits"], [index, value]]
        run = run_lab(*inputs, edits, language)
    except lab.LabInputError as error:
        raise refuse_input(error, language, "lab z") from error
    return {"inputs": inputs, "edits": edits}, z_editor_value(run), *_views(run, language)


def lab_reset(browser_language: str, request: gr.Request) -> tuple:
    """Reset: the default inputs and a fresh experiment with no writes."""
    language = page_language(browser_language, request)
    inputs = [lab.DEFAULT_X, lab.DEFAULT_OP, lab.DEFAULT_MODE, "cpu"]
    run = run_lab(*inputs, [], language)
    return *inputs, {"inputs": inputs, "edits": []}, z_editor_value(run), *_views(run, language)


def render(language: gr.Textbox, I18N: gr.I18n) -> None:
    """The tab's components and events (call inside ``with gr.Tab(...)``); ``language``'s change means "loaded"."""
    gr.Markdown(I18N("lab_heading"))
    gr.Markdown(I18N("lab_help"))
    experiment = gr.State(None)
    with gr.Row():
        x_box = gr.Textbox(lab.DEFAULT_X, label=I18N("lab_x"), max_length=2000, elem_id="lab-x")
        op_choice = gr.Radio(list(lab.OPS), value=lab.DEFAULT_OP, label=I18N("lab_op"), elem_id="lab-op")
    with gr.Row():
        mode_choice = gr.Radio(
            list(lab.MODES), value=lab.DEFAULT_MODE, label=I18N("lab_mode"), elem_id="lab-mode", min_width=340
        )
        device_choice = gr.Radio(compute.lab_devices(), value="cpu", label=I18N("lab_device"), elem_id="lab-device")
    with gr.Accordion(I18N("lab_pitfall_heading"), open=False):
        gr.Markdown(I18N("lab_pitfall"))
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            gr.Markdown(I18N("lab_z_table"))
            z_editor = gr.HTML(
                z_editor_value(None),
                html_template=Z_TEMPLATE,
                css_template=Z_CSS,
                js_on_load=Z_JS,
                head=LAB_HEAD,
                elem_id="z-editor",
            )
            gr.Markdown(I18N("lab_version_counts"), elem_id="lab-version-note")
        reset = gr.Button(I18N("lab_reset"), variant="secondary", scale=1, elem_id="lab-reset")
    printed = gr.Code(label=I18N("lab_printed"), language=None, interactive=False, elem_id="printed", lines=2)
    why = gr.Markdown(elem_id="lab-why")
    with gr.Row():
        with gr.Column():
            gr.Markdown(I18N("lab_graph"))
            graph = gr.HTML(css_template=GRAPH_CSS, elem_id="lab-graph")
        with gr.Column():
            gr.Markdown(I18N("lab_backward"))
            backward = gr.HTML(css_template=PANELS_CSS, elem_id="lab-backward")
            gr.Markdown(I18N("lab_claims"))
            claims = gr.HTML(css_template=PANELS_CSS, elem_id="lab-claims")
    gr.Markdown(I18N("lab_facts"))
    facts = gr.HTML(css_template=PANELS_CSS, elem_id="lab-facts")
    with gr.Row():  # titles above the panels: on a phone the panels' copy/download buttons would cover them
        with gr.Column(min_width=300):
            gr.Markdown(I18N("lab_code"), elem_id="lab-code-title")
            code = gr.Code(language="python", interactive=False, show_label=False, elem_id="lab-code")
        with gr.Column(min_width=300):
            gr.Markdown(I18N("lab_output"), elem_id="lab-output-title")
            output = gr.Code(language=None, interactive=False, show_label=False, elem_id="lab-output")

    lab_inputs = [x_box, op_choice, mode_choice, device_choice]
    views = [printed, facts, backward, why, graph, claims, code, output]
    quiet = {"api_visibility": "private", "show_progress": "hidden"}
    # Every write counts and each one reads the experiment the previous event left: a write typed right after a new
    # op goes to the new experiment, none is dropped or reordered. So the lab's events run one at a time, in order
    # (each is a few milliseconds).
    in_order = {**quiet, "concurrency_id": "lab", "concurrency_limit": 1}
    # Enter in the x box leaves it, so a change of x is one run (on blur), never two.
    x_box.submit(None, None, None, js="() => document.activeElement && document.activeElement.blur()", **quiet)
    started = gr.on(
        [x_box.blur, op_choice.change, mode_choice.change, device_choice.change, language.change],
        lab_start,
        [*lab_inputs, experiment, language],
        [experiment, z_editor, *views],
        trigger_mode="always_last",
        **in_order,
    )
    started.failure(lab_refused, [*lab_inputs, language], [experiment, z_editor, *views], **quiet)
    edited = z_editor.commit(
        lab_edit,
        [*lab_inputs, experiment, language],
        [experiment, z_editor, *views],
        trigger_mode="multiple",
        **in_order,
    )
    edited.failure(None, [z_editor], [z_editor], js=RERENDER_JS, **quiet)
    reset.click(lab_reset, [language], [*lab_inputs, experiment, z_editor, *views], **in_order)
    gr.api(detach, api_name="detach")
    root = gr.context.Context.root_block
    if root is not None:
        fill_defaults(root, detach)
