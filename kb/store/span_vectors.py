"""Vectors of every chunk's answer-sized spans, made at ingest so that answering embeds only the question.

The extractive answerer scores its candidate sentences by their cosine with the question
(kb/answer/sentence_similarity.py). Embedding a dozen candidates per question cost 80 % of the answer time
(p50 181 against 25 ms without, dev questions, idle 2 cores), and it is the same work again for every question
that retrieves the same passage. Ingest knows every span a passage can yield, so it embeds them once, beside the
chunk vectors, and a question only looks them up.

Rows are (doc_id, key, vector), key = a hash of the span's text: a document's rows go with it, and a span text that
another document already has is copied, not embedded again (the same boilerplate across notices). Vectors are the
index's embedder's (`Index._check_embedder` keeps one embedder per index), float32 as the embedder returns them, so a
stored vector gives exactly the answer the embedder would. A missing row is not an error: the answerer embeds that
span itself, as it did before this table existed.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import text

if TYPE_CHECKING:
    from kb.store.database import IndexDatabase

_TABLE = "span_vectors"
_BATCH = 500  # bound parameters per statement, under SQLite's limit


def span_key(span: str) -> str:
    """The row key of a span's text."""
    return hashlib.blake2b(span.encode("utf-8"), digest_size=12).hexdigest()


def _blob(vector: list[float] | np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


class SpanVectors:
    """The span-vector rows in the index's database (SQLite or PostgreSQL)."""

    def __init__(self, db: IndexDatabase) -> None:
        self.db = db
        self.table = db.table(_TABLE)
        blob = "BLOB" if db.is_sqlite else "BYTEA"
        with db.schema_change() as conn:
            conn.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS {self.table} ("
                f"doc_id TEXT NOT NULL, key TEXT NOT NULL, vec {blob} NOT NULL, PRIMARY KEY (doc_id, key))"
            )
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS span_vectors_key ON {self.table}(key)")
        self._put = text(f"INSERT INTO {self.table} (doc_id, key, vec) VALUES (:d, :k, :v) ON CONFLICT DO NOTHING")
        self._delete = text(f"DELETE FROM {self.table} WHERE doc_id = :d")
        self._docs = text(f"SELECT DISTINCT doc_id FROM {self.table}")
        self._count = text(f"SELECT count(*) FROM {self.table}")
        # One row per key: a span shared by many documents (boilerplate; at 100k synthetic passages, most sentences)
        # has a row in each, all with the same vector, and fetching them all as bytea cost ~40 ms per question.
        self._get_pg = text(
            "SELECT k.key, v.vec FROM unnest(CAST(:keys AS text[])) AS k(key)"
            f" CROSS JOIN LATERAL (SELECT vec FROM {self.table} s WHERE s.key = k.key LIMIT 1) v"
        )

    def put(self, doc_id: str, spans: list[str], vectors: list[list[float]] | list[np.ndarray]) -> None:
        """Store a document's span vectors (its own transaction, or the caller's)."""
        rows = [{"d": doc_id, "k": span_key(s), "v": _blob(v)} for s, v in zip(spans, vectors, strict=True)]
        if rows:
            with self.db.transaction() as conn:
                conn.execute(self._put, rows)

    def delete_doc(self, doc_id: str) -> None:
        """Drop a document's rows (its own transaction, or the caller's)."""
        with self.db.transaction() as conn:
            conn.execute(self._delete, {"d": doc_id})

    def get(self, spans: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those spans that have one, by span text."""
        by_key: dict[str, str] = {span_key(s): s for s in spans}
        keys = list(by_key)
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), _BATCH):
            part = keys[i : i + _BATCH]
            if self.db.is_sqlite:
                # On every question: the driver connection (IndexDatabase.sqlite_reader says why).
                sql = f"SELECT key, vec FROM {self.table} WHERE key IN ({', '.join('?' * len(part))})"
                with self.db.sqlite_reader() as raw:
                    rows = raw.execute(sql, part).fetchall()
            else:
                with self.db.read() as conn:
                    rows = conn.execute(self._get_pg, {"keys": part}).fetchall()
            for key, vec in rows:
                found.setdefault(by_key[key], np.frombuffer(bytes(vec), dtype=np.float32))
        return found

    def doc_ids(self) -> set[str]:
        """Documents that have span rows."""
        with self.db.read() as conn:
            return {r[0] for r in conn.execute(self._docs)}

    def count(self) -> int:
        """All rows."""
        with self.db.read() as conn:
            return int(conn.execute(self._count).scalar_one())
