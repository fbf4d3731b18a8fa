"""BM25 search over jieba tokens with PostgreSQL full-text search: a `tsvector` per chunk, a GIN index.

The tsvector holds the same jieba tokens FTS5 indexes on SQLite, as lexemes with their positions, the way the
`simple` configuration keeps words (as they are, lower-cased, no stemming, no stop words). It is written as a
tsvector value rather than through `to_tsvector('simple', …)`: PostgreSQL's parser would split the space-joined
tokens again (3.5%, foo-bar and e-mail-like tokens become other lexemes) and, in a database with the C locale,
drop Chinese characters altogether, which would quietly empty the lexical half of every answer.

Ranking is BM25 with FTS5's formula and constants (k1 = 1.2, b = 0.75, idf = ln((N − n + 0.5)/(n + 0.5)), at
least 1e-6), computed in SQL from each matching row's term frequencies (the lexemes' positions), its token count
and the knowledge base's row and token totals (`lexical_stats`, kept in the same transactions as the rows, as is
each lexeme's row count in `lexical_df`, which idf weights and pruning read instead of counting rows). So
both backends rank a question's passages the same way and the fused scores, hence the answers, agree.
`ts_rank_cd` and `ts_rank` were not used: they have no idf, so a passage repeating 党 or 发展 would outrank one
holding the question's rare term once, and the learned answer model was fitted on BM25 scores.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import text

from kb.store.database import KeptCounts
from kb.store.lexical import lexical_text, query_tokens, split_words
from kb.store.tokenize import tokenize
from kb.types import Chunk

if TYPE_CHECKING:
    from kb.store.database import IndexDatabase

log = logging.getLogger(__name__)

K1 = 1.2  # FTS5's bm25() defaults
B = 0.75
_MAX_POSITION = 16383  # PostgreSQL keeps positions 1..16383 (and at most 256 per lexeme)
_MAX_LEXEME_CHARS = 500  # a lexeme may have at most 2047 bytes; 500 characters of any script fit
_FTS5_TOKEN = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer counts as one token (letters and digits)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS {lexical} (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    n_tokens INTEGER NOT NULL,
    tsv TSVECTOR NOT NULL
);
CREATE INDEX IF NOT EXISTS lexical_tsv ON {lexical} USING GIN (tsv);
CREATE INDEX IF NOT EXISTS lexical_doc ON {lexical} (doc_id);
CREATE TABLE IF NOT EXISTS {stats} (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n_rows BIGINT NOT NULL,
    n_tokens BIGINT NOT NULL
);
INSERT INTO {stats} (id, n_rows, n_tokens) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS {df} (
    lexeme TEXT PRIMARY KEY,
    n BIGINT NOT NULL
)
"""


def _lexeme(token: str) -> str:
    return token[:_MAX_LEXEME_CHARS]


def _quoted(lexeme: str) -> str:
    # tsvector/tsquery input syntax: a quoted lexeme is taken as it is; quotes are doubled, backslashes escaped.
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: list[str]) -> str:
    """The tsvector of a chunk's tokens, in PostgreSQL's input syntax: each lexeme with its positions."""
    positions: dict[str, list[int]] = defaultdict(list)
    for i, token in enumerate(tokens, start=1):
        at = positions[_lexeme(token)]
        pos = min(i, _MAX_POSITION)
        if not at or at[-1] != pos:
            at.append(pos)
    return " ".join(f"{_quoted(lex)}:{','.join(map(str, pos))}" for lex, pos in positions.items())


def fts5_length(tokens: list[str]) -> int:
    """How many tokens FTS5 counts in the space-joined tokens (it splits 3.5 into 3 and 5): BM25's document length."""
    return sum(len(_FTS5_TOKEN.findall(t)) for t in tokens)


def _term_query(term: str) -> str | None:
    """A tsquery for one term as FTS5 reads a quoted string: one lexeme, or a phrase of the words it has."""
    words = [_lexeme(w) for w in unicodedata.normalize("NFKC", term).lower().split()]
    if not words:
        return None
    return " <-> ".join(_quoted(w) for w in words)


class PgLexicalIndex:
    """tsvector rows keyed by chunk id, in the knowledge base's PostgreSQL schema."""

    def __init__(self, db: IndexDatabase, common_share: float = 0.0, candidate_rows: int = 0) -> None:
        self.db = db
        self.common_share = common_share
        self.candidate_rows = candidate_rows
        self._counts = KeptCounts(db, self._count_rows)
        t = {"lexical": db.table("lexical"), "stats": db.table("lexical_stats"), "df": db.table("lexical_df")}
        lex, stats, df = t["lexical"], t["stats"], t["df"]
        with db.schema_change() as conn:
            for stmt in _SCHEMA.format(**t).split(";"):
                if stmt.strip():
                    conn.exec_driver_sql(stmt)
            # Each lexeme's row count, kept with the rows (`lexical_df`); an index made before it had one gets it
            # counted once here, from the rows themselves.
            if conn.exec_driver_sql(
                f"SELECT NOT EXISTS (SELECT 1 FROM {df}) AND EXISTS (SELECT 1 FROM {lex})"
            ).scalar():
                conn.exec_driver_sql(
                    f"INSERT INTO {df} (lexeme, n) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM {lex}')"
                )
        # Sorted by lexeme, so two writers at once take the rows' locks in one order.
        self._df_add = text(
            f"INSERT INTO {df} (lexeme, n) VALUES (:l, :n) ON CONFLICT (lexeme) DO UPDATE SET n = {df}.n + EXCLUDED.n"
        )
        self._df_sub = text(f"UPDATE {df} SET n = n - :n WHERE lexeme = :l")
        self._doc_lexemes = text(
            f"SELECT u.lexeme, count(*) FROM {lex} l CROSS JOIN LATERAL unnest(tsvector_to_array(l.tsv)) u(lexeme)"
            " WHERE l.doc_id = :d GROUP BY u.lexeme ORDER BY u.lexeme"
        )
        self._df_get = text(f"SELECT lexeme, n FROM {df} WHERE lexeme = ANY(CAST(:ls AS text[]))")
        self._add = text(
            f"INSERT INTO {lex} (chunk_id, doc_id, n_tokens, tsv) VALUES (:c, :d, :n, CAST(:v AS tsvector))"
        )
        self._delete = text(f"DELETE FROM {lex} WHERE doc_id = :d RETURNING n_tokens")
        self._bump = text(f"UPDATE {stats} SET n_rows = n_rows + :r, n_tokens = n_tokens + :t WHERE id = 1")
        self._count = text(f"SELECT count(*) FROM {lex}")
        self._count_doc = text(f"SELECT count(*) FROM {lex} WHERE doc_id = :d")
        self._stats = text(f"SELECT n_rows, n_tokens FROM {stats} WHERE id = 1")
        self._lex = lex
        # One pass over the rows holding any query term gives each term's document frequency (for idf, over the
        # whole knowledge base as FTS5 does, whatever the doc_ids filter) and each row's term frequencies.
        score = (
            "sum(CASE WHEN ln((s.n_rows - f.n + 0.5) / (f.n + 0.5)) <= 0 THEN 1e-6"
            " ELSE ln((s.n_rows - f.n + 0.5) / (f.n + 0.5)) END"
            f" * (h.tf * {K1 + 1}) / (h.tf + {K1} * ({1 - B} + {B} * h.n_tokens / s.avgdl)))"
        )
        search = (
            "WITH h AS ("
            " SELECT l.chunk_id, l.doc_id, CAST(l.n_tokens AS float8) AS n_tokens, u.lexeme,"
            " CAST(cardinality(u.positions) AS float8) AS tf"
            f" FROM {lex} l CROSS JOIN LATERAL unnest(ts_filter(setweight(l.tsv, 'A', CAST(:terms AS text[])), '{{a}}')) u"
            " WHERE l.tsv @@ CAST(:q AS tsquery) AND u.lexeme = ANY(CAST(:terms AS text[]))"
            "), f AS (SELECT lexeme, CAST(count(*) AS float8) AS n FROM h GROUP BY lexeme),"
            " s AS (SELECT CAST(n_rows AS float8) AS n_rows, CAST(n_tokens AS float8) / greatest(n_rows, 1) AS avgdl"
            f" FROM {stats} WHERE id = 1)"
            f" SELECT h.chunk_id, {score} AS score FROM h JOIN f ON f.lexeme = h.lexeme CROSS JOIN s"
        )
        self._search = text(search + " GROUP BY h.chunk_id ORDER BY score DESC, h.chunk_id LIMIT :k")
        self._search_in = text(
            search + " WHERE h.doc_id = ANY(CAST(:docs AS text[]))"
            " GROUP BY h.chunk_id ORDER BY score DESC, h.chunk_id LIMIT :k"
        )
        # Pruned (as FTS5's on SQLite, kb/store/lexical.py): the rows holding the rarer words (:q) are scored with
        # every word of the question, each word's row count given (:fterms, :fdf) instead of counted from the rows.
        pruned = search.replace(
            "), f AS (SELECT lexeme, CAST(count(*) AS float8) AS n FROM h GROUP BY lexeme),",
            "), f AS (SELECT * FROM unnest(CAST(:fterms AS text[]), CAST(:fdf AS float8[])) AS t(lexeme, n)),",
        )
        assert pruned != search
        self._search_pruned = text(pruned + " GROUP BY h.chunk_id ORDER BY score DESC, h.chunk_id LIMIT :k")
        self._search_pruned_in = text(
            pruned + " WHERE h.doc_id = ANY(CAST(:docs AS text[]))"
            " GROUP BY h.chunk_id ORDER BY score DESC, h.chunk_id LIMIT :k"
        )

    def add(self, chunks: list[Chunk]) -> None:
        """Index chunks (call inside the caller's transaction)."""
        rows = []
        held: dict[str, int] = defaultdict(int)  # rows holding each lexeme, among these
        for c in chunks:
            tokens = tokenize(lexical_text(c))
            rows.append({"c": c.chunk_id, "d": c.doc_id, "n": fts5_length(tokens), "v": tsvector_literal(tokens)})
            for lexeme in {_lexeme(t) for t in tokens}:
                held[lexeme] += 1
        if not rows:
            return
        with self.db.transaction() as conn:
            conn.execute(self._add, rows)
            conn.execute(self._bump, {"r": len(rows), "t": sum(r["n"] for r in rows)})
            conn.execute(self._df_add, [{"l": lexeme, "n": n} for lexeme, n in sorted(held.items())])

    def delete_doc(self, doc_id: str) -> None:
        """Drop a document's rows (call inside the caller's transaction)."""
        with self.db.transaction() as conn:
            held = [{"l": lexeme, "n": n} for lexeme, n in conn.execute(self._doc_lexemes, {"d": doc_id})]
            if held:
                conn.execute(self._df_sub, held)
            gone = list(conn.execute(self._delete, {"d": doc_id}).scalars())
            if gone:
                conn.execute(self._bump, {"r": -len(gone), "t": -sum(gone)})

    def count(self, doc_id: str | None = None) -> int:
        """Indexed rows, of one document or of all."""
        with self.db.read() as conn:
            if doc_id is None:
                return int(conn.execute(self._count).scalar_one())
            return int(conn.execute(self._count_doc, {"d": doc_id}).scalar_one())

    def search(
        self, query: str, k: int, doc_ids: list[str] | None = None, wide: bool = True
    ) -> list[tuple[str, float]]:
        """The k best chunks for a query by BM25, as (chunk_id, score > 0), best first (`wide`: as on SQLite,
        unused here: the scope always goes into the query)."""
        tokens = [_lexeme(t) for t in query_tokens(query)]
        if not tokens or k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        tokens = list(dict.fromkeys(tokens))
        params: dict[str, object] = {"q": " | ".join(_quoted(t) for t in tokens), "terms": tokens, "k": int(k)}
        if doc_ids is not None:
            params["docs"] = list(doc_ids)
        plain = self._search if doc_ids is None else self._search_in
        rows = []
        if self._prune(tokens, params):
            with self.db.read() as conn:
                rows = conn.execute(self._search_pruned if doc_ids is None else self._search_pruned_in, params).all()
            if len(rows) < k:  # the rest of the k best hold only common words: the whole search finds them
                params.update(q=" | ".join(_quoted(t) for t in tokens), terms=tokens)
                rows = []
        if not rows:
            with self.db.read() as conn:
                rows = conn.execute(plain, params).all()
        return [(cid, max(float(score), 1e-9)) for cid, score in rows]

    def _prune(self, tokens: list[str], params: dict[str, object]) -> bool:
        """Narrow `params` to the rarer words' rows when the question has words in most rows; whether it did.

        Scoring every row that holds 工作 or 发展 (60% of them at 100k passages) is most of a search's time; the
        same rule as SQLite's (`split_words`): those words only score the rows the rarer words find, by the same
        BM25 of the whole question; a row holding only common words can be missed."""
        if self.common_share <= 0 or len(tokens) < 2:
            return False
        df, n_rows = self.doc_freq(tokens)  # the tokens are folded as doc_freq folds a term: each its own lexeme
        if n_rows <= self.candidate_rows:
            return False
        rare, common = split_words(tokens, df, n_rows, self.common_share, self.candidate_rows)
        if not rare or not common:
            return False
        present = [t for t in tokens if df[t] > 0]
        params.update(
            q=" | ".join(_quoted(t) for t in rare), terms=present, fterms=present, fdf=[float(df[t]) for t in present]
        )
        return True

    def doc_freq(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many chunks contain each term, and how many chunks there are; kept until the index changes."""
        return self._counts.get(terms)

    def _count_rows(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """A one-word term is looked up in `lexical_df` (counting the rows that hold 工作 read 60% of the table at 100k
        passages); a phrase of several words is counted in the rows."""
        words = {t: [_lexeme(w) for w in unicodedata.normalize("NFKC", t).lower().split()] for t in terms}
        single = {t: w[0] for t, w in words.items() if len(w) == 1}
        phrases = {t: _term_query(t) for t, w in words.items() if len(w) > 1}
        asked = [q for q in dict.fromkeys(phrases.values()) if q]
        with self.db.read() as conn:
            n = int(conn.execute(self._stats).one()[0])
            found = dict(conn.execute(self._df_get, {"ls": list(set(single.values()))}).all()) if single else {}
            counts: dict[str, int] = {}
            if asked:
                cols = ", ".join(f"count(*) FILTER (WHERE tsv @@ CAST(:q{i} AS tsquery))" for i in range(len(asked)))
                params = {f"q{i}": q for i, q in enumerate(asked)}
                params["any"] = " | ".join(f"({q})" for q in asked)
                row = conn.execute(
                    text(f"SELECT {cols} FROM {self._lex} WHERE tsv @@ CAST(:any AS tsquery)"), params
                ).one()
                counts = {q: int(v) for q, v in zip(asked, row)}
        out = {t: int(found.get(w, 0)) for t, w in single.items()}
        out.update({t: counts.get(q, 0) if q else 0 for t, q in phrases.items()})
        return {t: out.get(t, 0) for t in terms}, n
