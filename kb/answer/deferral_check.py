"""Whether an answer's sentences put off the very thing a question asks for.

Notices often say where or when a detail will be given instead of giving it: 恢复时间另行通知, 第一批定点生产企业
名单见附件. Asked 哪天恢复 or 定点生产企业有哪些, the retriever finds exactly that sentence, since it shares the
question's words, and the answerability model, which sees only that overlap, answers with it. The sentence itself
says the knowledge base does not hold the answer: what it defers (the words just before 另行通知 or 见附件; a law's
由国家另行规定) is what the question asks about. A deferral of something else (恢复时间另行通知 beside
中医门诊每周一、周五出诊, asked 哪几天出诊; a law's other case, asked 省级以下…由谁负责) does not count.
"""

from __future__ import annotations

import re

from kb.store.tokenize import tokenize

# Where a text says the detail is given elsewhere or later.
_DEFERS = re.compile(
    r"(?:详)?见附件|另行(?:通知|通告|公告|公布|发布|告知|明确|下达|制定|安排|规定)|另文(?:通知|下达|印发)|(?:时间|日期)待定"
)
# The deferred thing runs back from the deferral to the clause's start.
_CLAUSE_START = re.compile(r"[，,。；;：:（(）)、！？!?\s]")
# Words that say how or when something is deferred, not what: 具体恢复时间视疫情情况另行通知 defers 恢复.
_HOW_DEFERRED = frozenset(
    "具体 时间 日期 情况 视情 根据 疫情 防控 形势 缓解 结束 有关 相关 事项 工作 届时 另行".split()
)
# Events whose date a notice puts off: the question asks the deferred thing only if it names the event.
# (Not 结束: it says how a thing is deferred, `_HOW_DEFERRED`, so it is never among the deferred words.)
_EVENTS = frozenset("恢复 截止 开始 开放 开学 复工 复课 复产 开工 开庭 开通 启动 停止 解除 终止".split())
# 截止时间另行通知 defers when something ends, whichever word the question uses for it (哪天结束).
_SAME_END = {"截止": ("结束", "终止", "到期", "停止")}
# A question asking for a specific (a date, a figure, which ones, a name), not one asking how or why.
_ASKS_SPECIFIC = re.compile(r"哪|谁|几|多少|何时|什么时候|什么时间|什么日期|名单|名称|叫什么|具体")


def deferred_asked(text: str, question: str) -> str | None:
    """The clause of `text` that defers what `question` asks for (恢复时间另行通知 for 哪天恢复), or None."""
    if not _ASKS_SPECIFIC.search(question):
        return None
    for m in _DEFERS.finditer(text):
        head = text[: m.start()]
        starts = [0] + [c.end() for c in _CLAUSE_START.finditer(head)]
        clause = head[starts[-1] :]
        words = _deferred_words(clause)
        if not words and len(starts) > 1:
            # The deferral opens its clause (停止时间由指挥部研究确定，另行通告): what it defers is the clause before.
            clause = head[starts[-2] :]
            words = _deferred_words(clause)
        asked = {w for w in words if w in question or any(s in question for s in _SAME_END.get(w, ()))}
        # A deferral dates an event (恢复时间另行通知): one the question does not name is another's (asked what the
        # pause covers, 暂停办理的业务包括哪些, the resumption is not what it asks).
        events = {w for w in words if w in _EVENTS}
        if events and not events & asked:
            continue
        # A law defers one case beside the ones it rules (另行规定); a notice defers what it announces.
        if asked and not (m.group(0).endswith("规定") and _other_case_asked(text, clause, question)):
            return clause + m.group(0)
    return None


def _other_case_asked(text: str, deferred: str, question: str) -> bool:
    """Whether a parallel clause (two or more words shared with the deferred one) states another case that the
    question matches better: 省级以下…由公安机关负责，国家监察委员会…由国家另行规定, asked about 省级以下."""
    own = _deferred_words(deferred)
    q = {t for t in tokenize(question) if len(t) >= 2}
    for c in _CLAUSE_START.split(text):
        words = _deferred_words(c)
        if c and deferred not in c and c not in deferred and len(words & own) >= 2 and len(words & q) > len(own & q):
            return True
    return False


def _deferred_words(clause: str) -> set[str]:
    """The words of `clause` naming what is deferred, not how (two characters or more)."""
    return {t for t in tokenize(clause) if len(t) >= 2 and t not in _HOW_DEFERRED}
