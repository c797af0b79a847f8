"""/classify under load: app.py (concurrent calls share a forward pass, up to 64) against one pass a call.

    python -m benchmarks.throughput [--requests 20] [--clients 1,16] [--rounds 1]

Each simulated user is a thread with its own gradio_client.Client, sending ``--requests`` calls back to back (an
example PNG, uploaded each time). Both servers run at once (``MNIST_DEVICE`` passed through); the phases take
turns — batched at 1 user, unbatched at 1 user, batched at 16, unbatched at 16 — and ``--rounds`` repeats them in
alternating order. Requests/s is all calls of a phase over its wall time; p50/p95 are per call. Goal: the shared
pass no slower at 1 user and faster at 16.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from gradio_client import handle_file

from benchmarks.common import APP, UNBATCHED, client, example_png, fmt, header, percentile, servers, table


def phase(clients: list, requests: int, pngs: list[str], timeout: float) -> tuple[float, list[float], int]:
    """All clients at once, ``requests`` calls each: (wall seconds, per-call ms, failures)."""
    barrier = threading.Barrier(len(clients) + 1)
    deadline = time.perf_counter() + timeout

    def user(index: int, c) -> tuple[list[float], int]:
        times, failures = [], 0
        barrier.wait()
        for call in range(requests):
            if time.perf_counter() > deadline:
                break
            started = time.perf_counter()
            try:
                c.predict(handle_file(pngs[(index + call) % len(pngs)]), api_name="/classify")
            except Exception as error:  # noqa: BLE001 - a failure is counted and reported, not fatal here
                failures += 1
                print(f"user {index}: {error}", file=sys.stderr)
                continue
            times.append((time.perf_counter() - started) * 1000)
        return times, failures

    with ThreadPoolExecutor(len(clients)) as pool:
        futures = [pool.submit(user, index, c) for index, c in enumerate(clients)]
        barrier.wait()
        started = time.perf_counter()
        results = [future.result() for future in futures]
        wall = time.perf_counter() - started
    return wall, [ms for times, _ in results for ms in times], sum(failures for _, failures in results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20, help="calls per user (default 20)")
    parser.add_argument("--clients", default="1,16", help="numbers of concurrent users (default 1,16)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat every phase this many times")
    parser.add_argument("--phase-timeout", type=float, default=300, help="seconds one phase may run")
    args = parser.parse_args(argv)
    user_counts = [int(value) for value in args.clients.split(",")]

    pngs = [str(example_png(digit)) for digit in range(10)]
    results: dict[tuple[str, int], list] = {}
    with servers((APP, "batched"), (UNBATCHED, "unbatched")) as started:
        variants = {server.name: server for server in started}
        most = max(user_counts)
        with ThreadPoolExecutor(8) as pool:
            pools = {
                name: list(pool.map(lambda _, s=server: client(s), range(most))) for name, server in variants.items()
            }
        for name in variants:  # warm-up: every client once
            phase(pools[name], 1, pngs, args.phase_timeout)
        for round_index in range(args.rounds):
            order = list(variants) if round_index % 2 == 0 else list(reversed(variants))
            for users in user_counts:
                for name in order:
                    wall, times, failures = phase(pools[name][:users], args.requests, pngs, args.phase_timeout)
                    entry = results.setdefault((name, users), [0.0, [], 0])
                    entry[0] += wall
                    entry[1].extend(times)
                    entry[2] += failures

    header("/classify throughput: batched (app.py) vs unbatched", f"{args.requests} calls per user")
    rows = []
    for users in user_counts:
        for name in ("batched", "unbatched"):
            wall, times, failures = results[(name, users)]
            rows.append(
                [
                    name,
                    users,
                    len(times),
                    failures,
                    fmt(len(times) / wall if wall else float("nan")),
                    fmt(percentile(times, 50)),
                    fmt(percentile(times, 95)),
                ]
            )
    print(table(["variant", "users", "calls", "failed", "requests/s", "p50 ms", "p95 ms"], rows))
    print()
    for users in user_counts:
        batched, unbatched = results[("batched", users)], results[("unbatched", users)]
        speedup = (len(batched[1]) / batched[0]) / (len(unbatched[1]) / unbatched[0])
        print(f"{users} user(s): batched/unbatched requests/s = {speedup:.2f}×")
    return 1 if any(entry[2] for entry in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
