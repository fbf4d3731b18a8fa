"""The whole path on real parts: files -> ingest -> Chroma + FTS5 (or PostgreSQL) -> kb.ask, with a broken file in
the batch."""

import shutil
from pathlib import Path

import pytest

from ingest.pipeline import INGEST_VERSION, REINDEXED, indexed_version, ingest_paths
from kb.answer.citations import is_verbatim
from kb.factory import build, open_index
from tests.pgserver import BACKENDS, on_backend

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(params=BACKENDS)
def tmp_settings(tmp_settings, request):
    """Each test runs with the index on SQLite and on PostgreSQL."""
    return on_backend(tmp_settings, request)


def test_ingest_then_ask_gives_a_cited_answer_and_reports_the_bad_file(tmp_settings, embedder, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE, docs)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "garbage.txt").write_bytes(bytes(range(256)) * 20)
    index = open_index(tmp_settings, embedder)
    report = ingest_paths(index, [docs])
    failed = {r.path.name: r.reason for r in report.failed}
    assert set(failed) == {"empty.txt", "garbage.txt"}
    assert all(reason and "Traceback" not in reason for reason in failed.values())
    assert [r.status for r in report.results if r.status != "failed"] == ["added"]

    again = ingest_paths(index, [docs / "动力党建合力攻坚_株洲市直机关.txt"])
    assert [r.status for r in again.results] == ["unchanged"]

    kb = build(tmp_settings, index=index)
    answer = kb.ask("退役军人医疗义诊队服务了多少人次？")
    assert not answer.refused
    assert "2000余人次" in answer.text
    source_text = (SAMPLE / "动力党建合力攻坚_株洲市直机关.txt").read_text(encoding="utf-8")
    for c in answer.citations:
        assert is_verbatim(c.quote, c.passage)
        assert c.title and c.source == "动力党建合力攻坚_株洲市直机关.txt"
    assert any(c.title == "党建引领别样红 真心服务为尊崇" and c.author == "刘新宇" for c in answer.citations)
    assert source_text  # the sample ships with the project
    kb.close()


def test_removing_a_document_takes_it_out_of_answers(tmp_settings, embedder):
    index = open_index(tmp_settings, embedder)
    ingest_paths(index, [SAMPLE])
    assert index.remove("动力党建合力攻坚_株洲市直机关.txt")
    kb = build(tmp_settings, index=index)
    answer = kb.ask("退役军人医疗义诊队服务了多少人次？")
    assert answer.refused and not answer.citations
    kb.close()


NOTICE_TITLE = "国家税务总局深圳市税务局关于进一步延长2020年2月份纳税申报期限有关事项的通告"
NOTICE_BODY = (
    "根据《国家税务总局关于进一步延长2020年2月份纳税申报期限有关事项的通知》，现将有关事项通告如下："
    "对按月申报的纳税人，2020年2月份纳税申报期限进一步延长至2月28日。特此通告。"
)


def test_a_document_indexed_by_an_older_ingest_is_read_again_and_re_indexed_only_if_it_differs(
    tmp_settings, embedder, tmp_path
):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notice.txt").write_text(f"{NOTICE_TITLE}\n{NOTICE_BODY}\n", encoding="utf-8")
    (docs / "note.txt").write_text(
        "学习笔记\n党员应当坚持理论学习，每月参加一次主题党日活动，按时交纳党费。\n", encoding="utf-8"
    )
    index = open_index(tmp_settings, embedder)
    assert [r.status for r in ingest_paths(index, [docs]).results] == ["added", "added"]
    notice, note = index.manifest.by_source("notice.txt"), index.manifest.by_source("note.txt")
    assert indexed_version(index, notice.doc_id) == indexed_version(index, note.doc_id) == INGEST_VERSION
    # What session 13's ingest made of the notice: the title glued to the body, the file name as its title.
    index.manifest.update(notice.doc_id, title="notice")

    # Indexed by this version: an unchanged file is not read again (no cost on every run).
    assert [r.status for r in ingest_paths(index, [docs]).results] == ["unchanged", "unchanged"]
    assert index.manifest.by_source("notice.txt").title == "notice"

    # Indexed before versions were recorded: both files are read again, only the notice differs.
    index.manifest.set_meta(f"ingest_version:{notice.doc_id}", "1")
    index.manifest.set_meta(f"ingest_version:{note.doc_id}", "1")
    results = {r.path.name: r for r in ingest_paths(index, [docs]).results}
    assert (results["notice.txt"].status, results["notice.txt"].reason) == ("updated", REINDEXED)
    assert results["note.txt"].status == "unchanged"
    assert index.manifest.by_source("notice.txt").title == NOTICE_TITLE
    assert indexed_version(index, notice.doc_id) == indexed_version(index, note.doc_id) == INGEST_VERSION
    kb = build(tmp_settings, index=index)
    answer = kb.ask("深圳市按月申报的纳税人2月份纳税申报期限延长到哪天？")
    assert not answer.refused and "2月28日" in answer.text
    assert answer.citations[0].title == NOTICE_TITLE
    kb.close()
