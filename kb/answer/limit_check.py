"""Whether an answer states the limit a question asks for.

A question asking for a ceiling (缴费上限是多少, 最多能延长多久, 单户最高能贷多少) is answered by a sentence that
states one: 不超过50万元, 最高可贷500万元, 年度最高提取限额14400元, 放宽至3个月. Texts on the topic give other
figures of it far more often (每月基本养老金可增加122.5元 for 个人养老金的缴费上限, 年满十八周岁 for 报考公务员的年龄上限),
and the quantity check takes any of them for the figure asked. So the likeliest sentence stating a limit answers, or
none does (as kb/answer/sanction_check.py does for a sanction).
"""

from __future__ import annotations

import re

# 上限, 封顶, or 最多/最高 asking how much (最多能贷多少, 最高补贴多少万元, 最多延长多久). Not the superlative of a
# comparison (复工率最高的是哪个市) nor 最高 naming a body or a rank (最高检, 最高人民法院, 最高荣誉, 最高一级).
_ASKS = re.compile(
    r"上限|封顶"
    r"|(?:最多|最高(?!检|法|院|人民|荣誉|级|一级|等级|的是|的[是为]?哪))"
    r"[^，。；？！,;?!]{0,14}?(?:多少|几|多久|多长|多大|百分之多少)"
)
# How a text states a ceiling: a bound (不超过, 不高于, 以内), the word itself (最高, 上限, 限额), or a limit raised
# to a new value (放宽至3个月, 延长至240小时).
_STATES = re.compile(
    r"不(?:得|能|应|可|宜)?(?:超过|超出|高于|多于|大于)|最高|最多|至多|上限|限额|限于|为限|封顶|以内|以下|"
    r"(?:放宽|延长|提高|上调|增加)(?:至|到)"
)


def asks_limit(question: str) -> bool:
    """Whether `question` asks for a ceiling: how much at most (上限是多少, 最多能延长多久)."""
    return _ASKS.search(question) is not None


def states_limit(text: str) -> bool:
    """Whether `text` states a ceiling in any of the forms a text gives one (不超过, 最高, 限额, 放宽至)."""
    return _STATES.search(text) is not None
