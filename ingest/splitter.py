"""Structure-aware chunking: chunks follow chapters, articles (条) and numbered sections.

Each chunk is a verbatim slice of its section's text, so a quote taken from a
chunk can be checked against the source. Headings are never emitted alone; they
open the chunk of the text they head and name it in `heading_path`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from kb.answer.sentences import split_sentences
from kb.types import Chunk, Section, SourceDoc

_CN = "一二三四五六七八九十百千零〇两"
_NUM = rf"[{_CN}\d]+"

# Ranks: a heading closes every open heading of the same or a deeper rank.
_RANK_PART = 1  # 第X编
_RANK_CHAPTER = 2  # 第X章, 序言, 总纲, 附则
_RANK_SECTION = 3  # 第X节
_RANK_ARTICLE = 4  # 第X条
_RANK_ENUM = {"一、": 5, "（一）": 6, "1.": 7, "（1）": 8, "一是": 9}
_RANK_ITEM = _RANK_ENUM["一是"]  # names only its own paragraph: the text after "六是…" is not part of item six
_RANK_PLAIN = 5  # an unnumbered short heading, as in newspaper articles

_MARKDOWN = re.compile(r"^(#{1,6})[ \t\u3000]*(.*)$")
_PART = re.compile(rf"^(第{_NUM}([编章节]))(?:[ \t\u3000]*(.*))?$")
# "第七条　预备党员…" opens article 7; "第七条规定…" at the start of a paragraph cites it.
_ARTICLE = re.compile(rf"^(第{_NUM}条)(?![{_CN}\d规的第、和至所中及或之款项，,。])")
_NAMED_CHAPTER = frozenset({"序言", "总纲", "附则", "总则"})
_ENUMS = [
    (re.compile(rf"^[{_CN}]+、"), "一、"),
    (re.compile(rf"^[（(][{_CN}]+[）)]"), "（一）"),
    (re.compile(r"^\d{1,2}[.．、](?!\d)"), "1."),
    (re.compile(r"^[（(]\d{1,2}[）)]"), "（1）"),
    (re.compile(rf"^[{_CN}]+是"), "一是"),  # "一是…。二是…。": work-report sub-items, named by their lead phrase
]
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_FIRST_SENTENCE = re.compile(r"^[^。！？!?；;]*[。！？!?；;]")
_FINAL = frozenset("。！？!?；;：:…”’」』）)】")
_AUTHOR_LINE = re.compile(r"^[（(]\s*作者")
_HEADING_MAX = 50  # a numbered paragraph this short without a full stop is a heading
_LEAD_MAX = 40  # a longer numbered paragraph names its unit by its first sentence when this short
_PLAIN_MAX = 30  # an unnumbered heading is short; PDF lines wrapped at ~40 characters must not pass
_TITLE_MAX = 60
_HEAD_MAX_PARAS = 6  # a title block (title, subtitle, date, speaker or byline) is never longer


@dataclass
class _Para:
    start: int
    end: int
    number: int  # 1-based position in the section, for locations
    heading: tuple[int, str, str] | None = None  # (rank, label for the path, short label for the location)
    pure: bool = False  # a heading with no body text; it opens the chunk of the text it heads
    opens: bool = False  # starts a new unit
    path: tuple[tuple[int, str, str], ...] = ()


@dataclass
class _Unit:
    paras: list[_Para]
    path: tuple[tuple[int, str, str], ...]
    is_article: bool


def _squash(s: str) -> str:
    return re.sub(r"[ \t\u3000]+", " ", s).strip()


def _paragraphs(text: str) -> list[_Para]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(r"\n[ \t\u3000]*\n\s*", text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    paras: list[_Para] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            paras.append(_Para(s, e, len(paras) + 1))
    return paras


def _structural(p: str) -> tuple[tuple[int, str, str], bool] | None:
    """(heading, is_pure) for 编/章/节/条 and 序言-style headings, else None."""
    if p in _NAMED_CHAPTER:
        return (_RANK_CHAPTER, p, p), True
    m = _PART.match(p)
    if m and len(p) <= _HEADING_MAX and not _SENTENCE_END.search(p):
        rank = {"编": _RANK_PART, "章": _RANK_CHAPTER, "节": _RANK_SECTION}[m.group(2)]
        return (rank, _squash(f"{m.group(1)} {m.group(3) or ''}"), m.group(1)), True
    m = _ARTICLE.match(p)
    if m:
        return (_RANK_ARTICLE, m.group(1), m.group(1)), not p[m.end() :].strip()
    return None


def _enumerated(p: str) -> tuple[tuple[int, str, str], bool] | None:
    """(heading, is_pure) for "一、" "（一）" "1." "（1）" paragraphs; a long one is named by its lead phrase."""
    for pattern, kind in _ENUMS:
        m = pattern.match(p)
        if not m:
            continue
        rank = _RANK_ENUM[kind]
        if kind != "一是" and len(p) <= _HEADING_MAX and not _SENTENCE_END.search(p):
            return (rank, _squash(p), m.group(0)), True
        lead = _FIRST_SENTENCE.match(p)
        if lead and len(lead.group(0)) <= _LEAD_MAX + 1 and lead.end() < len(p):
            return (rank, _squash(lead.group(0)[:-1]), m.group(0)), False
        return None
    return None


def _is_title_line(p: str) -> bool:
    """A line of a document's title block: short, no full stop, not a numbered heading."""
    return len(p) <= _TITLE_MAX and not _SENTENCE_END.search(p) and not _structural(p) and not _enumerated(p)


def _is_plain_heading(p: str, prev: str | None, prev_is_heading: bool, nxt: str | None) -> bool:
    """An unnumbered short heading: no punctuation, after a finished paragraph, before longer text."""
    return (
        len(p) <= _PLAIN_MAX
        and not re.search(r"[。！？!?；;：:]", p)
        and p[-1] not in "，,、"
        and (prev is None or prev_is_heading or prev[-1] in _FINAL)
        and nxt is not None
        and len(nxt) > len(p)
    )


def _classify(text: str, paras: list[_Para], titles: set[str], authors: set[str]) -> None:
    """Mark headings and give every paragraph the heading path in force at it."""
    stack: list[tuple[int, str, str]] = []
    in_head = True  # the leading title/subtitle/byline block of a section
    for i, para in enumerate(paras):
        raw = text[para.start : para.end]
        md = _MARKDOWN.match(raw)
        p = _squash(md.group(2)) if md else raw
        compact = re.sub(r"\s", "", p)
        if in_head and (
            (i < _HEAD_MAX_PARAS and _is_title_line(p))
            or compact in titles
            or compact in authors
            or p.startswith("——")
            or _AUTHOR_LINE.match(p)
        ):
            para.pure = True  # rank 0: the title is the chunk's title, not part of its path
            continue
        in_head = False
        if stack and stack[-1][0] == _RANK_ITEM:
            stack.pop()
            para.opens = True
        found = _structural(p)
        in_article = any(rank == _RANK_ARTICLE for rank, _, _ in stack)
        if found is None and not in_article:
            # Inside a 条, "（一）…" items are the article's clauses, not headings.
            found = _enumerated(p)
        if found is None and md:
            found = ((len(md.group(1)), p, p), True)
        if found is None and not in_article:
            prev = paras[i - 1] if i else None
            prev_text = text[prev.start : prev.end] if prev else None
            nxt = text[paras[i + 1].start : paras[i + 1].end] if i + 1 < len(paras) else None
            if _is_plain_heading(p, prev_text, bool(prev and prev.pure), nxt):
                found = ((_RANK_PLAIN, p, p), True)
        if found is not None:
            heading, para.pure = found
            para.heading = heading
            para.opens = True
            while stack and stack[-1][0] >= heading[0]:
                stack.pop()
            stack.append(heading)
        para.path = tuple(stack)


def _units(paras: list[_Para]) -> list[_Unit]:
    """Runs of paragraphs under one heading; headings join the unit of the text that follows them."""
    units: list[_Unit] = []
    cur: list[_Para] = []
    for para in paras:
        if cur and (para.opens or para.pure) and not all(q.pure for q in cur):
            units.append(_make_unit(cur))
            cur = []
        cur.append(para)
    if cur:
        units.append(_make_unit(cur))
    return units


def _make_unit(paras: list[_Para]) -> _Unit:
    body = [p for p in paras if not p.pure]
    path = (body[0] if body else paras[-1]).path
    return _Unit(paras, path, any(p.heading and p.heading[0] == _RANK_ARTICLE for p in paras))


@dataclass
class _Atom:
    start: int
    end: int
    para: _Para
    heading: bool


# A sentence longer than this many chunks is a run-on line (no punctuation), not a sentence.
_RUN_ON = 4


def _atoms(text: str, unit: _Unit, max_chars: int) -> list[_Atom]:
    """Paragraphs of the unit, with any paragraph too long for a chunk cut into its sentences."""
    atoms: list[_Atom] = []
    prefix = 0  # length of the headings the next body paragraph must carry
    for para in unit.paras:
        if para.pure:
            atoms.append(_Atom(para.start, para.end, para, True))
            prefix = para.end - atoms[0].start + 2 if all(a.heading for a in atoms) else 0
            continue
        if para.end - para.start + prefix <= max_chars:
            atoms.append(_Atom(para.start, para.end, para, False))
        else:
            for s, e in split_sentences(text[para.start : para.end]):
                # A long sentence stays whole (a quote must be a whole sentence), but a "sentence" many chunks
                # long is no sentence (a pasted table, one 5 MB line): it is cut at max_chars, so that no chunk
                # outgrows what the embedder reads and what a citation can show.
                step = max_chars if e - s > _RUN_ON * max_chars else e - s
                for cut in range(s, e, max(step, 1)):
                    atoms.append(_Atom(para.start + cut, para.start + min(e, cut + step), para, False))
        prefix = 0
    return atoms


def _pack(atoms: list[_Atom], unit: _Unit, max_chars: int, target_chars: int) -> list[list[_Atom]]:
    """Greedy packing up to target_chars; a 条 that fits in max_chars stays whole; headings lead their text."""
    if unit.is_article and atoms[-1].end - atoms[0].start <= max_chars:
        return [atoms]
    groups: list[list[_Atom]] = []
    cur: list[_Atom] = []
    for atom in atoms:
        if cur and not all(a.heading for a in cur) and atom.end - cur[0].start > target_chars:
            groups.append(cur)
            cur = []
        cur.append(atom)
    if cur:
        groups.append(cur)
    return _merge_small(groups, target_chars // 3, max_chars)


def _span(group: list[_Atom]) -> int:
    return group[-1].end - group[0].start


def _merge_small(groups: list[list[_Atom]], min_chars: int, max_chars: int) -> list[list[_Atom]]:
    """Join a group shorter than min_chars to the neighbour that gives the shorter result within max_chars."""
    i = 0
    while i < len(groups):
        if _span(groups[i]) >= min_chars:
            i += 1
            continue
        options = [(_span(groups[j] + groups[j + 1]), j) for j in (i - 1, i) if 0 <= j and j + 1 < len(groups)]
        options = [(size, j) for size, j in options if size <= max_chars]
        if not options:
            i += 1
            continue
        _, j = min(options)
        groups[j : j + 2] = [groups[j] + groups[j + 1]]
        i = j
    return groups


def _paragraph_range(first: int, last: int) -> str:
    return f"第{first}段" if first == last else f"第{first}–{last}段"


def _location(section: Section, path: tuple[tuple[int, str, str], ...], first: int, last: int) -> str:
    """Where the chunk sits, for a reader: "第三章 > 第十五条", "第2篇 · 第3–4段" or "第12–14段"."""
    structural = [short for rank, _, short in path if rank <= _RANK_ARTICLE]
    paragraphs = _paragraph_range(first, last)
    if structural:
        loc = " > ".join(structural)
        return loc if path[-1][0] == _RANK_ARTICLE else f"{loc} · {paragraphs}"
    if section.location and section.location != "全文":
        return f"{section.location} · {paragraphs}"
    return paragraphs


def _with_overlap(text: str, spans: list[tuple[int, int]], overlap: int, max_chars: int) -> list[tuple[int, int]]:
    """Start each chunk but the first `overlap` sentences early, when it still fits."""
    out = [spans[0]]
    for (ps, pe), (s, e) in itertools.pairwise(spans):
        sents = split_sentences(text[ps:pe])
        if len(sents) > overlap:
            new_start = ps + sents[-overlap][0]
            if e - new_start <= max_chars:
                s = new_start
        out.append((s, e))
    return out


def split_document(
    doc: SourceDoc, max_chars: int = 480, target_chars: int = 300, overlap_sentences: int = 0
) -> list[Chunk]:
    """Chunks of a document following its structure; each chunk's text is a verbatim substring of its section text."""
    chunks: list[Chunk] = []
    sections = doc.sections or [Section(title=doc.title, text=doc.text, author=doc.author, affiliation=doc.affiliation)]
    for section in sections:
        text = section.text
        paras = _paragraphs(text)
        if not paras:
            continue
        titles = {re.sub(r"\s", "", t) for t in (section.title, doc.title) if t}
        authors = {re.sub(r"\s", "", a) for a in (section.author, doc.author) if a}
        _classify(text, paras, titles, authors)
        for unit in _units(paras):
            groups = _pack(_atoms(text, unit, max_chars), unit, max_chars, target_chars)
            spans = [(g[0].start, g[-1].end) for g in groups]
            if overlap_sentences > 0:
                spans = _with_overlap(text, spans, overlap_sentences, max_chars)
            for (start, end), group in zip(spans, groups):
                n = len(chunks)
                chunks.append(
                    Chunk(
                        chunk_id=f"{doc.doc_id}:{n}",
                        doc_id=doc.doc_id,
                        text=text[start:end],
                        source=doc.source,
                        title=section.title or doc.title,
                        heading_path=" > ".join(label for _, label, _ in unit.path),
                        location=_location(section, unit.path, group[0].para.number, group[-1].para.number),
                        author=section.author or doc.author,
                        affiliation=section.affiliation or doc.affiliation,
                        date=doc.date,
                        doc_title=doc.title,
                        ordinal=n,
                    )
                )
    return chunks
