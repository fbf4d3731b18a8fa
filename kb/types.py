"""The plain data types every layer passes around.

No behaviour hides here: ingest produces `SourceDoc`s and `Chunk`s, retrieval
produces `Hit`s, answering produces an `Answer` with `Citation`s.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kb.store.authority import Authority


@dataclass
class Section:
    """One part of a document: a newspaper article, or the whole document.

    Multi-article pages yield one section per article, each with its own
    title and author; an ordinary document yields a single section.
    """

    title: str
    text: str
    author: str = ""
    affiliation: str = ""
    # Where the section sits in the source, for a reader: "第3篇" or "全文".
    location: str = ""


@dataclass
class SourceDoc:
    """A document as ingested: its metadata and its clean text."""

    doc_id: str
    source: str  # file name as ingested, e.g. "dangzhang_2017.txt"
    path: str  # absolute path at ingest time
    content_hash: str  # sha256 of the file bytes
    title: str
    text: str  # the clean full text
    author: str = ""
    affiliation: str = ""
    date: str = ""  # date or version, e.g. "2018年修正"
    doc_type: str = ""  # 法律法规 | 党内法规 | 报告 | 报刊 | 其他
    sections: list[Section] = field(default_factory=list)
    note: str = ""  # what ingest should tell the person, e.g. lines dropped by decoding
    authority: Authority | None = None  # type, issuer, number, dates, version, status (kb/store/authority.py)
    page_texts: list[str] = field(default_factory=list, repr=False)  # per page (PDFs, images), to find a chunk's page


@dataclass
class Chunk:
    """A retrievable piece of a document with everything a citation needs."""

    chunk_id: str  # "{doc_id}:{n}", stable for the same text
    doc_id: str
    text: str
    source: str
    title: str  # the article title on a newspaper page, else the document title
    heading_path: str = ""  # "第三章 党的组织制度 > 第十五条"
    location: str = ""  # human-readable place in the source
    author: str = ""
    affiliation: str = ""
    date: str = ""
    doc_title: str = ""
    ordinal: int = 0  # position of the chunk in its document
    authority: str = ""  # its document's standing in one line (kb/store/authority.py), e.g. "法律 · … · 现行有效"

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for stores that accept only scalars."""
        d = asdict(self)
        d.pop("text")
        return d


@dataclass
class Hit:
    """A retrieved chunk with its scores."""

    chunk: Chunk
    dense: float = 0.0
    lexical: float = 0.0
    score: float = 0.0  # fused


@dataclass
class Citation:
    """A checked reference from an answer marker `[n]` to a stored passage."""

    marker: int
    source: str
    title: str
    author: str
    location: str
    quote: str  # verbatim sentence(s) from the passage the answer relies on
    passage: str  # the full chunk text
    chunk_id: str = ""
    heading_path: str = ""
    affiliation: str = ""
    date: str = ""
    authority: str = ""  # the document's type, issuer, number, version and status (kb/store/authority.py)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """What the knowledge base says to a question."""

    question: str
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    related: list[Hit] = field(default_factory=list)  # shown as 相关内容 on refusal
    rewritten_question: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    # Warnings about the sources: outdated or repealed documents, older versions that say otherwise.
    notices: list[str] = field(default_factory=list)
    # Why a refusal refused, when a check can say (最相关的段落提到了“三保”，但没有说明它具体指什么。).
    reason: str = ""

    def to_record(self, qid: str | None = None) -> dict[str, Any]:
        """The JSON line `python -m kb ask --batch` writes."""
        rec: dict[str, Any] = {}
        if qid is not None:
            rec["id"] = qid
        rec.update(
            question=self.question,
            answer=self.text,
            refused=self.refused,
            citations=[c.to_dict() for c in self.citations],
            notices=list(self.notices),
            reason=self.reason,
            latency_ms=round(self.timings.get("total_ms", 0.0), 1),
        )
        return rec
