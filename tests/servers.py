"""Start the real app for tests: ``python app.py`` as a user runs it, on a free loopback port.

Each server runs in a process group of its own, and stopping it stops the whole group: under ZeroGPU
(``SPACES_ZERO_GPU=true``) the app forks GPU workers, which outlived a server stopped by its own pid alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(timeout: float = 120, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python app.py`` in a subprocess; yields ``(url, process)`` once the page answers, and stops it after."""
    port = free_port()
    environment = {**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), **env}
    environment.setdefault("MNIST_DEVICE", "cpu")
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below; its tail goes into the error if start-up fails
    process = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop() reaches what it forks (ZeroGPU's workers)
    )
    url = f"http://127.0.0.1:{port}/"

    def output_tail() -> str:
        log.seek(0)
        return log.read().decode(errors="replace")[-3000:]

    # The app's whole log so far, for tests that check what it printed (a fresh read: the app's offset is untouched).
    process.read_log = lambda: Path(f"/proc/self/fd/{log.fileno()}").read_bytes().decode(errors="replace")

    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"app.py exited with code {process.returncode} before serving:\n{output_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"app.py did not answer on {url} within {timeout} s:\n{output_tail()}") from None
                time.sleep(0.3)
        yield url, process
    finally:
        stop_group(process)
        log.close()


def group_members(group: int) -> list[int]:
    """The live (not zombie) processes in process group ``group`` (Linux ``/proc``)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # /proc/<pid>/stat: "pid (comm) state ppid pgrp ...", and comm may hold spaces or parentheses.
            state, _, pgrp = (entry / "stat").read_text().rpartition(")")[2].split()[:3]
        except (OSError, ValueError):
            continue  # gone meanwhile
        if int(pgrp) == group and state != "Z":
            members.append(int(entry.name))
    return members


def descendants(pid: int) -> list[int]:
    """Every live process started by ``pid``, its children's children included (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, ppid = (entry / "stat").read_text().rpartition(")")[2].split()[:2]
            except (OSError, ValueError):
                continue
            if state != "Z":
                parents[int(entry.name)] = int(ppid)
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def stop_group(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop ``process`` and everything in its process group: SIGTERM, then SIGKILL for what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    deadline = time.monotonic() + 5
    while group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=timeout)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")
