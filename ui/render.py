"""Answers and citations as safe Markdown for the browser.

Document text is escaped before it is shown: a document containing `<script>`
must render as those characters, never as markup.
"""

from __future__ import annotations

import html
import re

from kb.types import Answer, Citation

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|~>])")


def text(s: str) -> str:
    """Plain text made inert for Markdown+HTML rendering."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(s, quote=False))


def _highlight(passage: str, quote: str) -> str:
    i = passage.find(quote)
    if not quote or i < 0:
        return text(passage)
    return f"{text(passage[:i])}<mark>{text(quote)}</mark>{text(passage[i + len(quote) :])}"


def citation_card(c: Citation) -> str:
    """One source: title, author and affiliation, date, location, the passage with the quote highlighted."""
    who = "，".join(x for x in (c.author, c.affiliation) if x)
    meta = " · ".join(x for x in (who, c.date, c.heading_path or c.location, c.source) if x)
    return (
        f"**[{c.marker}] 《{text(c.title)}》**  \n<small>{text(meta)}</small>\n\n> {_highlight(c.passage, c.quote)}\n"
    )


def answer_markdown(a: Answer) -> str:
    """The answer text with its [n] markers, safe to render."""
    body = text(a.text)
    # Markers were escaped with the rest; show them as plain [n] again.
    body = re.sub(r"\\\[(\d+)\\\]", r"<sup>[\1]</sup>", body)
    if a.refused:
        return f"⚠️ {body}"
    return body


def sources_markdown(a: Answer) -> str:
    """The source cards under an answer, or the related passages of a refusal."""
    if a.citations:
        return "\n".join(citation_card(c) for c in a.citations)
    if a.related:
        items = [
            f"- 《{text(h.chunk.title)}》 {text(h.chunk.location)}：{text(h.chunk.text[:120])}…" for h in a.related
        ]
        return "**相关内容**（知识库中最接近的段落，仅供参考）：\n\n" + "\n".join(items)
    return ""
