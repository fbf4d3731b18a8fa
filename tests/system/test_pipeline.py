"""The whole path on real parts: files -> ingest -> Chroma + FTS5 (or PostgreSQL) -> kb.ask, with a broken file in
the batch."""

import shutil
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
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
