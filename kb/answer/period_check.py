"""Whether the sentences an answer quotes speak of the part of the year a question asks about.

Economic news and statistics give a figure for each period: 一季度, 上半年, 前三季度, 1-7月. Asked for the first three
quarters, the retriever finds the half-year's release, which shares every other word, and the answerability model
answers with its figure: right for its period, wrong for the question. As for a year (year_check.py), an answer
whose every sentence names some period and none the asked one is about another period. Periods compare as month
ranges, so 一季度 is 1-3月 and 上半年 is 1至6月; a sentence that names no period is not judged.

A single month is asked the same way (2020年3月份的申报纳税期限, 9月国内汽油价格调整了多少): notices of each month
say the same of it (2月份纳税申报期限延长至…), and an answer naming months, none of them the asked one, is about
another month's.
"""

from __future__ import annotations

import re

from kb.answer.citations import marked_sentences
from kb.answer.numbers import parse_number

_NUM = r"[0-9０-９]{1,2}|[一二两三四五六七八九十]{1,3}"
_QUARTER = re.compile(rf"(前)?(?:第)?({_NUM})\s*(?:个)?季度")
_HALF = re.compile(r"([上下])半年")
_MONTHS = re.compile(rf"({_NUM})\s*(?:月份?)?\s*[-—–~～至到]\s*({_NUM})\s*月")
_FIRST_MONTHS = re.compile(rf"前\s*({_NUM})\s*(?:个)?月")


def _periods_at(text: str) -> list[tuple[int, tuple[int, int]]]:
    """Each part of a year a text names, with where it starts."""
    out: list[tuple[int, tuple[int, int]]] = []
    for m in _QUARTER.finditer(text):
        q = parse_number(m.group(2))
        if q and 1 <= q <= 4:
            out.append((m.start(), (1, 3 * q) if m.group(1) else (3 * q - 2, 3 * q)))
    for m in _HALF.finditer(text):
        out.append((m.start(), (1, 6) if m.group(1) == "上" else (7, 12)))
    for m in _MONTHS.finditer(text):
        a, b = parse_number(m.group(1)), parse_number(m.group(2))
        if a and b and 1 <= a < b <= 12:
            out.append((m.start(), (a, b)))
    for m in _FIRST_MONTHS.finditer(text):
        b = parse_number(m.group(1))
        if b and 1 < b <= 12:
            out.append((m.start(), (1, b)))
    return sorted(out)


def periods_named(text: str) -> set[tuple[int, int]]:
    """The parts of a year a text names, as (first month, last month): 二季度 (4, 6), 前三季度 (1, 9), 1-7月 (1, 7)."""
    return {p for _, p in _periods_at(text)}


def question_period(question: str) -> tuple[int, int] | None:
    """The one part of a year a question asks about; None when it names none or several."""
    found = periods_named(question)
    return found.pop() if len(found) == 1 else None


def label(period: tuple[int, int]) -> str:
    """A period as people write it: 一季度, 上半年, 前三季度, 1-7月."""
    named = {(1, 6): "上半年", (7, 12): "下半年", (1, 9): "前三季度"}
    quarters = {(3 * q - 2, 3 * q): f"{'一二三四'[q - 1]}季度" for q in range(1, 5)}
    return named.get(period) or quarters.get(period) or f"{period[0]}-{period[1]}月"


def another_period(text: str, question: str) -> tuple[int, int] | None:
    """The period the answer's sentences speak of when every one of them names a period other than the one the
    question asks about (None otherwise: the question names no single period, or a sentence names it or none)."""
    asked = question_period(question)
    if asked is None:
        return None
    spoken = []
    for sentence, _ in marked_sentences(text):
        periods = [p for _, p in _periods_at(sentence)]
        if not periods or asked in periods:
            return None
        spoken.append(periods[0])  # the period it names first, as the refusal says
    return spoken[0] if spoken else None


# A month asked on its own (3月份, 9月): not a day of it (3月1日), its end or part (3月底, 3月中旬), nor a range's end
# (1-6月, 前5月), which `periods_named` reads.
_ASKED_MONTH = re.compile(
    r"(?<![0-9０-９月至到\-—–~～前])([0-9]{1,2})\s*月份?(?![0-9０-９日号底初中上下末旬份至到\-—–~～])"
)
_ANY_MONTH = re.compile(r"(?<![0-9０-９])([0-9]{1,2})\s*月")


def another_month(text: str, question: str) -> int | None:
    """The month the answer `text` speaks of when the question asks about one month (`question_month`) and the answer
    names months, none of them that one (in a date or on its own); else None."""
    asked = question_month(question)
    if asked is None:
        return None
    named = [int(m) for m in _ANY_MONTH.findall(text) if 1 <= int(m) <= 12]
    return named[0] if named and asked not in named else None


def question_month(question: str) -> int | None:
    """The one month a question asks about (3 of 2020年3月份的申报纳税期限), or None."""
    asked = {int(m) for m in _ASKED_MONTH.findall(question)}
    return asked.pop() if len(asked) == 1 and 1 <= min(asked) <= 12 else None
