"""Chinese sentence splitting that keeps every piece verbatim.

Written here rather than taken from a library because the splitters LangChain
ships cut on a fixed list of separators and drop or move the punctuation; a
citation quote must be an exact substring of the stored passage.
"""

from __future__ import annotations

import re

# A sentence ends at 。！？； (or their ASCII forms, and …… ) plus any closing quotes or brackets after them.
_END = re.compile(r"[^。！？；!?;…\n]*(?:[。！？；!?;]|…+)[”’」』）)\]】]*|[^\n]+$|[^\n]+(?=\n)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences in `text`; text[start:end] is verbatim, stripped of outer spaces."""
    spans: list[tuple[int, int]] = []
    for m in _END.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of `text`, verbatim."""
    return [text[s:e] for s, e in split_sentences(text)]


# A news item's dateline (新华社杭州2月11日电, 本报北京7月28日电) and a crawled page's stamp (2023-08-17 10:48，正文：,
# 07/20 11:23，正文：, 来源：央视网 | 2023年08月12日 12:30:21，正文：: whatever runs into 正文 with no clause break)
# say where and when it was filed, not what it is about nor any date or figure it states; so do a page's credits
# (2018年1月24日 来源：中国银监会, 2020-02-25 16:10来源：中证网, 来源：重庆日报 时间： 2020-02-21 07:39).
_STAMP_DATE = r"(?:19|20)[0-9]{2}(?:年[0-9]{1,2}月[0-9]{1,2}日|[-/.][0-9]{1,2}[-/.][0-9]{1,2})(?:\s*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
_DATELINE = re.compile(
    r"[^，。,；;\s]{0,12}?[0-9０-９一二三四五六七八九十]{1,3}月[0-9０-９一二三四五六七八九十]{1,3}日电"
    r"|[^，。,；;！？!?\n]{0,60}?，正文："
    rf"|(?:{_STAMP_DATE}\s*)?来源[：:]\s*[^\s，。,；;]{{1,20}}(?:\s*时间[：:]\s*{_STAMP_DATE})?"
)


# 後 for 后 (之後, 解除後3个月内): 138 of the NCP notices write it, a traditional form a conversion left, which no
# pattern of the checks (written in the simplified form, as questions are) reads. One character for one, so offsets
# hold.
_VARIANTS = str.maketrans("後", "后")


def read_form(text: str) -> str:
    """`text` with variant characters in their simplified form, for the checks to read (never for quoting)."""
    return text.translate(_VARIANTS)


def without_datelines(text: str) -> str:
    """`text` without news datelines and page stamps (the rest verbatim)."""
    return _DATELINE.sub("", text)


# Datelines opening a sentence, with the reporters' credit after them (新华社武汉2月4日电（记者邹伟、徐海波）).
_LEADING_DATELINE = re.compile(
    rf"(?:\s*(?:{_DATELINE.pattern})(?:\s*[（(](?:记者|通讯员|实习生|特约记者)[^）)]{{0,40}}[）)])?\s*)+"
)


def dateline_length(sentence: str) -> int:
    """How many characters of `sentence` a leading dateline or page stamp takes (0: none, or nothing after it)."""
    m = _LEADING_DATELINE.match(sentence)
    return m.end() if m and m.end() < len(sentence) else 0
