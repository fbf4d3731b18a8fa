"""BM25 search over jieba tokens: SQLite FTS5 here, PostgreSQL full-text search in kb/store/lexical_pg.py.

Chunks are stored pre-tokenised by jieba (tokens joined by spaces); FTS5's
unicode61 tokenizer then splits only at those spaces and at punctuation inside a
token (3.5 -> 3 5), the same way for text and query. A query is the OR of its
tokens, each quoted as an FTS5 string, so no user text is parsed as query syntax.
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kb.store.database import KeptCounts, PerChange
from kb.store.tokenize import tokenize
from kb.types import Chunk

if TYPE_CHECKING:
    from kb.settings import RetrievalSettings
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


# FTS5's bm25() constants, and the runs of letters and digits its unicode61 tokenizer makes tokens of.
_K1, _B = 1.2, 0.75
_TOKEN = re.compile(r"[^\W_]+")


class LexicalIndex:
    """FTS5 rows keyed by chunk id, in the index's SQLite file."""

    def __init__(self, db: IndexDatabase, common_share: float = 0.0, candidate_rows: int = 0) -> None:
        self.db = db
        self.common_share = common_share
        self.candidate_rows = candidate_rows
        # (rows, mean tokens per row), which pruning needs per question, and the words' row counts; kept per change.
        self._stats: PerChange[tuple[int, float]] = PerChange(db, self._table_size)
        self._counts = KeptCounts(db, self._count_rows)
        self._runs: PerChange[_Runs] = PerChange(db, self._row_runs)
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

    def check(self) -> str | None:
        """What in the full-text index disagrees with the rows it was made from (FTS5's own integrity check), or
        None."""
        try:
            with self.db.transaction() as conn:
                conn.exec_driver_sql(f"INSERT INTO {_TABLE}({_TABLE}) VALUES ('integrity-check')")
        except DBAPIError as exc:
            return f"FTS5 全文索引与其内容不一致（{exc.orig}）"
        return None

    def maintain(self) -> None:
        """After a batch of writes: nothing to do (FTS5 merges its segments as rows come; PostgreSQL's needs VACUUM)."""

    def rebuild(self) -> None:
        """Remake the full-text index from its rows (call holding the writers' lock)."""
        with self.db.transaction() as conn:
            conn.exec_driver_sql(f"INSERT INTO {_TABLE}({_TABLE}) VALUES ('rebuild')")

    def search(
        self, query: str, k: int, doc_ids: list[str] | None = None, wide: bool = True
    ) -> list[tuple[str, float]]:
        """The k best chunks for a query by BM25, as (chunk_id, score > 0), best first.

        `wide`: the scope `doc_ids` is most of the documents (the in-force default), so the best rows of the whole
        table are likely in it; False for a few dozen documents among thousands (a routed question)."""
        tokens = query_tokens(query)
        if not tokens or k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        match = " OR ".join(_quote(t) for t in tokens)
        if doc_ids is not None and len(doc_ids) > FEW_DOCS and wide:
            # A scope of many documents (the in-force default) costs SQLite a lookup in that list for every matching
            # row (130 against 41 ms at 100k chunks). BM25 scores do not depend on the filter (FTS5 ranks with the
            # whole table's statistics), so the best rows unfiltered, kept when in scope, are the same rows; only
            # when too few of them are in scope does the filter go into the query.
            wanted = set(doc_ids)
            rows = self._best(query, tokens, match, 3 * k)
            kept = [(cid, score) for cid, doc, score in rows if doc in wanted]
            if len(kept) >= k or len(rows) < 3 * k:
                return kept[:k]
        return [(cid, score) for cid, _, score in self._best(query, tokens, match, k, doc_ids)]

    def _best(
        self, query: str, tokens: list[str], match: str, k: int, doc_ids: list[str] | None = None
    ) -> list[tuple[str, str, float]]:
        """The k best rows (of `doc_ids`): pruned of common words when it has them (`_pruned`), else FTS5's.

        A table of at most `candidate_rows` rows is ranked whole: FTS5's work is within the budget anyway, and
        scoring the common words in Python would cost more than it saves (5% of the app's time under load at 1k)."""
        if self.common_share > 0 and len(tokens) > 1 and self._stats.get()[0] > self.candidate_rows:
            rows = self._pruned(query, tokens, k, doc_ids)
            if rows is not None:
                return rows
        return self._run(query, match, k, doc_ids)

    def _pruned(
        self, query: str, tokens: list[str], k: int, doc_ids: list[str] | None = None
    ) -> list[tuple[str, str, float]] | None:
        """The best rows found by the question's rarer words, scored with all its words; None when nothing is cut.

        FTS5 scores every row holding any query word, and at 100k passages a word like 工作 is in 60% of them
        (lexical search 47/90 ms p50/p95 there). Words in more than `common_share` of the rows pick no
        candidates: the rarer words' best rows are fetched (their BM25 from FTS5), and each common word's part
        is added here by FTS5's own formula (same scores to 1e-13), from the row's stored tokens. A row that
        holds only common words, or ranks below the candidates on the rare ones, can be missed (a scope of
        `doc_ids` filters the candidates; checking each matching row's document is what costs there): at 100k
        chunks and a share of 0.2, 99.7% of the top 30 rows are the same, and no tuning source's answer changed.
        """
        (n_rows, avgdl), df = self._table_stats(tokens)
        if not n_rows or not avgdl:
            return None
        rare, common = split_words(tokens, df, n_rows, self.common_share, self.candidate_rows)
        if not common or not rare:
            return None
        cands = self._run(query, " OR ".join(_quote(t) for t in rare), max(2 * k, 100), doc_ids, rowids=True)
        if len(cands) < k:  # the rest of the k best hold only common words: the whole search finds them
            return None
        with self.db.sqlite_reader() as raw:
            ids = [r[0] for r in cands]
            texts = dict(
                raw.execute(
                    f"SELECT id, c0 FROM {_TABLE}_content WHERE id IN ({', '.join('?' for _ in ids)})", ids
                ).fetchall()
            )
        phrases = [(_TOKEN.findall(t.lower()), _idf(n_rows, df[t])) for t in common]
        scored = []
        for rowid, cid, doc, score in cands:
            row = _TOKEN.findall((texts.get(rowid) or "").lower())
            norm = _K1 * (1 - _B + _B * len(row) / avgdl)
            for words, idf in phrases:
                tf = _count(row, words)
                if tf:
                    score += idf * tf * (_K1 + 1) / (tf + norm)
            scored.append((cid, doc, score))
        scored.sort(key=lambda r: -r[2])
        return scored[:k]

    def _table_stats(self, tokens: list[str]) -> tuple[tuple[int, float], dict[str, int]]:
        """(rows, mean tokens per row), and the tokens' row counts; both kept until the index changes."""
        return self._stats.get(), self.doc_freq(tokens)[0]

    def _table_size(self) -> tuple[int, float]:
        """(rows, mean tokens per row) from FTS5's averages record."""
        with self.db.sqlite_reader() as raw:
            block = raw.execute(f"SELECT block FROM {_TABLE}_data WHERE id = 1").fetchone()
        totals = _varints(block[0]) if block else []
        return (totals[0], sum(totals[1:]) / totals[0]) if totals and totals[0] else (0, 0.0)

    def _run(
        self, query: str, match: str, k: int, doc_ids: list[str] | None, rowids: bool = False
    ) -> list[tuple[Any, ...]]:
        """(chunk_id, doc_id, score) of the k best rows, or (rowid, chunk_id, doc_id, score) with `rowids`."""
        cols = "rowid, chunk_id, doc_id" if rowids else "chunk_id, doc_id"
        sql = f"SELECT {cols}, -bm25({_TABLE}) FROM {_TABLE} WHERE {_TABLE} MATCH ?"
        if doc_ids is not None:
            sql += f" AND {self._runs.get().scope_sql(doc_ids)}"
        sql += f" ORDER BY bm25({_TABLE}) LIMIT ?"
        params: list[object] = [match, int(k)]
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
        return [(*r[:-1], max(float(r[-1]), 1e-9)) for r in rows]

    def _row_runs(self) -> _Runs:
        """The table's rowids as runs of one document each, read in rowid order (`_Runs` says why)."""
        with self.db.sqlite_reader() as raw:
            return _Runs(raw.execute(f"SELECT id, c2 FROM {_TABLE}_content ORDER BY id"))

    def doc_freq(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many chunks contain each term, and how many chunks there are; kept until the index changes."""
        return self._counts.get(terms)

    def _count_rows(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """`doc_freq` as FTS5 counts it, uncached."""
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


class _Runs:
    """Which rowids each document's rows have, as runs of consecutive rows (one per document and upsert).

    Filtering FTS5 rows by the UNINDEXED doc_id column reads every matching row's stored content: at 100k passages a
    question routed to 63 documents spent 120 of its 150 ms there. A row's rowid comes with the match for free, so
    the scope is written as rowid ranges instead, tested as a balanced tree of CASEs (a flat OR of 63 ranges costs
    ~45 ms of comparisons; the tree ~6 per row): 121 → 21 ms on that question, same rows."""

    def __init__(self, rows: Iterable[tuple[int, str]]) -> None:
        self.runs: list[tuple[int, int]] = []
        self.by_doc: dict[str, list[int]] = {}
        last_doc, lo, hi = None, 0, 0
        for rowid, doc in rows:
            if doc != last_doc:
                if last_doc is not None:
                    self._close(last_doc, lo, hi)
                last_doc, lo = doc, rowid
            hi = rowid
        if last_doc is not None:
            self._close(last_doc, lo, hi)

    def _close(self, doc: str, lo: int, hi: int) -> None:
        self.by_doc.setdefault(doc, []).append(len(self.runs))
        self.runs.append((lo, hi))

    def scope_sql(self, doc_ids: Iterable[str], column: str = "rowid") -> str:
        """An SQL condition on `column` (the row numbers read) that holds for exactly the rows of `doc_ids` (as of
        this reading)."""
        inside = sorted({i for d in set(doc_ids) for i in self.by_doc.get(d, ())})
        if len(inside) * 2 <= len(self.runs):
            return _rowid_tree(self._ranges(inside), column)
        # Most of the table: the rows outside are fewer ranges to test (and rows added since are not in scope).
        taken = set(inside)
        outside = _rowid_tree(self._ranges([i for i in range(len(self.runs)) if i not in taken]), column)
        return f"({column} <= {int(self.runs[-1][1])} AND NOT {outside})"

    def _ranges(self, picked: list[int]) -> list[tuple[int, int]]:
        """The picked runs (ascending indexes) as rowid ranges, neighbouring runs joined."""
        out: list[tuple[int, int]] = []
        prev = -2
        for i in picked:
            lo, hi = self.runs[i]
            if i == prev + 1:
                out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
            prev = i
        return out


def _rowid_tree(ranges: list[tuple[int, int]], column: str = "rowid") -> str:
    """`column` in one of the ascending, disjoint ranges, as nested CASEs that halve the ranges at each level."""
    if not ranges:
        return "(0 = 1)"  # false in SQLite and in PostgreSQL (where an integer is no boolean)
    if len(ranges) == 1:
        lo, hi = ranges[0]
        return f"({column} BETWEEN {int(lo)} AND {int(hi)})"
    mid = len(ranges) // 2
    low, high = _rowid_tree(ranges[:mid], column), _rowid_tree(ranges[mid:], column)
    return f"(CASE WHEN {column} < {int(ranges[mid][0])} THEN {low} ELSE {high} END)"


def split_words(
    tokens: list[str], df: dict[str, int], n_rows: int, common_share: float, candidate_rows: int
) -> tuple[list[str], list[str]]:
    """The question words that pick lexical candidates (in at most `common_share` of the rows, rarest first, while
    the rows they are in fit `candidate_rows`), and the words that only score them. Words in no row are neither."""
    limit = common_share * n_rows
    rare = sorted((t for t in tokens if 0 < df.get(t, 0) <= limit), key=lambda t: df[t])
    if candidate_rows:
        kept, total = [], 0
        for t in rare:
            if kept and total + df[t] > candidate_rows:
                break
            kept.append(t)
            total += df[t]
        rare = kept
    picked = set(rare)
    return rare, [t for t in tokens if df.get(t, 0) > 0 and t not in picked]


def _idf(n_rows: int, n_hit: int) -> float:
    """FTS5's idf of a word in `n_hit` of `n_rows` rows (fts5_aux.c), floored as it is."""
    idf = math.log((n_rows - n_hit + 0.5) / (n_hit + 0.5))
    return idf if idf > 0 else 1e-6


def _count(row: list[str], words: list[str]) -> int:
    """Occurrences of a phrase (one or more tokens in a row) in a row's tokens."""
    if len(words) == 1:
        return row.count(words[0])
    n = len(words)
    return sum(1 for i in range(len(row) - n + 1) if row[i : i + n] == words)


def _varints(buf: bytes) -> list[int]:
    """SQLite's varints (1-9 bytes, big-endian, high bit continues), as FTS5 writes its averages record."""
    out, i = [], 0
    while i < len(buf):
        v = 0
        for j in range(9):
            byte = buf[i]
            i += 1
            if j == 8:
                v = (v << 8) | byte
                break
            v = (v << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(v)
    return out


_ADD = text(f"INSERT INTO {_TABLE} (tokens, chunk_id, doc_id) VALUES (:t, :c, :d)")
_DELETE = text(f"DELETE FROM {_TABLE} WHERE doc_id = :d")
_COUNT = text(f"SELECT count(*) FROM {_TABLE}")
_COUNT_DOC = text(f"SELECT count(*) FROM {_TABLE} WHERE doc_id = :d")


def open_lexical(db: IndexDatabase, retrieval: RetrievalSettings) -> LexicalIndex | PgLexicalIndex:
    """The lexical index of the database's engine: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""
    if db.is_sqlite:
        return LexicalIndex(db, retrieval.lexical_common_share, retrieval.lexical_candidate_rows)
    from kb.store.lexical_pg import PgLexicalIndex

    return PgLexicalIndex(db, retrieval.lexical_common_share, retrieval.lexical_candidate_rows)
