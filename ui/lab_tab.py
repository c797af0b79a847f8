"""The detach() lab tab: x, the op, the mode and the device; z's table to edit; and the /detach endpoint."""

from __future__ import annotations

import gradio as gr

from compute import lab_devices, run_lab
from lab import detach as lab
from ui.i18n import fact_name, text
from ui.language import page_language


def detach(
    x: str = lab.DEFAULT_X,
    op: str = lab.DEFAULT_OP,
    mode: str = lab.DEFAULT_MODE,
    device: str = "cpu",
    edits: list[list[float]] | None = None,
) -> dict:
    """Run x → y = op(x) → z = mode(y), apply the edits to z in order, then y.sum().backward(); report everything."""
    try:
        return run_lab(x, op, mode, device, edits)  # cuda: through the GPU call, refused with the reason
    except lab.LabInputError as error:
        raise gr.Error(str(error)) from error


def lab_view(report: dict, language: str) -> tuple:
    """A report → the lab tab's displays (printed tensors, facts, gradient, why, code, output)."""
    printed = f"y = {report['y']}\nz = {report['z']}"
    error = report["backward_error"]
    grad = f"RuntimeError: {error}" if error else f"x.grad = {report['x_grad_printed']}"
    rows = [[fact_name(row[0], language), row[1], row[2]] for row in report["facts"]]
    facts = gr.Dataframe(value=rows, headers=[text("fact", language), "y", "z"])
    return printed, facts, grad, report["why"][language], report["code"], report["output"]


def lab_reset(x: str, op: str, mode: str, device: str, browser_language: str, request: gr.Request) -> tuple:
    """New x/op/mode/device: a fresh run with no edits, and z's table filled from it."""
    report = detach(x, op, mode, device, [])
    headers = [f"z[{index}]" for index in range(len(report["z_values"]))]
    table = gr.Dataframe(value=[report["z_values"]], headers=headers, column_count=len(headers))
    return (table, *lab_view(report, page_language(browser_language, request)))


def lab_edit(x: str, op: str, mode: str, device: str, z_table, browser_language: str, request: gr.Request) -> tuple:
    """z's table was edited: every cell that differs from the unedited z becomes an edit ``z[i] = value``."""
    fresh = detach(x, op, mode, device, [])["z_values"]
    row = z_table.values.tolist()[0] if hasattr(z_table, "values") else list(z_table[0])
    if len(row) != len(fresh):
        raise gr.Error(f"z has {len(fresh)} elements; the table has {len(row)} columns. Press Reset.")
    edits = [[index, value] for index, (value, before) in enumerate(zip(row, fresh)) if value != before]
    return lab_view(detach(x, op, mode, device, edits), page_language(browser_language, request))


def lab_defaults() -> tuple:
    return lab.DEFAULT_X, lab.DEFAULT_OP, lab.DEFAULT_MODE, "cpu"


def render(language: gr.Textbox, I18N: gr.I18n) -> None:
    """The tab's components and events (call inside ``with gr.Tab(...)``); ``language``'s change means "loaded"."""
    gr.Markdown(I18N("lab_heading"))
    gr.Markdown(I18N("lab_help"))
    with gr.Row():
        x_box = gr.Textbox(lab.DEFAULT_X, label=I18N("lab_x"), max_length=2000)
        op_choice = gr.Radio(list(lab.OPS), value=lab.DEFAULT_OP, label=I18N("lab_op"))
        mode_choice = gr.Radio(list(lab.MODES), value=lab.DEFAULT_MODE, label=I18N("lab_mode"))
        device_choice = gr.Radio(lab_devices(), value="cpu", label=I18N("lab_device"))
    with gr.Accordion(I18N("lab_pitfall_heading"), open=False):
        gr.Markdown(I18N("lab_pitfall"))
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            z_table = gr.Dataframe(
                None,
                label=I18N("lab_z_table"),
                datatype="number",
                interactive=True,
                show_row_numbers=False,
                elem_id="z-table",
            )
            printed = gr.Code(label=I18N("lab_printed"), language=None, interactive=False, elem_id="printed")
        reset = gr.Button(I18N("lab_reset"), variant="secondary", scale=1)
    why = gr.Markdown(elem_id="lab-why")
    with gr.Row():
        facts = gr.Dataframe(headers=["fact", "y", "z"], label=I18N("lab_facts"), interactive=False)
        grad = gr.Textbox(label=I18N("lab_grad"), interactive=False, lines=3, elem_id="lab-grad")
    with gr.Row():
        code = gr.Code(label=I18N("lab_code"), language="python", interactive=False)
        output = gr.Code(label=I18N("lab_output"), language=None, interactive=False)

    lab_inputs = [x_box, op_choice, mode_choice, device_choice]
    lab_outputs = [printed, facts, grad, why, code, output]
    gr.on(
        [x_box.submit, x_box.blur, op_choice.change, mode_choice.change, device_choice.change, language.change],
        lab_reset,
        [*lab_inputs, language],
        [z_table, *lab_outputs],
        api_visibility="private",
        show_progress="hidden",
    )
    z_table.input(
        lab_edit,
        [*lab_inputs, z_table, language],
        lab_outputs,
        api_visibility="private",
        show_progress="hidden",
        trigger_mode="always_last",
    )
    reset.click(lab_defaults, None, lab_inputs, api_visibility="private").then(
        lab_reset, [*lab_inputs, language], [z_table, *lab_outputs], api_visibility="private", show_progress="hidden"
    )
    gr.api(detach, api_name="detach")
