"""Background jobs (upload and ingest, re-index) and their files, in the application database.

Every replica of the app and every ingest worker reads and writes the same rows, so
any replica's admin tab and `GET /api/v1/jobs/{id}` show a job's state, progress and
error wherever it runs. Two ways a job runs:

* in the process that received it (no queue configured): `kb.api.jobs.JobRunner`
  writes the job row itself (status, progress, result);
* on the queue (`KB_QUEUE__URL`): one row per file in `job_files`, each taken by a
  worker (`ingest/tasks.py`), which marks it running, beats a heartbeat while it
  works and writes its outcome. The job's status, progress and result are read from
  its files, so no two workers ever update one job row at the same time.

A file whose worker stopped beating (killed, machine lost) is taken over by the next
worker the queue hands it to; see `claim_file`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kb.accounts.db import Base

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# A file's outcome once a worker finished it (ingest.pipeline's FileResult statuses).
FILE_DONE = ("added", "updated", "unchanged", "failed", "duplicate")


class JobRow(Base):
    """A piece of work someone started: an upload of several files, or a re-index."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    kb: Mapped[str] = mapped_column(String(32), index=True)
    owner: Mapped[str] = mapped_column(String(128))
    # Where the request came from and through what (web, api, cli), for the audit line a worker writes.
    origin: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(16), default="")
    queued: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="null")
    error: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[float] = mapped_column(Float, index=True)
    finished: Mapped[float | None] = mapped_column(Float, nullable=True)


class JobFileRow(Base):
    """One file of a queued job: what a worker takes, works on and finishes."""

    __tablename__ = "job_files"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    # The file's name in data_dir/uploads (re-index: the path the document was ingested from), read by the worker.
    path: Mapped[str] = mapped_column(Text)
    force: Mapped[bool] = mapped_column(Boolean, default=False)
    force_ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    chars: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    worker: Mapped[str] = mapped_column(String(200), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat: Mapped[float | None] = mapped_column(Float, nullable=True)
    started: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished: Mapped[float | None] = mapped_column(Float, nullable=True)


@dataclass
class FileSpec:
    """A file to queue: its display name, where the worker reads it, and how to ingest it."""

    name: str
    path: str
    force: bool = False
    force_ocr: bool = False


@dataclass
class JobFile:
    """A queued file's state."""

    seq: int
    name: str
    path: str
    force: bool
    force_ocr: bool
    status: str
    chunks: int
    chars: int
    reason: str
    progress: float
    message: str
    worker: str
    attempts: int
    heartbeat: float | None
    finished: float | None


@dataclass
class Job:
    """A job as a client sees it; for a queued job, status, progress and result come from its files."""

    id: str
    kind: str
    kb: str
    owner: str
    status: str = QUEUED
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str = ""
    created: float = 0.0
    finished: float | None = None
    origin: str = ""
    channel: str = ""
    queued: bool = False
    files: list[JobFile] = field(default_factory=list)

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
            "files": [
                {
                    "name": f.name,
                    "status": f.status,
                    "progress": round(1.0 if f.status in FILE_DONE else f.progress, 3),
                    "chunks": f.chunks,
                    "reason": f.reason,
                    "worker": f.worker,
                    "attempts": f.attempts,
                }
                for f in self.files
            ],
        }


@dataclass
class Claim:
    """What a worker may do with a file the queue handed it: run it, skip it (done), or wait (another runs it)."""

    action: str  # "run" | "done" | "busy"
    file: JobFile | None = None
    job: Job | None = None


def _file(r: JobFileRow) -> JobFile:
    return JobFile(
        r.seq,
        r.name,
        r.path,
        r.force,
        r.force_ocr,
        r.status,
        r.chunks,
        r.chars,
        r.reason,
        r.progress,
        r.message,
        r.worker,
        r.attempts,
        r.heartbeat,
        r.finished,
    )


def _job(row: JobRow, files: list[JobFileRow]) -> Job:
    job = Job(
        id=row.id,
        kind=row.kind,
        kb=row.kb,
        owner=row.owner,
        status=row.status,
        progress=row.progress,
        message=row.message,
        result=json.loads(row.result or "null"),
        error=row.error,
        created=row.created,
        finished=row.finished,
        origin=row.origin,
        channel=row.channel,
        queued=row.queued,
        files=[_file(f) for f in sorted(files, key=lambda f: f.seq)],
    )
    if row.queued:
        _derive(job)
    return job


def _derive(job: Job) -> None:
    """A queued job's status, progress, message and result from its files."""
    files = job.files
    finished = [f for f in files if f.status in FILE_DONE]
    running = [f for f in files if f.status == RUNNING]
    n = max(len(files), 1)
    job.progress = sum(1.0 if f.status in FILE_DONE else f.progress for f in files) / n
    rejected = (job.result or {}).get("rejected", []) if isinstance(job.result, dict) else []
    if files and len(finished) == len(files):
        job.finished = max(f.finished or job.created for f in files)
        job.progress = 1.0
        job.message = "完成"
        # A re-index of one document fails with it; an upload is done and says per file what happened.
        if job.kind != "upload" and all(f.status == "failed" for f in files):
            job.status, job.error = FAILED, "；".join(f.reason for f in files)
        else:
            job.status = DONE
    elif not files:
        job.status, job.progress, job.finished = DONE, 1.0, job.finished or job.created
        job.message = "没有可导入的文件"
    else:
        job.status = RUNNING if running or finished else QUEUED
        job.message = running[0].message if running else ("排队中" if not finished else "等待空闲的处理进程")
    if job.kind == "upload":
        job.result = {
            "files": [{"name": f.name, "status": f.status, "chunks": f.chunks, "reason": f.reason} for f in finished],
            "rejected": rejected,
            "seconds": round((job.finished or time.time()) - job.created, 2),
        }
    elif job.status != QUEUED and files:
        f = files[0]
        job.result = {"name": f.name, "status": f.status, "chunks": f.chunks} if f.status in FILE_DONE else None


class JobStore:
    """Jobs and their files in the application database."""

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    @contextmanager
    def _db(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    def create(
        self,
        kind: str,
        kb: str,
        owner: str,
        *,
        files: list[FileSpec] | None = None,
        result: Any = None,
        origin: str = "",
        channel: str = "",
    ) -> Job:
        """A new job; with `files` it is a queued job (one row per file for the workers), else an in-process one."""
        job_id = f"job-{uuid.uuid4().hex[:16]}"
        queued = files is not None
        with self._db() as s:
            s.add(
                JobRow(
                    id=job_id,
                    kind=kind,
                    kb=kb,
                    owner=owner,
                    origin=origin[:64],
                    channel=channel[:16],
                    queued=queued,
                    result=json.dumps(result, ensure_ascii=False),
                    created=time.time(),
                )
            )
            s.flush()
            for i, f in enumerate(files or []):
                s.add(
                    JobFileRow(
                        job_id=job_id, seq=i, name=f.name[:255], path=f.path, force=f.force, force_ocr=f.force_ocr
                    )
                )
        job = self.get(job_id)
        assert job is not None
        return job

    def get(self, job_id: str) -> Job | None:
        """A job with its files, or None."""
        with self._db() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                return None
            files = list(s.scalars(select(JobFileRow).where(JobFileRow.job_id == job_id)))
            return _job(row, files)

    def recent(self, kb: str | None = None, limit: int = 50) -> list[Job]:
        """The newest jobs first (of one knowledge base when `kb` is given)."""
        with self._db() as s:
            q = select(JobRow).order_by(JobRow.created.desc()).limit(limit)
            if kb is not None:
                q = q.where(JobRow.kb == kb)
            rows = list(s.scalars(q))
            ids = [r.id for r in rows]
            files: dict[str, list[JobFileRow]] = {i: [] for i in ids}
            if ids:
                for f in s.scalars(select(JobFileRow).where(JobFileRow.job_id.in_(ids))):
                    files[f.job_id].append(f)
            return [_job(r, files[r.id]) for r in rows]

    # -- jobs run in the process that received them ------------------------------------------------

    def set_state(self, job_id: str, **values: Any) -> None:
        """Update an in-process job's status, progress, message, result, error or finished time."""
        if "result" in values:
            values["result"] = json.dumps(values["result"], ensure_ascii=False, default=str)
        with self._db() as s:
            s.execute(update(JobRow).where(JobRow.id == job_id).values(**values))

    def fail_unfinished(self, job_ids: list[str], reason: str) -> None:
        """Mark in-process jobs that can no longer finish (their process is stopping) as failed."""
        if job_ids:
            with self._db() as s:
                s.execute(
                    update(JobRow)
                    .where(JobRow.id.in_(job_ids), JobRow.finished.is_(None))
                    .values(status=FAILED, error=reason, finished=time.time())
                )

    # -- queued files, taken by workers ---------------------------------------------------------------

    def claim_file(self, job_id: str, seq: int, worker: str, stale_after_s: float) -> Claim:
        """Take a queued file for `worker`.

        "done" when it is already finished (the queue delivered it twice), "busy" when another worker's heartbeat
        on it is fresher than `stale_after_s` (that worker is alive and still at it), else "run": the file is
        marked running for `worker` (a dead worker's file is taken over and its attempt counted).
        """
        now = time.time()
        with self._db() as s:
            # FOR UPDATE on PostgreSQL: two workers handed the same file at once take turns here.
            row = s.scalars(
                select(JobFileRow).where(JobFileRow.job_id == job_id, JobFileRow.seq == seq).with_for_update()
            ).first()
            if row is None:
                return Claim("done")
            if row.status in FILE_DONE:
                return Claim("done", _file(row))
            if row.status == RUNNING and row.worker != worker and (now - (row.heartbeat or 0)) < stale_after_s:
                return Claim("busy", _file(row))
            row.status, row.worker, row.heartbeat, row.started = RUNNING, worker, now, now
            row.attempts += 1
            row.progress, row.message = 0.0, ""
            s.flush()
            job_row = s.get(JobRow, job_id)
            job = _job(job_row, []) if job_row is not None else None
            return Claim("run", _file(row), job)

    def beat(self, job_id: str, seq: int, worker: str) -> None:
        """The worker is still at this file."""
        with self._db() as s:
            s.execute(
                update(JobFileRow)
                .where(JobFileRow.job_id == job_id, JobFileRow.seq == seq, JobFileRow.worker == worker)
                .values(heartbeat=time.time())
            )

    def file_progress(self, job_id: str, seq: int, worker: str, fraction: float, message: str) -> None:
        """Progress of a file (0..1) and a line for a person; it counts as a heartbeat."""
        with self._db() as s:
            s.execute(
                update(JobFileRow)
                .where(JobFileRow.job_id == job_id, JobFileRow.seq == seq, JobFileRow.worker == worker)
                .values(progress=max(0.0, min(1.0, fraction)), message=message[:500], heartbeat=time.time())
            )

    def finish_file(
        self, job_id: str, seq: int, status: str, *, chunks: int = 0, chars: int = 0, reason: str = ""
    ) -> bool:
        """Record a file's outcome; True when every file of its job is now finished (the caller finished the job)."""
        with self._db() as s:
            s.execute(
                update(JobFileRow)
                .where(JobFileRow.job_id == job_id, JobFileRow.seq == seq)
                .values(
                    status=status,
                    chunks=chunks,
                    chars=chars,
                    reason=reason[:2000],
                    progress=1.0,
                    message="",
                    finished=time.time(),
                )
            )
        # Read after the commit: of two workers finishing a job's last files at once, the later commit sees both.
        job = self.get(job_id)
        if job is None or job.status not in (DONE, FAILED):
            return False
        self.set_state(job_id, status=job.status, progress=1.0, error=job.error, finished=job.finished)
        return True

    # -- cancelling ---------------------------------------------------------------------------------

    def request_cancel(self, kb: str) -> int:
        """Ask every unfinished job of a knowledge base to stop after its current batch; how many were asked."""
        with self._db() as s:
            res = s.execute(
                update(JobRow).where(JobRow.kb == kb, JobRow.finished.is_(None)).values(cancel_requested=True)
            )
            return res.rowcount or 0

    def cancel_requested(self, job_id: str) -> bool:
        """Whether someone asked this job to stop."""
        with self._db() as s:
            return bool(s.scalar(select(JobRow.cancel_requested).where(JobRow.id == job_id)))
