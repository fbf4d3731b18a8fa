"""`kb eval-sets` says where each missed answerable question failed (kb/cli/evaluation.py `failure`)."""

from __future__ import annotations

from kb.cli.evaluation import failure, score_row

GOLD = {
    "id": "q1",
    "question": "预备期多长？",
    "answer": "一年",
    "doc": "dangzhang.txt",
    "evidence": "预备党员的预备期为一年。",
}
# The gold document as the knowledge base chunked it: the evidence is whole in its second passage.
PASSAGES = [
    "第六条　预备党员必须面向党旗进行入党宣誓。",
    "第七条　预备党员的预备期为一年。党组织对预备党员应当认真教育和考察。",
]


def _kind(answer: dict, passages: list[str] = PASSAGES) -> str | None:
    row = score_row(GOLD, answer, {"dangzhang.txt": "".join(passages)}, "")
    return failure(GOLD, answer, row, lambda: passages)


def _cited(source: str, passage: str, text: str) -> dict:
    quote = passage[:20]
    return {"answer": text, "refused": False, "citations": [{"source": source, "quote": quote, "passage": passage}]}


def test_a_cited_hit_is_no_failure():
    assert _kind(_cited("dangzhang.txt", PASSAGES[1], "预备党员的预备期为一年。[1]")) is None


def test_a_false_refusal():
    assert _kind({"answer": "知识库中没有找到能回答这个问题的内容。", "refused": True, "citations": []}) == "refused"


def test_the_evidence_cited_but_other_sentences_quoted():
    assert _kind(_cited("dangzhang.txt", PASSAGES[1], "党组织对预备党员应当认真教育和考察。[1]")) == "wrong_sentence"


def test_another_document_cited():
    assert _kind(_cited("gongwuyuanfa.md", "新录用的公务员试用期为一年。", "新录用的公务员试用期为一年。[1]")) == (
        "other_document"
    )


def test_the_right_document_but_another_of_its_passages():
    assert _kind(_cited("dangzhang.txt", PASSAGES[0], "预备党员必须面向党旗进行入党宣誓。[1]")) == "other_passage"


def test_evidence_that_chunking_cut_across_two_passages():
    split = ["第七条　预备党员的预备", "期为一年。党组织对预备党员应当认真教育和考察。"]
    assert _kind(_cited("dangzhang.txt", split[0], "第七条　预备党员的预备[1]"), split) == "split_passage"


def test_questions_that_must_be_refused_are_not_counted():
    gold = {**GOLD, "answer": "NOT_IN_KB", "evidence": ""}
    answer = _cited("dangzhang.txt", PASSAGES[1], "预备党员的预备期为一年。[1]")
    assert failure(gold, answer, score_row(gold, answer, {}, ""), lambda: PASSAGES) is None
