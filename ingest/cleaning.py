"""Turn extracted text into clean paragraphs, changing nothing but whitespace.

Quotes are later checked verbatim against the original text with whitespace
ignored, so every rule here may only add or remove whitespace (plus control
and zero-width characters, which carry no text). No NFKC: full-width
punctuation stays as it is.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.loaders import RawText
from ingest.metadata import is_headline

# A paragraph that ends with one of these finished its sentence (or is a lead-in
# ending with a colon); half-width forms occur in the Zhuzhou page.
_FINAL = frozenset("。！？!?；;：:…”’」』）)】")
# Shorter than this, a paragraph is probably a heading, title or name, not prose cut by a break.
_MIN_BROKEN_LEN = 40
_HEADING_MAX_LEN = 40
_NUM = "一二三四五六七八九十百千零〇两"
# Lines that open a new unit: markdown headings, 一、 （一） 第X章/条, 1. , bylines, dated info lines.
_HEADING_START = re.compile(
    rf"^(?:#|[{_NUM}]+、|[（(][{_NUM}\d]+[）)]|第[{_NUM}\d]+[编章节条款]"
    r"|\d+[.、．](?!\d)|[（(]作者|——|编者按|\d{4}年\d{1,2}月(?:\d{1,2}日)?\s)"
)
# PDF paragraphs often open with an enumeration like 一是 / 二是 instead of a heading.
_PARAGRAPH_START = re.compile(rf"^(?:[{_NUM}]+是|各位代表|同志们)")
_SENTENCE_PUNCT = re.compile(r"[。！？!?；;，,：:、]")

_NEWLINES = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Control characters, zero-width characters and BOMs carry no text.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b-\u200d\u2060\ufeff]")
_INLINE_SPACE = "[ \\t\\u3000\\u00a0\\u2002-\\u200a\\u202f\\u205f]"
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff—…"
_ASCII_WORD = "A-Za-z0-9%"
# Spaces WPS/PDF put between CJK text and numbers or Latin words ("增长 5.2%"), in either order.
_LAYOUT_SPACE = re.compile(
    rf"(?<=[{_CJK}]){_INLINE_SPACE}+(?=[{_ASCII_WORD}])|(?<=[{_ASCII_WORD}]){_INLINE_SPACE}+(?=[{_CJK}])"
    # After closing CJK punctuation a space is never meaningful (but "第二十三条 《…" keeps its separator).
    rf"|(?<=[）》”】，。；：、！？]){_INLINE_SPACE}+(?=[{_ASCII_WORD}{_CJK}])"
)
_INFO_END = "<!-- INFO END -->"


def _ends_sentence(paragraph: str) -> bool:
    tail = paragraph.rstrip()
    return not tail or tail[-1] in _FINAL


def _looks_like_heading(paragraph: str) -> bool:
    """True for a heading, title, author or byline paragraph, which never continues a cut sentence."""
    p = paragraph.strip()
    if not p or _HEADING_START.match(p):
        return True
    return len(p) <= _HEADING_MAX_LEN and not _SENTENCE_PUNCT.search(p)


def join_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """Re-join paragraphs that a column or page break cut mid-sentence, by plain concatenation."""
    out: list[str] = []
    for para in paragraphs:
        if out:
            prev = out[-1].strip()
            if (
                len(prev) >= _MIN_BROKEN_LEN
                and not _ends_sentence(prev)
                and not prev.startswith("#")
                and not _looks_like_heading(para)
            ):
                out[-1] = prev + para.strip()
                continue
        out.append(para)
    return out


def remove_layout_spaces(text: str) -> str:
    """Drop the spaces layout tools put between CJK text and numbers or Latin words; keep other spaces."""
    return _LAYOUT_SPACE.sub("", text)


def _width(line: str) -> int:
    """Display width in half-width columns; CJK and ambiguous-width characters count two."""
    line = re.sub(r"\s+", " ", line.strip())
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in line)


def _indent(line: str) -> int:
    return _width(line[: len(line) - len(line.lstrip())].replace("\t", "    ").replace("\u3000", "  "))


def _joiner(left: str, right: str) -> str:
    """Wrapped Latin words need their space back; CJK text joins directly."""
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return " "
    return ""


def rejoin_wrapped_lines(text: str) -> str:
    """Join hard-wrapped PDF lines into paragraphs, one per line, separated by a blank line."""
    lines = text.split("\n")
    nonblank = [ln for ln in lines if ln.strip()]
    if not nonblank:
        return ""
    widths = sorted(_width(ln) for ln in nonblank)
    full = widths[min(len(widths) - 1, int(len(widths) * 0.75))]
    slack = max(3, round(full * 0.06))
    base = min(_indent(ln) for ln in nonblank)
    indented = sum(1 for ln in nonblank if _indent(ln) > base)
    # First-line indentation marks paragraphs (pypdf's layout mode keeps it), unless nearly every line is indented.
    use_indent = 0 < indented <= 0.6 * len(nonblank)

    paragraphs: list[str] = []
    current = ""
    prev = ""  # the previous non-blank line, stripped
    blank_before = False
    for raw in lines:
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        if current and not _starts_paragraph(prev, line, raw, full, slack, base, use_indent, blank_before):
            current += _joiner(current, line) + line
        else:
            if current:
                paragraphs.append(current)
            current = line
        prev = line
        blank_before = False
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _starts_paragraph(
    prev: str, line: str, raw: str, full: int, slack: int, base: int, use_indent: bool, blank_before: bool
) -> bool:
    """Whether `line` opens a new paragraph after the wrapped line `prev`."""
    if use_indent and _indent(raw) > base:
        return True
    prev_short = _width(prev) < full - slack
    prev_final = _ends_sentence(prev)
    if prev_final and (prev_short or blank_before):
        return True
    if prev_final and (_HEADING_START.match(line) or _PARAGRAPH_START.match(line)):
        return True
    # A heading line, or a short title/name without sentence punctuation, stands alone.
    return prev_short and bool(_HEADING_START.match(prev) or not _SENTENCE_PUNCT.search(prev))


def _normalise(text: str) -> str:
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


# A line of prose cut by a page break has commas; a headline or notice title seldom does.
_COMMA = re.compile(r"[，,]")


def clean_text(raw: RawText, join: bool = True) -> str:
    """The clean text of a document: paragraphs separated by one blank line ("\\n\\n").

    join=False leaves column-broken paragraphs apart: on a multi-article page the
    break must first be resolved by article, or a fragment is glued to the wrong article.
    """
    text = _normalise(raw.text)
    if raw.kind == "pdf":
        text = rejoin_wrapped_lines(text)
    text = remove_layout_spaces(text)
    # One paragraph per line: txt/md/docx put one per line, PDFs were rejoined above, HTML blocks are lines.
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    head: list[str] = []
    if raw.kind == "md" and _INFO_END in paragraphs:
        # The info block (title, dates of adoption and amendment) stays, but its lines are never joined.
        cut = paragraphs.index(_INFO_END)
        head, paragraphs = paragraphs[:cut], paragraphs[cut + 1 :]
    if join and not head and is_headline(paragraphs) and not _COMMA.search(paragraphs[0]):
        # An official notice's title runs to 40–70 characters without a full stop (…关于…的通知): it is not a
        # sentence cut by a break, and glued to the body it would be neither the title nor a clean first sentence.
        # (metadata.py's headline test may take one with commas: it sees paragraphs already joined.)
        head, paragraphs = paragraphs[:1], paragraphs[1:]
    return "\n\n".join(head + (join_broken_paragraphs(paragraphs) if join else paragraphs))
