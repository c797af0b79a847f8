"""The lab's autograd graph as an SVG the app draws itself (no Graphviz): x → y.grad_fn → y, z beside y, and the
tensors y.grad_fn saved, each with its version when saved and now (red when they differ)."""

from __future__ import annotations

from html import escape

from lab.detach import Run
from ui.i18n import words

WIDTH = 420  # narrow enough that the words stay readable when a phone scales the drawing down
BOX_W, BOX_H = 172, 50
SAVED_H = 64
LEFT, RIGHT = 10, WIDTH - 10 - BOX_W
RED, RED_FILL = "#c62828", "#fdecea"
BLUE, BLUE_FILL = "#3949ab", "#eef0fb"
GREY, GREY_FILL = "#5f6b7a", "#f4f6f8"


def _box(x: int, y: int, h: int, title: str, lines: list[str], stroke: str, fill: str, attrs: str = "") -> str:
    rows = "".join(
        f'<text x="{x + 10}" y="{y + 39 + 16 * n}" class="lg-sub">{escape(line)}</text>' for n, line in enumerate(lines)
    )
    return (
        f"<g {attrs}>"
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{h}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
        f'<text x="{x + 10}" y="{y + 20}" class="lg-title" fill="{stroke}">{escape(title)}</text>{rows}</g>'
    )


def _arrow(x1: float, y1: float, x2: float, y2: float, colour: str = GREY, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="2"{dash} '
        'marker-end="url(#lg-arrow)"/>'
    )


#: How z is tied to y (a run's ``link``) → the words on z's box, its colour, and whether the line to y is dashed.
LINKS = {
    "is_y": ("lab_graph_is_y", BLUE, False),
    "own_version": ("lab_graph_data", BLUE, False),
    "shared": ("lab_graph_shares", BLUE, False),
    "copy": ("lab_graph_copy", GREY, True),
}


def graph_svg(run: Run, language: str) -> str:
    """The graph of one lab run, with its words in ``language``; an SVG wrapped in a ``<figure>``."""
    said = words(language)
    saved = run.saved_tensors
    grad_fn = run.y_grad_fn or "None"
    x_y, fn_y, y_y = 10, 95, 180
    parts = [
        '<defs><marker id="lg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{GREY}"/></marker></defs>',
        _box(LEFT, x_y, BOX_H, "x", [f"{said['lab_graph_leaf']} · AccumulateGrad"], BLUE, BLUE_FILL, 'data-node="x"'),
        _arrow(LEFT + BOX_W / 2, x_y + BOX_H, LEFT + BOX_W / 2, fn_y - 2),
        _box(LEFT, fn_y, BOX_H, grad_fn, ["y.grad_fn"], BLUE, BLUE_FILL, 'data-node="grad_fn"'),
        _arrow(LEFT + BOX_W / 2, fn_y + BOX_H, LEFT + BOX_W / 2, y_y - 2),
        _box(LEFT, y_y, BOX_H, "y", [f"_version {run.y_version}"], BLUE, BLUE_FILL, 'data-node="y"'),
    ]
    # z beside y, joined to y's storage (not to the graph).
    z_y = max(y_y, fn_y - 8 + len(saved) * (SAVED_H + 8))
    link_key, link_colour, dashed = LINKS[run.link]
    z_lines = [f"_version {run.z_version}", f"requires_grad={run.z_requires_grad}", said[link_key]]
    z_fill, z_stroke = (BLUE_FILL, BLUE) if run.shares_storage else (GREY_FILL, GREY)
    parts.append(_box(RIGHT, z_y, BOX_H + 32, "z", z_lines, z_stroke, z_fill, 'data-node="z"'))
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    link_kind = "shares" if run.shares_storage else "copy"
    mid_y = y_y + BOX_H / 2
    parts.append(
        f'<path d="M{LEFT + BOX_W} {mid_y} H{(LEFT + BOX_W + RIGHT) / 2} V{z_y + BOX_H / 2} H{RIGHT}" fill="none" '
        f'stroke="{link_colour}" stroke-width="2"{dash} data-link="{link_kind}"/>'
    )
    # The saved tensors, to the right of the backward node.
    if not saved:
        parts.append(
            f'<text x="{RIGHT}" y="{fn_y + 30}" class="lg-sub">{escape(said["lab_graph_nothing_saved"])}</text>'
        )
    for n, entry in enumerate(saved):
        top = fn_y - 8 + n * (SAVED_H + 8)
        moved = entry.version_saved != entry.version_now
        of = said["lab_graph_constant"] if entry.of == "constant" else entry.of
        lines = [
            f"{said['lab_graph_of']} {of}",
            f"{said['lab_graph_saved']} v{entry.version_saved} · {said['lab_graph_now']} v{entry.version_now}",
        ]
        stroke, fill = (RED, RED_FILL) if moved else (GREY, GREY_FILL)
        attrs = f'data-saved="{escape(entry.name)}" data-moved="{str(moved).lower()}"'
        parts.append(_arrow(LEFT + BOX_W, fn_y + BOX_H / 2, RIGHT - 2, top + SAVED_H / 2, stroke, dashed=True))
        parts.append(_box(RIGHT, top, SAVED_H, entry.name, lines, stroke, fill, attrs))
    height = z_y + BOX_H + 40
    names = ", ".join(entry.name for entry in saved) or said["lab_graph_nothing_saved"]
    caption = said["lab_graph_caption"].format(names=names)
    label = f"{grad_fn}: " + "; ".join(f"{e.name} ({e.of}) v{e.version_saved} → v{e.version_now}" for e in saved)
    return (
        f'<figure class="lab-graph"><svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg><figcaption>{escape(caption)}</figcaption></figure>'
    )


GRAPH_CSS = """
.lab-graph { margin: 0; }
.lab-graph svg { width: 100%; max-width: 560px; height: auto; display: block; }
.lab-graph .lg-title { font: 600 16px ui-monospace, SFMono-Regular, Menlo, monospace; }
.lab-graph .lg-sub { font: 13.5px system-ui, sans-serif; fill: #334; }
.lab-graph figcaption { font-size: 13px; color: var(--body-text-color-subdued); margin-top: 4px; }
"""
