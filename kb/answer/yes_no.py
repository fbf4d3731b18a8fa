"""Whether an answer speaks of what a yes-or-no question asks.

A question asking whether something holds (已征收的税款是否退还, 当年还能不能评为优秀, 专线是不是24小时有人值守) names
what it asks after its 是否 / 能不能 / 是不是: the answer must say something of that, or it says nothing about the
question. The sentences that match a question's subject best (境外捐赠物资免征进口税收) are often not the ones that
settle it (已征收的应免税款予以退还), and on an unanswerable question they are all the gate sees. So the likeliest
sentence that speaks of it answers, or none does (as kb/answer/person_check.py does for a post's holder).
"""

from __future__ import annotations

import re

from kb.store.tokenize import tokenize

# Any verb asked as itself, 不, itself (免不免学费, 算不算就业) asks it as 是否 does.
_ASKS = re.compile(
    r"(?:是不是|能不能|可不可以|会不会|有没有|要不要|是否|能否|可否|([\u4e00-\u9fff])不\1)([^，,。？?；;！!]*)"
)
# Words that say how the question asks, not what: 是否需要, 能否可以, 有没有相关的.
_HOW_ASKED = frozenset(
    "或者 或 以及 政策 可以 需要 应当 应该 必须 一样 相关 有关 进行 已经 仍然 还能 还要 都 要 会 能 有".split()
)


# An exception asked (有没有例外的地方, 有没有不适用的情形) is answered by any of the ways a text makes one: 杭州市区除外.
_EXCEPTION = re.compile(r"例外|除外|不适用|不包括|不在此列")
_EXCEPTION_WORDS = ["例外", "除外", "不适用", "不包括", "不在此列", "除了"]


def asked_predicate(question: str) -> tuple[str, list[str]]:
    """What a yes-or-no question asks, as written after its 是否 (已征收的税款是否退还 → 退还) and as the words an answer
    must hold one of (评为, 优秀, 等次 of 还能不能评为优秀等次); ("", []) when it asks no yes or no, or names nothing."""
    clauses, words = [], []
    for m in _ASKS.finditer(question):
        clauses.append(m.group(2).strip())
        if _EXCEPTION.search(m.group(2)):
            words += _EXCEPTION_WORDS
            continue
        words += [w for w in tokenize(m.group(2)) if len(w) >= 2 and w not in _HOW_ASKED]
    words = list(dict.fromkeys(words))
    return ("、".join(c for c in clauses if c) if words else ""), words


# What a notice writes for an asked word: a delay asked (能不能延期) is granted as 可适当延长; a cap asked (有没有上限) is
# stated as 不超过 / 最高.
_SAID_AS = {
    "延期": ("延长", "推迟", "顺延", "延迟", "延后"),
    "上限": ("不超过", "不得超过", "最高", "最多", "封顶"),
    "下限": ("不低于", "不得低于", "最低", "至少"),
}


def speaks_of(text: str, words: list[str]) -> bool:
    """Whether `text` holds one of the asked words, or a word a notice writes for it (no words asked: nothing to
    judge)."""
    return not words or any(w in text or any(s in text for s in _SAID_AS.get(w, ())) for w in words)
