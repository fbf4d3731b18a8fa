"""Whether the documents an answer draws on are the law, resolution or congress report a question names.

People name laws and rules without 《》: 民法典对居住权是如何规定的, 中国共产党纪律处分条例规定了哪几种处分,
监察法实施条例规定的留置期限是多久. When the knowledge base lacks that document, the retriever finds the nearest
one (the constitution, the party constitution, the 监察法 itself) and the model, seeing a passage on the topic,
answers from it: a cadre reads the 监察法's rule as the 实施条例's. The key-term veto sees only names in 《》; a
name written bare is one more noun to it. A named law that none of the documents the answer draws on holds, in
their text or their title, is not in the knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kb.answer.routing import strip_marks
from kb.store.tokenize import pos_tags

# The kinds of normative document whose name people write bare. 办法, 规定, 意见, 通知 also name documents, but far
# more often they are plain words (有什么办法, 有哪些规定), and congress reports are routed by name (routing.py).
_KIND = re.compile(r"(?:法|法典|条例|细则|决议)$")
# Words ending in 法 that are no law: a way, a manner, lawful or not.
_NOT_LAW = re.compile(
    r"(?:办法|方法|做法|说法|想法|看法|用法|手法|写法|算法|疗法|打法|技法|依法|合法|违法|非法|执法|立法|司法|守法|"
    r"犯法|书法|佛法|魔法|语法|兵法|章法|笔法|解法|戏法|玩法|加法|减法|乘法|除法|设法|无法)$"
)
# A law's name is short and whole as people write it (宪法, 刑法); other two-character kinds (条例, 细则) name none.
_SHORT_LAWS = frozenset({"宪法", "刑法", "民法"})
# Parts of speech a name may start with (a domain: 传染病防治法, 纪律处分条例, 六中全会决议), and those it may hold
# after its start (应对 in 突发事件应对法, 十九届 in 十九届六中全会决议). jieba's tags (kb/store/tokenize.py).
_STARTS = frozenset({"n", "nz", "nt", "ns", "nr", "nrt", "j", "vn", "l", "an"})
_PARTS = _STARTS | {"v", "m", "d", "q", "a", "f", "t"}
_NUMBERED = frozenset({"m", "d", "q"})
# A congress report by its number (十九大报告, 党的二十大的报告): routing narrows a question to the one the knowledge base
# holds; one it does not hold is named all the same.
_CONGRESS_REPORT = re.compile(r"([一二三四五六七八九十]{1,3})大的?报告")
_NTH_CONGRESS = re.compile(r"第([一二三四五六七八九十]{1,3})次全国代表大会")
# How much of a document's opening may hold a congress report's number (under its theme).
_OPENING = 200
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_TITLE = re.compile(r"《[^《》]*》")


@lru_cache(maxsize=1024)
def named_laws(question: str) -> tuple[tuple[str, ...], ...]:
    """The laws and rules a question names without 《》, each as the forms it may go by, longest first
    (中国共产党纪律处分条例, 纪律处分条例): the name from each of its words that can start one."""
    bare = _TITLE.sub("，", question)  # a 《title》 is the key-term veto's
    tokens = pos_tags(bare)
    out: list[tuple[str, ...]] = [(f"{m.group(1)}大报告",) for m in _CONGRESS_REPORT.finditer(bare)]
    for i, (word, tag) in enumerate(tokens):
        # A verb is no name (没法审验: no way to inspect), whatever it ends in.
        if not _KIND.search(word) or _NOT_LAW.search(word) or tag == "v":
            continue
        start = i
        while start > 0 and tokens[start - 1][1] in _PARTS and _HAN.fullmatch(tokens[start - 1][0]):
            start -= 1
        forms = ["".join(w for w, _ in tokens[k : i + 1]) for k in range(start, i) if tokens[k][1] in _STARTS]
        if len(word) >= 3 or word in _SHORT_LAWS:
            forms.append(word)
        forms = [f for f in forms if len(f) >= 3 or f in _SHORT_LAWS]
        if forms:
            # Shown whole with the session or edition numbered before it (十九届六中全会决议).
            first = next(k for k in range(start, i + 1) if "".join(w for w, _ in tokens[k : i + 1]) == forms[0])
            while first > start and tokens[first - 1][1] in _NUMBERED:
                first -= 1
            out.append(tuple(dict.fromkeys(["".join(w for w, _ in tokens[first : i + 1]), *forms])))
    return tuple(out)


def _in_title(form: str, title: str, opening: str) -> bool:
    """Whether a document is the named one by its title, in a fuller form (公职人员政务处分法 for 政务处分法): the
    form's characters come in the title in order, its kind word whole; 行政机关公务员处分条例 is no 纪律处分条例. A
    congress report is titled by its theme, and its number stands under it, in its `opening`
    (——在中国共产党第二十次全国代表大会上的报告)."""
    congress = _CONGRESS_REPORT.fullmatch(form)
    if congress is not None:
        return any(f"第{congress.group(1)}次全国代表大会" in t and "报告" in t for t in (title, opening))
    kind = _KIND.search(form)
    if kind is None or kind.group(0) not in title:
        return False
    at = 0
    for ch in form:
        at = title.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


def missing_law(question: str, documents: Iterable[tuple[str, str]]) -> str | None:
    """The law, rule or report the question names that none of `documents` ((title and headings, whole text)
    pairs) holds in its text or is by its title; None when every named one is there (or none is named)."""
    laws = named_laws(question)
    if not laws:
        return None
    docs = [(strip_marks(title), strip_marks(text[:_OPENING]), text) for title, text in documents]
    for forms in laws:
        if any(f in title or f in text or _in_title(f, title, opening) for f in forms for title, opening, text in docs):
            continue
        congress = _CONGRESS_REPORT.fullmatch(forms[0])
        # A report titled by its theme alone (no number under it) may be the one asked: only when the passages come
        # from another congress's report is the asked one known to be missing.
        if congress is None or any(_other_congress(congress.group(1), t, o) for t, o, _ in docs):
            return forms[0]
    return None


def _other_congress(number: str, title: str, opening: str) -> bool:
    """Whether a document is the report of a congress other than the `number`th (第十九次…报告 for 十八大报告)."""
    nth = [m.group(1) for t in (title, opening) if "报告" in t for m in _NTH_CONGRESS.finditer(t)]
    short = [m.group(1) for m in _CONGRESS_REPORT.finditer(title)]
    return any(n != number for n in nth + short)
