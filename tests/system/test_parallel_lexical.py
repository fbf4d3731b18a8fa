"""The lexical search runs in a second thread beside the embedding and dense search (`retrieval.parallel_lexical`):
the same passages in the same order as one after the other, and a failing lexical search still fails the question
rather than quietly leaving its half out."""

from __future__ import annotations

import pytest

from kb.answer.retrieval import HybridRetriever
from kb.store.index import Index

QUESTIONS = [
    "党员的预备期是多长时间？",
    "2024年国内生产总值增长的预期目标是多少？",
    "党的纪律处分有哪几种？",
    "预备党员 义务 权利",
    "第十五条",
]


@pytest.fixture
def index(tmp_settings, embedder, dangzhang, report):
    idx = Index(tmp_settings, embedder)
    idx.upsert(*dangzhang)
    idx.upsert(*report)
    yield idx
    idx.close()


def _retriever(index: Index, parallel: bool) -> HybridRetriever:
    cfg = index.settings.retrieval.model_copy(update={"parallel_lexical": parallel})
    return HybridRetriever(index, cfg)


def test_in_parallel_the_hits_are_those_of_one_search_after_the_other(index):
    together, apart = _retriever(index, True), _retriever(index, False)
    for q in QUESTIONS:
        a, b = together.retrieve(q), apart.retrieve(q)
        assert [(h.chunk.chunk_id, h.dense, h.lexical, h.score) for h in a] == [
            (h.chunk.chunk_id, h.dense, h.lexical, h.score) for h in b
        ], q
    scope = [next(d.doc_id for d in index.documents() if d.source.startswith("dangzhang"))]
    assert {h.chunk.doc_id for h in together.retrieve(QUESTIONS[1], doc_ids=scope)} <= set(scope)


def test_a_lexical_search_that_fails_in_its_thread_fails_the_retrieval(index, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("lexical index unavailable")

    monkeypatch.setattr(index, "lexical_search", broken)
    with pytest.raises(RuntimeError, match="lexical index unavailable"):
        _retriever(index, True).retrieve(QUESTIONS[0])
