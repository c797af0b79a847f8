"""How many /classify calls share a forward pass: the app served in this process, so its SharedPass can be read.

    python -m benchmarks.shared_pass [--requests 20] [--clients 1,16]

Each simulated user is a thread with its own gradio_client.Client, sending ``--requests`` calls back to back (an
example PNG, uploaded each time). Per number of users: the calls, the forward passes they took, calls per pass, the
largest pass, and requests/s. With one user every call has its own pass; the busier the server, the more calls
arrive while a pass runs and share the next one (model/batching.py).
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.common import HOST, example_png, free_port, header, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="calls per user (default 20)")
    parser.add_argument("--clients", default="1,16", help="numbers of concurrent users (default 1,16)")
    args = parser.parse_args()
    os.environ.setdefault("MNIST_DEVICE", "cpu")

    from gradio_client import Client, handle_file

    import app
    from ui.draw_tab import SHARED_PASS

    _, url, _ = app.demo.launch(
        **app.LAUNCH_OPTIONS, prevent_thread_lock=True, server_name=HOST, server_port=free_port(), quiet=True
    )
    pngs = [str(example_png(digit)) for digit in range(10)]
    rows = []
    try:
        for users in (int(part) for part in args.clients.split(",")):
            clients = [Client(url, verbose=False) for _ in range(users)]
            passes, calls, SHARED_PASS.largest = SHARED_PASS.passes, SHARED_PASS.calls, 0

            def user(index: int, clients: list = clients) -> None:
                for call in range(args.requests):
                    clients[index].predict(handle_file(pngs[(index + call) % len(pngs)]), api_name="/classify")

            started = time.perf_counter()
            with ThreadPoolExecutor(users) as pool:
                list(pool.map(user, range(users)))
            wall = time.perf_counter() - started
            calls, passes = SHARED_PASS.calls - calls, SHARED_PASS.passes - passes
            rows.append([users, calls, passes, f"{calls / passes:.2f}", SHARED_PASS.largest, f"{calls / wall:.1f}"])
    finally:
        app.demo.close()
    header("/classify calls per forward pass", f"{args.requests} calls per user, app in this process")
    print(table(["users", "calls", "forward passes", "calls a pass", "largest pass", "requests/s"], rows))


if __name__ == "__main__":
    main()
