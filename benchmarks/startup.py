"""Cold start: from launching the server process to its first answer of /classify, app.py vs the bare baseline.

    python -m benchmarks.startup [--repeats 3]

Each start is a fresh subprocess (``python app.py`` or ``python -m benchmarks.baseline_app``, ``MNIST_DEVICE``
passed through), polled over HTTP every 50 ms until ``/gradio_api/info`` answers ("listening"), then one
gradio_client call of ``/classify`` with an example PNG ("first answer"). Starts alternate app, baseline, app, ...
one at a time, so they never overlap. Goal: app/baseline ≤ 1.5× for the first answer.
"""

from __future__ import annotations

import argparse
import sys
import time

from gradio_client import handle_file

from benchmarks.common import APP, BASELINE, Server, client, example_png, fmt, header, median, table

GOAL = 1.5


def cold_start(argv: list[str], name: str, png: str, timeout: float) -> tuple[float, float]:
    """(seconds to listening, seconds to the first /classify answer), both from the launch."""
    with Server(argv, name) as server:
        listening = server.wait(timeout=timeout, poll=0.05)
        client(server).predict(handle_file(png), api_name="/classify")
        return listening, time.perf_counter() - server.started_at


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=180, help="seconds one start may take")
    args = parser.parse_args(argv)

    png = str(example_png(7))
    results: dict[str, list[tuple[float, float]]] = {"app.py": [], "baseline": []}
    for _ in range(args.repeats):
        results["app.py"].append(cold_start(APP, "app.py", png, args.timeout))
        results["baseline"].append(cold_start(BASELINE, "baseline", png, args.timeout))

    header("Cold start to the first /classify answer (s)", "one start at a time, interleaved")
    rows = []
    for name, samples in results.items():
        rows.append(
            [
                name,
                len(samples),
                " ".join(fmt(first, 2) for _, first in samples),
                fmt(median([listening for listening, _ in samples]), 2),
                fmt(median([first for _, first in samples]), 2),
            ]
        )
    print(table(["server", "starts", "first answer, each", "median listening", "median first answer"], rows))
    ratio = median([s[1] for s in results["app.py"]]) / median([s[1] for s in results["baseline"]])
    verdict = "ok" if ratio <= GOAL else "over"
    print(f"\nratio app/baseline (median first answer): {ratio:.2f}× — goal ≤ {GOAL}× ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
