"""The Train tab: the seed's network trained live with the Quickstart's loop, Compare, and the /train endpoint.

The logic is in ``model/quickstart.py`` (facts, no words) and the GPU call in ``compute.py`` (``train_chunk``);
this module turns the facts into the page, in the page's language. A run streams: the handler is a generator that
yields the page after each chunk. The model a visitor trains is kept for their session (:data:`STORE`: at most
``quickstart.STORE_CAPACITY`` sessions, least recently used dropped first, freed when the page closes), and the Draw
tab's "Read with" radio (:func:`model_choice`) lets its readings come from it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr
import numpy as np

import compute
from model import quickstart
from model.inference import CLASS_NAMES, Reading
from model.quickstart import NETWORKS, OPTIMIZERS, TrainConfig, TrainInputError
from model.unsure import label_value
from ui.errors import refuse, translated
from ui.gpu_words import device_words, reason_words
from ui.i18n import text
from ui.language import page_language

STORE = quickstart.ModelStore()
COLOURS = {"fixed": "#4f46e5", "relu_on_logits": "#ea580c"}
PAGE_EVENT = dict(api_visibility="private", show_progress="hidden")
# One run at a time on this server (a run is seconds of full-speed work; on 2 CPU cores two would only halve each).
ONE_RUN = dict(concurrency_id="train", concurrency_limit=1)

TRAIN_DESCRIPTION = (
    "Trains PyTorch Quickstart's MLP on MNIST digits with the Quickstart's train/test loop, on the GPU where there "
    "is one, and returns a JSON report: loss (the mean loss of each logged window of steps) with loss_steps (the step "
    "each ends at), test_accuracy (0-1, at the end) with checkpoints ([step, accuracy] pairs), dead_classes (output "
    "<= 0 for every test digit and never predicted), device, examples_per_s, train_seconds, gpu_seconds_requested "
    "(under ZeroGPU), data and program (the code that reproduces the run). network='as_given' does not build: "
    "error holds what PyTorch raised. The model is kept for this session."
)


# --- settings and refusals ---------------------------------------------------------------------------------------


def checked_config(values: tuple, language: str, where: str) -> TrainConfig:
    """(network, optimizer, lr, batch_size, steps, seed) → the checked config, or a refusal in ``language``."""
    try:
        return TrainConfig(*values).checked()
    except TrainInputError as error:
        english = translated(error, "en", "train_err_")
        raise refuse(translated(error, language, "train_err_"), language, where=where, english=english) from error


def network_name(network: str, language: str) -> str:
    return text(f"train_net_{network}", language)


# --- the page's views of the facts -------------------------------------------------------------------------------

def status_html(facts: dict | None, language: str, done: bool = False, asked: int | None = None) -> str:
    """The line under the buttons: running or done, step, device, speed, GPU seconds asked, the data used."""
    if facts is None:
        return f'<p data-testid="train-status">{html.escape(text("train_idle", language))}</p>'
    parts = [text("train_done" if done else "train_running", language)]
    if facts.get("device"):
        rate = facts.get("examples_per_s") or 0
        device, fallback = facts["device"], facts.get("gpu_unavailable")
        parts.append(
            text("train_progress", language).format(
                step=facts["step"], steps=facts["steps"], device=device, rate=f"{rate:,.0f}",
                seconds=f"{facts['train_seconds']:.1f}",
            )
        )  # fmt: skip
        if fallback:
            parts.append(text("train_cpu_fallback", language).format(reason=reason_words(fallback, language)))
    if asked:
        parts.append(text("train_gpu_asked", language).format(seconds=asked, calls=facts["chunks"]))
    data = facts["data"]
    parts.append(text(f"train_data_{data['source']}", language).format(train=data["train"], test=data["test"]))
    lines = "<br>".join(f"<span>{html.escape(part)}</span>" for part in parts)
    return f'<p class="train-status" data-testid="train-status" data-done="{str(done).lower()}">{lines}</p>'


def _polyline(points: list[tuple[float, float]], colour: str, testid: str) -> str:
    joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (
        f'<polyline data-testid="{testid}" data-points="{len(points)}" points="{joined}" fill="none" '
        f'stroke="{colour}" stroke-width="2"/>'
    )


def curve_svg(facts: dict | None, language: str) -> str:
    """Each network's loss (a line, left axis) and test accuracy at checkpoints (dots, right axis, 0–100%), against
    the step on a fixed axis from 0 to the run's last step, so the curve grows left to right."""
    width, height, left, right, top, bottom = 640, 240, 44, 44, 12, 30
    runs = list((facts or {}).get("networks", {}).values())
    steps = (facts or {}).get("steps") or 1
    peak = max([value for run in runs for _, value in run["loss"]] + [2.5])
    x = lambda step: left + (width - left - right) * step / steps  # noqa: E731
    y = lambda value, top_value: top + (height - top - bottom) * (1 - value / top_value)  # noqa: E731
    axis = 'stroke="currentColor" stroke-opacity="0.4"'
    parts = [
        f'<svg class="train-curve" data-testid="train-curve" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(text("train_axis_loss", language).format(every=""))}">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" {axis}/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" {axis}/>',
        f'<line x1="{width - right}" y1="{top}" x2="{width - right}" y2="{height - bottom}" {axis}/>',
    ]
    for label, value, anchor, at in ((f"{peak:.1f}", peak, "end", left - 4), ("0", 0, "end", left - 4)):
        parts.append(_text(at, y(value, peak) + 4, label, anchor))
    parts += [
        _text(width - right + 4, top + 8, "100%", "start"),
        _text(width - right + 4, height - bottom, "0%", "start"),
    ]
    parts.append(
        _text((left + width - right) / 2, height - 6, f"{text('train_axis_step', language)} 0–{steps}", "middle")
    )
    for run in runs:
        colour = COLOURS.get(run["network"], "#4f46e5")
        loss = [(x(step), y(value, peak)) for step, value in run["loss"]]
        parts.append(_polyline(loss, colour, f"train-loss-{run['network']}"))
        for step, accuracy in run["test_accuracy"]:
            parts.append(
                f'<circle data-testid="train-accuracy-{run["network"]}" cx="{x(step):.1f}" cy="{y(accuracy, 1):.1f}" '
                f'r="4" fill="{colour}"><title>{step}: {accuracy:.1%}</title></circle>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _text(x: float, y: float, words: str, anchor: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="11" fill="currentColor">'
        f"{html.escape(words)}</text>"
    )


def legend_html(facts: dict | None, language: str) -> str:
    """The curve's key: each network's colour and name, and what the axes are."""
    if not facts or not facts.get("networks"):
        return ""
    every = facts["settings"]["steps"] and TrainConfig(**facts["settings"]).log_every
    keys = "".join(
        f'<span class="train-key" style="background:{COLOURS.get(network, "#4f46e5")}"></span>'
        f"{html.escape(network_name(network, language))} "
        for network in facts["networks"]
    )
    axes = f"{text('train_axis_loss', language).format(every=every)} · {text('train_axis_accuracy', language)}"
    return f'<p class="train-legend">{keys}<br>{html.escape(axes)}</p>'


def results_html(facts: dict | None, language: str) -> str:
    """Each network's test accuracy (last and at each checkpoint) and its dead classes; or the build error."""
    if not facts:
        return ""
    if "error" in facts:
        error = facts["error"]
        said = text("train_error", language).format(**error)
        fix = text("train_fix", language).format(line=error["line"], fix=error["fix"])
        paragraphs = f"<p>{html.escape(said)}</p><p>{html.escape(fix)}</p>"
        return f'<div class="train-results" data-testid="train-error">{paragraphs}</div>'
    rows = []
    for network, run in facts["networks"].items():
        if not run["test_accuracy"]:
            continue
        step, accuracy = run["test_accuracy"][-1]
        checkpoints = ", ".join(f"{s}: {a:.1%}" for s, a in run["test_accuracy"])
        said = text("train_result", language).format(
            name=network_name(network, language), accuracy=f"{accuracy:.1%}", step=step, checkpoints=checkpoints
        )
        dead = run["dead_classes"]
        dead_words = (
            text("train_dead", language).format(classes=", ".join(map(str, dead)))
            if dead
            else text("train_no_dead", language)
        )
        rows.append(
            f'<li data-testid="train-result-{network}" data-accuracy="{accuracy:.4f}" '
            f'data-dead="{",".join(map(str, dead))}">{html.escape(said)} {html.escape(dead_words)}</li>'
        )
    return f'<ul class="train-results" data-testid="train-results">{"".join(rows)}</ul>'


def code_html(network: str, language: str) -> str:
    """The network's class as it runs, numbered; as given, the line PyTorch refuses marked with its error, live;
    with the ReLU on the logits, that ReLU marked."""
    lines = quickstart.network_source(network).rstrip().splitlines()
    marks: dict[int, str] = {}
    if network == "as_given":
        error = quickstart.as_given_error()
        marks[error.line] = f"{error.type}: {error.message}  →  {error.fix}"
    elif network == "relu_on_logits":
        last = max(i for i, line in enumerate(lines, 1) if "nn.Linear(512, 10)" in line)
        marks[last + 1] = text("train_relu_mark", language)
    rows = []
    for number, line in enumerate(lines, 1):
        code = f"{number:>2}  {html.escape(line)}"
        if number in marks:
            code = f'<mark data-testid="train-marked-line">{code}</mark>  <em>{html.escape(marks[number])}</em>'
        rows.append(code)
    return f'<pre class="train-code" data-testid="train-code"><code>{chr(10).join(rows)}</code></pre>'


def program_text(config: TrainConfig, networks: tuple[str, ...], language: str) -> str:
    """The program that reproduces the run (for Compare, the fixed network's, with a comment)."""
    first = TrainConfig(**{**config.__dict__, "network": networks[0]})
    note = text("train_program_compare", language) if len(networks) > 1 else ""
    return note + quickstart.program(first, quickstart.load_data())


# --- handlers ----------------------------------------------------------------------------------------------------


def _views(facts: dict | None, language: str, done: bool, asked: int | None) -> tuple[str, str, str]:
    """(status, curve with its key, results) for the facts so far."""
    curve = curve_svg(facts, language) + legend_html(facts, language)
    return status_html(facts, language, done, asked), curve, results_html(facts, language)


def stream_run(
    config: TrainConfig, networks: tuple[str, ...], language: str, session: str | None
) -> Iterator[tuple[str, str, str, str, str, Any]]:
    """The run, chunk by chunk: (status, curve, results, network code, program, the Draw tab's radio) after each;
    at the end the first network's model is kept for the session and the Draw tab's "Read with" radio appears."""
    asked = None if "as_given" in networks else compute.train_gpu_seconds(config, len(networks))  # as given: no run
    # Compare shows the class with the ReLU on the logits (its one difference marked) and the fixed one's program.
    code, program = code_html(networks[-1], language), program_text(config, networks, language)
    progress = None
    for progress in quickstart.run(config, compute.train_chunk, networks=networks):
        yield *_views(progress.facts, language, False, asked), code, program, gr.skip()
    facts = progress.facts if progress is not None else None
    shown = gr.skip()
    if progress is not None and progress.states and session:
        STORE.put(session, quickstart.TrainedModel(networks[0], progress.states[networks[0]], facts))
        shown = gr.update(visible=True)
    yield *_views(facts, language, True, asked), code, program, shown


def train_from_page(
    network: str,
    optimizer: str,
    lr: float,
    batch_size: int,
    steps: int,
    seed: int,
    browser_language: str,
    request: gr.Request,
) -> Iterator[tuple]:
    """The Train button: the chosen network, streamed."""
    language = page_language(browser_language, request)
    config = checked_config((network, optimizer, lr, batch_size, steps, seed), language, "train")
    yield from stream_run(config, (config.network,), language, request.session_hash)


def compare_from_page(
    network: str,
    optimizer: str,
    lr: float,
    batch_size: int,
    steps: int,
    seed: int,
    browser_language: str,
    request: gr.Request,
) -> Iterator[tuple]:
    """The Compare button: the fixed network and the one with the ReLU on the logits, on the same batches from the
    same start, whichever network is chosen."""
    language = page_language(browser_language, request)
    config = checked_config((network, optimizer, lr, batch_size, steps, seed), language, "compare")
    yield from stream_run(config, quickstart.COMPARED, language, request.session_hash)


def idle_status(browser_language: str, request: gr.Request) -> str:
    """The status line before any run, in the page's language (on load)."""
    return status_html(None, page_language(browser_language, request))


def show_network(network: str, browser_language: str, request: gr.Request) -> str:
    """The chosen network's code (as given: with PyTorch's error, raised live)."""
    language = page_language(browser_language, request)
    return code_html(network if network in NETWORKS else "fixed", language)


def train(
    network: str = "fixed",
    optimizer: str = "Adam",
    lr: float = 0.001,
    batch_size: int = 64,
    steps: int = 300,
    seed: int = 0,
    request: gr.Request = None,
) -> dict:
    """Train the Quickstart MLP and report what happened (see the endpoint's description).

    Parameters:
        network: "fixed", "relu_on_logits" (the seed's, ReLU after the last layer) or "as_given" (does not build)
        optimizer: "SGD" (the Quickstart's) or "Adam"
        lr: the learning rate, above 0 and at most 10
        batch_size: 1 to 512
        steps: optimiser steps, 1 to 2000
        seed: 0 to 2**31 - 1; the same seed and settings give the same run
    """
    language = page_language(None, request)
    config = checked_config((network, optimizer, lr, batch_size, steps, seed), language, "/train")
    *_, progress = quickstart.run(config, compute.train_chunk)  # the last facts: the whole run
    session = getattr(request, "session_hash", None)
    if progress.states and session:
        STORE.put(session, quickstart.TrainedModel(config.network, progress.states[config.network], progress.facts))
    return api_report(progress.facts, config)


def api_report(facts: dict, config: TrainConfig) -> dict:
    """The run's facts as /train's JSON."""
    run = facts["networks"][config.network]
    report = {
        "network": config.network,
        "settings": facts["settings"],
        "loss": [value for _, value in run["loss"]],
        "loss_steps": [step for step, _ in run["loss"]],
        "test_accuracy": run["test_accuracy"][-1][1] if run["test_accuracy"] else None,
        "checkpoints": run["test_accuracy"],
        "test_loss": run.get("test_loss"),
        "dead_classes": run["dead_classes"],
        "never_predicted": run["never_predicted"],
        "device": device_words(facts["device"], facts.get("gpu_unavailable"), "en"),  # as /teach says it
        "gpu_unavailable": facts.get("gpu_unavailable"),  # why the CPU trained instead of the GPU, or None
        "examples_per_s": facts["examples_per_s"],
        "train_seconds": facts["train_seconds"],
        "gpu_seconds_requested": None if "error" in facts else compute.train_gpu_seconds(config),
        "data": facts["data"],
        "program": quickstart.program(config, quickstart.load_data()),
    }
    if "error" in facts:
        report["error"] = facts["error"]
    return report


# --- the Draw tab's reading with the visitor's model -------------------------------------------------------------


def trained_readings(session: str | None, field: np.ndarray, reading: Reading) -> tuple[dict[str, float], Any] | None:
    """When the session reads with its trained model: (its probabilities of the 28×28 ``field``, the update of the
    shipped model's label beside it, showing ``reading``); else ``None``."""
    model = STORE.reader(session)
    if model is None:
        return None
    probabilities = model.probabilities(field)
    shipped = label_value(reading.probabilities)
    shipped["confidences"] = shipped["confidences"][:3]
    return {name: float(p) for name, p in zip(CLASS_NAMES, probabilities)}, gr.update(value=shipped, visible=True)


def model_choice(I18N: gr.I18n) -> gr.Radio:
    """The Draw tab's "Read with" radio: the shipped model or the one this visitor trained (shown once they have)."""
    choices = [(I18N("train_read_shipped"), "shipped"), (I18N("train_read_trained"), "trained")]
    return gr.Radio(choices, value="shipped", label=I18N("train_read_with"), visible=False, elem_id="draw-model")


def choose_model(choice: str, request: gr.Request) -> None:
    STORE.choose(request.session_hash, choice == "trained")


def wire_model_choice(radio: gr.Radio, reread: Callable[..., Any], inputs: list, outputs: list) -> None:
    """A change of the radio sets the session's choice, then the Draw tab reads what it shows again."""
    radio.change(choose_model, radio, None, **PAGE_EVENT).then(
        reread, inputs, outputs, preprocess=False, postprocess=False, **PAGE_EVENT
    )


def end_session(request: gr.Request) -> None:
    """The page was closed: its trained model goes with it."""
    STORE.forget(request.session_hash)


# --- the page ----------------------------------------------------------------------------------------------------

CSS = """
.train-status span { margin-right: 4px; }
.train-curve { width: 100%; max-width: 640px; height: auto; display: block; }
.train-key { display: inline-block; width: 12px; height: 4px; margin: 0 4px 3px 8px; vertical-align: middle; }
.train-legend { font-size: 13px; margin: 4px 0; }
.train-results { font-size: 14px; }
.train-code { font-size: 12px; padding: 8px; border-radius: 6px; background: var(--code-background-fill, #f4f4f5);
  overflow-x: auto; white-space: pre-wrap; }
.train-code mark { background: #fde68a; color: #111; border-radius: 3px; }
"""

# The program's panel: one fixed line height for text and line numbers (CodeMirror's estimate drifts from the theme's,
# as in the lab); arrow keys move between a radio group's options (Gradio names each radio input apart), as in the lab.
HEAD = """<style>
#train-program .cm-foldGutter { display: none !important; }
#train-program .cm-line { line-height: 18px; }
#train-program .cm-gutterElement:not([style*="hidden"]) { height: 18px !important; line-height: 18px; }
</style>
<script>
document.addEventListener('keydown', event => {
  const radio = event.target;
  const steps = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  const groups = '#train-network, #train-optimizer, #draw-model';
  if (!(event.key in steps) || radio.type !== 'radio' || !radio.closest(groups)) return;
  const group = [...radio.closest('.wrap').querySelectorAll('input[type=radio]')];
  const next = group[(group.indexOf(radio) + steps[event.key] + group.length) % group.length];
  event.preventDefault();
  next.click();
  next.focus();
});
</script>"""


def render(language: gr.Textbox, I18N: gr.I18n, read_with: gr.Radio) -> None:
    """The tab's components and events (call inside ``with gr.Tab(...)``); ``read_with`` is the Draw tab's radio
    (:func:`model_choice`), shown once this visitor has trained."""
    gr.Markdown(I18N("train_heading"))
    gr.Markdown(I18N("train_help"))
    with gr.Row():
        choices = [(I18N(f"train_net_{network}"), network) for network in NETWORKS]
        network = gr.Radio(choices, value="fixed", label=I18N("train_network"), elem_id="train-network")
        optimizer = gr.Radio(list(OPTIMIZERS), value="Adam", label=I18N("train_optimizer"), elem_id="train-optimizer")
    with gr.Row():
        lr = gr.Number(0.001, label=I18N("train_lr"), elem_id="train-lr", min_width=120)
        batch_size = gr.Number(64, precision=0, label=I18N("train_batch_size"), elem_id="train-batch", min_width=120)
        steps = gr.Number(300, precision=0, label=I18N("train_steps"), elem_id="train-steps", min_width=120)
        seed = gr.Number(0, precision=0, label=I18N("train_seed"), elem_id="train-seed", min_width=120)
    with gr.Row():
        start = gr.Button(I18N("train_button"), variant="primary", elem_id="train-button")
        compare = gr.Button(I18N("train_compare"), elem_id="train-compare")
    status = gr.HTML(status_html(None, "en"), elem_id="train-status", head=HEAD)
    curve = gr.HTML(curve_svg(None, "en"), elem_id="train-curve", css_template=CSS)
    results = gr.HTML("", elem_id="train-results", css_template=CSS)
    with gr.Row():
        with gr.Column(min_width=300):
            gr.Markdown(I18N("train_code_heading"))
            code = gr.HTML(code_html("fixed", "en"), elem_id="train-network-code", css_template=CSS)
        with gr.Column(min_width=300):
            gr.Markdown(I18N("train_program_heading"))
            program = gr.Code(language="python", interactive=False, show_label=False, elem_id="train-program")

    settings = [network, optimizer, lr, batch_size, steps, seed, language]
    outputs = [status, curve, results, code, program, read_with]
    start.click(train_from_page, settings, outputs, **PAGE_EVENT, **ONE_RUN)
    compare.click(compare_from_page, settings, outputs, **PAGE_EVENT, **ONE_RUN)
    network.change(show_network, [network, language], code, **PAGE_EVENT)
    language.change(idle_status, language, status, **PAGE_EVENT)
    gr.api(train, api_name="train", api_description=TRAIN_DESCRIPTION, **ONE_RUN)
    root = gr.context.Context.root_block
    if root is not None:
        root.unload(end_session)
