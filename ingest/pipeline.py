"""Files to index: load, clean, split into articles and chunks, then upsert.

The web app's upload and `python -m ingest` both call `ingest_paths`, so a file
goes through exactly one code path whichever door it came in by.
"""

from __future__ import annotations

import hashlib
import logging
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.articles import split_articles
from ingest.authority import build_authority, locate_ocr_pages, read_sidecar, refresh_authority
from ingest.cleaning import clean_text
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_SUFFIXES, load_file
from ingest.metadata import detect_metadata
from ingest.splitter import split_document
from kb.settings import LimitSettings, OcrSettings
from kb.store.authority import label_for
from kb.store.index import Index, doc_id_for
from kb.store.manifest import READY, DocRecord
from kb.types import Chunk, Section, SourceDoc

log = logging.getLogger(__name__)

# What a file becomes (its clean text, title, metadata and chunks) depends on this code, not only on the file's
# bytes: bump it when cleaning, metadata or splitting changes, and the next ingest of a file indexed by an older
# version reads it again, re-indexing it only if the result differs (2: a long notice title on the first line is
# no longer glued to the body). Recorded per document in the index's meta table, under this prefix.
INGEST_VERSION = "2"
_VERSION_META = "ingest_version:"
REINDEXED = "按新版导入规则重新索引"

# What happened to a file, as a person reads it.
RESULT_NAMES = {
    "added": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "duplicate": "重复",
    "failed": "失败",
    "removed": "删除",
}


@dataclass
class FileResult:
    """What happened to one file."""

    path: Path
    status: str  # "added" | "updated" | "unchanged" | "duplicate" | "failed" | "removed"
    reason: str = ""
    chunks: int = 0
    chars: int = 0
    title: str = ""


@dataclass
class IngestReport:
    """The outcome of one ingest run."""

    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def chars(self) -> int:
        return sum(r.chars for r in self.results if r.status in ("added", "updated"))

    def summary(self) -> str:
        """One line for a person: counts by status and throughput."""
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        parts = [f"{RESULT_NAMES[k]} {v}" for k, v in counts.items()]
        chunks = sum(r.chunks for r in self.results if r.status in ("added", "updated"))
        rate = self.chars / self.seconds if self.seconds > 0 else 0.0
        return f"{'，'.join(parts) or '没有文件'}；{chunks} 个片段，{self.chars} 字，{self.seconds:.1f} 秒（{rate:.0f} 字/秒）"


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files under the given paths (folders recursively, hidden files skipped) and results for paths that don't exist."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.suffix.lower() in SUPPORTED_SUFFIXES
            )
        elif p.is_file():
            files.append(p)
        else:
            missing.append(FileResult(p, "failed", "文件不存在"))
    return files, missing


def letter_ratio(text: str) -> float:
    """Share of letters (any script, 汉字 included) among the non-space characters."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return 0.0
    return sum(unicodedata.category(ch).startswith("L") for ch in chars) / len(chars)


def _check_chars(n: int, limits: LimitSettings) -> None:
    if n > limits.max_doc_chars:
        raise IngestError(
            f"文字过多（{n:,} 字，每个文件上限 {limits.max_doc_chars:,} 字）：请拆分后再导入（上限见 KB_LIMITS__MAX_DOC_CHARS）"
        )


def read_document(
    path: Path,
    data: bytes | None = None,
    max_bytes: int = 100 * 2**20,
    limits: LimitSettings | None = None,
    ocr: OcrSettings | None = None,
) -> SourceDoc:
    """One file as a clean `SourceDoc` with its articles as sections and its authority metadata; raises IngestError."""
    limits = limits or LimitSettings()
    if read_sidecar(path).get("force_ocr") is True:
        # An admin said this PDF's text layer is garbage: every page is read by OCR.
        ocr = (ocr or OcrSettings()).model_copy(update={"force": True})
    raw = load_file(path, max_bytes=max_bytes, max_unpacked=limits.max_unpacked_mb * 2**20, ocr=ocr)
    # Checked before cleaning too: cleaning and splitting a 100 MB text is itself minutes of work.
    _check_chars(len("".join(raw.text.split())), limits)
    # Articles are split before broken paragraphs are joined: split_articles joins within each article.
    articles = split_articles(clean_text(raw, join=False))
    text = "\n\n".join(s.text for s in articles) if articles else clean_text(raw)
    if not text.strip():
        raise IngestError("文件没有文字内容")
    _check_chars(len(text), limits)
    ratio = letter_ratio(text)
    if ratio < limits.min_letter_ratio:
        raise IngestError(f"几乎没有文字（文字只占 {ratio:.0%}，其余是标点、数字或符号），不像文档，未索引")
    data = data if data is not None else path.read_bytes()
    meta = detect_metadata(text, path.name)
    if articles:
        sections = articles
        doc_type = "报刊文章"
    else:
        sections = [
            Section(title=meta.title, text=text, author=meta.author, affiliation=meta.affiliation, location="全文")
        ]
        doc_type = meta.doc_type
    doc = SourceDoc(
        doc_id=doc_id_for(path.name),
        source=path.name,
        path=str(path.resolve()),
        content_hash=hashlib.sha256(data).hexdigest(),
        title=meta.title,
        text=text,
        author=meta.author,
        affiliation=meta.affiliation,
        date=meta.date,
        doc_type=doc_type,
        sections=sections,
        note=f"编码混合：{raw.encoding}" if "+" in raw.encoding else "",
    )
    # Type, issuer, number, dates, version, status: from the text, the page's meta tags and NAME.meta.toml.
    build_authority(doc, raw, path)
    return doc


def chunk_document(doc: SourceDoc, max_chars: int, target_chars: int, max_chunks: int | None = None) -> list[Chunk]:
    """The document's chunks, or an IngestError when nothing indexable is left or there are too many."""
    chunks = split_document(doc, max_chars=max_chars, target_chars=target_chars)
    if not chunks:
        raise IngestError("没有可索引的内容")
    if max_chunks is not None and len(chunks) > max_chunks:
        raise IngestError(
            f"切分后片段过多（{len(chunks):,} 个，每个文件上限 {max_chunks:,} 个）：请拆分后再导入"
            "（上限见 KB_LIMITS__MAX_DOC_CHUNKS）"
        )
    if doc.authority is not None:
        label = label_for(doc.authority)
        for c in chunks:
            c.authority = label  # provisional: refresh_authority relabels once the other documents are considered
        if doc.authority.ocr_pages:
            locate_ocr_pages(chunks, doc.page_texts, doc.authority.ocr_pages)
    return chunks


def same_content_as(index: Index, source: str, digest: str) -> str | None:
    """The source of another ready document with exactly these bytes, if any."""
    for rec in index.manifest.by_hash(digest):
        if rec.source != source and rec.status == READY:
            return rec.source
    return None


ProgressFn = Callable[[str, int, int], None]  # (file name, chunks done, chunks total)
CANCELLED = "已取消：再次导入即可继续"


class IngestCancelled(Exception):
    """Raised between embedding batches when the person running the ingest cancelled it."""


def ingest_paths(
    index: Index,
    paths: Iterable[Path],
    *,
    max_chars: int = 480,
    target_chars: int = 300,
    max_bytes: int = 100 * 2**20,
    force: bool = False,
    limits: LimitSettings | None = None,
    cancel: Callable[[], bool] | None = None,
    on_file_start: Callable[[Path, int, int], None] | None = None,
    on_chunks: ProgressFn | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    ocr: OcrSettings | None = None,
) -> IngestReport:
    """Ingest files and folders into the index; a bad file is reported and the others still land."""
    started = time.perf_counter()
    report = IngestReport()
    # Documents left half-written by an interrupted run come back first, so nothing stays broken.
    repaired = set(index.repair())
    # An index built before authority metadata existed gets it from its stored text.
    refresh_authority(index, backfill=True)
    # And its documents' span vectors (kb/store/span_vectors.py), so its answers need no sentence embedding.
    filled = index.fill_span_vectors(lambda source, n: log.info("%s: %d span vectors made", source, n))
    if filled:
        log.info("span vectors made for %d document(s) indexed before them", filled)
    files, missing = expand_paths(paths)
    report.results.extend(missing)
    for r in missing:
        if on_result:
            on_result(r)
    for i, path in enumerate(files):
        if cancel is not None and cancel():
            for rest in files[i:]:
                report.results.append(FileResult(rest, "failed", CANCELLED))
                if on_result:
                    on_result(report.results[-1])
            break
        if on_file_start:
            on_file_start(path, i, len(files))
        result = ingest_file(
            index,
            path,
            force=force or path.name in repaired,
            max_chars=max_chars,
            target_chars=target_chars,
            max_bytes=max_bytes,
            limits=limits,
            cancel=cancel,
            on_chunks=on_chunks,
            ocr=ocr,
        )
        report.results.append(result)
        if on_result:
            on_result(result)
    if any(r.status in ("added", "updated", "removed") for r in report.results):
        try:
            index.maintain()
        except Exception:  # the documents landed; searches are only slower until autovacuum comes round
            log.exception("index maintenance after ingest failed")
    report.seconds = time.perf_counter() - started
    return report


def indexed_version(index: Index, doc_id: str) -> str | None:
    """The version of this code that last read the document into the index (None: one from before versions)."""
    return index.manifest.get_meta(_VERSION_META + doc_id)


def _record_version(index: Index, doc_id: str) -> None:
    index.manifest.set_meta(_VERSION_META + doc_id, INGEST_VERSION)


def _as_indexed(index: Index, rec: DocRecord, doc: SourceDoc, chunks: list[Chunk]) -> bool:
    """Whether this version of the code makes of a file what the index holds for it (`rec`)."""
    held = (rec.title, rec.author, rec.affiliation, rec.date, rec.doc_type)
    if held != (doc.title, doc.author, doc.affiliation, doc.date, doc.doc_type):
        return False
    stored = index.manifest.chunks_of(rec.doc_id)
    return [(c.text, c.title, c.heading_path) for c in stored] == [(c.text, c.title, c.heading_path) for c in chunks]


def ingest_file(
    index: Index,
    path: Path,
    *,
    force: bool = False,
    max_chars: int = 480,
    target_chars: int = 300,
    max_bytes: int = 100 * 2**20,
    limits: LimitSettings | None = None,
    cancel: Callable[[], bool] | None = None,
    on_chunks: ProgressFn | None = None,
    ocr: OcrSettings | None = None,
) -> FileResult:
    """Ingest one file, turning every expected failure into a result with a reason.

    A file whose bytes did not change is skipped, unless an older version of this code indexed it: then it is read
    again and re-indexed only if what it becomes now differs from what the index holds.
    """
    limits = limits or LimitSettings()
    try:
        data = path.read_bytes() if path.stat().st_size <= max_bytes else b""
        digest = hashlib.sha256(data).hexdigest()
        rec = index.manifest.by_source(path.name)
        # The row just read decides, as `Index.is_current` would with a second lookup.
        current = not force and bool(data) and rec is not None and rec.matches(digest)
        if current and indexed_version(index, rec.doc_id) == INGEST_VERSION:
            return FileResult(path, "unchanged")
        if not current and data and (twin := same_content_as(index, path.name, digest)):
            # The same text under two names would be cited twice, as [1] and [2], for one sentence.
            return FileResult(path, "duplicate", f"与已有文档 {twin} 内容完全相同，未重复索引")
        try:
            doc = read_document(path, data=data or None, max_bytes=max_bytes, limits=limits, ocr=ocr)
            chunks = chunk_document(
                doc, max_chars=max_chars, target_chars=target_chars, max_chunks=limits.max_doc_chunks
            )
        except IngestError:
            if current:  # indexed by an older version: what is indexed stays, the file fails as it did before
                return FileResult(path, "unchanged")
            raise
        reason = ""
        if current:
            if _as_indexed(index, rec, doc, chunks):
                _record_version(index, rec.doc_id)
                return FileResult(path, "unchanged")
            reason = REINDEXED

        def progress(done: int) -> None:
            if on_chunks:
                on_chunks(path.name, done, len(chunks))
            if cancel is not None and cancel():
                raise IngestCancelled(CANCELLED)

        index.upsert(doc, chunks, progress=progress)
        _record_version(index, doc.doc_id)
        refresh_authority(index, doc)
        return FileResult(
            path,
            "updated" if rec is not None else "added",
            reason="；".join(x for x in (reason, doc.note) if x),
            chunks=len(chunks),
            chars=len(doc.text),
            title=doc.title,
        )
    except IngestCancelled:
        # The document stays pending; the next ingest of the file (or of its folder) picks it up again.
        return FileResult(path, "failed", CANCELLED)
    except IngestError as exc:
        return FileResult(path, "failed", str(exc))
    except PermissionError:
        return FileResult(path, "failed", "没有读取权限")
    except OSError as exc:
        return FileResult(path, "failed", f"读取失败：{exc.strerror or exc}")
