"""Whether an answer gives the name a question asks for (那家药房叫什么名字, 最高荣誉勋章叫什么名字).

A question asking what something is called is answered by a name: in quotes or a title's 《》 (“沪科专贷”, 《新时代龙江创
新发展60条》), or the thing's own name ending in the kind asked (…大药房 for 药房). The passages that match such a
question best often describe the thing without naming it (授予国家的勋章和荣誉称号; 一家培训机构为…提供服务): the
written sets ask this far more often of things the documents never name (16 of 21 such questions are `NOT_IN_KB`,
docs/evaluation.md, session 46). Who holds a post (组长叫什么名字) is kb/answer/person_check.py's.
"""

from __future__ import annotations

import re

_ASKS_NAME = re.compile(
    r"(?P<kind>[\u4e00-\u9fff]{1,4}?)(?:分别|具体)?(?:叫什么名字|叫什么名称|叫什么|叫做什么|叫啥|的?名称是什么|的?名字是什么"
    r"|是什么名字|称为什么|命名为什么)"
)
_TITLED = re.compile(r"《[^》]{2,}》")
_QUOTED = re.compile(r"“[^”]{2,}”|「[^」]{2,}」|‘[^’]{2,}’|\"[^\"]{2,}\"")
# How near a quoted name the kind must be to be what it names: 打造“党旗飘在街巷 支部联点驿站”党建品牌, “沪科专贷”“沪科
# 专贴”再贷款再贴现专项产品; “党旗红”指引“城管蓝” names no brand.
_NEAR = 12
# What stands before a kind without naming one of it: 一家药房, 该公司, 国家的勋章, 这个平台, 天津一大药房 (a big one).
_NOT_A_NAME = "的该此这那其某家个项种类些一"


def asked_name(question: str) -> str | None:
    """The kind of thing whose name a question asks (药房 of 那家药房叫什么名字; "" when it says none), or None."""
    m = _ASKS_NAME.search(question)
    # What qualifies the kind ends with 的 (…被罚300万元的大药房): the kind is after it.
    return m.group("kind").split("的")[-1].lstrip("那这该个家所") if m else None


def gives_name(text: str, kind: str) -> bool:
    """Whether a text gives a name: a title (《…》), a quoted name beside the asked kind (“沪科专贷”…专项产品), or a name
    ending in the kind (桐梓县康源大药房)."""
    if _TITLED.search(text):
        return True
    tail = kind[-2:]
    for m in _QUOTED.finditer(text):
        if len(tail) < 2 or tail in text[max(0, m.start() - _NEAR) : m.end() + _NEAR]:
            return True
    # Its last two characters stand for it too (共和国勋章 for 荣誉勋章), read from where the whole kind would start.
    for m in re.finditer(re.escape(tail), text) if len(kind) >= 2 else ():
        start = m.start() - (len(kind) - 2)
        start = start if start >= 0 and text[start : m.start()] == kind[:-2] else m.start()
        before = text[max(0, start - 2) : start]
        if len(before) == 2 and all("\u4e00" <= c <= "\u9fff" for c in before) and before[-1] not in _NOT_A_NAME:
            return True
    return False
