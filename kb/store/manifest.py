"""The SQLite manifest: one row per document, one row per chunk.

The same database holds the lexical index (kb/store/lexical.py), so a single
transaction can swap a document's chunks and its search rows together.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from kb.types import Chunk, SourceDoc

PENDING = "pending"
READY = "ready"

# Chunk columns follow the Chunk dataclass, so an optional field added there becomes a column on next open.
_CHUNK_FIELDS = [f.name for f in fields(Chunk)]
_INT_FIELDS = {f.name for f in fields(Chunk) if f.type in (int, "int")}


@dataclass
class DocRecord:
    """A document as the manifest knows it."""

    doc_id: str
    source: str
    path: str
    content_hash: str
    title: str
    author: str
    affiliation: str
    date: str
    doc_type: str
    status: str  # 'pending' | 'ready'
    n_chunks: int
    n_chars: int
    error: str
    updated_at: str


_DOC_FIELDS = [f.name for f in fields(DocRecord)]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    affiliation TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    doc_type TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'ready')),
    n_chunks INTEGER NOT NULL DEFAULT 0,
    n_chars INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Manifest:
    """Owns the SQLite connection: schema, document rows, chunk rows, transactions."""

    def __init__(self, path: Path) -> None:
        # check_same_thread=False: the web app calls in from worker threads; `lock` serialises them.
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
        self.lock = threading.RLock()
        self._path = path
        # Searches read through one connection per thread (see `reader`), so concurrent questions do not queue
        # behind `lock`; WAL lets them read while a writer writes.
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)
        self._add_missing_chunk_columns()

    def _add_missing_chunk_columns(self) -> None:
        have = {row[1] for row in self.conn.execute("PRAGMA table_info(chunks)")}
        for name in _CHUNK_FIELDS:
            if name not in have:
                kind = "INTEGER NOT NULL DEFAULT 0" if name in _INT_FIELDS else "TEXT NOT NULL DEFAULT ''"
                self.conn.execute(f"ALTER TABLE chunks ADD COLUMN {name} {kind}")

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """This thread's read-only connection (sees what other connections committed, never their open writes)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # check_same_thread=False only so that close() may close it; it is used by its own thread alone.
            conn = sqlite3.connect(str(self._path), isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA query_only = 1")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        yield conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front so commits never deadlock."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # -- documents ---------------------------------------------------------

    def mark_pending(self, doc: SourceDoc, error: str = "") -> None:
        """Insert or overwrite the document row as 'pending' with the new hash (call inside a transaction)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO documents (doc_id, source, path, content_hash, title, author, affiliation, date,"
            " doc_type, status, n_chunks, n_chars, error, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,0,?,?,?)",
            (
                doc.doc_id,
                doc.source,
                doc.path,
                doc.content_hash,
                doc.title,
                doc.author,
                doc.affiliation,
                doc.date,
                doc.doc_type,
                PENDING,
                len(doc.text),
                error,
                _now(),
            ),
        )

    def update(self, doc_id: str, **values: object) -> None:
        """Set columns of a document row (call inside a transaction)."""
        unknown = set(values) - set(_DOC_FIELDS)
        if unknown:
            raise ValueError(f"unknown document columns: {sorted(unknown)}")
        values.setdefault("updated_at", _now())
        cols = ", ".join(f"{k} = ?" for k in values)
        self.conn.execute(f"UPDATE documents SET {cols} WHERE doc_id = ?", (*values.values(), doc_id))

    def delete_doc_row(self, doc_id: str) -> None:
        """Remove the document row (call inside a transaction)."""
        self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def get(self, doc_id: str) -> DocRecord | None:
        """The document row with this id."""
        return self._one("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))

    def by_source(self, source: str) -> DocRecord | None:
        """The document row ingested from this file name."""
        return self._one("SELECT * FROM documents WHERE source = ? ORDER BY updated_at DESC LIMIT 1", (source,))

    def by_hash(self, content_hash: str) -> list[DocRecord]:
        """Document rows whose file had exactly these bytes."""
        with self.lock:
            rows = self.conn.execute("SELECT * FROM documents WHERE content_hash = ?", (content_hash,)).fetchall()
        return [self._doc(r) for r in rows]

    def documents(self, status: str | None = None) -> list[DocRecord]:
        """Every document row (optionally of one status), by source name."""
        sql = "SELECT * FROM documents" + (" WHERE status = ?" if status else "") + " ORDER BY source"
        with self.reader() as conn:
            rows = conn.execute(sql, (status,) if status else ()).fetchall()
        return [self._doc(r) for r in rows]

    def _one(self, sql: str, params: tuple) -> DocRecord | None:
        with self.lock:
            row = self.conn.execute(sql, params).fetchone()
        return self._doc(row) if row else None

    def _doc(self, row: sqlite3.Row | tuple) -> DocRecord:
        return DocRecord(*row[: len(_DOC_FIELDS)])

    # -- chunks ------------------------------------------------------------

    def put_chunks(self, chunks: Iterable[Chunk]) -> None:
        """Insert chunk rows (call inside a transaction)."""
        cols = ", ".join(_CHUNK_FIELDS)
        marks = ", ".join("?" for _ in _CHUNK_FIELDS)
        self.conn.executemany(
            f"INSERT INTO chunks ({cols}) VALUES ({marks})",
            ([getattr(c, n) for n in _CHUNK_FIELDS] for c in chunks),
        )

    def delete_chunks(self, doc_id: str) -> None:
        """Remove a document's chunk rows (call inside a transaction)."""
        self.conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk of a ready document."""
        return self.get_chunks([chunk_id]).get(chunk_id)

    def get_chunks(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        """Chunks by id, only those whose document is 'ready'."""
        if not chunk_ids:
            return {}
        cols = ", ".join(f"c.{n}" for n in _CHUNK_FIELDS)
        out: dict[str, Chunk] = {}
        with self.reader() as conn:
            # Batches stay under SQLite's bound-parameter limit.
            for i in range(0, len(chunk_ids), 500):
                part = chunk_ids[i : i + 500]
                marks = ", ".join("?" for _ in part)
                rows = conn.execute(
                    f"SELECT {cols} FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"
                    f" WHERE d.status = 'ready' AND c.chunk_id IN ({marks})",
                    part,
                ).fetchall()
                for row in rows:
                    chunk = Chunk(**dict(zip(_CHUNK_FIELDS, row)))
                    out[chunk.chunk_id] = chunk
        return out

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""
        cols = ", ".join(_CHUNK_FIELDS)
        with self.lock:
            rows = self.conn.execute(
                f"SELECT {cols} FROM chunks WHERE doc_id = ? ORDER BY ordinal, chunk_id", (doc_id,)
            ).fetchall()
        return [Chunk(**dict(zip(_CHUNK_FIELDS, r))) for r in rows]

    def chunk_ids(self) -> list[str]:
        """Every chunk id (all chunk rows belong to ready documents once repair has run)."""
        with self.lock:
            return [r[0] for r in self.conn.execute("SELECT chunk_id FROM chunks")]

    def count_chunks(self, doc_id: str | None = None) -> int:
        """Chunk rows, of one document or of all."""
        with self.lock:
            if doc_id is None:
                return self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
            return self.conn.execute("SELECT count(*) FROM chunks WHERE doc_id = ?", (doc_id,)).fetchone()[0]

    # -- key/value ---------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A stored setting of the index itself (e.g. which embedder built it)."""
        with self.lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting of the index itself."""
        with self.lock:
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def data_version(self) -> int:
        """A number that changes when another connection (another process) commits to the database."""
        with self.lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        """Close the connections (idempotent)."""
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        with self.lock:
            self.conn.close()
