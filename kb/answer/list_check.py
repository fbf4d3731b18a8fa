"""Whether an answer lists the members a question asks for by their count.

A question asking which ones a counted set holds (19家市级定点医院分别是哪些, 32项事项具体包括哪些) is often answered
by the sentence that only announces the set (确定了19家市级定点医院并向社会公布): on topic, and without a single member.
The answerability model cannot see it, since the sentence shares the question's words. Such an answer names fewer
items than the question counts; a listing answer names about as many (separated by 、 and ；, or counted off 一是,
（一）, 1.).
"""

from __future__ import annotations

import re

from kb.answer.numbers import chinese_number, small_number

# A count right before what it counts: 19家, 五个, 32项 (not 二十大: 大 is a name's part there, and a year is no count).
_COUNT = re.compile(
    r"(?<![0-9一二两三四五六七八九十])([0-9]{1,3}|[一二两三四五六七八九十]{1,3})(?:个|家|项|种|条|类|所|件|位|名|批)"
)
# Asking for the members, after the count: 分别是哪些, 具体包括哪些, 还包括哪些, 另外…是哪些.
_WHICH = re.compile(r"分别(?:是|由|为|有)|具体(?:包括|是|有)|包括哪|还包括|另外|是哪[些几]")
_ASKED_COUNT = re.compile(r"哪([0-9]{1,3}|[一二两三四五六七八九十]{1,3})(?:个|家|项|种|条|类|所|件|位|名|批)")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’|「[^」]*」")
_ASPECTS = re.compile(r"方面|领域|类别|几类|哪类")
_ITEM_SEP = re.compile(r"[、；;]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE_BREAK = re.compile(r"[，,。！？!?：:]")
_COUNTED_OFF = re.compile(
    r"(?:^|[。；;：:\s])(?:[一二三四五六七八九十]+是|（[一二三四五六七八九十]+）|[0-9]+[.．、]|第[一二三四五六七八九十]+[，,、])"
)
# Two members are a pair the question may name itself; a count of three or more is a list to be given.
MIN_COUNT = 3


def asked_count(question: str) -> int | None:
    """How many members the question asks for: the count written last before its asking words; None if it asks
    for no counted set's members."""
    counted = _asked_set(question)
    return counted[0] if counted else None


def _asked_set(question: str) -> tuple[int, str] | None:
    """The count of the members asked for and the measure word it is written with (4 and 项 of 4项措施分别是什么)."""
    which = _WHICH.search(question)
    # 九条措施包括哪些方面: the aspects asked for are fewer than the items counted.
    if which is None or _ASPECTS.search(question, which.start()):
        return None
    # 具体是哪七条: the asking words restate the count.
    restated = _ASKED_COUNT.search(question, which.start())
    if restated:
        n = _number(restated.group(1))
        return (n, restated.group(0)[-1]) if n >= MIN_COUNT else None
    # A count inside quotes names a policy (“制造业当家22条”, “税十条”), it does not count what is asked.
    unquoted = _QUOTED.sub(lambda m: "·" * len(m.group(0)), question)
    counts = list(_COUNT.finditer(unquoted, 0, which.start()))
    if not counts:
        return None
    n = _number(counts[-1].group(1))
    return (n, counts[-1].group(0)[-1]) if n >= MIN_COUNT else None


def _number(s: str) -> int:
    """19, 十二, 两 as a number (a set asked for member by member has fewer than a hundred); 0 otherwise."""
    if s.isdigit():
        return int(s)
    return small_number(s) or next((n for n in range(11, 100) if chinese_number(n) == s), 0)


def items_listed(text: str) -> int:
    """How many items a text lists at most: the pieces its separators part (a separator ending a sentence parts off
    nothing; a piece opening with a count is another set, 5项减轻处罚事项清单, not a member), or the items it counts
    off."""
    pieces = [p for p in _ITEM_SEP.split(text) if len(_HAN.findall(p)) >= 2 and not _COUNT.match(p.strip())]
    return max(len(pieces), 1, len(_COUNTED_OFF.findall(text)))


def lists_too_few(text: str, question: str) -> bool:
    """Whether the question asks for a counted set's members and the text lists fewer than all but one of them.

    Where the text names the set by its count, its members are listed in the clause ending at the count (坚持社会主义
    道路、…这四项基本原则; 下设综合协调组、…等10个工作组) or after it (采取4项措施：…); a list in an earlier clause is of
    something else (针对4个定点医院、75家发热门诊医院和21个集中隔离点生活垃圾，指定了7个垃圾焚烧厂)."""
    counted = _asked_set(question)
    if counted is None:
        return False
    n, measure = counted
    said = list(re.finditer(rf"(?<![0-9一二两三四五六七八九十])(?:{n}|{chinese_number(n)}){measure}", text))
    if said:
        listed = max(
            max(items_listed(_CLAUSE_BREAK.split(text[: m.start()])[-1]), items_listed(text[m.start() :])) for m in said
        )
    else:
        listed = items_listed(text)
    return max(listed, len(_COUNTED_OFF.findall(text))) < n - 1
