"""Whether the sentences an answer quotes speak of the age group a question asks about.

Statistics and benefits are given per age group: 16-24岁青年的调查失业率, 3岁以下婴幼儿照护的扣除标准, 60岁及以上老
年人. Asked for one group's figure, the retriever finds the release on the whole population (全国城镇调查失业率为
5.3%), which shares every other word, and the answerability model answers with its figure: right for everyone, wrong
for the group. An answer none of whose sentences names the asked group is about another, unless the question asks
the age itself (面向哪个年龄段, 老年人是指多大年纪), which the answer gives by naming it.
"""

from __future__ import annotations

import re

from kb.answer.features import asked_figures

_TO = r"\s*(?:-|－|—|–|~|～|至|到)\s*"
# 16-24岁, 16岁至24岁, 18周岁到59周岁; 3岁以下, 60岁及以上, 65周岁以上.
_RANGE = re.compile(rf"(?<![0-9])(\d{{1,3}})\s*(?:周岁|岁)?{_TO}(\d{{1,3}})\s*(?:周岁|岁)")
_BOUND = re.compile(r"(?<![0-9\-－—–~～至到])(\d{1,3})\s*(?:周岁|岁)\s*(?:及|或)?\s*(以上|以下|以内)")
# The question asks for an age or an age group itself, which the answer names in its own words.
_ASKS_AGE = re.compile(r"年龄段|年龄|多大|几岁|多少岁|哪个年龄|什么年龄")


def age_groups(text: str) -> set[tuple[int | None, int | None]]:
    """The age groups a text names, as (lowest, highest) age, None for an open end: 16-24岁 (16, 24), 3岁以下
    (None, 3), 60岁及以上 (60, None)."""
    groups: set[tuple[int | None, int | None]] = {(int(a), int(b)) for a, b in _RANGE.findall(text)}
    for age, side in _BOUND.findall(text):
        groups.add((int(age), None) if side == "以上" else (None, int(age)))
    return groups


def asked_age_group(question: str) -> tuple[int | None, int | None] | None:
    """The one age group a question asks a figure or rule of (16-24岁青年的失业率); None when it names none or
    several, or asks the age itself."""
    groups = age_groups(question)
    if len(groups) != 1 or _ASKS_AGE.search(question) or "age" in asked_figures(question):
        return None
    return groups.pop()


def label(group: tuple[int | None, int | None]) -> str:
    """An age group as people write it: 16-24岁, 3岁以下, 60岁以上."""
    low, high = group
    if low is not None and high is not None:
        return f"{low}-{high}岁"
    return f"{low}岁以上" if low is not None else f"{high}岁以下"


def misses_age_group(text: str, question: str) -> tuple[int | None, int | None] | None:
    """The age group a question asks about when the answer `text` (its quoted sentences, markers removed) names it
    nowhere; else None."""
    asked = asked_age_group(question)
    if asked is None or asked in age_groups(text):
        return None
    return asked
