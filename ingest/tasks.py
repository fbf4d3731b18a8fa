"""The ingest worker: `celery -A ingest.tasks worker` takes queued files and ingests them.

Start it on any machine that reaches the application database (`KB_DATABASE_URL`), the
Chroma server (`KB_STORE__CHROMA_HOST`), the queue (`KB_QUEUE__URL`) and sees the same
`KB_DATA_DIR` (uploads are read from `data_dir/uploads`; a shared mount on other machines),
with the same settings as the app:

    KB_QUEUE__URL=redis://127.0.0.1:6379/0 .venv/bin/celery -A ingest.tasks worker -c 1 -n w1@%h

One file per message. The worker marks the file running in the job table, beats a
heartbeat while it works, reports progress per embedding batch and writes the outcome;
when the last file of a job is done it rebuilds the glossary and writes the audit line.
A worker killed mid-document leaves its message unacknowledged: the queue hands it to
another worker (see `ingest/queue.py`), which repairs the half-written document and
ingests it again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.queue import INGEST_FILE, celery_app
from kb.settings import Settings, load_settings

if TYPE_CHECKING:
    from ingest.admin import KBAdmin
    from kb.accounts.departments import Departments
    from kb.accounts.jobs import JobFile, JobStore

log = logging.getLogger(__name__)


class Worker:
    """What one worker process holds: its settings, the job table and the opened knowledge bases."""

    def __init__(self, settings: Settings, name: str) -> None:
        from kb.accounts.db import open_db
        from kb.accounts.departments import Departments
        from kb.accounts.jobs import JobStore

        self.settings = settings
        self.name = name
        sessions = open_db(settings)
        self.jobs: JobStore = JobStore(sessions)
        self._departments: Departments = Departments(settings, sessions, build=self._build)
        self._embeddings: Any = None
        self._admins: dict[str, KBAdmin] = {}
        self._lock = threading.Lock()

    def _build(self, settings: Settings):  # type: ignore[no-untyped-def]
        # One embedder for every knowledge base this worker opens (it is the large part of a worker's memory).
        from kb.factory import build
        from kb.store.embeddings import build_embeddings

        if self._embeddings is None:
            self._embeddings = build_embeddings(self.settings.embedding)
        return build(settings, embeddings=self._embeddings)

    def admin(self, kb_id: str) -> KBAdmin:
        """The document administration of a knowledge base, opened on first use."""
        from ingest.admin import KBAdmin
        from kb.learn.glossary import refresh as refresh_glossary

        with self._lock:
            if kb_id not in self._admins:
                kb = self._departments.get(kb_id)
                self._admins[kb_id] = KBAdmin(
                    kb.settings, kb.index, on_change=lambda: refresh_glossary(kb), kb_id=kb_id, jobs=self.jobs
                )
            return self._admins[kb_id]

    def run_file(self, job_id: str, seq: int) -> str:
        """Ingest one queued file; "done", "busy" (another live worker has it: try later) or "run" (did it)."""
        claim = self.jobs.claim_file(job_id, seq, self.name, self.settings.queue.stale_after_s)
        if claim.action != "run":
            return claim.action
        assert claim.file is not None and claim.job is not None
        job, f = claim.job, claim.file
        if f.attempts > 1:
            log.warning(
                "%s file %d (%s): attempt %d, taking over from a worker that stopped", job_id, seq, f.name, f.attempts
            )
        stop_beating = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job_id, seq, stop_beating), daemon=True)
        beat.start()
        try:
            admin = self.admin(job.kb)
            path = self._path(admin, f)

            def progress(fraction: float, message: str) -> None:
                self.jobs.file_progress(job_id, seq, self.name, fraction, message)

            results = admin.ingest_saved(
                [path],
                force=f.force,
                progress=progress,
                force_ocr=f.force_ocr,
                cancel=lambda: self.jobs.cancel_requested(job_id),
            )
            r = results[0]
            last = self.jobs.finish_file(job_id, seq, r.status, chunks=r.chunks, chars=r.chars, reason=r.reason)
        except Exception as exc:  # the file fails with a reason; the worker lives on for the next message
            log.exception("%s file %d (%s) failed", job_id, seq, f.name)
            last = self.jobs.finish_file(job_id, seq, "failed", reason=f"内部错误：{type(exc).__name__}: {exc}")
        finally:
            stop_beating.set()
            beat.join()
        if last:
            self._after_job(job_id)
        return "run"

    @staticmethod
    def _path(admin: KBAdmin, f: JobFile) -> Path:
        from kb.store.uploads import upload_dir

        p = Path(f.path)
        return p if p.is_absolute() else upload_dir(admin.settings.data_dir) / p

    def _beat(self, job_id: str, seq: int, stop: threading.Event) -> None:
        while not stop.wait(self.settings.queue.heartbeat_s):
            try:
                self.jobs.beat(job_id, seq, self.name)
            except Exception:  # a missed beat is retried at the next tick; the ingest goes on
                log.exception("heartbeat of %s/%d failed", job_id, seq)

    def _after_job(self, job_id: str) -> None:
        """The job's last file is done: rebuild the glossary once, and write the audit line."""
        from ingest.pipeline import FileResult
        from kb.accounts import audit
        from kb.accounts.audit import AuditLog
        from kb.accounts.db import open_db

        job = self.jobs.get(job_id)
        if job is None:
            return
        admin = self.admin(job.kb)
        admin.changed([FileResult(Path(f.name), f.status) for f in job.files])
        action = audit.UPLOAD if job.kind == "upload" else audit.REINDEX
        AuditLog(open_db(self.settings), self.settings.audit).record(
            job.owner,
            action,
            ", ".join(f.name for f in job.files),
            kb=job.kb,
            source=job.origin,
            channel=job.channel or "queue",
            files=[(f.name, f.status) for f in job.files],
            job=job.id,
        )


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


settings = load_settings()
app = celery_app(settings)
_worker: Worker | None = None
_worker_lock = threading.Lock()


def worker() -> Worker:
    """This process's Worker (built in the pool process on its first message, after the fork)."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = Worker(settings, _worker_name())
        return _worker


@app.task(name=INGEST_FILE, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def ingest_file(self, job_id: str, seq: int) -> str:  # type: ignore[no-untyped-def]
    """Ingest file `seq` of job `job_id` (see Worker.run_file)."""
    w = worker()
    w.name = f"{self.request.hostname or socket.gethostname()}:{os.getpid()}"
    outcome = w.run_file(job_id, seq)
    if outcome == "busy":
        # Another live worker has it (the queue handed the message out twice): look again once its heartbeat
        # could have gone stale, well inside the visibility timeout so the retry itself is not handed out twice.
        countdown = min(settings.queue.stale_after_s, max(1, settings.queue.visibility_timeout_s // 2))
        raise self.retry(countdown=countdown)
    return outcome
