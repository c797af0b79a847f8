"""Teaching speed: one teaching call's server time and its split, against one live reading of the same drawing.

    python -m benchmarks.teach_speed [--calls 40] [--server-calls 20]

Part 1, in this process (the handlers' own code, no HTTP): for canvas PNGs (MNIST test digits re-drawn at
280–1024 px, as the page's canvas sends them), one teaching call = preprocessing (PNG → 28×28 field), the teaching
on the device (warps and replay batch, then the steps), and rendering the report panel. The baseline is what one
stroke costs: a live reading of the same PNG (preprocessing, the forward pass with saliency, the insight panel).
Each session teaches 3 times (its earlier drawings join the batch), as a visitor would.

Part 2, through a real ``python app.py`` and gradio_client: the ``/teach`` round trip against ``/classify`` of the
same file, interleaved, and the server time each /teach reports. The first teaching of a fresh server is shown
apart (it warms up autograd). Goal: a teaching call ≤ 100 ms of server time on a CPU.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import APP, ROOT, Server, client, fmt, header, percentile, table, timed

DATA = ROOT / "tests" / "data" / "mnist_test_2000.npz"


def canvas_pngs(count: int, seed: int = 0) -> list[tuple[bytes, int]]:
    """(PNG bytes, digit) of ``count`` canvas drawings made from MNIST test digits."""
    from model.canvas_synth import draw_canvas

    with np.load(DATA) as data:
        images, labels = data["images"], data["labels"]
    rng = np.random.default_rng(seed)
    drawings = []
    for index in rng.choice(len(images), count, replace=False):
        buffer = io.BytesIO()
        draw_canvas(images[index], rng, style="black_on_white").image.save(buffer, format="PNG")
        drawings.append((buffer.getvalue(), int(labels[index])))
    return drawings


def in_process(calls: int) -> None:
    os.environ.setdefault("MNIST_DEVICE", "cpu")
    import compute
    from compute import network_reading
    from model.preprocess import decode_data_url, ink_map, mnist_field
    from ui import teach_panel
    from ui.render import insight_html

    drawings = canvas_pngs(calls)
    urls = ["data:image/png;base64," + base64.b64encode(png).decode() for png, _ in drawings]
    captions = dict.fromkeys(("input", "saliency", "hidden1", "hidden2"), "")
    columns: dict[str, list[float]] = {
        key: [] for key in ("preprocess", "prepare", "steps", "render", "teaching call", "live reading")
    }

    def live_reading(url: str) -> str:
        field = mnist_field(ink_map(decode_data_url(url)))
        return insight_html(field, network_reading(field).value, captions)

    teach_panel.teach_field(None, mnist_field(ink_map(decode_data_url(urls[0]))), 0)  # warm-up, not counted
    for index, (url, (_, digit)) in enumerate(zip(urls, drawings)):
        session = f"bench-{index // 3}"  # three teachings per visitor
        started = time.perf_counter()
        image = decode_data_url(url)
        field = mnist_field(ink_map(image))
        prepared = time.perf_counter()
        head, report = teach_panel.teach_field(teach_panel.STORE.get(session), field, (digit + 1) % 10)
        teach_panel.STORE.put(session, head)
        report.update(preprocess_ms=(prepared - started) * 1000, server_ms=(time.perf_counter() - started) * 1000)
        teach_panel.report_html(report, "en")
        total = (time.perf_counter() - started) * 1000
        read_ms, _ = timed(live_reading, url)
        for key, value in (
            ("preprocess", report["preprocess_ms"]),
            ("prepare", report["prepare_ms"]),
            ("steps", report["steps_ms"]),
            ("render", report["render_ms"]),
            ("teaching call", total),
            ("live reading", read_ms),
        ):
            columns[key].append(value)
    header("Teaching call, in process (server time, ms)", f"{calls} calls, device {compute.TEACHER.device}")
    rows = [[key, fmt(percentile(v, 50), 2), fmt(percentile(v, 90), 2), fmt(max(v), 2)] for key, v in columns.items()]
    print(table(["part", "p50", "p90", "max"], rows))
    ratio = percentile(columns["teaching call"], 50) / percentile(columns["live reading"], 50)
    print(f"\nteaching call / live reading (p50): {ratio:.1f}×; goal: teaching call ≤ 100 ms")
    print(f"(steps: {compute.TEACHER.steps}; batch per teaching: the drawing + warps + earlier drawings + replay)\n")


def through_server(calls: int) -> None:
    from gradio_client import handle_file

    folder = Path(tempfile.mkdtemp(prefix="teach-bench-"))
    paths = []
    for index, (png, digit) in enumerate(canvas_pngs(calls, seed=1)):
        path = folder / f"{index}.png"
        path.write_bytes(png)
        paths.append((str(path), digit))
    with Server(APP, "app.py") as server:
        server.wait()
        visitor, other = client(server), client(server)
        first_ms, first = timed(visitor.predict, image=handle_file(paths[0][0]), digit=1, api_name="/teach")
        teach_rt, classify_rt, server_ms = [], [], []
        for path, digit in paths:
            ms, report = timed(visitor.predict, image=handle_file(path), digit=(digit + 1) % 10, api_name="/teach")
            teach_rt.append(ms)
            server_ms.append(report["server_ms"])
            classify_rt.append(timed(other.predict, handle_file(path), api_name="/classify")[0])
    header("Teaching through app.py and gradio_client (ms)", f"{calls} calls each, interleaved")
    rows = [
        ["/teach round trip", fmt(percentile(teach_rt, 50)), fmt(percentile(teach_rt, 90))],
        ["/teach server time (its report)", fmt(percentile(server_ms, 50)), fmt(percentile(server_ms, 90))],
        ["/classify round trip (baseline)", fmt(percentile(classify_rt, 50)), fmt(percentile(classify_rt, 90))],
    ]
    print(table(["call", "p50", "p90"], rows))
    print(f"\n/teach / /classify round trip (p50): {percentile(teach_rt, 50) / percentile(classify_rt, 50):.2f}×")
    print(f"first teaching of a fresh server: {first_ms:.0f} ms round trip, {first['server_ms']:.0f} ms server time\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=40, help="teaching calls in process")
    parser.add_argument("--server-calls", type=int, default=20, help="/teach calls through the server (0: skip)")
    args = parser.parse_args(argv)
    in_process(args.calls)
    if args.server_calls:
        through_server(args.server_calls)


if __name__ == "__main__":
    main()
