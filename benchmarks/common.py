"""Shared pieces of the benchmarks: free ports, server subprocesses, percentiles, tables, Chromium settings.

Every server is started on 127.0.0.1 on a free port, with server-side rendering off, and stopped (its whole process
group) when the benchmark ends, however it ends. Nothing here talks to anything but loopback.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assets" / "examples"
HOST = "127.0.0.1"

# Debian's Chromium, with everything that would reach the network or the GPU turned off.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# No telemetry, no version check, no SSR (no node process) in the servers we start, nor in this process's client.
QUIET_ENV = {"GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_SSR_MODE": "false", "HF_HUB_DISABLE_TELEMETRY": "1"}
os.environ.update({key: value for key, value in QUIET_ENV.items() if key not in os.environ})

# The scripts a benchmark can start, as argv after the interpreter.
APP = ["app.py"]
BASELINE = ["-m", "benchmarks.baseline_app"]
UNBATCHED = ["-m", "benchmarks.unbatched_app"]
SKETCHPAD = ["-m", "benchmarks.sketchpad_app"]


def example_png(digit: int) -> Path:
    """The shipped MNIST example of ``digit`` (file names end in their digit)."""
    return next(EXAMPLES.glob(f"*_digit_{digit}.png"))


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between ranks (numpy's default); NaN when empty."""
    data = sorted(values)
    if not data:
        return math.nan
    rank = (len(data) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def fmt(value: float, digits: int = 1) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A markdown table; cells are str()-ed."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(header)), *(len(row[i]) for row in rows)) for i, header in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (width + 2) for width in widths) + "|", *map(line, rows)])


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS, KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


class Server:
    """A Gradio app in a subprocess on a free loopback port; use as a context manager.

    ``argv`` comes after the interpreter (``["app.py"]`` or ``["-m", "benchmarks.baseline_app"]``). ``MNIST_DEVICE``
    passes through from this process's environment; ``env`` adds or overrides variables.
    """

    def __init__(self, argv: Sequence[str], name: str | None = None, env: dict[str, str] | None = None) -> None:
        self.argv = list(argv)
        self.name = name or " ".join(self.argv)
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}/"
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False)  # noqa: SIM115
        self.started_at = math.nan

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> Server:
        env = {
            **os.environ,
            **QUIET_ENV,
            "GRADIO_SERVER_NAME": HOST,
            "GRADIO_SERVER_PORT": str(self.port),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, *self.argv],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches anything it starts
        )
        return self

    def ready(self) -> bool:
        """True once the server answers its API description."""
        try:
            with urllib.request.urlopen(self.url + "gradio_api/info", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def wait(self, timeout: float = 180.0, poll: float = 0.05) -> float:
        """Block until ready; return seconds since start(). Raise (with the server's log) if it dies or times out."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.output()}")
            if self.ready():
                return time.perf_counter() - self.started_at
            time.sleep(poll)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f} s:\n{self.output()}")

    def output(self, limit: int = 4000) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-limit:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()
        with contextlib.suppress(OSError):
            os.unlink(self.log.name)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def servers(*specs: tuple, timeout: float = 180.0) -> Iterator[list[Server]]:
    """Start several servers at once (their imports overlap), wait for all, stop all on the way out.

    Each spec is ``(argv, name)`` or ``(argv, name, env)``.
    """
    started = [Server(*spec) for spec in specs]
    try:
        for server in started:
            server.start()
        for server in started:
            server.wait(timeout)
        yield started
    finally:
        for server in started:
            server.stop()


def client(server: Server):
    """A quiet gradio_client.Client for a started server (no downloads of results, no analytics)."""
    from gradio_client import Client

    return Client(server.url, verbose=False, download_files=False, analytics_enabled=False)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(milliseconds, result) of one call."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def header(title: str, note: str = "") -> None:
    """A title line and the machine it ran on, before a table."""
    import platform

    print(f"## {title}\n")
    cpus = os.cpu_count()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"python {platform.python_version()} · {cpus} CPUs · load average {load}" + (f" · {note}" if note else ""))
    print()
