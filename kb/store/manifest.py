"""The manifest: one row per document, one row per chunk, and the index's own settings (`meta`).

The same database holds the lexical index (kb/store/lexical.py) and the documents' standing
(kb/store/authority.py), so a single transaction swaps a document's chunks and its search rows together.
The tables are the same on SQLite and PostgreSQL (kb/store/database.py chooses); an existing kb.sqlite3
opens unchanged, and a column added to `Chunk` is added to the table on the next open.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, text

from kb.store.database import IndexDatabase
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

    def matches(self, content_hash: str) -> bool:
        """True when this document is ready and was indexed from content with this hash."""
        return self.status == READY and self.content_hash == content_hash


_DOC_FIELDS = [f.name for f in fields(DocRecord)]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS {documents} (
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
CREATE INDEX IF NOT EXISTS documents_source ON {documents}(source);
CREATE TABLE IF NOT EXISTS {chunks} (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON {chunks}(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS {meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Manifest:
    """Document rows, chunk rows and transactions, over the index's database."""

    def __init__(self, db: IndexDatabase) -> None:
        self.db = db
        t = {name: db.table(name) for name in ("documents", "chunks", "meta")}
        with db.schema_change() as conn:
            for stmt in _SCHEMA.format(**t).split(";"):
                if stmt.strip():
                    conn.exec_driver_sql(stmt)
            self._add_missing_chunk_columns(conn)
        doc_cols = ", ".join(_DOC_FIELDS)
        chunk_cols = ", ".join(_CHUNK_FIELDS)
        c_cols = ", ".join(f"c.{n}" for n in _CHUNK_FIELDS)
        updates = ", ".join(f"{n} = excluded.{n}" for n in _DOC_FIELDS if n != "doc_id")
        self._sql = {
            "mark_pending": text(
                f"INSERT INTO {t['documents']} ({doc_cols}) VALUES ({', '.join(':' + n for n in _DOC_FIELDS)})"
                f" ON CONFLICT (doc_id) DO UPDATE SET {updates}"
            ),
            "delete_doc": text(f"DELETE FROM {t['documents']} WHERE doc_id = :doc_id"),
            "get": text(f"SELECT {doc_cols} FROM {t['documents']} WHERE doc_id = :doc_id"),
            "by_source": text(
                f"SELECT {doc_cols} FROM {t['documents']} WHERE source = :source ORDER BY updated_at DESC LIMIT 1"
            ),
            "by_hash": text(f"SELECT {doc_cols} FROM {t['documents']} WHERE content_hash = :h"),
            "documents": text(f"SELECT {doc_cols} FROM {t['documents']} ORDER BY source"),
            "documents_of": text(f"SELECT {doc_cols} FROM {t['documents']} WHERE status = :status ORDER BY source"),
            "put_chunks": text(
                f"INSERT INTO {t['chunks']} ({chunk_cols}) VALUES ({', '.join(':' + n for n in _CHUNK_FIELDS)})"
            ),
            "delete_chunks": text(f"DELETE FROM {t['chunks']} WHERE doc_id = :doc_id"),
            # PostgreSQL only (SQLite: `_raw_get_chunks`): one array parameter keeps the statement text the same,
            # so psycopg prepares it once.
            "get_chunks": text(
                f"SELECT {c_cols} FROM {t['chunks']} c JOIN {t['documents']} d ON d.doc_id = c.doc_id"
                " WHERE d.status = 'ready' AND c.chunk_id = ANY(CAST(:ids AS text[]))"
            ),
            "chunks_of": text(
                f"SELECT {chunk_cols} FROM {t['chunks']} WHERE doc_id = :doc_id ORDER BY ordinal, chunk_id"
            ),
            # The chunks under headings naming an article, of several documents (the other versions of a law):
            # only those rows, not every chunk of every version.
            "headed_chunks": text(
                f"SELECT {chunk_cols} FROM {t['chunks']} WHERE doc_id IN :doc_ids AND heading_path LIKE :pattern"
                " ESCAPE '\\'"
                " ORDER BY doc_id, ordinal, chunk_id"
            ).bindparams(bindparam("doc_ids", expanding=True)),
            "chunk_ids": text(f"SELECT chunk_id FROM {t['chunks']}"),
            "count_all": text(f"SELECT count(*) FROM {t['chunks']}"),
            "count_doc": text(f"SELECT count(*) FROM {t['chunks']} WHERE doc_id = :doc_id"),
            "get_meta": text(f"SELECT value FROM {t['meta']} WHERE key = :key"),
            "set_meta": text(
                f"INSERT INTO {t['meta']} (key, value) VALUES (:key, :value)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
        }
        self._t = t
        self._raw_get_chunks = (
            f"SELECT {c_cols} FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"
            " WHERE d.status = 'ready' AND c.chunk_id IN "
        )
        self._raw_documents_of = f"SELECT {doc_cols} FROM documents WHERE status = ? ORDER BY source"

    def _add_missing_chunk_columns(self, conn: Connection) -> None:
        if self.db.is_sqlite:
            have = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(chunks)")}
        else:
            have = set(
                conn.execute(
                    text("SELECT column_name FROM information_schema.columns WHERE table_schema = :s"
                         " AND table_name = 'chunks'"),
                    {"s": self.db.schema},
                ).scalars()
            )  # fmt: skip
        for name in _CHUNK_FIELDS:
            if name not in have:
                kind = "INTEGER NOT NULL DEFAULT 0" if name in _INT_FIELDS else "TEXT NOT NULL DEFAULT ''"
                conn.exec_driver_sql(f"ALTER TABLE {self.db.table('chunks')} ADD COLUMN {name} {kind}")

    # -- connections ---------------------------------------------------------

    @property
    def lock(self) -> threading.RLock:
        """This process's writers' lock (kept for callers that serialise with it)."""
        return self.db.lock

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        """A connection for reads (sees what others committed; inside this thread's transaction, its writes)."""
        with self.db.read() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE takes the write lock up front so commits never deadlock)."""
        with self.db.transaction() as conn:
            yield conn

    # -- documents ---------------------------------------------------------

    def mark_pending(self, doc: SourceDoc, error: str = "") -> None:
        """Insert or overwrite the document row as 'pending' with the new hash (call inside a transaction)."""
        row = {
            "doc_id": doc.doc_id,
            "source": doc.source,
            "path": doc.path,
            "content_hash": doc.content_hash,
            "title": doc.title,
            "author": doc.author,
            "affiliation": doc.affiliation,
            "date": doc.date,
            "doc_type": doc.doc_type,
            "status": PENDING,
            "n_chunks": 0,
            "n_chars": len(doc.text),
            "error": error,
            "updated_at": _now(),
        }
        with self.db.transaction() as conn:
            conn.execute(self._sql["mark_pending"], row)

    def update(self, doc_id: str, **values: object) -> None:
        """Set columns of a document row (call inside a transaction)."""
        unknown = set(values) - set(_DOC_FIELDS)
        if unknown:
            raise ValueError(f"unknown document columns: {sorted(unknown)}")
        values.setdefault("updated_at", _now())
        cols = ", ".join(f"{k} = :{k}" for k in values)
        with self.db.transaction() as conn:
            conn.execute(
                text(f"UPDATE {self._t['documents']} SET {cols} WHERE doc_id = :_doc_id"), {**values, "_doc_id": doc_id}
            )

    def delete_doc_row(self, doc_id: str) -> None:
        """Remove the document row (call inside a transaction)."""
        with self.db.transaction() as conn:
            conn.execute(self._sql["delete_doc"], {"doc_id": doc_id})

    def get(self, doc_id: str) -> DocRecord | None:
        """The document row with this id."""
        return self._one("get", {"doc_id": doc_id})

    def by_source(self, source: str) -> DocRecord | None:
        """The document row ingested from this file name."""
        return self._one("by_source", {"source": source})

    def by_hash(self, content_hash: str) -> list[DocRecord]:
        """Document rows whose file had exactly these bytes."""
        with self.db.read() as conn:
            rows = conn.execute(self._sql["by_hash"], {"h": content_hash}).all()
        return [DocRecord(*r) for r in rows]

    def documents(self, status: str | None = None) -> list[DocRecord]:
        """Every document row (optionally of one status), by source name."""
        if self.db.is_sqlite and status:  # dense search asks for the pending ones on every question
            with self.db.sqlite_reader() as raw:
                rows = raw.execute(self._raw_documents_of, (status,)).fetchall()
            return [DocRecord(*r) for r in rows]
        with self.db.read() as conn:
            if status:
                rows = conn.execute(self._sql["documents_of"], {"status": status}).all()
            else:
                rows = conn.execute(self._sql["documents"]).all()
        return [DocRecord(*r) for r in rows]

    def _one(self, name: str, params: dict[str, object]) -> DocRecord | None:
        with self.db.read() as conn:
            row = conn.execute(self._sql[name], params).first()
        return DocRecord(*row) if row else None

    # -- chunks ------------------------------------------------------------

    def put_chunks(self, chunks: Iterable[Chunk]) -> None:
        """Insert chunk rows (call inside a transaction)."""
        rows = [{n: getattr(c, n) for n in _CHUNK_FIELDS} for c in chunks]
        if rows:
            with self.db.transaction() as conn:
                conn.execute(self._sql["put_chunks"], rows)

    def delete_chunks(self, doc_id: str) -> None:
        """Remove a document's chunk rows (call inside a transaction)."""
        with self.db.transaction() as conn:
            conn.execute(self._sql["delete_chunks"], {"doc_id": doc_id})

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk of a ready document."""
        return self.get_chunks([chunk_id]).get(chunk_id)

    def get_chunks(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        """Chunks by id, only those whose document is 'ready'."""
        if not chunk_ids:
            return {}
        out: dict[str, Chunk] = {}
        if self.db.is_sqlite:  # on the query hot path: the driver connection (IndexDatabase.sqlite_reader says why)
            with self.db.sqlite_reader() as raw:
                for i in range(0, len(chunk_ids), 500):
                    part = chunk_ids[i : i + 500]
                    sql = self._raw_get_chunks + "(" + ", ".join("?" * len(part)) + ")"
                    for row in raw.execute(sql, part).fetchall():
                        out[row[0]] = Chunk(*row)
            return out
        with self.db.read() as conn:
            # Batches stay under SQLite's bound-parameter limit.
            for i in range(0, len(chunk_ids), 500):
                for row in conn.execute(self._sql["get_chunks"], {"ids": chunk_ids[i : i + 500]}):
                    chunk = Chunk(*row)
                    out[chunk.chunk_id] = chunk
        return out

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""
        with self.db.read() as conn:
            rows = conn.execute(self._sql["chunks_of"], {"doc_id": doc_id}).all()
        return [Chunk(*r) for r in rows]

    def chunks_headed(self, doc_ids: list[str], words: str) -> dict[str, list[Chunk]]:
        """The chunks of these documents whose heading path contains `words`, by document, in reading order."""
        if not doc_ids:
            return {}
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        out: dict[str, list[Chunk]] = {}
        with self.db.read() as conn:
            for r in conn.execute(self._sql["headed_chunks"], {"doc_ids": list(doc_ids), "pattern": pattern}):
                c = Chunk(*r)
                out.setdefault(c.doc_id, []).append(c)
        return out

    def chunk_ids(self) -> list[str]:
        """Every chunk id (all chunk rows belong to ready documents once repair has run)."""
        with self.db.read() as conn:
            return list(conn.execute(self._sql["chunk_ids"]).scalars())

    def count_chunks(self, doc_id: str | None = None) -> int:
        """Chunk rows, of one document or of all."""
        with self.db.read() as conn:
            if doc_id is None:
                return int(conn.execute(self._sql["count_all"]).scalar_one())
            return int(conn.execute(self._sql["count_doc"], {"doc_id": doc_id}).scalar_one())

    # -- key/value ---------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A stored setting of the index itself (e.g. which embedder built it)."""
        with self.db.read() as conn:
            return conn.execute(self._sql["get_meta"], {"key": key}).scalar()

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting of the index itself."""
        with self.db.transaction() as conn:
            conn.execute(self._sql["set_meta"], {"key": key, "value": value})

    def data_version(self) -> int:
        """A number that changes when another process commits to the index."""
        return self.db.data_version()

    def close(self) -> None:
        """Close the connections (idempotent)."""
        self.db.close()
