"""Whether the passages an answer cites speak of the numbered batch a question asks about.

Notices announce things in numbered batches (第一批定点生产企业, 第三批中央救灾物资, 第二批援助血液) and say of each
what they say of the others. Asked about the third batch, the retriever finds the passage on the second one, since
it shares every other word, and the answerability model answers with it; the key-term veto cannot see it either, as
第三批 is named somewhere among the top passages (目前正在准备第三批). A passage that never names the asked batch
does not answer for it.

Issues and sessions are numbered too (第7号公告, 第十一场新闻发布会, 第十三次党代会, 第三届, 第二期), and the nearest
passage is the one on its neighbour (第6号, 第十场), alike in every other word. Unlike a batch, the one asked is seldom
repeated in the passage that answers for it (the issue's number heads its document): a document that names the asked
number nowhere, neither in its title nor in its text, does not answer for it.

An emergency response has numbered levels too (一级响应, Ⅱ级应急响应), and a notice raising or lowering one is alike
for every level and place: asked when the response went from 一级 to 二级, a passage on another change (一级 to 二级
elsewhere, or 二级 to 三级) names the first level but not the second. A cited passage must name every level asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.answer.numbers import ordinal_forms
from kb.types import Citation

# 第三批, 第3批, 第二轮, 第三阶段: one numbered round of something (第三批次 is the same batch: it matches its first three
# characters).
_BATCH = re.compile(r"第([一二两三四五六七八九十\d]{1,3})(批|轮|阶段)")


# 第7号, 第十一场, 第三届, 第二期, and 第十三次 only before a meeting (第十三次党代会, 第四次会议): 第一次使用 is
# "the first time", not a numbered session.
_ISSUE = re.compile(r"第([一二两三四五六七八九十百\d]{1,4})(号|场|届|期|次(?=[^，,。？?；;]{0,6}会))")


def asked_batch(question: str) -> str | None:
    """The numbered batch a question asks about (第三批), if it names exactly one."""
    found = {m.group(0) for m in _BATCH.finditer(question)}
    return found.pop() if len(found) == 1 else None


def batch_forms(term: str) -> tuple[str, ...]:
    """A batch as documents may write it: 第三批 and 第3批; the first also 首批."""
    m = _BATCH.fullmatch(term)
    if m is None:
        return (term,)
    forms = ordinal_forms(m.group(1), m.group(2))
    first = [f"首{m.group(2)}"] if f"第1{m.group(2)}" in forms else []
    return tuple(dict.fromkeys([term, *forms, *first]))


def batch_missing(citations: Iterable[Citation], question: str) -> str | None:
    """The batch the question asks about when no cited passage, nor its title, names it; else None."""
    term = asked_batch(question)
    if term is None:
        return None
    forms = batch_forms(term)
    for c in citations:
        text = f"{c.title} {c.passage}"
        if any(f in text for f in forms):
            return None
    return term


def asked_issue(question: str) -> str | None:
    """The numbered issue or session a question asks about (第7号, 第十一场), if it names exactly one."""
    found = {m.group(0) for m in _ISSUE.finditer(question)}
    return found.pop() if len(found) == 1 else None


def issue_missing(documents: Iterable[tuple[str, str]], question: str) -> str | None:
    """The issue or session the question asks about when none of the cited documents, given as (title, whole text),
    names it anywhere (第7号 or 第 7 号); else None."""
    term = asked_issue(question)
    if term is None:
        return None
    # 第十三次 as 第13次, a session also without 第 (市十三次党代会, 十三届全国人大; 7号 alone is a day or a house), and
    # never inside another number (第17号 for 第7号).
    numerals = "|".join(f[1:-1] for f in ordinal_forms(term[1:-1], term[-1])) or re.escape(term[1:-1])
    first = "第?" if term[-1] in "次届" else "第"
    named = re.compile(rf"(?<![0-9０-９一二两三四五六七八九十百]){first}(?:{numerals}){term[-1]}")
    docs = list(documents)
    if not docs:
        return None
    for title, text in docs:
        if named.search(re.sub(r"\s+", "", f"{title}{text}")):
            return None
    return term


# A level as documents write it: 二级, 2级, Ⅱ级, II级.
_LEVELS = {"一": 1, "1": 1, "Ⅰ": 1, "I": 1, "二": 2, "2": 2, "Ⅱ": 2, "II": 2}
_LEVELS |= {"三": 3, "3": 3, "Ⅲ": 3, "III": 3, "四": 4, "4": 4, "Ⅳ": 4, "IV": 4}
# 一级响应, Ⅱ级应急响应, 由一级调整为二级 (in a question that asks about a response); not 十二级大风.
_LEVEL = re.compile(r"(?<![一二三四五六七八九十\dA-Za-zⅠⅡⅢⅣ])(一|二|三|四|[1-4]|Ⅰ|Ⅱ|Ⅲ|Ⅳ|IV|III|II|I)\s*级")


def levels_named(text: str) -> set[int]:
    """The response levels a text names (一级, Ⅱ级: {1, 2})."""
    return {_LEVELS[m.group(1)] for m in _LEVEL.finditer(text)}


def asked_levels(question: str) -> set[int]:
    """The response levels a question names (一级响应调整为二级响应: {1, 2}); empty unless it asks about a response."""
    return levels_named(question) if "响应" in question else set()


def level_missing(citations: Iterable[Citation], question: str) -> int | None:
    """A response level the question names that no cited passage, nor its title, names; else None."""
    asked = asked_levels(question)
    if not asked:
        return None
    named: set[int] = set()
    for c in citations:
        named |= levels_named(f"{c.title} {c.passage}")
    missing = sorted(asked - named)
    return missing[0] if missing else None
