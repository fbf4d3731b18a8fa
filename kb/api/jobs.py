"""Background jobs of the API (upload and ingest, re-index) run in this process: one worker thread.

Used when no queue is configured (`KB_QUEUE__URL` empty); with a queue, the jobs go to
the ingest workers instead (`ingest/tasks.py`). Either way the job's state lives in the
application database (`kb.accounts.jobs.JobStore`), so every replica's API and admin tab
show it. One worker thread on purpose: ingest writes the index and rebuilds the glossary,
and two of those at once would only queue on the index's locks anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kb.accounts.jobs import DONE, FAILED, RUNNING, Job, JobStore

log = logging.getLogger(__name__)

# (fraction 0..1, a line for a person)
Progress = Callable[[float, str], None]
# Progress is written to the database at most this often per job (an embedding batch may report many times a second).
_PROGRESS_EVERY_S = 0.5


class JobRunner:
    """Runs jobs one at a time on a worker thread; their status is in the database."""

    def __init__(self, store: JobStore) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-job")
        self._unfinished: set[str] = set()
        self._lock = threading.Lock()

    def submit(self, kind: str, kb: str, owner: str, work: Callable[[Progress], Any], origin: str = "") -> Job:
        """Queue `work(progress)`; its return value becomes the job's result, an exception its error."""
        job = self.store.create(kind, kb, owner, origin=origin, channel="api")
        with self._lock:
            self._unfinished.add(job.id)
        last = [0.0]

        def progress(fraction: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= _PROGRESS_EVERY_S:
                last[0] = now
                self.store.set_state(job.id, progress=max(0.0, min(1.0, fraction)), message=message[:500])

        def run() -> None:
            self.store.set_state(job.id, status=RUNNING)
            try:
                result = work(progress)
                self.store.set_state(
                    job.id, status=DONE, progress=1.0, message="完成", result=result, finished=time.time()
                )
            except Exception as exc:  # the job reports it; the worker lives on for the next job
                log.exception("job %s failed", job.id)
                self.store.set_state(job.id, status=FAILED, error=f"{type(exc).__name__}: {exc}", finished=time.time())
            finally:
                with self._lock:
                    self._unfinished.discard(job.id)

        self._pool.submit(run)
        return job

    def get(self, job_id: str) -> Job | None:
        """A job by id (run here, elsewhere or on the queue), from the database."""
        return self.store.get(job_id)

    def wait_idle(self, timeout: float = 60) -> None:
        """Block until every job submitted here finished (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._unfinished:
                    return
            time.sleep(0.05)

    def shutdown(self) -> None:
        """Finish the running job; queued ones that will never run here are marked failed, not left 'queued'."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            left = sorted(self._unfinished)
        self.store.fail_unfinished(left, "服务停止，任务未执行：请重新提交")
