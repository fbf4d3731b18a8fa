"""The knowledge base as one object the CLI and the web app talk to."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from kb.types import Answer

if TYPE_CHECKING:
    from kb.extractive import ExtractiveAnswerer
    from kb.index import Index
    from kb.llm_answerer import LLMAnswerer
    from kb.retrieval import HybridRetriever
    from kb.settings import Settings

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500


class KnowledgeBase:
    """Retrieval plus answering over one index."""

    def __init__(
        self,
        settings: Settings,
        index: Index,
        retriever: HybridRetriever,
        extractive: ExtractiveAnswerer,
        llm: LLMAnswerer | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        self.retriever = retriever
        self.extractive = extractive
        self.llm = llm

    def ask(self, question: str, doc_ids: list[str] | None = None) -> Answer:
        """Answer a question with citations, or refuse when the knowledge base does not hold the answer."""
        t0 = time.perf_counter()
        q = " ".join((question or "").split())
        if not q:
            return Answer(question=question, text="请输入问题。", refused=True)
        if len(q) > MAX_QUESTION_CHARS:
            # Absurdly long input is cut, not rejected: the start of a question carries its topic.
            q = q[:MAX_QUESTION_CHARS]
        hits = self.retriever.retrieve(q, doc_ids=doc_ids)
        t1 = time.perf_counter()
        answer = self.extractive.answer(q, hits)
        if self.llm is not None and not answer.refused:
            # The extractive gate decides refusal; the LLM only writes from the same passages.
            from kb.llm_answerer import LLMUnavailable

            try:
                answer = self.llm.answer(q, hits)
            except LLMUnavailable as exc:
                log.warning("LLM unavailable, answering extractively: %s", exc)
        answer.question = question
        answer.timings.update(retrieve_ms=(t1 - t0) * 1000, total_ms=(time.perf_counter() - t0) * 1000)
        return answer

    def close(self) -> None:
        self.index.close()
