"""Answers and citations as safe Markdown for the browser.

Document text is escaped before it is shown: a document containing `<script>`
must render as those characters, never as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from kb.types import Answer, Chunk, Citation, Hit

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|~>])")


def text(s: str) -> str:
    """Plain text made inert for Markdown+HTML rendering."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(s, quote=False))


def _highlight(passage: str, quote: str) -> str:
    i = passage.find(quote)
    if not quote or i < 0:
        return text(passage)
    return f"{text(passage[:i])}<mark>{text(quote)}</mark>{text(passage[i + len(quote) :])}"


def place(c: Citation) -> str:
    """Where the passage is: its heading path, plus the page when the text came from OCR ("第2页（OCR识别）")."""
    if c.heading_path and "OCR" in c.location:
        return f"{c.heading_path} · {c.location.split(' · ')[-1]}"
    return c.heading_path or c.location


def citation_card(c: Citation) -> str:
    """One source: title, author and affiliation, date, location, the passage with the quote highlighted."""
    who = "，".join(x for x in (c.author, c.affiliation) if x)
    meta = " · ".join(x for x in (who, c.date, place(c), c.source) if x)
    standing = f"  \n<small>{text(c.authority)}</small>" if c.authority else ""
    return (
        f"**[{c.marker}] 《{text(c.title)}》**  \n<small>{text(meta)}</small>{standing}\n\n"
        f"> {_highlight(c.passage, c.quote)}\n"
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


# -- the chat message: answer, source cards with their context, refusal ------------------

# Characters Markdown (or the chat's LaTeX) would read as syntax, as HTML entities: inert in Markdown and in HTML.
_ENTITY = {c: f"&#{ord(c)};" for c in "\\`*_{}[]#+-!|~>$"}


def html_text(s: str) -> str:
    """Plain text made inert inside an HTML block of a chat message: escaped, no Markdown syntax, no blank lines."""
    escaped = html.escape(s or "", quote=True)
    escaped = "".join(_ENTITY.get(ch, ch) for ch in escaped)
    # A blank line would end the HTML block and hand the rest to Markdown; <br> keeps the line breaks.
    return re.sub(r"\s*\n\s*", "<br>", escaped.strip())


def _highlight_html(passage: str, quote: str) -> str:
    i = passage.find(quote) if quote else -1
    if i < 0:
        return html_text(passage)
    return f"{html_text(passage[:i])}<mark>{html_text(quote)}</mark>{html_text(passage[i + len(quote) :])}"


ContextFn = Callable[[str], tuple[list[Chunk], list[Chunk]]]


def source_card_html(c: Citation, context: ContextFn | None = None) -> str:
    """One citation: title, author and affiliation, date/version, location, the passage with its quote marked,
    and the surrounding original text behind a 查看原文上下文 expander."""
    who = "，".join(x for x in (c.author, c.affiliation) if x)
    meta = " · ".join(x for x in (who, c.date, place(c), c.source) if x)
    card = (
        f'<div class="kb-source"><b>[{c.marker}] 《{html_text(c.title)}》</b><br>'
        f'<small class="kb-meta">{html_text(meta)}</small>'
        + (f'<br><small class="kb-authority">{html_text(c.authority)}</small>' if c.authority else "")
        + f'<blockquote class="kb-passage">{_highlight_html(c.passage, c.quote)}</blockquote>'
    )
    before, after = context(c.chunk_id) if context and c.chunk_id else ([], [])
    if before or after:
        parts = [f'<p class="kb-around">{html_text(x.text)}</p>' for x in before]
        parts.append(f'<p class="kb-cited">{_highlight_html(c.passage, c.quote)}</p>')
        parts += [f'<p class="kb-around">{html_text(x.text)}</p>' for x in after]
        card += f"<details><summary>查看原文上下文</summary>{''.join(parts)}</details>"
    return card + "</div>"


def related_html(hits: list[Hit]) -> str:
    """The nearest passages of a refusal, offered as 相关内容 and clearly not as an answer."""
    items = "".join(
        f"<li>《{html_text(h.chunk.title)}》 <small>{html_text(h.chunk.heading_path or h.chunk.location)}</small>"
        f"<br>{html_text(h.chunk.text[:160])}{'…' if len(h.chunk.text) > 160 else ''}</li>"
        for h in hits
    )
    return f'<div class="kb-related"><b>相关内容</b>（知识库中最接近的段落，仅供参考，不是答案）<ul>{items}</ul></div>'


def rewritten_line(a: Answer) -> str:
    """The "按上下文理解为：…" line when a follow-up was rewritten, else nothing."""
    if not a.rewritten_question:
        return ""
    return f'<small class="kb-rewritten">按上下文理解为：{text(a.rewritten_question)}</small>\n\n'


def streaming_markdown(partial: str) -> str:
    """An answer still being written, safe to render."""
    return text(partial) + " ▌"


def answer_message(a: Answer, context: ContextFn | None = None) -> str:
    """The whole assistant message: how the question was understood, the answer, then its sources or 相关内容."""
    head = rewritten_line(a)
    if a.refused:
        why = f'<br><small class="kb-reason">{html_text(a.reason)}</small>' if a.reason else ""
        body = f'<div class="kb-refusal"><b>未找到</b>　{html_text(a.text)}{why}</div>'
        extra = related_html(a.related) if a.related else ""
        return head + body + ("\n\n" + extra if extra else "")
    cards = "".join(source_card_html(c, context) for c in a.citations)
    return head + answer_markdown(a) + notices_html(a) + (f'\n\n<div class="kb-sources">{cards}</div>' if cards else "")


def notices_html(a: Answer) -> str:
    """Warnings about the sources (outdated, repealed law cited, another version words it differently)."""
    if not a.notices:
        return ""
    items = "".join(f"<li>{html_text(n)}</li>" for n in a.notices)
    return f'\n\n<div class="kb-notice"><b>⚠️ 注意出处的效力</b><ul>{items}</ul></div>'
