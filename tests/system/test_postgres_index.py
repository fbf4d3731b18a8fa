"""The index on PostgreSQL (a real cluster started for the session) against the same index on SQLite: same ranking,
same answers, departments kept apart, the writers' lock across processes, damage refused, old SQLite files kept."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text

from kb.factory import build
from kb.settings import Settings
from kb.store.database import IndexDatabase, index_url, normalise_url
from kb.store.index import Index
from kb.store.integrity import IndexCorrupt
from kb.store.lexical import query_tokens
from kb.store.lexical_pg import fts5_length, tsvector_literal

pytestmark = pytest.mark.slow

QUESTIONS = [
    "党员的预备期是多长时间？",
    "多大年龄可以申请加入中国共产党？",
    "2024年国内生产总值增长的预期目标是多少？",
    "党的纪律处分有哪几种？",
    "第十五条",
    "预备党员 义务 权利",
]


def _on_pg(settings: Settings, url: str, kb_id: str = "default") -> Settings:
    return settings.model_copy(
        update={"store": settings.store.model_copy(update={"database_url": url, "kb_id": kb_id})}
    )


@pytest.fixture
def both(tmp_settings, pg_url, embedder, dangzhang, report):
    """The same two documents indexed on SQLite and on PostgreSQL."""
    lite = Index(tmp_settings, embedder)
    pg = Index(
        _on_pg(tmp_settings.model_copy(update={"data_dir": tmp_settings.data_dir.parent / "pg"}), pg_url), embedder
    )
    for idx in (lite, pg):
        for doc, chunks in (dangzhang, report):
            idx.upsert(doc, chunks)
    yield lite, pg
    lite.close()
    pg.close()


def test_postgresql_ranks_lexical_hits_as_fts5_bm25_does(both):
    lite, pg = both
    for q in QUESTIONS:
        a, b = lite.lexical_search(q, 10), pg.lexical_search(q, 10)
        assert [c.chunk_id for c, _ in a] == [c.chunk_id for c, _ in b], q
        assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=0.02), q


def test_postgresql_leaves_common_words_out_of_the_candidates_as_fts5_does(both):
    # As kb/store/lexical.py's pruning: words in more than a share of the rows only score what the rarer words find.
    lite, pg = both
    full = {q: dict((c.chunk_id, s) for c, s in pg.lexical_search(q, 200)) for q in QUESTIONS}
    for idx in (lite, pg):
        idx.lexical.common_share, idx.lexical.candidate_rows = 0.2, 0
    pruned = 0
    for q in QUESTIONS:
        pruned += pg.lexical._prune([t for t in query_tokens(q)], {})
        a, b = lite.lexical_search(q, 10), pg.lexical_search(q, 10)
        assert [c.chunk_id for c, _ in a] == [c.chunk_id for c, _ in b], q
        assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=0.02), q
        for c, score in b:  # the same BM25 as the whole search gives the row
            assert score == pytest.approx(full[q][c.chunk_id], rel=1e-9), q
    assert pruned >= 2


def test_word_counts_are_kept_with_the_rows_and_made_for_an_older_index(both, embedder, report):
    # lexical_df: each lexeme's row count, written in the rows' transactions; an index without it gets it counted.
    from sqlalchemy import text as sql

    lite, pg = both
    terms = ["党员", "预备期", "国内生产总值", "发展", "不存在的词"]

    def counted() -> dict[str, int]:
        with pg.manifest.db.read() as conn:
            return {
                t: conn.execute(
                    sql(f"SELECT count(*) FROM {pg.manifest.db.table('lexical')} WHERE tsv @@ CAST(:q AS tsquery)"),
                    {"q": f"'{t}'"},
                ).scalar_one()
                for t in terms
            }

    assert pg.lexical.doc_freq(terms)[0] == counted() == lite.lexical.doc_freq(terms)[0]
    assert pg.remove(report[0].source)
    assert pg.lexical.doc_freq(terms)[0] == counted()
    with pg.manifest.db.transaction() as conn:
        conn.execute(sql(f"DELETE FROM {pg.manifest.db.table('lexical_df')}"))
    again = Index(pg.settings, embedder)
    try:
        assert again.lexical.doc_freq(terms)[0] == counted()
    finally:
        again.close()


def test_document_frequencies_agree_between_the_backends(both):
    lite, pg = both
    terms = ["党员", "预备期", "国内生产总值", "不存在的词", "", "第十五条"]
    assert lite.doc_freq(terms) == pg.doc_freq(terms)


# -- BM25 from lexical_tf (kb/store/lexical_pg.py) against BM25 from the tsvectors alone ----------------------------


@pytest.fixture
def pieces(tmp_settings, pg_url, embedder, corpus_dir):
    """A PostgreSQL index of eleven small documents (articles of the party constitution, paragraphs of the 2024
    report), so that a scope has several runs of row numbers to pick from."""
    from tests.conftest import dangzhang_articles, make_doc, report_paragraphs

    idx = Index(_on_pg(tmp_settings, pg_url), embedder)
    articles, paras = dangzhang_articles(corpus_dir), report_paragraphs(corpus_dir)
    for i in range(0, len(articles), 3):
        idx.upsert(*make_doc(f"dz{i:02d}.txt", "中国共产党章程", articles[i : i + 3]))
    for i in range(0, len(paras), 2):
        idx.upsert(*make_doc(f"gwr{i:02d}.txt", "2024年政府工作报告", paras[i : i + 2]))
    yield idx
    idx.close()


def _tsvector_bm25(
    idx: Index, question: str, k: int, doc_ids: list[str] | None = None, cut: list[int] | None = None
) -> list[tuple[str, float]]:
    """The k best rows by BM25 as the search ranked them before lexical_tf, computed here from the tsvectors alone
    (term frequencies = position counts; row counts, totals and lengths counted from the rows too): candidates are
    the rows holding a question word, or its rarer words' rows when `PgLexicalIndex._prune` would prune; scored
    with every word. `cut` counts the candidates the common words' bound lets the search leave unscored."""
    import math
    from collections import defaultdict

    from kb.store.lexical import split_words
    from kb.store.lexical_pg import K1, B, _lexeme

    db = idx.manifest.db
    with db.read() as conn:
        got = conn.execute(
            text(
                f"SELECT l.chunk_id, l.doc_id, l.n_tokens, u.lexeme, cardinality(u.positions)"
                f" FROM {db.table('lexical')} l CROSS JOIN LATERAL unnest(l.tsv) u"
            )
        ).all()
    freq: dict[str, dict[str, int]] = defaultdict(dict)
    meta: dict[str, tuple[str, int]] = {}
    for cid, doc, n, lexeme, f in got:
        freq[cid][lexeme] = f
        meta[cid] = (doc, n)
    n_rows = len(meta)
    avgdl = sum(n for _, n in meta.values()) / n_rows
    tokens = list(dict.fromkeys(_lexeme(t) for t in query_tokens(question)))
    df = {t: sum(t in row for row in freq.values()) for t in tokens}
    idf = {t: max(math.log((n_rows - df[t] + 0.5) / (df[t] + 0.5)), 0) or 1e-6 for t in tokens}
    lex = idx.lexical

    def part(cid: str, t: str) -> float:
        tf = freq[cid].get(t, 0)
        return idf[t] * (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * meta[cid][1] / avgdl))

    def best(pick: list[str]) -> list[tuple[str, float]]:
        rows = [c for c in freq if any(t in freq[c] for t in pick) and (doc_ids is None or meta[c][0] in doc_ids)]
        scored = sorted(((c, sum(part(c, t) for t in tokens)) for c in rows), key=lambda r: (-r[1], r[0]))
        if cut is not None and scored:
            partial = sorted((sum(part(c, t) for t in pick) for c in rows), reverse=True)
            bar = partial[min(k, len(partial)) - 1]
            room = sum(idf[t] * (K1 + 1) for t in tokens if t not in pick and df[t])
            cut.append(sum(p + room < bar for p in partial))
        return scored[:k]

    if lex.common_share > 0 and len(tokens) > 1 and n_rows > lex.candidate_rows:
        rare, common = split_words(tokens, df, n_rows, lex.common_share, lex.candidate_rows)
        if rare and common:
            pruned = best(rare)
            if len(pruned) >= k:
                return pruned
    return best(tokens)


SCOPE_QUESTIONS = [
    *QUESTIONS,
    "党员必须履行哪些义务，享有哪些权利？",
    "稳就业 扩内需 科技创新 高质量发展",
    "中国共产党党员 组织 纪律",
]


@pytest.mark.parametrize(
    ("share", "late"),
    [(0.0, 3.0), (0.2, 0.0), (0.2, 3.0), (0.2, 1e9)],
    ids=["whole", "pruned, common words read", "pruned", "pruned, common words last"],
)
def test_bm25_from_the_term_table_is_the_bm25_of_the_tsvectors(pieces, share, late, monkeypatch):
    from kb.store import lexical_pg

    # `late`: how much the common words left to the last step may add (lexical_pg._late); the same rows and scores
    # whichever words are read with the candidates and whichever last.
    lexical_pg_late = lexical_pg._late
    monkeypatch.setattr(lexical_pg, "_late", lambda common, df, n: lexical_pg_late(common, df, n, late))
    lex = pieces.lexical
    lex.common_share, lex.candidate_rows = share, 0
    docs = sorted(d.doc_id for d in pieces.documents())
    # No scope; one document; a few (their row numbers as ranges); most (as the ranges outside); none indexed.
    scopes = [None, docs[:1], docs[::3], docs[1:], ["no-such-doc"]]
    cut: list[int] = []
    for q in SCOPE_QUESTIONS:
        for k in (1, 3, 10, 40):
            for scope in scopes:
                want = _tsvector_bm25(pieces, q, k, scope, cut)
                got = lex.search(q, k, doc_ids=scope)
                assert [c for c, _ in got] == [c for c, _ in want], (q, k, scope)
                assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-9), (q, k, scope)
    assert sum(cut) > 0  # the common words' bound did leave candidates unscored


def _term_rows(idx: Index) -> tuple[list[tuple], list[tuple]]:
    """lexical_tf's rows, and the rows it should have (read off the tsvectors), both sorted."""
    from kb.store.lexical_pg import _tf_rows

    db = idx.manifest.db
    with db.read() as conn:
        have = conn.execute(text(f"SELECT lexeme, rid, tf, n_tokens FROM {db.table('lexical_tf')}")).all()
        want = conn.execute(text(_tf_rows(db.table("lexical")))).all()
    return sorted(map(tuple, have)), sorted(map(tuple, want))


def test_the_term_table_follows_upserts_re_upserts_and_removals(pieces, corpus_dir):
    from tests.conftest import dangzhang_articles, make_doc

    have, want = _term_rows(pieces)
    assert have == want and len(have) > 1000
    articles = dangzhang_articles(corpus_dir)
    pieces.upsert(*make_doc("dz03.txt", "中国共产党章程（修订）", articles[3:5], version="2"))  # re-upsert, fewer
    pieces.upsert(*make_doc("dz99.txt", "中国共产党章程", articles[:2]))  # a new document
    assert pieces.remove("gwr04.txt")
    have, want = _term_rows(pieces)
    assert have == want
    q = "党员的权利和义务"
    assert [c for c, _ in pieces.lexical.search(q, 10)] == [c for c, _ in _tsvector_bm25(pieces, q, 10)]
    scope = [d.doc_id for d in pieces.documents() if d.source.startswith("dz")]
    got = pieces.lexical.search(q, 10, doc_ids=scope)
    assert [c for c, _ in got] == [c for c, _ in _tsvector_bm25(pieces, q, 10, scope)]


def test_an_index_made_before_the_term_table_gets_it_on_open_and_ranks_the_same(pieces, embedder, report):
    db = pieces.manifest.db
    before = {q: pieces.lexical.search(q, 10) for q in SCOPE_QUESTIONS}
    with db.transaction() as conn:  # back to the tables the code before lexical_tf made
        conn.execute(text(f"DROP TABLE {db.table('lexical_tf')}"))
        conn.execute(text(f"ALTER TABLE {db.table('lexical')} DROP COLUMN rid"))
    again = Index(pieces.settings, embedder)
    try:
        have, want = _term_rows(again)
        assert have == want and len(have) > 1000
        for q in SCOPE_QUESTIONS:
            got = again.lexical.search(q, 10)
            assert [c for c, _ in got] == [c for c, _ in before[q]], q
            assert [s for _, s in got] == pytest.approx([s for _, s in before[q]], rel=1e-9), q
        again.upsert(*report)  # and it is kept from then on
        assert again.remove("dz00.txt")
        have, want = _term_rows(again)
        assert have == want
        q = "国内生产总值 党员"
        assert [c for c, _ in again.lexical.search(q, 10)] == [c for c, _ in _tsvector_bm25(again, q, 10)]
    finally:
        again.close()


def test_the_doctor_finds_term_rows_older_code_left_behind_and_repair_makes_them_again(pieces):
    """Code from before lexical_tf adds and removes rows without it: the doctor says so, --repair remakes the
    term table, word counts and totals from the rows, and the ranking is BM25 of the tsvectors again."""
    from kb.cli.doctor import examine

    db = pieces.manifest.db
    lex, tf, df = db.table("lexical"), db.table("lexical_tf"), db.table("lexical_df")
    first = next(d.doc_id for d in pieces.documents() if d.source == "dz00.txt")
    with db.transaction() as conn:
        # A document added by the older code (rows, no term rows), the term rows of one it removed left behind, and
        # a word's count not taken back. (Totals off are refused as the index opens.)
        conn.execute(text(f"DELETE FROM {tf} x USING {lex} l WHERE x.rid = l.rid AND l.doc_id = :d"), {"d": first})
        conn.execute(text(f"INSERT INTO {tf} (lexeme, rid, tf, n_tokens) VALUES ('党员', 999999, 3, 40)"))
        conn.execute(text(f"UPDATE {df} SET n = n + 1 WHERE lexeme = '党员'"))
    health = examine(pieces.settings, sample=5)
    assert health.lexical == "不一致"
    problem = next(p for p in health.problems if p.startswith("词法索引不一致"))
    assert "lexical_tf" in problem and "lexical_df" in problem
    assert "python -m kb doctor --repair" in problem

    repaired = examine(pieces.settings, repair=True, sample=5)
    assert repaired.lexical.endswith("（已从各行重建）")
    assert not any(p.startswith("词法索引") for p in repaired.problems)
    assert examine(pieces.settings, sample=5).lexical == "与各行一致"
    have, want = _term_rows(pieces)
    assert have == want
    for q in SCOPE_QUESTIONS:
        assert [c for c, _ in pieces.lexical.search(q, 10)] == [c for c, _ in _tsvector_bm25(pieces, q, 10)], q


def test_a_question_reads_the_change_stamp_once_and_the_next_one_sees_another_process_s_commit(
    tmp_settings, pg_url, embedder, dangzhang, report, monkeypatch
):
    settings = _on_pg(tmp_settings, pg_url)
    kb = build(settings, embeddings=embedder)
    other = Index(settings, embedder)  # its own connections and commit count: another replica, as far as kb knows
    try:
        kb.index.upsert(*dangzhang)
        kb.ask("党员的预备期是多长时间？")  # the kept values filled
        reads = []
        db = kb.index.manifest.db
        real = db.data_version
        monkeypatch.setattr(db, "data_version", lambda: reads.append(1) or real())
        first = kb.ask("党员的预备期是多长时间？")
        assert not first.refused and len(reads) == 2  # one for the answer, one for the notices after it (was 11)
        other.upsert(*report)  # committed by the other replica between two questions
        second = kb.ask("2024年国内生产总值增长的预期目标是多少？")
        assert not second.refused and second.citations[0].source == report[0].source  # the new document is seen
    finally:
        other.close()
        kb.close()


def test_a_dev_question_gets_the_same_answer_on_both_backends(both, tmp_settings):
    lite, pg = both
    for q in ("党员的预备期是多长时间？", "多大年龄可以申请加入中国共产党？"):
        a, b = build(lite.settings, index=lite).ask(q), build(pg.settings, index=pg).ask(q)
        assert not a.refused and a.text == b.text
        assert [c.chunk_id for c in a.citations] == [c.chunk_id for c in b.citations]


def test_the_chunks_under_an_article_heading_are_the_same_on_both_backends(both, dangzhang, report):
    # The version notices read one article of every version of a law in one query (kb/answer/source_notices.py).
    lite, pg = both
    ids = [dangzhang[0].doc_id, report[0].doc_id, "no-such-doc"]
    for words in ("第七条", "第一章", "%", "_七条"):
        a, b = lite.manifest.chunks_headed(ids, words), pg.manifest.chunks_headed(ids, words)
        assert a == b, words
        want = [c for c in dangzhang[1] if words in c.heading_path]
        assert a.get(dangzhang[0].doc_id, []) == want, words
    assert [c.heading_path for c in lite.manifest.chunks_headed(ids, "第七条")[dangzhang[0].doc_id]] == [
        "第一章 党员 > 第七条"
    ]


def test_departments_keep_their_rows_apart_in_one_database(tmp_settings, pg_url, embedder, dangzhang, report):
    zzb = _on_pg(tmp_settings.model_copy(update={"data_dir": tmp_settings.data_dir / "zzb"}), pg_url, "zzb")
    xcb = _on_pg(tmp_settings.model_copy(update={"data_dir": tmp_settings.data_dir / "xcb"}), pg_url, "xcb")
    with Index(zzb, embedder) as a, Index(xcb, embedder) as b:
        a.upsert(*dangzhang)
        b.upsert(*report)
        assert {d.source for d in a.documents()} == {"dangzhang_2017.txt"}
        assert {d.source for d in b.documents()} == {"gwr_2024_guowuyuan.txt"}
        assert all(c.source == "dangzhang_2017.txt" for c, _ in a.lexical_search("国内生产总值 党员", 30))
        assert b.lexical_search("预备党员", 30) == []
        assert a.doc_freq(["党员"])[1] == len(dangzhang[1]) and b.doc_freq(["党员"])[1] == len(report[1])
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        schemas = set(conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kb\\_%'")).scalars())
    engine.dispose()
    assert schemas == {"kb_zzb", "kb_xcb"}


def test_the_writers_lock_is_a_database_lock_that_repair_respects(tmp_settings, pg_url, embedder):
    # Two connections of one process hold PostgreSQL advisory locks exactly as two machines would.
    settings = _on_pg(tmp_settings, pg_url)
    with Index(settings, embedder) as idx:
        other = IndexDatabase(settings)
        try:
            with other.writing():
                with idx.manifest.db.exclusive() as alone:
                    assert not alone
                assert idx.repair() == []  # skipped, never tearing down the other writer's document
            with idx.manifest.db.exclusive() as alone:
                assert alone
        finally:
            other.close()


def test_lexical_rows_lost_behind_the_index_s_back_are_refused_on_open(tmp_settings, pg_url, embedder, dangzhang):
    settings = _on_pg(tmp_settings, pg_url)
    with Index(settings, embedder) as idx:
        idx.upsert(*dangzhang)
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM kb_default.lexical"))
    engine.dispose()
    with pytest.raises(IndexCorrupt, match="词法索引 0 行"):
        Index(settings, embedder)


def _all_visible(engine, table: str) -> tuple[int, int]:
    """The table's pages now, and how many the last VACUUM marked all-visible."""
    with engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int, relallvisible"
                    f" FROM pg_class WHERE oid = '{table}'::regclass"
                )
            ).one()
        )


def test_an_ingest_run_leaves_the_term_table_ready_for_index_only_scans(tmp_settings, pg_url, embedder, tmp_path):
    # Rows a bulk load leaves on pages VACUUM has not marked all-visible cost an index-only scan a visit to the
    # table each (a fifth of a question's rows at 100k passages, until autovacuum came round): the ingest run
    # ends with VACUUM.
    from ingest.pipeline import ingest_paths

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notice.txt").write_text(
        "关于做好机关党建工作的通知\n\n" + "各单位要落实“三会一课”制度，党支部每月召开一次支部党员大会。" * 30,
        encoding="utf-8",
    )
    settings = _on_pg(tmp_settings, pg_url)
    engine = create_engine(pg_url)
    with Index(settings, embedder) as idx:
        idx.upsert(*_small_doc())  # written as a plain upsert: no VACUUM yet
        pages, visible = _all_visible(engine, "kb_default.lexical_tf")
        assert visible < pages
        report = ingest_paths(idx, [docs])
        assert [r.status for r in report.results] == ["added"]
        pages, visible = _all_visible(engine, "kb_default.lexical_tf")
        assert pages > 0 and visible == pages
    engine.dispose()


def _small_doc():
    from tests.conftest import make_doc

    return make_doc("small.txt", "小文件", [("", "预备党员的预备期为一年。" * 5)])


def test_a_postgres_url_is_normalised_and_only_sqlite_and_postgresql_are_accepted(tmp_settings):
    assert normalise_url("postgresql://kb@db/kb") == "postgresql+psycopg://kb@db/kb"
    assert normalise_url("postgres://kb@db/kb") == "postgresql+psycopg://kb@db/kb"
    assert index_url(tmp_settings).startswith("sqlite:///") and index_url(tmp_settings).endswith("kb.sqlite3")
    # An application database on SQLite elsewhere leaves the index in kb.sqlite3, as before.
    assert index_url(tmp_settings.model_copy(update={"database_url": "sqlite:///x.db"})).endswith("kb.sqlite3")
    app_pg = tmp_settings.model_copy(update={"database_url": "postgresql://kb@db/kb"})
    assert index_url(app_pg) == "postgresql+psycopg://kb@db/kb"
    mysql = tmp_settings.model_copy(
        update={"store": tmp_settings.store.model_copy(update={"database_url": "mysql://x/y"})}
    )
    with pytest.raises(ValueError, match="只支持 SQLite 和 PostgreSQL"):
        index_url(mysql)


def test_the_tsvector_keeps_jieba_tokens_whole_with_their_frequencies():
    tokens = ["中国", "3.5%", "it's", "中国", "a\\b"]
    assert tsvector_literal(tokens) == "'中国':1,4 '3.5%':2 'it''s':3 'a\\\\b':5"
    assert fts5_length(tokens) == 8  # FTS5 splits 3.5% into 3 and 5, it's into it and s, a\\b into a and b


# kb.sqlite3 as the raw-sqlite3 code (before SQLAlchemy) created it, with its statements.
_OLD_SCHEMA = """
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', author TEXT NOT NULL DEFAULT '',
    affiliation TEXT NOT NULL DEFAULT '', date TEXT NOT NULL DEFAULT '', doc_type TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'ready')), n_chunks INTEGER NOT NULL DEFAULT 0,
    n_chars INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL DEFAULT '');
CREATE INDEX documents_source ON documents(source);
CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL);
CREATE INDEX chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE lexical_fts USING fts5(tokens, chunk_id UNINDEXED, doc_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0');
"""


def test_an_index_file_written_by_the_raw_sqlite3_code_opens_and_answers_unchanged(tmp_settings, embedder, dangzhang):
    from dataclasses import fields

    from kb.store.lexical import lexical_text
    from kb.store.tokenize import tokenize
    from kb.types import Chunk

    doc, chunks = dangzhang
    tmp_settings.data_dir.mkdir(parents=True)
    conn = sqlite3.connect(tmp_settings.sqlite_path, isolation_level=None)
    conn.executescript(_OLD_SCHEMA)
    names = [f.name for f in fields(Chunk) if f.name != "authority"]  # the column older files lack
    for n in names:
        if n not in ("chunk_id", "doc_id", "ordinal", "text"):  # added by ALTER TABLE as the old code did
            conn.execute(f"ALTER TABLE chunks ADD COLUMN {n} TEXT NOT NULL DEFAULT ''")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,'ready',?,?,'','2025-01-01T00:00:00+00:00')",
        (doc.doc_id, doc.source, doc.path, doc.content_hash, doc.title, "", "", doc.date, doc.doc_type,
         len(chunks), len(doc.text)),
    )  # fmt: skip
    conn.executemany(
        f"INSERT INTO chunks ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        ([getattr(c, n) for n in names] for c in chunks),
    )
    conn.executemany(
        "INSERT INTO lexical_fts (tokens, chunk_id, doc_id) VALUES (?, ?, ?)",
        ((" ".join(tokenize(lexical_text(c))), c.chunk_id, c.doc_id) for c in chunks),
    )
    conn.execute("INSERT INTO meta VALUES ('embedder', ?)", (embedder.name,))
    conn.execute("COMMIT")
    conn.close()

    with Index(tmp_settings, embedder) as idx:  # no vectors yet: re-embedded from the chunk rows on open
        assert idx.chunks_of(doc.doc_id) == chunks
        article = next(c for c in chunks if c.location == "第七条")
        assert [c.chunk_id for c, _ in idx.lexical_search(article.text, 1)] == [article.chunk_id]
        assert [c.chunk_id for c, _ in idx.dense_search(article.text, 1)] == [article.chunk_id]
        assert idx.is_current(doc.source, doc.content_hash)


def test_the_doctor_checks_a_postgresql_index_and_reset_keeps_its_rows_aside(tmp_settings, pg_url, embedder, dangzhang):
    from kb.cli.doctor import examine, run_doctor

    settings = _on_pg(tmp_settings, pg_url)
    with Index(settings, embedder) as idx:
        idx.upsert(*dangzhang)
    health = examine(settings, sample=5)
    assert health.engine == "PostgreSQL" and health.integrity == "ok" and not health.problems
    assert health.chunks == health.lexical_rows == len(dangzhang[1])

    assert run_doctor(settings, do_reset=True) == 0
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        aside = conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kb\\_default\\_broken\\_%'"))
        aside = aside.scalars().all()
        assert len(aside) == 1
        assert conn.execute(text(f'SELECT count(*) FROM "{aside[0]}".chunks')).scalar() == len(dangzhang[1])
    engine.dispose()
    with Index(settings, embedder) as idx:
        assert idx.documents() == []  # a fresh schema, ready for the documents to be ingested again


def test_a_writer_and_a_process_opening_the_index_take_turns(tmp_settings, pg_url, embedder, dangzhang):
    # A worker opening the knowledge base checks its schema (CREATE INDEX … IF NOT EXISTS locks the lexical table
    # until it commits, then it writes `meta`'s version row) while another writes a document (its transaction bumps
    # that row first, then adds lexical rows): each waited for the other, and PostgreSQL failed one of them.
    import threading
    import time

    settings = _on_pg(tmp_settings, pg_url)
    idx = Index(settings, embedder)
    idx.upsert(*dangzhang)
    db, opener = idx.manifest.db, IndexDatabase(settings)  # the opener's own connections, as another process's
    locked, errors = threading.Event(), []

    def open_schema() -> None:
        try:
            with opener.schema_change() as conn:
                conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS lexical_doc ON {opener.table('lexical')} (doc_id)")
                locked.set()
                time.sleep(1.5)  # past PostgreSQL's deadlock_timeout (1 s), with the writer waiting
        except Exception as exc:  # noqa: BLE001 (the test reports whatever either side raised)
            errors.append(exc)
        finally:
            locked.set()

    t = threading.Thread(target=open_schema)
    t.start()
    assert locked.wait(30)
    try:
        with db.transaction() as conn:
            conn.execute(
                text(
                    f"INSERT INTO {db.table('lexical')} (chunk_id, doc_id, n_tokens, tsv)"
                    " VALUES ('turns:1', 'turns', 1, CAST('a' AS tsvector))"
                )
            )
    except Exception as exc:  # noqa: BLE001
        errors.append(exc)
    t.join()
    opener.close()
    idx.close()
    assert not errors, errors
