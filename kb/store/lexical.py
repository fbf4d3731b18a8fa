"""BM25 search over jieba tokens: SQLite FTS5 here, PostgreSQL full-text search in kb/store/lexical_pg.py.

Chunks are stored pre-tokenised by jieba (tokens joined by spaces); FTS5's
unicode61 tokenizer then splits only at those spaces and at punctuation inside a
token (3.5 -> 3 5), the same way for text and query. A query is the OR of its
tokens, each quoted as an FTS5 string, so no user text is parsed as query syntax.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from sqlalchemy import text

from kb.store.tokenize import tokenize
from kb.types import Chunk

if TYPE_CHECKING:
    from kb.store.database import IndexDatabase
    from kb.store.lexical_pg import PgLexicalIndex

log = logging.getLogger(__name__)

# A question has a handful of content tokens; a pasted page has thousands, and the first ones carry its topic.
MAX_QUERY_CHARS = 2000
MAX_QUERY_TOKENS = 64

_TABLE = "lexical_fts"
# A search scope of more documents than this is filtered after ranking rather than inside the query (lexical here,
# dense in Index.dense_search).
FEW_DOCS = 50


def lexical_text(chunk: Chunk) -> str:
    """What lexical search sees of a chunk: its title and headings (so 第十五条 finds the article) and its text."""
    return f"{chunk.title} {chunk.heading_path}\n{chunk.text}"


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def query_tokens(query: str) -> list[str]:
    seen: dict[str, None] = {}
    for t in tokenize((query or "")[:MAX_QUERY_CHARS]):
        seen.setdefault(t, None)
        if len(seen) >= MAX_QUERY_TOKENS:
            break
    return list(seen)


class LexicalIndex:
    """FTS5 rows keyed by chunk id, in the index's SQLite file."""

    def __init__(self, db: IndexDatabase) -> None:
        self.db = db
        with db.schema_change() as conn:
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {_TABLE} USING fts5("
                "tokens, chunk_id UNINDEXED, doc_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
            )

    def add(self, chunks: list[Chunk]) -> None:
        """Index chunks (call inside the caller's transaction)."""
        rows = [{"t": " ".join(tokenize(lexical_text(c))), "c": c.chunk_id, "d": c.doc_id} for c in chunks]
        if rows:
            with self.db.transaction() as conn:
                conn.execute(_ADD, rows)

    def delete_doc(self, doc_id: str) -> None:
        """Drop a document's rows (call inside the caller's transaction)."""
        with self.db.transaction() as conn:
            conn.execute(_DELETE, {"d": doc_id})

    def count(self, doc_id: str | None = None) -> int:
        """Indexed rows, of one document or of all."""
        with self.db.read() as conn:
            if doc_id is None:
                return int(conn.execute(_COUNT).scalar_one())
            return int(conn.execute(_COUNT_DOC, {"d": doc_id}).scalar_one())

    def search(self, query: str, k: int, doc_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """The k best chunks for a query by BM25, as (chunk_id, score > 0), best first."""
        tokens = query_tokens(query)
        if not tokens or k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        match = " OR ".join(_quote(t) for t in tokens)
        if doc_ids is not None and len(doc_ids) > FEW_DOCS:
            # A scope of many documents (the in-force default) costs SQLite a lookup in that list for every matching
            # row (130 against 41 ms at 100k chunks). BM25 scores do not depend on the filter (FTS5 ranks with the
            # whole table's statistics), so the best rows unfiltered, kept when in scope, are the same rows; only
            # when too few of them are in scope does the filter go into the query.
            wanted = set(doc_ids)
            rows = self._run(query, match, 3 * k, None)
            kept = [(cid, score) for cid, doc, score in rows if doc in wanted]
            if len(kept) >= k or len(rows) < 3 * k:
                return kept[:k]
        return [(cid, score) for cid, _, score in self._run(query, match, k, doc_ids)]

    def _run(self, query: str, match: str, k: int, doc_ids: list[str] | None) -> list[tuple[str, str, float]]:
        sql = f"SELECT chunk_id, doc_id, -bm25({_TABLE}) FROM {_TABLE} WHERE {_TABLE} MATCH ?"
        params: list[object] = [match]
        if doc_ids is not None:
            sql += f" AND doc_id IN ({', '.join('?' for _ in doc_ids)})"
            params.extend(doc_ids)
        sql += f" ORDER BY bm25({_TABLE}) LIMIT ?"
        params.append(int(k))
        try:
            # On every question: the driver connection (IndexDatabase.sqlite_reader says why).
            with self.db.sqlite_reader() as raw:
                rows = raw.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            # Quoting makes a query syntax error unreachable for ordinary input; one must still not take the app
            # down. Anything else (a damaged file) is raised: answers must not quietly become vector-only.
            if "syntax" not in str(exc) and "fts5" not in str(exc):
                raise
            log.warning("lexical search failed for %r: %s", query[:80], exc)
            return []
        # bm25() is negative for matches; a tiny floor keeps "higher is better, always > 0" for near-zero idf terms.
        return [(cid, doc, max(float(score), 1e-9)) for cid, doc, score in rows]

    def doc_freq(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many chunks contain each term, and how many chunks there are."""
        df: dict[str, int] = {}
        with self.db.sqlite_reader() as raw:  # on every question, like search
            # Counted in FTS5's docsize table (one row per indexed row): count(*) on the FTS table itself reads
            # every row's content (151 ms at 100k chunks against 1.5 ms).
            n = raw.execute(f"SELECT count(*) FROM {_TABLE}_docsize").fetchone()[0]
            for term in terms:
                if not term.strip():
                    df[term] = 0
                    continue
                try:
                    df[term] = raw.execute(
                        f"SELECT count(*) FROM {_TABLE} WHERE {_TABLE} MATCH ?", (_quote(term),)
                    ).fetchone()[0]
                except sqlite3.Error:
                    df[term] = 0
        return df, n


_ADD = text(f"INSERT INTO {_TABLE} (tokens, chunk_id, doc_id) VALUES (:t, :c, :d)")
_DELETE = text(f"DELETE FROM {_TABLE} WHERE doc_id = :d")
_COUNT = text(f"SELECT count(*) FROM {_TABLE}")
_COUNT_DOC = text(f"SELECT count(*) FROM {_TABLE} WHERE doc_id = :d")


def open_lexical(db: IndexDatabase) -> LexicalIndex | PgLexicalIndex:
    """The lexical index of the database's engine: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""
    if db.is_sqlite:
        return LexicalIndex(db)
    from kb.store.lexical_pg import PgLexicalIndex

    return PgLexicalIndex(db)
