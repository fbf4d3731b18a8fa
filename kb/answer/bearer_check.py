"""Whether an answer says who does what a 由谁 question asks (费用由谁承担, 总指挥由谁担任).

A question asking who bears a cost or holds a charge names the act right after 由谁; the sentences matching its subject
best (寿光的蔬菜运往武汉, 入境人员集中隔离) often say nothing of who does it. The answer says it with the act's verb
(由各级财政承担) or, for a cost, one of the ways a bearer is written (由财政予以补助, 费用自理). So the likeliest sentence
that says it answers, or none does (as kb/answer/yes_no.py does for what a yes-or-no question asks).
"""

from __future__ import annotations

import re

# 由谁承担, 由谁来负责, 是由谁审批的: the act is the two characters after 由谁 (来).
_ASKS = re.compile(r"由谁(?:来)?([\u4e00-\u9fff]{2})")
# How a text says who bears a cost, whichever verb the question used: 由财政予以补助, 费用自理.
_BEARS = ("承担", "负担", "支付", "补助", "负责", "自理", "自付", "出资", "买单", "埋单")
_BORNE = re.compile(rf"由[^，。；;]{{1,20}}?(?:{'|'.join(_BEARS)})|自理|自付")
# A charge held is written with 任 as often as with 担任 (由分管…的副市长任“双组长”).
_HELD = re.compile(r"由[^，。；;]{1,30}?任")


def asked_act(question: str) -> str | None:
    """The act a 由谁 question asks the doer of (承担 of 费用由谁承担), or None."""
    m = _ASKS.search(question)
    return m.group(1) if m else None


def says_who(text: str, act: str) -> bool:
    """Whether `text` says who does `act`: the act's verb, or for a cost borne (承担, 负担, 支付) a bearer written with
    由 (由财政予以补助) or as 自理."""
    if act in text:
        return True
    if act == "担任" and _HELD.search(text):
        return True
    return act in _BEARS and _BORNE.search(text) is not None
