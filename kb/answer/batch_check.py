"""Whether the passages an answer cites speak of the numbered batch a question asks about.

Notices announce things in numbered batches (第一批定点生产企业, 第三批中央救灾物资, 第二批援助血液) and say of each
what they say of the others. Asked about the third batch, the retriever finds the passage on the second one, since
it shares every other word, and the answerability model answers with it; the key-term veto cannot see it either, as
第三批 is named somewhere among the top passages (目前正在准备第三批). A passage that never names the asked batch
does not answer for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.answer.numbers import ordinal_forms
from kb.types import Citation

# 第三批, 第3批, 第二轮: one numbered round of something (第三批次 is the same batch: it matches its first three characters).
_BATCH = re.compile(r"第([一二两三四五六七八九十\d]{1,3})(批|轮)")


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
