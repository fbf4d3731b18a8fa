"""Start and stop the fleet's servers on 127.0.0.1 for tests and benchmarks: Redis, a Chroma server, ingest workers.

Each is a context manager that starts the real program on a free port in a given folder,
waits until it answers, yields how to reach it, and stops it at the end (its log stays in
the folder). `kill_hard` is the kill -9 a crashed machine would be.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, stop

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _wait(ready, proc: subprocess.Popen, log: Path, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{what} did not come up within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.2)


@contextmanager
def redis_server(workdir: Path, timeout: float = 30) -> Iterator[str]:
    """`redis-server` on a free port, nothing persisted; yields its URL (redis://127.0.0.1:PORT/0)."""
    if not Path(REDIS_SERVER).exists():
        raise FileNotFoundError("redis-server is not installed (make system-deps: apt-get install redis-server)")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "redis.log"
    args = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    args += ["--dir", str(workdir), "--protected-mode", "yes"]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)

    def ready() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    try:
        _wait(ready, proc, log, "redis-server", timeout)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc, timeout=10)


@contextmanager
def chroma_server(workdir: Path, timeout: float = 90) -> Iterator[tuple[str, int]]:
    """`chroma run` (the Chroma server from the chromadb wheel) on a free port; yields (host, port)."""
    chroma = BIN / "chroma"
    if not chroma.exists():
        raise FileNotFoundError(f"no chroma CLI at {chroma}")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "chroma.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(workdir / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        _wait(ready, proc, log, "chroma run", timeout)
        yield "127.0.0.1", port
    finally:
        stop(proc, timeout=20)


@dataclass
class WorkerProcess:
    """A running `celery -A ingest.tasks worker`: its node name, process and log."""

    name: str
    proc: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None


@contextmanager
def ingest_worker(
    workdir: Path, env: dict[str, str], name: str, concurrency: int = 1, timeout: float = 120
) -> Iterator[WorkerProcess]:
    """An ingest worker (`celery -A ingest.tasks worker`) in its own process group, with the given environment.

    Ready when Celery logs that it is; `kill_hard` kills it (and its pool processes) like a lost machine.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"worker-{name}.log"
    args = [str(BIN / "celery"), "-A", "ingest.tasks", "worker", "-c", str(concurrency), "-n", f"{name}@%h"]
    args += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if queue := env.get("KB_QUEUE__QUEUE_NAME"):
        args += ["-Q", queue]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    worker = WorkerProcess(name, proc, log)
    try:
        _wait(lambda: b" ready." in log.read_bytes(), proc, log, f"celery worker {name}", timeout)
        yield worker
    finally:
        if worker.alive():
            # TERM is Celery's warm shutdown (finish the current file); past the timeout, kill the group.
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                kill_hard(worker)
        _reap_group(proc.pid)


def kill_hard(worker: WorkerProcess) -> None:
    """kill -9 the worker and its pool processes at once, as a crashed machine would stop them."""
    try:
        os.killpg(worker.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.proc.wait(timeout=30)


def _reap_group(pgid: int) -> None:
    # Pool processes outlive a killed main process for a moment; never leave one behind.
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
