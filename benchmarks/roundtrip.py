"""Round trip of one API call through gradio_client: app.py against the do-nothing baseline, interleaved.

    python -m benchmarks.roundtrip [--calls 60] [--warmup 5]

Both servers run as subprocesses (``MNIST_DEVICE`` passes through), one client each. Calls alternate app,
baseline, app, baseline... so both see the same machine load; the ratio app/baseline is the app's own cost
(goal ≤ 1.10×). Each call includes the client's upload of the PNG, the queue and the result message.
"""

from __future__ import annotations

import argparse
import sys
import time

from gradio_client import handle_file

from benchmarks.common import APP, BASELINE, client, example_png, fmt, header, percentile, servers, table, timed

GOAL = 1.10


def calls(png: str) -> dict[str, tuple[tuple, str]]:
    """Endpoint → (arguments, api_name)."""
    return {
        "/classify": ((handle_file(png),), "/classify"),
        "/predict": (({"background": handle_file(png), "layers": [], "composite": None},), "/predict"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=60, help="timed calls per endpoint and server (default 60)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed calls per endpoint and server first")
    parser.add_argument("--time-limit", type=float, default=900, help="stop timing after this many seconds")
    args = parser.parse_args(argv)

    pngs = [str(example_png(digit)) for digit in (1, 7, 3, 8)]
    with servers((APP, "app.py"), (BASELINE, "baseline")) as (app, baseline):
        clients = {"app": client(app), "baseline": client(baseline)}
        times: dict[tuple[str, str], list[float]] = {}
        deadline = time.perf_counter() + args.time_limit
        for endpoint in ("/classify", "/predict"):
            for index in range(args.warmup):
                for c in clients.values():
                    arguments, api_name = calls(pngs[index % len(pngs)])[endpoint]
                    c.predict(*arguments, api_name=api_name)
            for index in range(args.calls):
                if time.perf_counter() > deadline:
                    print(f"time limit reached after {index} calls of {endpoint}", file=sys.stderr)
                    break
                # Alternate which server goes first, so neither always follows the other.
                order = ("app", "baseline") if index % 2 == 0 else ("baseline", "app")
                for name in order:
                    arguments, api_name = calls(pngs[index % len(pngs)])[endpoint]
                    ms, _ = timed(clients[name].predict, *arguments, api_name=api_name)
                    times.setdefault((endpoint, name), []).append(ms)

    header("Round trip through gradio_client (ms)", "app.py vs bare baseline, interleaved")
    rows = []
    for endpoint in ("/classify", "/predict"):
        app_ms, base_ms = times.get((endpoint, "app"), []), times.get((endpoint, "baseline"), [])
        ratio50 = percentile(app_ms, 50) / percentile(base_ms, 50)
        ratio90 = percentile(app_ms, 90) / percentile(base_ms, 90)
        rows.append(
            [
                endpoint,
                len(app_ms),
                fmt(percentile(app_ms, 50)),
                fmt(percentile(app_ms, 90)),
                fmt(percentile(base_ms, 50)),
                fmt(percentile(base_ms, 90)),
                f"{ratio50:.2f}×",
                f"{ratio90:.2f}×",
                "ok" if ratio50 <= GOAL else "over",
            ]
        )
    print(
        table(
            ["endpoint", "calls", "app p50", "app p90", "base p50", "base p90", "ratio p50", "ratio p90", "≤1.10×"],
            rows,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
