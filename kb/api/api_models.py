"""The JSON shapes of the HTTP API (pydantic models, so /docs shows them) and the converters into them.

Answers carry the same citation objects as `python -m kb ask --batch` (`Citation.to_dict`):
source, title, author, location, quote, passage, plus marker, chunk_id, heading_path,
affiliation and date. Never HTML.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from kb.types import Answer, Hit


class CitationOut(BaseModel):
    """A checked reference from an answer's `[n]` marker to a stored passage."""

    marker: int = Field(description="The n of the [n] marker in the answer text.")
    source: str = Field(description="File name of the document as ingested.")
    title: str = Field(description="Article title (a newspaper page's article) or document title.")
    author: str
    location: str = Field(description="Where in the document: 第3篇, 第二章 > 第七条 …")
    quote: str = Field(description="The verbatim sentence(s) of the passage the answer relies on.")
    passage: str = Field(description="The whole stored passage.")
    chunk_id: str = ""
    heading_path: str = ""
    affiliation: str = ""
    date: str = ""
    authority: str = Field("", description="The document's type, issuer, number, version and status in one line.")


class PassageOut(BaseModel):
    """A retrieved passage (search results, and the related passages offered with a refusal)."""

    chunk_id: str
    source: str
    title: str
    author: str
    location: str
    heading_path: str
    text: str
    score: float


class Turn(BaseModel):
    """An earlier exchange, so a follow-up (那预备党员呢？) is understood in context."""

    question: str
    answer: str = ""


class AskIn(BaseModel):
    question: str = Field(description="The question, in Chinese.", examples=["动力党建·合力攻坚工程是什么？"])
    kb: str = Field("default", description="Knowledge base id (see GET /api/v1/kbs).")
    doc_ids: list[str] | None = Field(None, description="Only search these documents (ids from the document list).")
    doc_types: list[str] | None = Field(None, description="Only search these document types (法律法规, 报刊 …).")
    history: list[Turn] = Field(default_factory=list, description="Earlier turns, oldest first.")


class AnswerOut(BaseModel):
    """An answer with structured citations, or a refusal with the nearest passages."""

    question: str
    answer: str = Field(description="The answer text with [n] markers.")
    refused: bool = Field(description="True when the knowledge base does not hold the answer.")
    citations: list[CitationOut]
    related: list[PassageOut] = Field(description="On refusal: the nearest passages, never an answer.")
    rewritten_question: str = Field("", description="How a follow-up was understood, when it was rewritten.")
    notices: list[str] = Field(
        default_factory=list, description="Warnings under the answer: an outdated source, another version differs."
    )
    reason: str = Field(
        "",
        description="On refusal, why, when a check can say: no quoted sentence gives the figure asked for, or the "
        "passages mention the term asked about without explaining it.",
    )
    latency_ms: float
    kb: str


class SearchIn(BaseModel):
    query: str
    kb: str = "default"
    k: int = Field(6, ge=1, le=50)
    doc_ids: list[str] | None = None
    doc_types: list[str] | None = None


class DocumentOut(BaseModel):
    doc_id: str
    source: str
    title: str
    author: str
    affiliation: str
    date: str
    doc_type: str
    n_chunks: int
    n_chars: int
    status: str = Field(description="ready | pending | failed")
    error: str
    updated_at: str


class JobFileOut(BaseModel):
    name: str
    status: str = Field(description="queued | running | added | updated | unchanged | failed | duplicate")
    progress: float
    chunks: int
    reason: str
    worker: str = Field(description="The ingest worker that has (or last had) the file")
    attempts: int = Field(description="How many workers took it (more than 1: a worker stopped and another redid it)")


class JobOut(BaseModel):
    id: str
    kind: str
    kb: str
    owner: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    message: str
    result: Any = None
    error: str
    created: float
    finished: float | None
    files: list[JobFileOut] = Field(
        default_factory=list, description="Per file, when the job runs on the ingest workers' queue"
    )


class ConversationOut(BaseModel):
    id: int
    title: str
    updated_at: datetime


class TurnOut(BaseModel):
    id: int
    question: str
    answer: str
    refused: bool
    citations: int = Field(description="How many sources the answer cites")
    rating: int = Field(description="The user's feedback: 1, -1, or 0 for none")
    comment: str


class GlossaryEntryOut(BaseModel):
    term: str
    kind: str
    definition: str
    note: str
    occurrences: int
    sources: list[str]
    citations: list[CitationOut]


class GlossaryIn(BaseModel):
    quote: str = Field("", description="A verbatim passage that explains the term; empty = find it in the text.")
    note: str = Field("", description="The editor's own words, shown apart from the quotes.")


class PackIn(BaseModel):
    topic: str = Field(examples=["机关党建"])
    kb: str = "default"
    doc_ids: list[str] | None = None
    format: Literal["md", "docx"] = "md"


class KBOut(BaseModel):
    id: str
    name: str
    role: str | None = Field(description="The caller's role in it: reader, editor or admin.")


class KBIn(BaseModel):
    id: str = Field(description="2-32 lower-case letters, digits, - or _.", examples=["zzb"])
    name: str = Field(examples=["组织部"])


class GrantIn(BaseModel):
    role: Literal["reader", "editor", "admin"]


class MeOut(BaseModel):
    name: str
    role: str
    kbs: list[KBOut]


class TokenIn(BaseModel):
    label: str = ""
    user: str | None = Field(None, description="Installation admins may make a token for another user.")


class TokenOut(BaseModel):
    id: int
    user: str
    label: str
    shown: str = Field(description="The first characters, to tell tokens apart.")
    revoked: bool
    created_at: str
    last_used_at: str | None
    token: str | None = Field(None, description="The secret: only in the answer that created it.")


def passage(h: Hit) -> PassageOut:
    c = h.chunk
    return PassageOut(
        chunk_id=c.chunk_id,
        source=c.source,
        title=c.title,
        author=c.author,
        location=c.location,
        heading_path=c.heading_path,
        text=c.text,
        score=round(h.score, 4),
    )


def answer_out(a: Answer, kb: str) -> AnswerOut:
    """The API's answer: `Answer.to_record` (what `kb ask --batch` writes) plus related passages and the kb."""
    rec = a.to_record()
    return AnswerOut(
        **rec,
        related=[passage(h) for h in a.related] if a.refused else [],
        rewritten_question=a.rewritten_question,
        kb=kb,
    )
