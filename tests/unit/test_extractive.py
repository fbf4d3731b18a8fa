"""The extractive answerer on hand-made passages: sentence choice, answer shape, and the key-term refusal.

The passages are real sentences from the 党章 and a work report; document frequencies come from a tiny
in-memory table instead of the index (the answerer only needs the counts).
"""

from __future__ import annotations

import re

from kb.extractive import REFUSAL_TEXT, ExtractiveAnswerer, answer_shape
from kb.settings import AnswerSettings
from kb.types import Chunk, Hit

DANGZHANG = "中国共产党章程"


def hit(text: str, score: float, title: str = DANGZHANG, date: str = "", n: int = 0) -> Hit:
    chunk = Chunk(chunk_id=f"d:{n}", doc_id="d", text=text, source="doc.txt", title=title, doc_title=title, date=date)
    return Hit(chunk=chunk, dense=0.9, lexical=1.0, score=score)


def answerer(corpus: list[str]) -> ExtractiveAnswerer:
    def doc_freq(terms: list[str]) -> tuple[dict[str, int], int]:
        return {t: sum(t in c for c in corpus) for t in terms}, len(corpus)

    return ExtractiveAnswerer(AnswerSettings(), doc_freq)


PASSAGES = [
    "第七条　预备党员的预备期为一年。党组织对预备党员应当认真教育和考察。预备党员的义务同正式党员一样。",
    "党员的党龄，从预备期满转为正式党员之日算起。",
    "第三十条　凡是有正式党员三人以上的，都应当成立党的基层组织。",
]


def test_answer_quotes_the_sentence_holding_the_topic_noun_with_a_verbatim_citation():
    a = answerer(PASSAGES).answer("党龄从什么时候开始算？", [hit(p, 1.0 - i / 10, n=i) for i, p in enumerate(PASSAGES)])
    assert not a.refused
    assert "党员的党龄，从预备期满转为正式党员之日算起" in a.text
    assert all(c.quote in c.passage for c in a.citations)
    assert set(re.findall(r"\[(\d+)\]", a.text)) == {str(c.marker) for c in a.citations}


def test_answer_shape_prefers_a_duration_for_how_long_questions():
    shape = answer_shape("要考察多久？")
    assert shape is not None and shape.search("预备期为一年") and not shape.search("党组织应当认真考察")


def test_refuses_when_a_year_no_passage_or_document_date_holds():
    report = "今年发展主要预期目标是：国内生产总值增长5%左右。"
    hits = [hit(report, 0.9, title="政府工作报告", date="2025年")]
    qa = answerer([report])
    assert qa.answer("2026年政府工作报告提出的国内生产总值增长目标是多少？", hits).text == REFUSAL_TEXT
    # A report reviews the year before it: the 2025 report answers about 2024.
    assert not qa.answer("2024年国内生产总值增长目标是多少？", hits).refused


def test_refuses_a_title_place_or_latin_token_absent_from_the_passages():
    qa = answerer(PASSAGES)
    hits = [hit(p, 0.9, n=i) for i, p in enumerate(PASSAGES)]
    assert qa.answer("《劳动合同法》规定预备期多长？", hits).refused
    assert qa.answer("深圳市的党员预备期是多长？", hits).refused
    assert qa.answer("党员的5G预备期是多长？", hits).refused


def test_refuses_a_noun_the_corpus_never_uses_even_in_parts():
    qa = answerer(PASSAGES)
    hits = [hit(p, 0.9, n=i) for i, p in enumerate(PASSAGES)]
    a = qa.answer("住房公积金的缴存比例是多少？", hits)
    assert a.refused and a.related


def test_no_hits_is_a_refusal():
    assert answerer([]).answer("党员的预备期是多长？", []).refused


def test_a_contact_detail_question_is_refused_when_no_passage_has_that_form():
    text = "市直机关工委组织有关党员领导干部研究探讨机关党建。"
    qa = answerer([text])
    assert qa.answer("市直机关工委的办公地址在哪里？", [hit(text, 0.9)]).refused
    with_address = "市直机关工委办公地址为株洲市天元区神农大道18号。"
    assert not qa.answer("市直机关工委的办公地址在哪里？", [hit(with_address, 0.9)]).refused


def test_a_question_without_a_two_character_word_is_refused():
    qa = answerer(PASSAGES)
    hits = [hit(p, 0.9, n=i) for i, p in enumerate(PASSAGES)]
    for q in ("1", "第", "[1]", "？？？"):
        assert qa.answer(q, hits).refused
