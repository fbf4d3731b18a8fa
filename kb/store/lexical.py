"""BM25 search over jieba tokens with SQLite FTS5.

Chunks are stored pre-tokenised by jieba (tokens joined by spaces); FTS5's
unicode61 tokenizer then splits only at those spaces and at punctuation inside a
token (3.5 -> 3 5), the same way for text and query. A query is the OR of its
tokens, each quoted as an FTS5 string, so no user text is parsed as query syntax.
"""

from __future__ import annotations

import logging
import sqlite3

from kb.store.tokenize import tokenize
from kb.types import Chunk

log = logging.getLogger(__name__)

# A question has a handful of content tokens; a pasted page has thousands, and the first ones carry its topic.
MAX_QUERY_CHARS = 2000
MAX_QUERY_TOKENS = 64

_TABLE = "lexical_fts"


def lexical_text(chunk: Chunk) -> str:
    """What lexical search sees of a chunk: its title and headings (so 第十五条 finds the article) and its text."""
    return f"{chunk.title} {chunk.heading_path}\n{chunk.text}"


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _query_tokens(query: str) -> list[str]:
    seen: dict[str, None] = {}
    for t in tokenize((query or "")[:MAX_QUERY_CHARS]):
        seen.setdefault(t, None)
        if len(seen) >= MAX_QUERY_TOKENS:
            break
    return list(seen)


class LexicalIndex:
    """FTS5 rows keyed by chunk id, in the manifest's database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {_TABLE} USING fts5("
            "tokens, chunk_id UNINDEXED, doc_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
        )

    def add(self, chunks: list[Chunk]) -> None:
        """Index chunks (call inside the caller's transaction)."""
        self.conn.executemany(
            f"INSERT INTO {_TABLE} (tokens, chunk_id, doc_id) VALUES (?, ?, ?)",
            ((" ".join(tokenize(lexical_text(c))), c.chunk_id, c.doc_id) for c in chunks),
        )

    def delete_doc(self, doc_id: str) -> None:
        """Drop a document's rows (call inside the caller's transaction)."""
        self.conn.execute(f"DELETE FROM {_TABLE} WHERE doc_id = ?", (doc_id,))

    def count(self, doc_id: str | None = None, conn: sqlite3.Connection | None = None) -> int:
        """Indexed rows, of one document or of all."""
        conn = conn or self.conn
        if doc_id is None:
            return conn.execute(f"SELECT count(*) FROM {_TABLE}").fetchone()[0]
        return conn.execute(f"SELECT count(*) FROM {_TABLE} WHERE doc_id = ?", (doc_id,)).fetchone()[0]

    def search(
        self, query: str, k: int, doc_ids: list[str] | None = None, conn: sqlite3.Connection | None = None
    ) -> list[tuple[str, float]]:
        """The k best chunks for a query by BM25, as (chunk_id, score > 0), best first."""
        tokens = _query_tokens(query)
        if not tokens or k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        sql = f"SELECT chunk_id, -bm25({_TABLE}) FROM {_TABLE} WHERE {_TABLE} MATCH ?"
        params: list[object] = [" OR ".join(_quote(t) for t in tokens)]
        if doc_ids is not None:
            sql += f" AND doc_id IN ({', '.join('?' for _ in doc_ids)})"
            params.extend(doc_ids)
        sql += f" ORDER BY bm25({_TABLE}) LIMIT ?"
        params.append(int(k))
        try:
            rows = (conn or self.conn).execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            # Quoting makes a query syntax error unreachable for ordinary input; one must still not take the app
            # down. Anything else (a damaged file) is raised: answers must not quietly become vector-only.
            if "syntax" not in str(exc) and "fts5" not in str(exc):
                raise
            log.warning("lexical search failed for %r: %s", query[:80], exc)
            return []
        # bm25() is negative for matches; a tiny floor keeps "higher is better, always > 0" for near-zero idf terms.
        return [(cid, max(float(score), 1e-9)) for cid, score in rows]

    def doc_freq(self, terms: list[str], conn: sqlite3.Connection | None = None) -> tuple[dict[str, int], int]:
        """How many chunks contain each term, and how many chunks there are."""
        conn = conn or self.conn
        n = self.count(conn=conn)
        df: dict[str, int] = {}
        for term in terms:
            if not term.strip():
                df[term] = 0
                continue
            try:
                df[term] = conn.execute(
                    f"SELECT count(*) FROM {_TABLE} WHERE {_TABLE} MATCH ?", (_quote(term),)
                ).fetchone()[0]
            except sqlite3.Error:
                df[term] = 0
        return df, n
