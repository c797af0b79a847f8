"""Teaching memory: 1,000 sessions that taught stay within the store's cap, and a soak of teachings does not grow.

    python -m benchmarks.teach_memory [--sessions 1000] [--soak 600] [--clients 8] [--sample-every 100]

Part 1, in this process: ``--sessions`` visitors each teach once (a real teaching of an MNIST test digit, through
ui/teach_panel.py's store); the store's arrays and the process's resident memory before and after, per session.
Then the cap: 1.2× ``CAPACITY`` sessions put into a fresh store keep exactly ``CAPACITY`` (least recently used
dropped) and what that costs at most.

Part 2, a real ``python app.py`` and gradio_client: ``--clients`` visitors at once send ``--soak`` /teach calls in
total (each visitor's lessons fill up to the kept limit, then stay there); every ``--sample-every`` calls a new
set of visitors takes over, so sessions keep coming. The server's VmRSS is sampled as it goes; after the warm-up
it should stay flat apart from the store's own ~26 KB per new session (``--same-clients``: no new sessions).
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks.common import APP, ROOT, Server, client, fmt, header, rss_kib, table

DATA = ROOT / "tests" / "data" / "mnist_test_2000.npz"


def in_process(sessions: int) -> None:
    os.environ.setdefault("MNIST_DEVICE", "cpu")
    from model.teach import CAPACITY, SessionStore
    from ui import teach_panel

    with np.load(DATA) as data:
        fields, labels = data["images"].astype(np.float32) / 255, data["labels"]
    teach_panel.teach_field(None, fields[0], 1)  # warm-up
    rss_before, started = rss_kib(os.getpid()), time.perf_counter()
    for index in range(sessions):
        head, _ = teach_panel.teach_field(None, fields[index % len(fields)], int(labels[index % len(labels)]))
        teach_panel.STORE.put(f"visitor-{index}", head)
    seconds = time.perf_counter() - started
    rss_after = rss_kib(os.getpid())
    store = teach_panel.STORE
    header(
        "Sessions that taught, in process",
        f"{sessions} visitors, one teaching each, device {teach_panel.TEACHER.device}",
    )
    print(
        table(
            ["sessions kept", "cap", "store arrays", "per session", "process RSS growth", "per session (RSS)", "time"],
            [
                [
                    len(store),
                    store.capacity,
                    f"{store.nbytes / 2**20:.1f} MiB",
                    f"{store.nbytes / max(len(store), 1) / 1024:.1f} KiB",
                    f"{(rss_after - rss_before) / 1024:.1f} MiB",
                    f"{(rss_after - rss_before) / max(sessions, 1):.1f} KiB",
                    f"{seconds:.1f} s",
                ]
            ],
        )
    )
    one = store.get(store.sessions()[-1])
    full = SessionStore(CAPACITY)
    for index in range(CAPACITY * 6 // 5):
        full.put(f"visitor-{index}", one)
    print(
        f"\nCap: {CAPACITY * 6 // 5} sessions into a store of {CAPACITY} keep {len(full)} "
        f"({full.evicted} least recently used dropped). The store reserves {full.reserved_bytes / 2**20:.0f} MiB "
        f"for {CAPACITY} layers with up to {full.lessons_kept} kept drawings each "
        f"({full.reserved_bytes / CAPACITY / 1024:.1f} KiB a session), resident only as rows are written.\n"
    )


def soak(calls: int, clients: int, sample_every: int, new_visitors: bool = True) -> None:
    from gradio_client import handle_file

    with np.load(DATA) as data:
        images, labels = data["images"], data["labels"]
    folder = Path(tempfile.mkdtemp(prefix="teach-soak-"))
    from PIL import Image

    files = []
    for index in range(50):
        path = folder / f"{index}.png"
        Image.fromarray(255 - images[index]).save(path)
        files.append((str(path), int(labels[index])))

    with Server(APP, "app.py") as server:
        server.wait()
        counter = itertools.count()
        lock = threading.Lock()
        samples = [(0, rss_kib(server.pid))]
        failures: list[str] = []
        # One client per worker thread (a Client shared by threads can drop events under load); each thread takes a
        # new client, a new session, whenever a new generation of visitors starts.
        generation = [0]
        local = threading.local()

        def visitor() -> object:
            if getattr(local, "generation", None) != generation[0]:
                local.client, local.generation = client(server), generation[0]
            return local.client

        def one_call(_: int) -> None:
            index = next(counter)
            path, digit = files[index % len(files)]
            try:
                visitor().predict(image=handle_file(path), digit=(digit + index) % 10, api_name="/teach")
            except Exception as error:  # noqa: BLE001 - counted and reported
                failures.append(f"{type(error).__name__}: {error}")
            done = index + 1
            if done % sample_every == 0:
                with lock:
                    samples.append((done, rss_kib(server.pid)))
                    if new_visitors:
                        generation[0] += 1  # new visitors: new sessions

        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(one_call, range(calls)))
        samples.append((calls, rss_kib(server.pid)))

    every = f"new clients every {sample_every}" if new_visitors else "the same clients throughout"
    header("Soak: /teach through app.py", f"{calls} calls from {clients} clients at a time, {every}")
    base = samples[1][1] if len(samples) > 2 else samples[0][1]
    print(
        table(
            ["calls", "VmRSS (MiB)", "since the first sample after warm-up (MiB)"],
            [[n, fmt(kib / 1024), fmt((kib - base) / 1024)] for n, kib in samples],
        )
    )
    sessions = (calls // sample_every + 1) * clients if new_visitors else clients
    print(f"\n{len(failures)} failed calls; ~{sessions} sessions made (store: ~{sessions * 21 / 1024:.1f} MiB of them)")
    for failure in failures[:5]:
        print("  ", failure)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--soak", type=int, default=600, help="/teach calls through the server (0: skip)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--sample-every", type=int, default=100)
    parser.add_argument("--same-clients", action="store_true", help="keep the first clients (no new sessions)")
    args = parser.parse_args(argv)
    in_process(args.sessions)
    if args.soak:
        soak(args.soak, args.clients, args.sample_every, new_visitors=not args.same_clients)


if __name__ == "__main__":
    main()
