"""党课 material packs: a topic in, five parts of cited items out (outline, quotations, figures, cases, questions).

Everything is taken from retrieved passages and goes through `make_citation`, so a
quotation, a figure or a case is a verbatim span of a stored chunk, with its title,
author and location; a discussion question is written from a template around such a
span and carries that span's citation. Selection is deterministic (no LLM): the same
index and topic give the same pack. With an LLM configured, it writes the discussion
questions from the pack's passages; its [n] markers are checked like an answer's.

The trainer edits the pack with `remove` and `move` (items move within their part);
`kb/learn/export.py` writes it as Markdown or DOCX.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from kb.answer.citations import is_verbatim, make_citation, norm
from kb.answer.sentences import split_sentences
from kb.types import Chunk, Citation, Hit

if TYPE_CHECKING:
    from kb.service import KnowledgeBase

log = logging.getLogger(__name__)

OUTLINE, QUOTE, FIGURE, CASE, QUESTION = "outline", "quote", "figure", "case", "question"
PARTS = (OUTLINE, QUOTE, FIGURE, CASE, QUESTION)
PART_TITLES = {
    OUTLINE: "提纲",
    QUOTE: "重要论述摘编",
    FIGURE: "数据与事实",
    CASE: "案例与做法",
    QUESTION: "讨论题",
}
LIMITS = {OUTLINE: 6, QUOTE: 6, FIGURE: 8, CASE: 6, QUESTION: 5}
MIN_OUTLINE = 3
N_HITS = 16

_CLAUSE = re.compile(r"[^，,；;：:。！？!?\n]+[，,；;：:。！？!?]*")
# A number with its unit: 82.1%, 124天, 5000余名, 6.3万户, 95%以上. Bare numbers and years are not figures.
_FIGURE = re.compile(
    r"\d+(?:\.\d+)?(?:[-~～]\d+(?:\.\d+)?)?\s*"
    r"(?:%|％|个百分点|(?:万亿|亿|万|千)?(?:余|多)?(?:元|名|人次|人|户|家|个|项|件|场次|次|场|支|天|所|座|公里|吨|套|台|辆|批|倍|亩)"
    r"|(?:万亿|亿|万))(?:以上)?"
)
_MEASURE = re.compile(
    r"建立|成立|组建|开展|打造|出台|实施|设立|推行|选派|建成|率先|举办|印发|制定|推出|构建|创新|整合|培育"
)
_SPECIFIC = re.compile(r"[“《\d]")
_QUOTABLE = re.compile(r"坚持|必须|始终|要|是|把|以|就是|关键|根本")
_HEADING_LIKE = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十百]+[章节条])"
)
_NOT_SECTIONS = {"编者按", "正文", "全文", "前言"}
_LAW_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零]+条$")


@dataclass
class PackItem:
    """One cited entry of a pack."""

    item_id: str
    kind: str  # outline | quote | figure | case | question
    text: str  # what the pack says: a heading, a verbatim quotation, a figure in context, a case, a question
    citation: Citation
    label: str = ""  # the figure ("82.1%") or the section heading


@dataclass
class Pack:
    """A 党课 material pack: topic, document filter and its cited items in part order."""

    topic: str
    items: list[PackItem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the document filter, empty = all documents
    created_at: str = field(default_factory=lambda: datetime.now().strftime("%Y-%m-%d %H:%M"))

    def part(self, kind: str) -> list[PackItem]:
        """The items of one part, in the order they will be exported."""
        return [i for i in self.items if i.kind == kind]

    def missing_parts(self) -> list[str]:
        """Titles of parts that hold no item."""
        return [PART_TITLES[k] for k in PARTS if not self.part(k)]


# -- editing ------------------------------------------------------------------


def remove(pack: Pack, item_id: str) -> Pack:
    """The pack without one item."""
    return replace(pack, items=[i for i in pack.items if i.item_id != item_id])


def move(pack: Pack, item_id: str, offset: int) -> Pack:
    """The pack with one item moved `offset` places within its part (-1 = up)."""
    item = next((i for i in pack.items if i.item_id == item_id), None)
    if item is None or not offset:
        return pack
    part = pack.part(item.kind)
    j = max(0, min(len(part) - 1, part.index(item) + offset))
    part.remove(item)
    part.insert(j, item)
    items = [i for i in pack.items if i.kind != item.kind]
    # Parts keep their canonical order, so the pack reads outline → questions whatever was moved.
    ordered = [i for k in PARTS for i in (part if k == item.kind else [x for x in items if x.kind == k])]
    return replace(pack, items=ordered)


def unverified(pack: Pack) -> list[PackItem]:
    """Items whose quote is not verbatim in its cited passage (should always be empty)."""
    return [i for i in pack.items if not is_verbatim(i.citation.quote, i.citation.passage)]


# -- building -----------------------------------------------------------------


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[\W_]+", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _overlap(topic: set[str], s: str) -> float:
    return len(topic & _bigrams(s)) / (len(topic) or 1)


def _is_heading(chunk: Chunk, sent: str) -> bool:
    n = norm(sent).rstrip("。")
    return (
        n in (norm(chunk.title), norm(chunk.doc_title))
        or any(n == norm(h) for h in chunk.heading_path.split(" > "))
        or sent.startswith(("——", "(作者", "（作者"))
        or (len(n) <= 6 and n == norm(chunk.author))
    )


def _sentences(chunk: Chunk) -> list[str]:
    return [s for s in (chunk.text[a:b] for a, b in split_sentences(chunk.text)) if not _is_heading(chunk, s)]


def _clause_around(text: str, start: int, end: int) -> str:
    """The clause holding text[start:end], with the clause before it when it is too short to read alone."""
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(text)]
    for i, (s, e) in enumerate(clauses):
        if s <= start < e:
            if len(norm(text[s:start])) < 5 and i > 0 and text[clauses[i - 1][1] - 1] not in "。！？!?\n":
                s = clauses[i - 1][0]
            return text[s:e].strip().rstrip("，,；;：:")
    return text[start:end]


def _section_label(chunk: Chunk) -> tuple[str, str]:
    """A section heading for the outline and the quote that backs it (the heading line, else the lead sentence)."""
    parts = [p for p in chunk.heading_path.split(" > ") if p.strip()]
    if parts and _LAW_ARTICLE.match(parts[-1].strip()) and len(parts) > 1:
        parts = parts[:-1]  # laws: chapters make the outline, articles are too fine
    sents = [chunk.text[a:b] for a, b in split_sentences(chunk.text)]
    label = parts[-1].strip() if parts else ""
    if not label and chunk.title and chunk.doc_title and chunk.title != chunk.doc_title:
        label = chunk.title
    lead = next((s for s in sents if not s.startswith(("——", "(作者", "（作者")) and norm(s) != norm(chunk.title)), "")
    if not label and lead and len(norm(lead)) <= 24:
        label = lead.rstrip("。")  # an inline heading such as 强化思想引领,凝心聚力添动能。
    if not label:
        label = chunk.location or chunk.title
    quote = label if is_verbatim(label, chunk.text) else lead
    return label, quote


class _Builder:
    def __init__(self, topic: str, hits: list[Hit]) -> None:
        self.topic = _bigrams(topic)
        self.hits = hits
        self.items: list[PackItem] = []
        self.used: set[str] = set()  # normalised quotes already in the pack
        self.count: dict[str, int] = {}
        self.figure_clauses: dict[str, list[str]] = {}  # chunk id -> figure clauses taken from it

    def add(self, kind: str, chunk: Chunk, quote: str, text: str | None = None, label: str = "") -> PackItem | None:
        key = f"{kind}:{norm(quote)}"
        if not norm(quote) or key in self.used or self.count.get(kind, 0) >= LIMITS[kind]:
            return None
        try:
            citation = make_citation(0, chunk, quote)  # raises unless verbatim: nothing uncited enters the pack
        except ValueError:
            return None
        self.used.add(key)
        if kind in (QUOTE, CASE):
            self.used.add(f"any:{norm(quote)}")
        self.count[kind] = self.count.get(kind, 0) + 1
        item = PackItem(
            f"{kind}-{self.count[kind]}", kind, text if text is not None else citation.quote, citation, label
        )
        self.items.append(item)
        return item

    def rank_weight(self, i: int) -> float:
        return 1.0 - i / (len(self.hits) + 1)

    def outline(self) -> None:
        seen: dict[str, tuple[int, int, Chunk, str, str]] = {}
        order = {h.chunk.doc_id: i for i, h in reversed(list(enumerate(self.hits)))}
        for h in self.hits:
            label, quote = _section_label(h.chunk)
            key = f"{h.chunk.doc_id}:{norm(label)}"
            if key not in seen and label not in _NOT_SECTIONS:
                seen[key] = (order[h.chunk.doc_id], h.chunk.ordinal, h.chunk, label, quote)
        # An article whose own sections are in the outline is represented by them, not by its title as well.
        titled = {v[2].title for v in seen.values() if v[2].heading_path}
        picked = [v for v in seen.values() if v[2].heading_path or v[3] != v[2].title or v[2].title not in titled]
        picked = picked[: LIMITS[OUTLINE]]
        if len(picked) < MIN_OUTLINE:
            # Few headings: the lead sentences of the best passages stand in as sections.
            keys = {f"{v[2].doc_id}:{norm(v[3])}" for v in picked}
            for h in self.hits:
                for s in _sentences(h.chunk)[:1]:
                    key = f"{h.chunk.doc_id}:{norm(s)}"
                    if key not in keys and len(picked) < MIN_OUTLINE:
                        keys.add(key)
                        picked.append((order[h.chunk.doc_id], h.chunk.ordinal, h.chunk, s.rstrip("。"), s))
        # Sections follow the sources' own order, so the outline reads like the documents it comes from.
        for _, _, chunk, label, quote in sorted(picked, key=lambda v: (v[0], v[1])):
            self.add(OUTLINE, chunk, quote, text=label, label=label)

    def sentences(self) -> None:
        cases: list[tuple[float, Chunk, str]] = []
        quotes: list[tuple[float, Chunk, str]] = []
        for i, h in enumerate(self.hits):
            w = self.rank_weight(i)
            for s in _sentences(h.chunk):
                n = len(norm(s))
                rel = w + _overlap(self.topic, s)
                if _MEASURE.search(s) and _SPECIFIC.search(s) and 16 <= n <= 180:
                    cases.append((rel + 0.3 * bool(h.chunk.author), h.chunk, s))
                elif 16 <= n <= 120 and len(_FIGURE.findall(s)) < 2 and not _HEADING_LIKE.match(s):
                    quotes.append((rel + 0.2 * bool(_QUOTABLE.search(s)), h.chunk, s))
        # Cases are attributed to an article and its author; an editor's note or an unsigned passage only fills in.
        authored = [t for t in cases if t[1].author]
        self._pick(CASE, authored if len(authored) >= MIN_OUTLINE else cases, per_chunk=1)
        self._pick(QUOTE, quotes, per_chunk=2)

    def _pick(self, kind: str, scored: list[tuple[float, Chunk, str]], per_chunk: int) -> None:
        per: dict[str, int] = {}
        scored.sort(key=lambda t: -t[0])  # stable: ties keep retrieval order
        for round_limit in (per_chunk, 99):  # spread over passages first, then fill up
            for _, chunk, s in scored:
                if per.get(chunk.chunk_id, 0) >= round_limit or f"any:{norm(s)}" in self.used:
                    continue
                if self.add(kind, chunk, s):
                    per[chunk.chunk_id] = per.get(chunk.chunk_id, 0) + 1

    def figures(self, extra: list[Chunk]) -> None:
        chunks = [h.chunk for h in self.hits] + extra
        for chunk in chunks:
            taken = self.figure_clauses.setdefault(chunk.chunk_id, [])
            for m in _FIGURE.finditer(chunk.text):
                clause = _clause_around(chunk.text, m.start(), m.end())
                # Neighbouring figures share a clause; one item per clause, at most two per passage.
                if (
                    len(norm(clause)) < 6
                    or len(taken) >= 2
                    or any(norm(clause) in t or t in norm(clause) for t in taken)
                ):
                    continue
                if self.add(FIGURE, chunk, clause, label=m.group(0).strip()):
                    taken.append(norm(clause))

    def questions(self, topic: str) -> None:
        t = topic.strip()
        for item in self.part(OUTLINE)[:2]:
            label = item.label.replace("“", "‘").replace("”", "’")  # quotes inside quotes, as Chinese writes them
            q = f"结合“{label}”，谈谈本单位在{t}方面有哪些好的做法、还存在哪些差距？"
            self.add(QUESTION, _chunk_of(item), item.citation.quote, text=q)
        for item in self.part(CASE)[:1]:
            who = f"（{item.citation.author}）" if item.citation.author else ""
            q = f"《{item.citation.title}》{who}介绍：“{item.citation.quote}”这一做法对本单位推进{t}有什么启示？"
            self.add(QUESTION, _chunk_of(item), item.citation.quote, text=q)
        for item in self.part(FIGURE)[:1]:
            q = f"“{item.citation.quote}”——这样的成效是怎样取得的？我们可以借鉴哪些经验？"
            self.add(QUESTION, _chunk_of(item), item.citation.quote, text=q)
        for item in self.part(QUOTE)[:1]:
            q = f"如何理解“{_lead_clause(item.citation.quote, 40)}”？请结合工作实际谈谈体会。"
            self.add(QUESTION, _chunk_of(item), item.citation.quote, text=q)

    def part(self, kind: str) -> list[PackItem]:
        return [i for i in self.items if i.kind == kind]


def _chunk_of(item: PackItem) -> Chunk:
    c = item.citation
    return Chunk(
        chunk_id=c.chunk_id,
        doc_id=c.chunk_id.split(":")[0],
        text=c.passage,
        source=c.source,
        title=c.title,
        heading_path=c.heading_path,
        location=c.location,
        author=c.author,
        affiliation=c.affiliation,
        date=c.date,
        authority=c.authority,
    )


def _lead_clause(sentence: str, max_chars: int = 30) -> str:
    """The first clause(s) of a sentence, verbatim, up to about `max_chars` characters."""
    out = ""
    for m in _CLAUSE.finditer(sentence):
        piece = m.group(0)
        if out and len(out) + len(piece) > max_chars:
            break
        out += piece
    return out.strip().rstrip("，,；;：:。")


def llm_questions(kb: KnowledgeBase, topic: str, items: list[PackItem]) -> list[PackItem]:
    """Discussion questions written by the configured LLM over the pack's passages; [] without one or on failure.

    The model's markers go through `finalize`, so each question keeps a citation
    quoted from its passage, and a question whose marker points nowhere is dropped.
    """
    if getattr(kb, "llm", None) is None:
        return []
    from kb.answer.citations import finalize
    from kb.answer.prompts import load_prompt

    passages: dict[str, Hit] = {}
    for item in items:
        if item.kind in (OUTLINE, QUOTE, CASE, FIGURE) and len(passages) < 8:
            passages.setdefault(item.citation.chunk_id, Hit(chunk=_chunk_of(item)))
    hits = list(passages.values())
    if not hits:
        return []
    try:
        from langchain_core.messages import HumanMessage, SystemMessage

        prompt = load_prompt(kb.settings.prompts_dir, "pack_questions")
        system, user = prompt.render(topic=topic, passages=kb.llm.format_passages(hits))
        raw = str(kb.llm.chat.invoke([SystemMessage(system), HumanMessage(user)]).text)
    except Exception as exc:  # an unreachable model must not cost the trainer the pack: templates stand in
        log.warning("LLM questions unavailable, using templates: %s", exc)
        return []
    out: list[PackItem] = []
    for line in raw.splitlines():
        line = re.sub(r"^\s*(?:\d+[.、．)]|[-*•])\s*", "", line).strip()
        if not line:
            continue
        cited, citations = finalize(line, hits)
        question = re.sub(r"\[\d+\]", "", cited).strip()
        if citations and question and len(out) < LIMITS[QUESTION]:
            out.append(PackItem(f"question-{len(out) + 1}", QUESTION, question, citations[0]))
    return out


def clean_topic(topic: str | None) -> str:
    """The topic as one line without control characters.

    A control character (\\x01 pasted from another program), a lone surrogate or U+FFFE/U+FFFF is not
    allowed in DOCX XML, so it would make the export fail after the pack was built; whitespace runs
    collapse to one space.
    """
    kept = "".join(
        c
        for c in (topic or "")
        if c in "\n\t" or (unicodedata.category(c) not in ("Cc", "Cs") and c not in "\ufffe\uffff")
    )
    return " ".join(kept.split())


def _on_topic(kb: KnowledgeBase, topic: str, hits: list[Hit]) -> bool:
    """Whether the retrieved passages are about `topic`: its content words, weighted by rarity, are in them.

    Retrieval always returns its nearest passages, however far: without this gate a topic the
    knowledge base does not cover (量子计算机的原理) got a full pack of unrelated material. The
    answerer's evidence features measure it as for a question; "coverage" is the share of the
    topic's idf-weighted terms held by one of the two best passages (with their titles and headings).
    A topic naming something the corpus never mentions (足球比赛规则: 足球比赛) is refused as a question
    about it would be, even when its other words (规则, 比赛) are common.
    """
    from kb.answer.extractive import question_terms

    if not question_terms(topic):
        return False  # punctuation, a stray letter: nothing to be about
    answerer = kb.extractive
    covered = answerer.topic_coverage(topic, hits) >= kb.settings.answer.min_topic_coverage
    return covered and answerer.missing_key_term(topic, hits) is None


def build_pack(kb: KnowledgeBase, topic: str, doc_ids: list[str] | None = None) -> Pack:
    """A 党课 material pack on `topic` from the knowledge base (optionally only from `doc_ids`).

    Raises ValueError (a message for the trainer) for an empty topic and for one the knowledge
    base holds nothing about.
    """
    topic = clean_topic(topic)
    if not topic:
        raise ValueError("请输入主题")
    nothing = f"知识库中没有与“{topic}”相关的内容"
    query = topic
    definitions = getattr(kb, "glossary", None)
    if definitions:
        from kb.learn.glossary import expand_query

        query = expand_query(topic, definitions)
    hits = kb.retriever.retrieve(query, k=N_HITS, doc_ids=doc_ids)
    if not hits or not _on_topic(kb, topic, hits):
        raise ValueError(nothing)
    b = _Builder(topic, hits)
    b.outline()
    b.sentences()
    # Figures are rarer than sentences: when the best passages hold none, look through the rest of their articles.
    b.figures([])
    if b.count.get(FIGURE, 0) < MIN_OUTLINE:
        seen = {h.chunk.chunk_id for h in hits}
        extra = [c for d in dict.fromkeys(h.chunk.doc_id for h in hits) for c in kb.index.chunks_of(d)]
        b.figures([c for c in extra if c.chunk_id not in seen])
    written = llm_questions(kb, topic, b.items)
    if written:
        b.items = [i for i in b.items if i.kind != QUESTION] + written
    else:
        b.questions(topic)
    sources = sorted({d.source for d in kb.index.documents() if doc_ids and d.doc_id in doc_ids})
    items = [i for k in PARTS for i in b.items if i.kind == k]
    return Pack(topic=topic, items=items, sources=sources)
