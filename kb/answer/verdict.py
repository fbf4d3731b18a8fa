"""A yes-or-no question's verdict (能 / 不能, 会 / 不会), read from the sentence the answer quotes.

A cadre asking 地方能不能把转移支付资金拿来平衡预算 wants 不能 first and the rule after it; the quoted sentence
(各地不得将…用于平衡预算) says it in the rule's words. The verdict is the question's own word (能, 可以, 会, 需要,
受, 免…), affirmed or denied as the quoted clause that speaks of what is asked denies it or not. No verdict is
given where the reading is not plain: a question asking whether something *is* so (是不是在武汉召开), which a
sentence settles by naming another thing, not by denying; a clause with a double negative, an exception or a
condition; a question asking for an exception; or no clause holding what is asked. The answer then quotes as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.store.tokenize import pos_tags, tokenize

# Questions asking what, how many, where or how are not yes-or-no, even with 能不能 in them (能不能说说有哪些).
_WH = re.compile(r"什么|多少|哪|谁|怎么|怎样|如何|几|多久|多长|多大|何时|为何|为什么|是否有.{0,4}例外|例外")
# The asked word and its denial, by how the question asks (可不可以 → 可以 / 不可以, 有没有 → 有 / 没有).
_PAIRED = re.compile(r"可不可以|需不需要|有没有|([\u4e00-\u9fff])不\1")
_WHETHER = re.compile(r"是否|能否|可否")
_MA = re.compile(r"吗\s*[？?]?\s*$")
# The words a question asks whether with, as they are affirmed and denied. 是 is not among them: whether a thing
# *is* so (是不是在武汉召开) a sentence settles by naming another thing (在上海), not by a denial.
_MODALS = (
    ("可以", "可以", "不可以"),
    ("能够", "能", "不能"),
    ("能", "能", "不能"),
    ("可", "可以", "不可以"),
    ("需要", "需要", "不需要"),
    ("必须", "必须", "不必"),
    ("应当", "应当", "不应当"),
    ("应该", "应该", "不应该"),
    ("要", "需要", "不需要"),
    ("会", "会", "不会"),
    ("允许", "允许", "不允许"),
    ("受", "受", "不受"),
    ("有", "有", "没有"),
)
_BY_MODAL = {m: (yes, no) for m, yes, no in _MODALS}
# Words that say how the question asks, not what it asks about.
_HOW_ASKED = frozenset("还 也 都 就 直接 因此 真的 真 仍然 依然 再 已经 一样 相关 有关 进行 可以 能 会 要 需要".split())
# A denial: 不 and 未 outside the words where they deny nothing (不断, 不仅, 未来), the words of prohibition and
# suspension, and an exemption (免收滞纳金 answers 还要交滞纳金吗 with no), unless the question asks about one.
_NO = re.compile(
    r"不(?!断|仅|少|同|久|足|良|论|管|但|过|妨|止|一|懈|移|如|及|然|利|安|平|稳|确定|充分|到位|合格|规范|正当|正常|含|包括)"
    r"|未(?!来|成年|满|知)|没有|无需|无须|禁止|严禁|暂缓|暂停"
)
_EXEMPT = re.compile(r"免(?:收|征|予|于|除|缴|交|费)")
# An affirmation must be said: a clause that only names what is asked (…复业的审批，参照…执行) or wishes it
# (希望这位辅警能够转正) settles nothing, and a verdict of yes read from the absence of a denial was wrong twice as
# often as right on the sets' questions (docs/evaluation.md, session 49).
_YES = re.compile(r"可以|能够|能|应当|须|需(?!求)|予以|有权|均可|即可")
_HEDGED = re.compile(r"希望|建议|呼吁|争取|力争|是否|可能|或将|拟")
# Readings a verdict would get wrong: a double negative or a condition of the other polarity in the clause, an
# exception anywhere in its sentence (除特殊困难企业外，不得…).
_UNCLEAR = re.compile(r"不得不|无不|不无|非.{0,8}不[可能]|不可不|未必|不一定|但是?|否则|如果|若")
_EXCEPTED = re.compile(r"除外|除了|除.{1,20}外|以外|例外")
_CLAUSE = re.compile(r"[，,；;。！!？?：:\n]")
_SENTENCE = re.compile(r"[。；;！!？?\n]")


@dataclass(frozen=True)
class YesNo:
    """A yes-or-no question: its affirmed and denied answer words, what it asks, and the words of it."""

    yes: str
    no: str
    clause: str
    words: tuple[str, ...]


@lru_cache(maxsize=1024)
def asked_yes_no(question: str) -> YesNo | None:
    """The verdict words and asked words of a question asking whether something holds, or None.

    Remembered: the yes-or-no check and the verdict both read it for every answer, a jieba tagging for 吗 and 是否."""
    q = question.strip()
    if _WH.search(q):
        return None
    m = _PAIRED.search(q)
    if m is not None:
        word = {"可不可以": "可以", "需不需要": "需要", "有没有": "有"}.get(m.group(0), m.group(1))
        if word == "是":
            return None
        yes, no = _BY_MODAL.get(word, (word, "不" + word))
        return _asked(yes, no, q[m.end() :])
    m = _WHETHER.search(q)
    if m is not None:
        rest = q[m.end() :]
        if m.group(0) == "能否":
            return _asked("能", "不能", rest)
        if m.group(0) == "可否":
            return _asked("可以", "不可以", rest)
        plain = rest.lstrip("还也仍")  # 是否还能申请
        words = pos_tags(plain)[:1]
        modal = _modal(words[0][0]) if words else None
        if modal is not None:
            return _asked(*_BY_MODAL[modal], plain[len(words[0][0]) :])
        return _asked("是", "否", rest)
    if _MA.search(q):
        clause, at = _CLAUSE.split(_MA.sub("", q))[-1], 0
        for word, _ in pos_tags(clause):
            at += len(word)
            modal = _modal(word)
            if modal is not None:
                return _asked(*_BY_MODAL[modal], clause[at:])
    return None


def _modal(word: str) -> str | None:
    """The word a question asks whether with, as a whole word (受 in 还受理护照申请吗 is none), 还能 read as 能."""
    word = word[1:] if word[:1] in "还也仍" and word[1:] in _BY_MODAL else word
    return word if word in _BY_MODAL else None


def _asked(yes: str, no: str, rest: str) -> YesNo | None:
    rest = _CLAUSE.split(_MA.sub("", rest))[0].strip()
    words = tuple(dict.fromkeys(w for w in tokenize(rest) if len(w) >= 2 and w not in _HOW_ASKED))
    return YesNo(yes, no, rest, words) if words else None


def verdict(asked: YesNo, text: str) -> str | None:
    """The verdict a quoted text gives a yes-or-no question, or None when it gives none plainly.

    The clause that holds most of the asked words (at least one) decides: a denial (or an exemption) in it answers
    no; an affirmation (可以, 应当, 予以…) yes; a clause saying neither, no verdict."""
    clauses = [(c, s) for s in _SENTENCE.split(text) for c in _CLAUSE.split(s) if c.strip()]
    held = [sum(w in c for w in asked.words) for c, _ in clauses]
    if not held or max(held) == 0:
        return None
    clause, sentence = clauses[held.index(max(held))]
    if _UNCLEAR.search(clause) or _EXCEPTED.search(sentence):
        return None
    exempts = not any("免" in w for w in (asked.yes, *asked.words)) and _EXEMPT.search(clause)
    if _NO.search(clause) or exempts:
        return asked.no
    return asked.yes if _YES.search(clause) and not _HEDGED.search(clause) else None
