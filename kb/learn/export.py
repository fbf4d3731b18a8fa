"""A 党课 pack as Markdown or DOCX, every item with a numbered note naming title, author and location.

Notes are numbered in order of first use; two items quoting the same words of the same
passage share a note.

python-docx has no API for real Word footnotes (they live in a separate footnotes.xml
part with its own relationships, which python-docx neither creates nor exposes), so the
DOCX carries superscript markers [n] in the text and a numbered "注释" section at the
end: endnotes a reader can follow, and which survive any Word or WPS version.
"""

from __future__ import annotations

from pathlib import Path

from kb.learn.pack import FIGURE, OUTLINE, PART_TITLES, PARTS, QUESTION, QUOTE, Pack, PackItem
from kb.types import Citation

_NUMERALS = "一二三四五六七八九十"


def _notes(pack: Pack) -> tuple[dict[str, int], list[Citation]]:
    """Note number of each item, and the notes in order."""
    number: dict[tuple[str, str], int] = {}
    of_item: dict[str, int] = {}
    notes: list[Citation] = []
    for item in pack.items:
        key = (item.citation.chunk_id, item.citation.quote)
        if key not in number:
            notes.append(item.citation)
            number[key] = len(notes)
        of_item[item.item_id] = number[key]
    return of_item, notes


def note_text(c: Citation, quote: bool = True) -> str:
    """One note: 《title》，author（affiliation），date，source，location。引文：“quote”"""
    who = c.author + (f"（{c.affiliation}）" if c.affiliation else "") if c.author else ""
    place = "，".join(x for x in dict.fromkeys((c.heading_path, c.location)) if x)
    standing = f"（{c.authority}）" if c.authority else ""
    head = "，".join(x for x in (f"《{c.title}》{standing}", who, c.date, c.source, place) if x)
    return f"{head}。引文：“{c.quote}”" if quote else f"{head}。"


def item_text(item: PackItem) -> str:
    """What an item says in the exported pack (quotations in quotation marks)."""
    if item.kind == QUOTE:
        return f"“{item.text}”"
    if item.kind == FIGURE:
        return f"{item.label}：{item.text}"
    return item.text


def _part_heading(i: int, kind: str) -> str:
    return f"{_NUMERALS[i]}、{PART_TITLES[kind]}"


def _intro(pack: Pack) -> str:
    scope = "、".join(pack.sources) if pack.sources else "知识库全部文档"
    return f"生成时间：{pack.created_at}；素材范围：{scope}。每条素材均注明出处，引文与原文逐字一致。"


def to_markdown(pack: Pack) -> str:
    """The pack as Markdown with footnotes ([^n])."""
    of_item, notes = _notes(pack)
    lines = [f"# 党课素材包：{pack.topic}", "", f"> {_intro(pack)}", ""]
    for i, kind in enumerate(k for k in PARTS if pack.part(k)):
        lines += [f"## {_part_heading(i, kind)}", ""]
        for n, item in enumerate(pack.part(kind), 1):
            lines.append(f"{n}. {_md(item_text(item))}[^{of_item[item.item_id]}]")
            if item.kind == OUTLINE and item.citation.quote != item.text:
                lines.append(f"   要点：“{_md(item.citation.quote)}”")
        lines.append("")
    lines += ["## 注释", ""]
    lines += [f"[^{n}]: {_md(note_text(c))}" for n, c in enumerate(notes, 1)]
    return "\n".join(lines) + "\n"


def _md(s: str) -> str:
    # Keep the words verbatim; only the characters Markdown would act on are escaped.
    return "".join("\\" + ch if ch in "\\`*_[]#|<>" else ch for ch in " ".join(s.split()))


def to_docx(pack: Pack, path: str | Path) -> Path:
    """Write the pack as a Word document (headings, numbered items, [n] markers, a 注释 endnote section)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    of_item, notes = _notes(pack)
    doc = Document()
    # Word falls back to a Latin font for CJK text unless the East Asian font is named.
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = doc.styles[style_name]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "宋体")
    doc.styles["Normal"].font.size = Pt(11)
    doc.core_properties.title = f"党课素材包：{pack.topic}"
    doc.add_heading(f"党课素材包：{pack.topic}", level=0)
    doc.add_paragraph(_intro(pack))
    for i, kind in enumerate(k for k in PARTS if pack.part(k)):
        doc.add_heading(_part_heading(i, kind), level=1)
        for n, item in enumerate(pack.part(kind), 1):
            p = doc.add_paragraph()
            p.add_run(f"{n}. {item_text(item)}")
            marker = p.add_run(f"[{of_item[item.item_id]}]")
            marker.font.superscript = True
            if item.kind == OUTLINE and item.citation.quote != item.text:
                doc.add_paragraph(f"要点：“{item.citation.quote}”")
            if item.kind == QUESTION:
                p.paragraph_format.space_after = Pt(6)
    doc.add_heading("注释", level=1)
    for n, c in enumerate(notes, 1):
        doc.add_paragraph(f"[{n}] {note_text(c)}")
    path = Path(path)
    doc.save(str(path))
    return path


def export(pack: Pack, path: str | Path) -> Path:
    """Write the pack to `path`, as DOCX or Markdown by its suffix (.docx, .md)."""
    path = Path(path)
    if path.suffix.lower() == ".docx":
        return to_docx(pack, path)
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        path.write_text(to_markdown(pack), encoding="utf-8")
        return path
    raise ValueError(f"不支持的导出格式：{path.suffix}（请用 .docx 或 .md）")
