"""Knowledge-base administration for the web app: upload and ingest, list, delete, re-index.

It lives in `ingest/` because it feeds files to `ingest.pipeline.ingest_paths`,
the same function `python -m ingest` calls (and `kb/` never imports `ingest`).
Uploads are first saved safely by `kb.store.uploads`; each saved file is then
ingested on its own, so one file that breaks in an unexpected way is reported
as failed and the others still land.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.authority import refresh_authority
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import RESULT_NAMES, FileResult, ingest_paths
from kb.settings import Settings
from kb.store.authority import EDITABLE, Authority, store_for
from kb.store.index import Index
from kb.store.manifest import DocRecord
from kb.store.uploads import Rejected, SavedUploads, clear_partials, remove_upload, save_uploads, upload_dir

if TYPE_CHECKING:
    from kb.accounts.jobs import Job, JobStore

log = logging.getLogger(__name__)

# (fraction 0..1 of the whole run, a line for a person)
Progress = Callable[[float, str], None]

# A file's outcome, and a document's state in the table.
STATUS_NAMES = {**RESULT_NAMES, "ready": "可用", "pending": "处理中"}


@dataclass
class UploadOutcome:
    """What an upload did, file by file."""

    results: list[FileResult] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """One Chinese line per file, failures with their reason."""
        out = []
        for r in self.results:
            mark = "✗" if r.status in ("failed", "duplicate") else "✓"
            detail = "，".join(x for x in (f"{r.chunks} 个片段" if r.chunks else "", r.reason) if x)
            out.append(f"{mark} {r.path.name}：{STATUS_NAMES.get(r.status, r.status)} {detail}".rstrip())
        out += [f"✗ {x.name}：{x.reason}" for x in self.rejected]
        return out


class KBAdmin:
    """The admin actions over one index, all through the ingest pipeline."""

    def __init__(
        self,
        settings: Settings,
        index: Index,
        on_change: Callable[[], None] | None = None,
        kb_id: str = "default",
        jobs: JobStore | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        # Called after the set of documents changed (e.g. to rebuild the glossary from the new text).
        self.on_change = on_change
        # Which knowledge base this is, and the installation's job table (queued jobs name the knowledge base).
        self.kb_id = kb_id
        self.jobs = jobs
        # Set by `cancel()` (the admin tab's 取消 button); checked between files and between embedding batches.
        self._cancel = threading.Event()
        clear_partials(settings.data_dir)

    @property
    def queued(self) -> bool:
        """True when uploads and re-indexing go to the ingest workers' queue (`KB_QUEUE__URL`)."""
        return bool(self.settings.queue.url)

    def cancel(self) -> None:
        """Stop the running upload or re-index after its current batch; what it did not finish stays pending."""
        self._cancel.set()
        if self.queued and self.jobs is not None:
            self.jobs.request_cancel(self.kb_id)  # the workers check it between batches

    def _changed(self, results: list[FileResult]) -> None:
        if self.on_change is not None and any(r.status in ("added", "updated") for r in results):
            try:
                self.on_change()
            except Exception:  # the documents landed; a failed follow-up must not report them as failed
                log.exception("after-change hook failed")

    @property
    def max_upload_bytes(self) -> int:
        return self.settings.app.max_upload_mb * 2**20

    def upload(self, files: Iterable[tuple[str, Path]], progress: Progress | None = None) -> UploadOutcome:
        """Save (name, temp path) uploads (zips unpacked) and ingest them, reporting progress per file and chunk."""
        import time

        t0 = time.perf_counter()
        saved = self.save(files)
        outcome = UploadOutcome(rejected=saved.rejected)
        outcome.results = self._ingest(saved.saved, progress=progress)
        self._drop_refused(outcome.results)
        self._changed(outcome.results)
        outcome.seconds = time.perf_counter() - t0
        return outcome

    def save(self, files: Iterable[tuple[str, Path]]) -> SavedUploads:
        """Save (name, temp path) uploads (zips unpacked) into the upload folder, under the size limits."""
        return save_to_uploads(self.settings, files)

    # -- on the queue (KB_QUEUE__URL): save, queue one message per file, return; workers do the rest ------

    def enqueue_upload(self, files: Iterable[tuple[str, Path]], owner: str, origin: str = "", channel: str = "") -> Job:
        """Save uploads where every worker reads them (data_dir/uploads) and queue a job of one file each."""
        if self.jobs is None:
            raise RuntimeError("KBAdmin needs the job store (jobs=JobStore(...)) to queue jobs")
        return enqueue_files(self.settings, self.jobs, files, owner, self.kb_id, origin=origin, channel=channel)

    def enqueue_reindex(
        self, source: str, owner: str, origin: str = "", channel: str = "", force_ocr: bool = False
    ) -> Job:
        """Queue the re-index of a document from its file (KeyError when there is no such document)."""
        from kb.accounts.jobs import FileSpec

        rec = self.index.manifest.by_source(source)
        if rec is None:
            raise KeyError(source)
        path = Path(rec.path)
        # A file in the upload folder is named relative to it: a worker may mount data_dir elsewhere.
        where = path.name if path.parent.resolve() == upload_dir(self.settings.data_dir).resolve() else str(path)
        spec = FileSpec(source, where, force=True, force_ocr=force_ocr)
        return self._enqueue("reindex", [spec], owner, origin, channel)

    def _enqueue(self, kind: str, specs: list, owner: str, origin: str, channel: str) -> Job:
        if self.jobs is None:
            raise RuntimeError("KBAdmin needs the job store (jobs=JobStore(...)) to queue jobs")
        return _queue_job(self.settings, self.jobs, kind, self.kb_id, owner, specs, origin=origin, channel=channel)

    def recent_jobs(self, limit: int = 30) -> list[Job]:
        """This knowledge base's newest jobs (queued or run in a process), newest first."""
        return self.jobs.recent(kb=self.kb_id, limit=limit) if self.jobs is not None else []

    def ingest_saved(
        self,
        paths: list[Path],
        force: bool = False,
        progress: Progress | None = None,
        force_ocr: bool = False,
        cancel: Callable[[], bool] | None = None,
    ) -> list[FileResult]:
        """Ingest files already in the upload folder (what a worker does with a queued file), refused ones removed."""
        results = self._ingest(paths, force=force, progress=progress, force_ocr=force_ocr, cancel=cancel)
        self._drop_refused(results)
        return results

    def changed(self, results: list[FileResult]) -> None:
        """Run the after-change hook (glossary rebuild) when any of the results added or updated a document."""
        self._changed(results)

    def _drop_refused(self, results: list[FileResult]) -> None:
        # A refused upload (a zip bomb, a duplicate, junk) must not stay in uploads/, where a re-index would find
        # it again; a file that some document was ingested from (a pending cancelled one included) stays.
        for r in results:
            if r.status not in ("failed", "duplicate"):
                continue
            rec = self.index.manifest.by_source(r.path.name)
            if rec is None or Path(rec.path).resolve() != r.path.resolve():
                remove_upload(self.settings.data_dir, r.path)

    def _ingest(
        self,
        paths: list[Path],
        force: bool = False,
        progress: Progress | None = None,
        force_ocr: bool = False,
        cancel: Callable[[], bool] | None = None,
    ) -> list[FileResult]:
        self._cancel.clear()
        stop = self._cancel.is_set if cancel is None else (lambda: self._cancel.is_set() or cancel())
        ocr = self.settings.ocr.model_copy(update={"force": True}) if force_ocr else self.settings.ocr
        results: list[FileResult] = []
        n = len(paths)
        for i, path in enumerate(paths):

            def on_chunks(name: str, done: int, total: int, i: int = i) -> None:
                if progress:
                    progress(
                        (i + done / max(total, 1)) / n, f"{name}：已索引 {done}/{total} 个片段（第 {i + 1}/{n} 个文件）"
                    )

            if progress:
                progress(i / n, f"{path.name}：读取与切分（第 {i + 1}/{n} 个文件）")
            try:
                report = ingest_paths(
                    self.index,
                    [path],
                    force=force,
                    max_bytes=self.settings.max_file_mb * 2**20,
                    limits=self.settings.limits,
                    cancel=stop,
                    on_chunks=on_chunks,
                    ocr=ocr,
                )
                results.extend(report.results)
            except Exception as exc:  # one file must never take the others (or the app) down
                log.exception("ingest of %s failed", path)
                results.append(FileResult(path, "failed", f"内部错误：{type(exc).__name__}"))
        if progress and n:
            progress(1.0, "完成")
        return results

    def documents(self) -> list[DocRecord]:
        """Every document with its metadata, chunk count, status and error."""
        return self.index.documents()

    def remove(self, source: str) -> bool:
        """Delete a document from the index (and its uploaded copy); False when it is not there."""
        rec = self.index.manifest.by_source(source)
        removed = self.index.remove(source)
        if removed and rec is not None:
            remove_upload(self.settings.data_dir, Path(rec.path))
        if removed:
            refresh_authority(self.index)  # an older version may be the current one again
            self._changed([FileResult(Path(source), "updated")])
        return removed

    def authority_of(self, source: str) -> dict[str, str]:
        """A document's editable authority fields as ingest read them with the corrections on top."""
        rec = self.index.manifest.by_source(source)
        if rec is None:
            raise KeyError(source)
        extracted, overrides = store_for(self.index).raw().get(rec.doc_id, (Authority(), {}))
        merged = extracted.merged(overrides)
        return {k: str(getattr(merged, k)) for k in EDITABLE}

    def correct_authority(self, source: str, values: dict[str, str]) -> None:
        """An admin's corrections of type, issuer, number, dates, version or status (kept across re-indexing).

        A value equal to what ingest read is no correction; an empty one keeps what ingest read.
        Raises KeyError for an unknown document and ValueError for a bad status.
        """
        rec = self.index.manifest.by_source(source)
        if rec is None:
            raise KeyError(source)
        store = store_for(self.index)
        extracted, _ = store.raw().get(rec.doc_id, (Authority(), {}))
        corrections = {
            k: v.strip() for k, v in values.items() if k in EDITABLE and v and v.strip() != getattr(extracted, k)
        }
        store.set_overrides(rec.doc_id, corrections)
        refresh_authority(self.index)

    def reindex(self, source: str, progress: Progress | None = None, force_ocr: bool = False) -> FileResult:
        """Ingest a document again from the file it came from (forced, even when unchanged).

        `force_ocr` reads every page of a PDF by OCR this time (a `force_ocr = true` sidecar makes it stick).
        """
        rec = self.index.manifest.by_source(source)
        if rec is None:
            return FileResult(Path(source), "failed", "知识库中没有这个文档")
        path = Path(rec.path)
        if not path.is_file():
            return FileResult(path, "failed", "原文件已不在，无法重新索引：请重新上传")
        result = self._ingest([path], force=True, progress=progress, force_ocr=force_ocr)[0]
        self._changed([result])
        return result


def save_to_uploads(settings: Settings, files: Iterable[tuple[str, Path]]) -> SavedUploads:
    """Save (name, temp path) files into data_dir/uploads (zips unpacked) under the upload size limits."""
    max_upload = settings.app.max_upload_mb * 2**20
    return save_uploads(
        files,
        upload_dir(settings.data_dir),
        allowed_suffixes=SUPPORTED_SUFFIXES,
        max_bytes=min(max_upload, settings.max_file_mb * 2**20),
        max_total_bytes=10 * max_upload,
    )


def enqueue_files(
    settings: Settings,
    jobs: JobStore,
    files: Iterable[tuple[str, Path]],
    owner: str,
    kb_id: str = "default",
    *,
    origin: str = "",
    channel: str = "",
    force: bool = False,
) -> Job:
    """Save (name, path) files into the upload folder (zips unpacked, limits checked) and queue one job for them.

    The upload folder is under data_dir, which every worker mounts: the files are not copied into the
    database, so a re-index reads them again from there and the database stays small (docs: README "queue").
    """
    from kb.accounts.jobs import FileSpec

    saved = save_to_uploads(settings, files)
    specs = [FileSpec(p.name, p.name, force=force) for p in saved.saved]
    rejected = [{"name": x.name, "reason": x.reason} for x in saved.rejected]
    return _queue_job(
        settings, jobs, "upload", kb_id, owner, specs, origin=origin, channel=channel, result={"rejected": rejected}
    )


def _queue_job(
    settings: Settings,
    jobs: JobStore,
    kind: str,
    kb_id: str,
    owner: str,
    specs: list,
    *,
    origin: str = "",
    channel: str = "",
    result: object = None,
) -> Job:
    from ingest.queue import enqueue

    job = jobs.create(kind, kb_id, owner, files=specs, result=result, origin=origin, channel=channel)
    try:
        enqueue(settings, job)
    except Exception as exc:
        for f in job.files:  # nothing will ever take them: say so instead of showing "queued" for ever
            jobs.finish_file(job.id, f.seq, "failed", reason=str(exc))
        raise
    return jobs.get(job.id) or job
