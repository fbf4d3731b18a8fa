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


def test_a_dev_question_gets_the_same_answer_on_both_backends(both, tmp_settings):
    lite, pg = both
    for q in ("党员的预备期是多长时间？", "多大年龄可以申请加入中国共产党？"):
        a, b = build(lite.settings, index=lite).ask(q), build(pg.settings, index=pg).ask(q)
        assert not a.refused and a.text == b.text
        assert [c.chunk_id for c in a.citations] == [c.chunk_id for c in b.citations]


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
