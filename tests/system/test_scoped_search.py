"""A question searched in most of the documents (the in-force default scope) gets the same passages as a filter in the
query would give, on the real FTS5 index and the real Chroma store (exact and HNSW), and never a passage outside it."""

from __future__ import annotations

import pytest

from kb.store.index import Index
from kb.store.lexical import _quote, query_tokens
from tests.conftest import make_doc

TOPICS = ["党员", "干部", "预算", "教育", "医疗", "交通", "住房", "就业", "环境", "科技"]


@pytest.fixture
def many_docs(tmp_settings, embedder):
    """60 one-chunk documents; the first five talk of 预备党员 at length, the others mention it once."""
    idx = Index(tmp_settings, embedder)
    ids = []
    for i in range(60):
        if i < 5:
            text = f"预备党员的预备期为一年。预备党员的权利和义务。预备党员第{i}号文件。"
        else:
            topic = TOPICS[i % len(TOPICS)]
            text = f"关于{topic}工作的第{i}号通知：各单位要做好{topic}相关工作，预备党员参加学习。"
        doc, chunks = make_doc(f"doc{i:02d}.txt", f"第{i}号文件", [("", text)])
        idx.upsert(doc, chunks)
        ids.append(doc.doc_id)
    yield idx, ids
    idx.close()


def test_lexical_search_in_most_documents_matches_the_filtered_query(many_docs):
    idx, ids = many_docs
    scope = ids[5:]  # 55 documents: more than the post-filter threshold, without the five best matches
    q = "预备党员的预备期"
    match = " OR ".join(_quote(t) for t in query_tokens(q))
    # k = 3: four of the nine best unfiltered rows are in scope; k = 2: one of six, so the filter goes into the query.
    for k in (3, 2):
        got = idx.lexical.search(q, k, doc_ids=scope)
        assert [c for c, _ in got] == [c for c, _, _ in idx.lexical._run(q, match, k, scope)]
        assert len(got) == k and all(c.rsplit(":", 1)[0] in set(scope) for c, _ in got)
    # A scope the best rows all fall in is answered from the unfiltered ranking, with the same scores.
    wide = ids[:55]
    # (Equal to the last bits: one of the two may be scored with its common words pruned, kb/store/lexical.py.)
    scoped, plain = idx.lexical.search(q, 3, doc_ids=wide), idx.lexical.search(q, 3)
    assert [c for c, _ in scoped] == [c for c, _ in plain]
    assert [s for _, s in scoped] == pytest.approx([s for _, s in plain], rel=1e-12)


@pytest.mark.parametrize("exact_max", [200_000, 0], ids=["exact", "hnsw"])
def test_dense_search_in_most_documents_stays_inside_them(many_docs, exact_max):
    idx, ids = many_docs
    idx.vectors._exact_max = exact_max
    idx.vectors.forget_exact()
    scope = ids[5:]
    hits = idx.dense_search("预备党员的预备期是多长时间？", 10, doc_ids=scope)
    assert len(hits) == 10
    assert {c.doc_id for c, _ in hits} <= set(scope)
    everything = idx.dense_search("预备党员的预备期是多长时间？", 10)
    assert {c.doc_id for c, _ in everything} & set(ids[:5])  # the left-out documents were the nearest
