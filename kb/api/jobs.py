"""Background jobs of the API (upload and ingest, re-index): one worker, a status a client can poll.

One worker thread on purpose: ingest writes the index and rebuilds the glossary, and
two of those at once would only queue on the index's locks anyway. Jobs live in
memory: after a restart their outcome is in the document list (status, error) and the
audit log, not in the job table.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
_KEEP = 500  # finished jobs remembered


@dataclass
class Job:
    """A piece of work a client started and may poll."""

    id: str
    kind: str
    kb: str
    owner: str
    status: str = QUEUED
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str = ""
    created: float = field(default_factory=time.time)
    finished: float | None = None

    def view(self) -> dict[str, Any]:
        """The job as the API returns it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "kb": self.kb,
            "owner": self.owner,
            "status": self.status,
            "progress": round(self.progress, 3),
            "message": self.message,
            "result": self.result,
            "error": self.error,
            "created": self.created,
            "finished": self.finished,
        }


# (fraction 0..1, a line for a person)
Progress = Callable[[float, str], None]


class JobRunner:
    """Runs jobs one at a time on a worker thread and keeps their status."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-job")
        self._jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def submit(self, kind: str, kb: str, owner: str, work: Callable[[Progress], Any]) -> Job:
        """Queue `work(progress)`; its return value becomes the job's result, an exception its error."""
        job = Job(id=f"job-{next(self._ids)}", kind=kind, kb=kb, owner=owner)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()

        def progress(fraction: float, message: str) -> None:
            job.progress, job.message = max(0.0, min(1.0, fraction)), message

        def run() -> None:
            job.status = RUNNING
            try:
                job.result = work(progress)
                job.status, job.progress = DONE, 1.0
            except Exception as exc:  # the job reports it; the worker lives on for the next job
                log.exception("job %s failed", job.id)
                job.status, job.error = FAILED, f"{type(exc).__name__}: {exc}"
            finally:
                job.finished = time.time()

        self._pool.submit(run)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        done = [j for j in self._jobs.values() if j.finished is not None]
        for j in sorted(done, key=lambda j: j.finished or 0)[: max(0, len(done) - _KEEP)]:
            del self._jobs[j.id]

    def wait_idle(self, timeout: float = 60) -> None:
        """Block until every queued job finished (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if all(j.finished is not None for j in self._jobs.values()):
                    return
            time.sleep(0.05)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
