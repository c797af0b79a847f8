"""Soak: a few thousand mixed API calls from 8 clients against one app.py, watching the server's memory.

    python -m benchmarks.soak [--requests 2000] [--clients 8] [--sample-every 250]

The calls cycle through /classify (an example PNG), /predict (the Sketchpad dict with that PNG as background) and
/detach (x, op, mode, device, edits varied over the lab's choices). The server's resident memory (VmRSS from
/proc/<pid>/status) is sampled before the first call and after every ``--sample-every`` completed calls. Exit
status 1 when any call fails. Loopback only.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from gradio_client import handle_file

from benchmarks.common import APP, Server, client, example_png, fmt, header, percentile, rss_kib, table
from lab import detach as lab


def workload(index: int, pngs: list[str], devices: list[str]) -> tuple[str, tuple]:
    """The index-th call: (api_name, arguments), a fixed cycle through the three endpoints and their options."""
    kind = index % 3
    png = pngs[index % len(pngs)]
    if kind == 0:
        return "/classify", (handle_file(png),)
    if kind == 1:
        return "/predict", ({"background": handle_file(png), "layers": [], "composite": None},)
    ops, modes = list(lab.OPS), list(lab.MODES)
    values = ", ".join(str((index * 7 + offset) % 11 - 5) for offset in range(1 + index % 6))
    edits = [[step % (1 + index % 6), float(index % 97) + step / 4] for step in range(index % 4)]
    return "/detach", (
        values,
        ops[index % len(ops)],
        modes[(index // 3) % len(modes)],
        devices[index % len(devices)],
        edits,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--sample-every", type=int, default=250)
    parser.add_argument("--time-limit", type=float, default=3600, help="stop sending after this many seconds")
    args = parser.parse_args(argv)

    pngs = [str(example_png(digit)) for digit in range(10)]
    devices = lab.available_devices()
    counter = itertools.count()
    lock = threading.Lock()
    done = 0
    failures: list[str] = []
    times: dict[str, list[float]] = {"/classify": [], "/predict": [], "/detach": []}
    samples: list[tuple[int, float, int]] = []

    with Server(APP, "app.py") as server:
        server.wait()
        clients = [client(server) for _ in range(args.clients)]
        started = time.perf_counter()
        deadline = started + args.time_limit
        samples.append((0, 0.0, rss_kib(server.pid)))

        def user(c) -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                index = next(counter)
                if index >= args.requests:
                    return
                api_name, arguments = workload(index, pngs, devices)
                call_started = time.perf_counter()
                try:
                    c.predict(*arguments, api_name=api_name)
                    error = None
                except Exception as exc:  # noqa: BLE001 - every failure is recorded and fails the run
                    error = f"#{index} {api_name}: {type(exc).__name__}: {exc}"
                ms = (time.perf_counter() - call_started) * 1000
                with lock:
                    done += 1
                    times[api_name].append(ms)
                    if error:
                        failures.append(error)
                    if done % args.sample_every == 0:
                        samples.append((done, time.perf_counter() - started, rss_kib(server.pid)))

        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(user, clients))
        wall = time.perf_counter() - started
        if not samples or samples[-1][0] != done:
            samples.append((done, wall, rss_kib(server.pid)))

    header("Soak: server memory over mixed calls", f"{args.clients} clients, {done} calls in {wall:.0f} s")
    first = samples[0][2]
    print(
        table(
            ["calls", "seconds", "VmRSS MiB", "growth MiB"],
            [[n, fmt(t, 0), fmt(kib / 1024), fmt((kib - first) / 1024)] for n, t, kib in samples],
        )
    )
    print()
    print(
        table(
            ["endpoint", "calls", "p50 ms", "p95 ms"],
            [[name, len(ms), fmt(percentile(ms, 50)), fmt(percentile(ms, 95))] for name, ms in times.items()],
        )
    )
    after_warmup = samples[1][2] if len(samples) > 2 else first
    print(
        f"\ntotal growth: {(samples[-1][2] - first) / 1024:+.1f} MiB "
        f"({(samples[-1][2] - after_warmup) / 1024:+.1f} MiB after the first {samples[1][0] if len(samples) > 2 else 0}"
        f" calls); failed calls: {len(failures)} of {done}"
    )
    for line in failures[:20]:
        print("  " + line)
    return 1 if failures or done < args.requests else 0


if __name__ == "__main__":
    sys.exit(main())
