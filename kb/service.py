"""The knowledge base as one object the CLI and the web app talk to."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from kb.answer.followup import Exchange, Rewriter, RuleRewriter
from kb.answer.source_notices import add_source_notices
from kb.store.authority import in_force_scope
from kb.store.authority import scope as authority_scope
from kb.types import Answer, Chunk, Hit

if TYPE_CHECKING:
    from kb.answer.extractive import ExtractiveAnswerer
    from kb.answer.llm_answerer import LLMAnswerer
    from kb.answer.retrieval import HybridRetriever
    from kb.answer.routing import Router
    from kb.settings import Settings
    from kb.store.index import Index
    from kb.store.manifest import DocRecord

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
EMPTY_QUESTION = "请输入问题。"
# A streamed piece ends after a sentence's closing punctuation and the markers that follow it.
_PIECE = re.compile(r".+?(?:[。！？!?；;]+(?:\[\d+\])*|\[\d+\]+|$)", re.DOTALL)


def _meta(d: DocRecord) -> tuple[str, str, str, str, str, str]:
    return (d.doc_id, d.title, d.author, d.affiliation, d.date, d.source)


def _normalise(question: str) -> str:
    """The question on one line, cut to MAX_QUESTION_CHARS: long input is cut, not rejected (its start is its topic)."""
    return " ".join((question or "").split())[:MAX_QUESTION_CHARS]


class KnowledgeBase:
    """Retrieval plus answering over one index."""

    def __init__(
        self,
        settings: Settings,
        index: Index,
        retriever: HybridRetriever,
        extractive: ExtractiveAnswerer,
        llm: LLMAnswerer | None = None,
        rewriter: Rewriter | None = None,
        glossary: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        self.retriever = retriever
        self.extractive = extractive
        self.llm = llm
        self.rewriter = rewriter or RuleRewriter()
        # Glossary term -> definition, given by whoever built the glossary (kb/learn/glossary.py writes it here):
        # a question using a term also searches for its definition. The service never imports the glossary.
        self.glossary: Mapping[str, str] = dict(glossary or {})
        self._shared_glossary: Mapping[str, str] | None = None  # the index's glossary last taken (Index.glossary)
        # (documents' ids and versions, Router, each one's title and opening), read together once per change.
        self._router: tuple[tuple, Router, dict[str, str]] | None = None

    def ask(self, question: str, doc_ids: list[str] | None = None) -> Answer:
        """Answer a question with citations, or refuse when the knowledge base does not hold the answer."""
        t0 = time.perf_counter()
        q = _normalise(question)
        if not q:
            return Answer(question=question, text=EMPTY_QUESTION, refused=True)
        *_, answer = self._respond(q, doc_ids, stream=False)
        assert isinstance(answer, Answer)
        answer.question = question
        answer.timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return answer

    def warm_up(self) -> None:
        """Answer one question and throw the answer away, so that the first person to ask does not wait for what
        loads on first use: jieba's dictionary, the embedder's first run, the answer model, every document's opening
        (a first question took 2.5 s on the CRUD-RAG knowledge base, the next ones 0.05 s). A failure is logged: the
        first real question meets it again and shows it."""
        try:
            self.ask("这些文件的主要内容是什么？")
        except Exception:  # noqa: BLE001 - a warm-up never stops the server; the next question reports the fault
            log.warning("warm-up question failed", exc_info=True)

    def _respond(self, question: str, doc_ids: list[str] | None, stream: bool) -> Iterator[str | Answer]:
        """The one answering pipeline: retrieve, the extractive gate, the LLM (if any) writes, pieces, Answer last.

        `ask` and `ask_stream` both run it, so a fix lands once. The extractive answerer's learned gate decides
        refusal with or without an LLM; the LLM only writes from the same passages, and its markers and quotes
        are checked (kb/answer/citations.py). With `stream`, the LLM's raw words are yielded as they come and the final
        Answer's text replaces them; the extractive answer is yielded sentence by sentence.
        """
        t0 = time.perf_counter()
        # One change stamp for the question's cached reads (ends before the first yield: a stream may resume in
        # another thread).
        with self.index.manifest.db.pinned():
            scope = self.search_scope(question, doc_ids)
            hits = self.retrieve(question, doc_ids=scope, routed=True)
            t1 = time.perf_counter()
            # The documents the person chose, or all: a document the question names narrows the search, but the
            # question's naming it is itself a sign that the answer is there (as in the training rows).
            answer = self.extractive.answer(
                question,
                hits,
                documents=self._count_searched(doc_ids),
                searched=self.unnamed(question, scope, titles=False),
            )
            if self.settings.answer.place_check and not answer.refused:
                hits, answer = self._own_place(question, scope, doc_ids, hits, answer)
        streamed = False
        if self.llm is not None and not answer.refused:
            from kb.answer.llm_answerer import LLMUnavailable

            try:
                if stream:
                    chunks = self.llm.stream(question, hits)
                    for delta in chunks:
                        streamed = True
                        yield delta
                    answer = chunks.answer
                else:
                    answer = self.llm.answer(question, hits)
            except LLMUnavailable as exc:
                # Words the model already sent are replaced by the final Answer's text, as after any stream.
                log.warning("LLM unavailable, answering extractively: %s", exc)
                streamed = False
        if stream and not streamed:
            for piece in _PIECE.findall(answer.text):
                if piece:
                    yield piece
        with self.index.manifest.db.pinned():  # outdated sources, other versions (kb/answer/source_notices.py)
            add_source_notices(self.index, answer)
        answer.timings.update(retrieve_ms=(t1 - t0) * 1000)
        yield answer

    def retrieve(
        self, question: str, k: int | None = None, doc_ids: list[str] | None = None, routed: bool = False
    ) -> list[Hit]:
        """Passages for a question; the definitions of glossary terms it uses join the lexical search.

        Only the lexical side gets them, as with aliases (kb/answer/terms.py): appended to the embedded question,
        extra words dilute it. `routed`: `doc_ids` is already the question's `search_scope`.
        """
        from kb.answer.dedupe import collapse_near_duplicates
        from kb.answer.glossary_expansion import expand_query

        if not routed:
            doc_ids = self.search_scope(question, doc_ids)
        extra = expand_query(question, self._current_glossary())[len(question) :].strip()
        k = k or self.settings.retrieval.top_k
        # Twice as many, so the passages a collapsed repeat (a reprinted page) leaves room for still come in.
        query = self.unnamed(question, doc_ids)
        hits = self.retriever.retrieve(query, k=2 * k, doc_ids=doc_ids, expansion=extra)
        return collapse_near_duplicates(hits)[:k]

    def search_scope(self, question: str, doc_ids: list[str] | None = None) -> list[str] | None:
        """The documents a question searches: a document it names among the chosen ones (or all), in force or
        not; else the chosen ones; else the documents in force (None: all)."""
        if doc_ids is not None:
            # The chosen documents are the knowledge base for this question: a document named among them narrows
            # it, and a dated name none of them carries (2023年政府工作报告) leaves nothing to answer from.
            routed = self.route(question, among=doc_ids)
            return doc_ids if routed is None else routed
        doc_ids = self.route(question)
        if doc_ids is None and self.settings.authority.default_in_force:
            doc_ids = in_force_scope(self.index)  # None unless some document is known to be outdated
        return doc_ids

    def _own_place(
        self, question: str, scope: list[str] | None, chosen: list[str] | None, hits: list[Hit], answer: Answer
    ) -> tuple[list[Hit], Answer]:
        """An answer citing only another place's documents (kb/answer/place_check.py): searched again among the
        asked place's own documents (in `scope`), refused if they do not answer; the passages and answer used."""
        from kb.answer.extractive import REFUSAL_TEXT
        from kb.answer.place_check import another_place, names, question_places

        asked = question_places(question)
        if not asked:
            return hits, answer  # before reading the cited documents' texts: most questions name no place
        cited: dict[str, tuple[str, str, str]] = {}
        for c in answer.citations:
            # The authority line (kind · issuer · number …) names the issuing body (kb/store/authority.py).
            cited.setdefault(c.chunk_id.rsplit(":", 1)[0], (c.title, c.authority, c.passage))
        mismatch = another_place(asked, [(*tp, self.index.doc_text(d)) for d, tp in cited.items()])
        if mismatch is None:
            return hits, answer
        place, other = mismatch
        among = None if scope is None else set(scope)
        own = [d for d, opening in self._openings().items() if (among is None or d in among) and names(opening, place)]
        if own:
            again_hits = self.retrieve(question, doc_ids=own, routed=True)
            # Few documents name a place, so the hits gather in them whatever they say: counted as a chosen scope.
            again = self.extractive.answer(question, again_hits, documents=len(own))
            if not again.refused:
                return again_hits, again
            reason = f"最相关的段落出自{other}的文件；知识库中关于{place}的文件没有给出答案。"
        else:
            reason = f"最相关的段落出自{other}的文件；知识库中没有关于{place}的文件。"
        return hits, Answer(question=question, text=REFUSAL_TEXT, refused=True, related=hits[:3], reason=reason)

    def _openings(self) -> dict[str, str]:
        """Each ready document's title and opening (where a notice names its issuing place), kept until the
        documents change."""
        return self._documents_read()[2]

    def _count_searched(self, scope: list[str] | None) -> int:
        """How many ready documents a search over `scope` could draw from."""
        ready = self.documents()
        if scope is None:
            return len(ready)
        chosen = set(scope)
        return sum(1 for d in ready if d.doc_id in chosen)

    def _current_glossary(self) -> Mapping[str, str]:
        """The definitions, taken anew when the glossary saved in the index changed (another replica rebuilt it)."""
        shared = self.index.glossary()
        if shared is not None and shared is not self._shared_glossary:
            self._shared_glossary = shared
            self.glossary = dict(shared)
        return self.glossary

    def route(self, question: str, among: list[str] | None = None) -> list[str] | None:
        """The documents a question names by the names people use for them (kb/answer/routing.py), or None;
        `among`: only these documents count (a person's choice)."""
        return self._documents_read()[1].route(question, among)

    def unnamed(self, question: str, scope: list[str] | None, titles: bool = True) -> str:
        """The question without the names of the documents it is confined to (kb/answer/routing.py)."""
        return self._documents_read()[1].unnamed(question, scope, titles, self.index.doc_text)

    def _documents_read(self) -> tuple[tuple, Router, dict[str, str]]:
        """The router and the documents' openings, rebuilt when a document changed or an admin corrected a
        document's number (kb/store/authority.py): one read of every opening serves both."""
        from kb.answer.routing import Router
        from kb.store.authority import store_for

        docs = self.documents()
        # The standings are kept until the index changes, so this reads no row while nothing did.
        numbers = {i: s.meta.number for i, s in store_for(self.index).standings(docs).items() if s.meta.number}
        key = (tuple((d.doc_id, d.updated_at) for d in docs), numbers)
        if self._router is None or self._router[0] != key:
            heads = {d.doc_id: self._head(d.doc_id) for d in docs}
            router = Router(((*_meta(d), heads[d.doc_id]) for d in docs), numbers)
            self._router = (key, router, {d.doc_id: f"{d.title}\n{heads[d.doc_id]}" for d in docs})
        return self._router

    def _head(self, doc_id: str) -> str:
        """The opening of a document (its first chunk, cut): the title block a speech's occasion is named in."""
        first = self.index.chunk(f"{doc_id}:0")
        return first.text[:200] if first else ""

    def rewrite(self, question: str, history: list[Exchange] | None = None) -> str:
        """The follow-up `question` as a standalone question, given the earlier turns (oldest first)."""
        return self.rewriter.rewrite(question, history or [])

    def ask_stream(
        self, question: str, doc_ids: list[str] | None = None, history: list[Exchange] | None = None
    ) -> Iterator[str | Answer]:
        """Text pieces of the answer as they are ready, then the final checked Answer (always last).

        The web app and `python -m kb bench-chat` both go through here. A follow-up is
        first rewritten with `history`; `Answer.rewritten_question` says how it was understood.
        With an LLM the pieces are the model's raw words and the final Answer's text replaces
        them (markers checked); the extractive answer is streamed sentence by sentence.
        """
        t0 = time.perf_counter()
        # Cut before rewriting: the rewriter (an LLM too) sees what retrieval will see, and a long question
        # that was not rewritten is not reported as "understood as" its first 500 characters.
        q = _normalise(question)
        if not q:
            answer = Answer(question=question, text=EMPTY_QUESTION, refused=True)
            yield answer.text
            yield answer
            return
        standalone = self.rewrite(q, history)[:MAX_QUESTION_CHARS]
        t_rw = time.perf_counter()
        for item in self._respond(standalone, doc_ids, stream=True):
            if isinstance(item, Answer):
                item.question = question
                item.rewritten_question = standalone if standalone != q else ""
                item.timings.update(rewrite_ms=(t_rw - t0) * 1000, total_ms=(time.perf_counter() - t0) * 1000)
            yield item

    def documents(self) -> list[DocRecord]:
        """The ready documents, by source name (what a person may restrict a question to)."""
        return [d for d in self.index.documents() if d.status == "ready"]

    def scope(self, doc_ids: list[str] | None = None, doc_types: list[str] | None = None) -> list[str] | None:
        """The documents a filtered question searches: the chosen ones narrowed to the chosen types; None = all."""
        if not doc_ids and not doc_types:
            return None
        docs = self.documents()
        if doc_ids:
            docs = [d for d in docs if d.doc_id in set(doc_ids)]
        if doc_types:
            docs = [d for d in docs if (d.doc_type or "其他") in set(doc_types)]
        return [d.doc_id for d in docs]

    def scope_where(
        self, doc_ids: list[str] | None = None, where: dict[str, set[str]] | None = None, in_force: bool = True
    ) -> list[str]:
        """Documents matching authority filters (kb.store.authority.parse_filter), by default only those in force.

        Always a list, so the in-force default of `retrieve` does not apply on top of an explicit choice.
        """
        chosen = authority_scope(self.index, doc_ids, where, in_force=in_force)
        return [d.doc_id for d in self.documents()] if chosen is None else chosen

    def context(self, chunk_id: str, radius: int = 1) -> tuple[list[Chunk], list[Chunk]]:
        """The chunks just before and just after a cited chunk in its document, for "show the original text"."""
        doc_id = chunk_id.rsplit(":", 1)[0]
        chunks = self.index.chunks_of(doc_id)
        pos = next((i for i, c in enumerate(chunks) if c.chunk_id == chunk_id), None)
        if pos is None:
            return [], []
        return chunks[max(0, pos - radius) : pos], chunks[pos + 1 : pos + 1 + radius]

    def close(self) -> None:
        self.index.close()
