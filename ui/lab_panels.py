"""The lab's panels as HTML, from one run's facts (``lab.detach.Run``): the facts table, backward (predicted, then
run), the common claims; and z's editor (a ``gr.HTML`` row of inputs, one per element, where every Enter is a
write)."""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np

from lab.detach import MODES, Run
from ui.i18n import text, words
from ui.lab_report import fact_rows


def facts_html(run: Run, language: str) -> str:
    """The facts of y and z (device, storage, _version, requires_grad, grad_fn, is_leaf) as a three-column table."""
    rows = "".join(
        f"<tr><th scope='row'>{escape(name)}</th><td>{escape(y)}</td><td>{escape(z)}</td></tr>"
        for name, y, z in fact_rows(run, language)
    )
    head = f"<tr><th scope='col'>{escape(text('fact', language))}</th><th scope='col'>y</th><th scope='col'>z</th></tr>"
    return f"<table class='lab-facts'><thead>{head}</thead><tbody>{rows}</tbody></table>"


def backward_html(run: Run, language: str) -> str:
    """Backward predicted from the saved tensors' versions, then the run's result, and (where z has its own version
    counter over y's memory, as with y.data) the true gradient."""
    said = words(language)
    moved = [saved for saved in run.saved_tensors if saved.version_saved != saved.version_now]
    if run.backward_predicted_ok:
        predicted = said["lab_predict_ok"].format(grad_fn=run.y_grad_fn)
    else:
        first = moved[0]
        of = said["lab_graph_constant"] if first.of == "constant" else first.of
        predicted = said["lab_predict_fail"].format(
            grad_fn=run.y_grad_fn, name=first.name, of=of, saved=first.version_saved, now=first.version_now
        )
    if run.backward_ok:
        ran = said["lab_run_ok"].format(grad=run.x_grad_printed)
    else:
        ran = said["lab_run_fail"].format(error=(run.backward_error or "").split(" Hint:")[0])
    agree = run.backward_predicted_ok == run.backward_ok
    lines = [
        f"<p class='lb-predicted'>{escape(predicted)}</p>",
        f"<p class='lb-ran'>{escape(ran)}</p>",
        f"<p class='lb-agree'>{escape(said['lab_run_agrees' if agree else 'lab_run_disagrees'])}</p>",
    ]
    if run.grad_is_wrong:
        key = MODES[run.mode].silently_wrong[1]
        wrong = said[key].format(op=run.op, expected=run.x_grad_expected_printed)
        lines.append(f"<p class='lb-wrong'>{escape(wrong)}</p>")
    elif run.link == "own_version" and run.backward_ok:
        right = said["lab_grad_right"].format(op=run.op, expected=run.x_grad_expected_printed)
        lines.append(f"<p class='lb-right'>{escape(right)}</p>")
    attrs = (
        f"data-predicted-ok='{str(run.backward_predicted_ok).lower()}' "
        f"data-backward-ok='{str(run.backward_ok).lower()}' "
        f"data-grad-wrong='{str(run.grad_is_wrong).lower()}'"
    )
    return f"<div class='lab-backward' {attrs}>{''.join(lines)}</div>"


def claims_html(run: Run, language: str) -> str:
    """The four common claims about detach(), each with its verdict on this run and device and one line why."""
    said = words(language)
    items = []
    for claim in run.claims:
        css = "ok" if claim.holds else "bad"
        items.append(
            f"<li data-claim='{claim.id}' data-holds='{str(claim.holds).lower()}'>"
            f"<span class='lc-claim'>{escape(said['claim_' + claim.id])}</span> "
            f"<span class='lc-verdict lc-{css}'>{escape(said['lab_verdict_' + claim.verdict])}</span>"
            f"<span class='lc-why'>{escape(said[f'claim_{claim.id}_{claim.reason}'])}</span></li>"
        )
    return f"<ul class='lab-claims'>{''.join(items)}</ul>"


def cell_text(value: float) -> str:
    """A z value as its cell shows it: the shortest text that reads back as the same float32, so that retyping
    what a cell shows writes exactly the value it holds."""
    shown = str(np.float32(value))
    return shown.removesuffix(".0")


def z_editor_value(run: Run | None) -> dict[str, Any]:
    """The z editor's value: the cells' text (none when there is no run)."""
    return {"cells": [] if run is None else [cell_text(v) for v in run.z_values]}


#: One input per element of z, filled from the value's cells (the z of the last good run). A cell shows what was
#: typed until the server answers; after a refusal the page re-renders the cells (see lab_tab), so it shows its last
#: good value again.
Z_TEMPLATE = """<div class="zed" role="group" aria-label="z">${((value && value.cells) || []).map((cell, i) => {
  const safe = String(cell).replace(/[&<>"]/g, c => '&#' + c.charCodeAt(0) + ';');
  return `<label class="zed-cell"><span class="zed-name">z[${i}]</span><input type="text" inputmode="decimal" `
    + `autocomplete="off" spellcheck="false" data-index="${i}" aria-label="z[${i}]" value="${safe}"></label>`;
}).join('')}</div>"""

Z_CSS = """
.zed { display: flex; flex-wrap: wrap; gap: 8px; padding: 4px 0; }
.zed-cell { display: flex; flex-direction: column; gap: 2px; width: 7.4em; }
.zed-name { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--body-text-color-subdued); }
.zed input { width: 100%; box-sizing: border-box; font: 15px ui-monospace, SFMono-Regular, Menlo, monospace;
  padding: 6px 8px; border: 1px solid var(--border-color-primary); border-radius: 6px;
  background: var(--input-background-fill); color: var(--body-text-color); }
.zed input:focus { outline: 2px solid var(--color-accent); outline-offset: 1px; }
"""

#: Enter writes the cell (even with the value it already has: that is a write too); leaving a cell that was typed in
#: writes it as well; Escape puts the cell back. Each write is one 'commit' event.
Z_JS = """
let focusIndex = null;
let typed = null;  // {index, text}: what was typed into a cell since its last write
function commit(input) {
  typed = null;
  // The write travels as the event's data, fixed when it is made: writes queue on the server one after another,
  // and the component's value may be replaced by an earlier write's answer before a later write is sent.
  trigger('commit', { index: Number(input.dataset.index), text: input.value });
}
element.addEventListener('keydown', event => {
  const input = event.target.closest('input[data-index]');
  if (!input) return;
  if (event.key === 'Enter') { event.preventDefault(); commit(input); }
  if (event.key === 'Escape') { typed = null; input.value = props.value.cells[Number(input.dataset.index)]; }
});
element.addEventListener('input', event => {
  const input = event.target.closest('input[data-index]');
  if (input) typed = { index: Number(input.dataset.index), text: input.value };
});
element.addEventListener('focusin', event => {
  const input = event.target.closest('input[data-index]');
  if (input) focusIndex = Number(input.dataset.index);
});
element.addEventListener('focusout', event => {
  const input = event.target.closest('input[data-index]');
  if (input && input.isConnected && typed && typed.index === Number(input.dataset.index)) commit(input);
  if (event.relatedTarget && !element.contains(event.relatedTarget)) focusIndex = null;
});
// A new value re-renders the cells: focus goes back to the cell it was in, with what was being typed there (an
// answer that arrives while someone types must not wipe their typing).
watch('value', () => {
  // Every cell shows the new value (a re-render may keep the old input elements and their typed text), except the
  // one being typed into.
  element.querySelectorAll('input[data-index]').forEach(input => {
    const index = Number(input.dataset.index);
    const typing = typed && typed.index === index;
    const text = typing ? typed.text : props.value.cells[index];
    if (input.value === text) return;
    input.value = text;
    // A cell in focus but not typed into yet (say, just selected to be overwritten) gets its new value selected, so
    // the next key replaces it as it would have replaced the old one (not appended to it).
    if (!typing && document.activeElement === input) input.select();
  });
  if (focusIndex === null) return;
  const input = element.querySelector(`input[data-index="${focusIndex}"]`);
  if (input && document.activeElement !== input) {
    input.focus();
    if (!typed) input.select();
  }
});
"""

#: Run in the page when a write was refused: a fresh copy of the value re-renders the cells from the last good run.
RERENDER_JS = "(value) => ({ ...(value || {}), refused_at: Date.now() })"

PANELS_CSS = """
.lab-facts { border-collapse: collapse; width: 100%; font-size: 14px; }
.lab-facts th, .lab-facts td { border-bottom: 1px solid var(--border-color-primary); padding: 4px 8px;
  text-align: left; }
.lab-facts td { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.lab-backward p { margin: 0 0 6px; }
.lab-backward .lb-ran { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px;
  overflow-wrap: anywhere; }
.lab-backward .lb-wrong { color: #c62828; font-weight: 600; }
.lab-claims { list-style: none; padding: 0; margin: 0; }
.lab-claims li { padding: 6px 0; border-bottom: 1px solid var(--border-color-primary); }
.lab-claims .lc-claim { font-weight: 600; }
.lab-claims .lc-verdict { white-space: nowrap; margin-left: 4px; padding: 0 6px; border-radius: 4px; }
.lab-claims .lc-ok { color: #1b5e20; background: #e8f5e9; }
.lab-claims .lc-bad { color: #b71c1c; background: #fdecea; }
.lab-claims .lc-why { display: block; font-size: 13px; color: var(--body-text-color-subdued); }
"""
