"""Whether the sentences an answer quotes speak of the year the question asks about.

A question naming one year (2025年全国高校毕业生有多少) is often answered from the same kind of sentence in another
year's document (预计今年高校毕业生超过1170万人, in the 2024 report): the figure is right for its year and wrong for the
question. The key-term veto cannot see it, since the year is named somewhere in the knowledge base. A sentence's year
is the one it names, or, for 今年 / 去年 / 明年, the one its document's date makes of them; a sentence of a report or
an article that says neither speaks of its document's year or the one before (a work report reviews last year and
plans this one); a sentence of any other document that says neither is not judged (a law's rule holds every year).
So that a comparison year (比2019年增长) does not count against a figure of the document's own year, a sentence naming
other years does not contradict a question about its document's year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.answer.citations import marked_sentences
from kb.types import Citation

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(r"(?<![0-9０-９])((?:19|20)[0-9]{2})\s*年(?!代|度|级)")
_CN_YEAR = re.compile(r"((?:一九|二〇|二零)[〇零一二三四五六七八九]{2})年(?!代|度|级)")
_RELATIVE = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}
# 2024年政府工作报告, 2020年稳岗返还通知: the year names a document, whose sentences speak of several years.
_NAMES_DOCUMENT = re.compile(r"\s*[^，,。？?；;]{0,8}?(?:报告|规定|条例|办法|通知|意见|决定|方案|纲要|规划|公告|通告)")
# Kinds of document (the first field of a citation's authority line, kb/store/authority.py) whose sentences speak of
# their own time; a law's or a regulation's rules hold in every year it is in force.
TIME_BOUND = frozenset({"报告", "报刊文章"})
# A plan, a forecast or a target set: what a report says of the year ahead of it.
_PLANS = re.compile(r"拟|预计|预期|目标|力争")


def years_named(text: str) -> set[int]:
    """The years a text names, in digits or in Chinese numerals (二〇三五年)."""
    found = {int(m.group(1)) for m in _YEAR.finditer(text)}
    found |= {int("".join(str(_DIGITS[c]) for c in m.group(1))) for m in _CN_YEAR.finditer(text)}
    return found


def question_year(question: str) -> int | None:
    """The one year a question asks about; None when it names none, several, or names a document by its year."""
    years = years_named(question)
    if len(years) != 1:
        return None
    if any(_NAMES_DOCUMENT.match(question, m.end()) for m in (*_YEAR.finditer(question), *_CN_YEAR.finditer(question))):
        return None
    return next(iter(years))


def document_year(date: str) -> int | None:
    """The year of a document's date (2024年3月5日, 2017年10月24日通过), the earliest if it names several."""
    years = years_named(date)
    return min(years) if years else None


def sentence_years(sentence: str, doc_year: int | None) -> tuple[set[int], bool]:
    """The years a sentence speaks of, and whether they come from its own words (True) or from 今年 / 去年 read
    against its document's year (False); empty when it says neither."""
    named = years_named(sentence)
    if named:
        return named, True
    if doc_year is None:
        return set(), False
    return {doc_year + d for word, d in _RELATIVE.items() if word in sentence}, False


def _quoted(text: str, citations: Iterable[Citation]) -> list[tuple[str, int | None, bool]]:
    """Each sentence of a marked answer with its cited document's year and whether that document is of its time."""
    of = {c.marker: (document_year(c.date), c.authority.split(" · ")[0] in TIME_BOUND) for c in citations}
    return [(sentence, *of.get(first, (None, False))) for sentence, first in marked_sentences(text)]


def another_year(text: str, citations: Iterable[Citation], question: str) -> int | None:
    """The year the answer's sentences speak of when every one of them speaks of a year other than the one the
    question asks about (None otherwise: the question names no single year, a sentence says it, or says none)."""
    asked = question_year(question)
    if asked is None:
        return None
    spoken = []
    for sentence, doc_year, of_its_time in _quoted(text, citations):
        years, own = sentence_years(sentence, doc_year)
        if not years and of_its_time and doc_year is not None:
            # A report or an article speaks of its own year and the one it looks back on; what it plans or expects
            # (赤字率拟按3%安排, 经济增长预期目标为5%左右) only of its own.
            years = {doc_year} if _PLANS.search(sentence) else {doc_year - 1, doc_year}
        if not years or asked in years or (own and doc_year == asked):
            return None
        spoken.append(min(years, key=lambda y: abs(y - asked)))
    return spoken[0] if spoken else None
