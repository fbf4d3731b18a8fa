"""Whether an answer states the ordinal a question asks for.

A question asking which one in a series (以第几号主席令公布, 第几届活动, 全国排第几, 属于第几级人群) is answered by an
ordinal: 第495号, 第三届, 第一名, 首批. The passages that match it best often name the thing without its number (the
law's amendment note, the activity's lede), or name other ordinals of the topic (第十四届全国人大第十三次会议 for 第几号主席令),
and the answerability model reads them as an answer. So the likeliest sentence stating an ordinal of the asked kind
answers, or none does (as kb/answer/limit_check.py does for a ceiling).
"""

from __future__ import annotations

import re

_NUMERAL = r"[零〇一二两三四五六七八九十百千\d]+"
# 第几 and the measure word it asks in (号, 届, 批, 级); none when it ends the clause (全国排第几).
_ASKS = re.compile(r"第几([\u4e00-\u9fff])?")
# Ranks are stated without their word as often as with it (位居全国第一, 排名第3).
_RANKS = frozenset("名位")


def asked_ordinal(question: str) -> str | None:
    """The measure word of the ordinal `question` asks for (号 of 第几号主席令; "" for 排第几), or None."""
    m = _ASKS.search(question)
    if m is None:
        return None
    unit = m.group(1) or ""
    return "" if unit in _RANKS else unit


def states_ordinal(text: str, unit: str) -> bool:
    """Whether `text` states an ordinal in `unit` (第495号, 首批; for an empty unit any ordinal, 榜首, 首位)."""
    if not unit:
        return re.search(rf"第{_NUMERAL}|榜首|首位", text) is not None
    return re.search(rf"第{_NUMERAL}{re.escape(unit)}|首{re.escape(unit)}", text) is not None
