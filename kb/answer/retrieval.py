"""Hybrid retrieval: dense (Chroma) and lexical (jieba + FTS5) candidates, fused.

Weighted fusion of normalised scores is the default because it beat reciprocal
rank fusion on the dev set (see docs/evaluation.md): dense similarity carries the
meaning of colloquial questions, BM25 on jieba tokens pins exact terms, names and
numbers that a 384-dimension embedding blurs.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from kb.answer.terms import expand_query
from kb.types import Chunk, Hit

if TYPE_CHECKING:
    from kb.settings import RetrievalSettings
    from kb.store.index import Index


class Reranker(Protocol):
    """Rescores (query, passage) pairs; higher is better."""

    def score(self, query: str, passages: list[str]) -> list[float]: ...


class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder, for users who configure one (none for Chinese installs here)."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(model, device=device)

    def score(self, query: str, passages: list[str]) -> list[float]:
        return [float(s) for s in self._model.predict([(query, p) for p in passages], show_progress_bar=False)]


def _minmax(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-9:
        return {k: 1.0 for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}


class SpanScorer(Protocol):
    """Cosine of a question with each of some texts (kb/answer/sentence_similarity.py)."""

    def scores(self, question: str, texts: list[str]) -> list[float]: ...


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """Threads for the lexical half of retrievals, shared by every retriever of the process. More than the app's
    simultaneous questions, so none waits for a thread (a waiting search would only be slower than inline)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=32, thread_name_prefix="lexical")
        return _POOL


class HybridRetriever:
    """Dense + lexical candidates, fused, rescored by their best sentence, optionally reranked."""

    def __init__(
        self,
        index: Index,
        cfg: RetrievalSettings,
        reranker: Reranker | None = None,
        spans: SpanScorer | None = None,
    ) -> None:
        self.index = index
        self.cfg = cfg
        self.reranker = reranker
        self.spans = spans

    def retrieve(
        self, query: str, k: int | None = None, doc_ids: list[str] | None = None, expansion: str = ""
    ) -> list[Hit]:
        """The top-k hits for a query, best first; `expansion` (e.g. glossary definitions) feeds lexical search only."""
        k = k or self.cfg.top_k
        n = max(self.cfg.candidates, k)
        # Aliases and Chinese year forms help exact matching; in the embedding they only dilute the question.
        words = f"{expand_query(query)} {expansion}".strip()
        if self.cfg.parallel_lexical:
            # Both searches wait outside the GIL (the embedder's engine, SQLite's or PostgreSQL's BM25), so the
            # second one runs beside the first: retrieval takes the longer of the two instead of their sum.
            db = self.index.manifest.db
            stamp = db.change_stamp()  # the question's pinned one: the other thread reads with it too

            def lexical_search() -> list[tuple[Chunk, float]]:
                with db.pinned(stamp):
                    return self.index.lexical_search(words, n, doc_ids=doc_ids)

            lexical_run = _pool().submit(lexical_search)
            try:
                dense = self.index.dense_search(query, n, doc_ids=doc_ids)
            finally:
                lexical = lexical_run.result()  # its error, if any, is raised here
        else:
            dense = self.index.dense_search(query, n, doc_ids=doc_ids)
            lexical = self.index.lexical_search(words, n, doc_ids=doc_ids)
        chunks: dict[str, Chunk] = {}
        d_raw: dict[str, float] = {}
        l_raw: dict[str, float] = {}
        for c, s in dense:
            chunks[c.chunk_id] = c
            d_raw[c.chunk_id] = s
        for c, s in lexical:
            chunks[c.chunk_id] = c
            l_raw[c.chunk_id] = s
        fused = self._fuse(d_raw, l_raw, [c.chunk_id for c, _ in dense], [c.chunk_id for c, _ in lexical])
        hits = [
            Hit(chunk=chunks[cid], dense=d_raw.get(cid, 0.0), lexical=l_raw.get(cid, 0.0), score=s)
            for cid, s in fused.items()
        ]
        hits.sort(key=lambda h: h.score, reverse=True)
        if self.spans is not None and self.cfg.span_weight > 0 and len(hits) > 1:
            hits = self._blend_spans(query, hits)
        if self.reranker and hits:
            head = hits[: self.cfg.reranker_top_n]
            scores = self.reranker.score(query, [h.chunk.text for h in head])
            for h, s in zip(head, scores):
                h.score = s
            head.sort(key=lambda h: h.score, reverse=True)
            hits = head
        return hits[:k]

    def _blend_spans(self, query: str, hits: list[Hit]) -> list[Hit]:
        """The head of the fused list rescored with each passage's sentence closest to the question.

        A whole-passage vector averages a 300-character passage into one point, so the passage that states the
        answer in one sentence among others loses to one that is about the topic throughout; the best sentence
        keeps that signal (a light late interaction, on the span vectors ingest stores). Measured on the three
        tuning sources: the evidence passage ranked first 0.787 → 0.872 (dev), 0.908 → 0.920 (crud_rag),
        0.686 → 0.710 (ncp) of the questions, within the top 6 0.950 → 0.970 on ncp (docs/evaluation.md).
        """
        from kb.answer.extractive import span_texts

        head, tail = hits[: self.cfg.reranker_top_n], hits[self.cfg.reranker_top_n :]
        spans = [span_texts(h.chunk.text) for h in head]
        flat = self.spans.scores(query, [t for group in spans for t in group])  # one lookup for all
        best, at = {}, 0
        for h, group in zip(head, spans):
            best[h.chunk.chunk_id] = max(flat[at : at + len(group)], default=0.0)
            at += len(group)
        fused = _minmax({h.chunk.chunk_id: h.score for h in head})
        close = _minmax(best)
        w = self.cfg.span_weight
        for h in head:
            h.score = (1 - w) * fused[h.chunk.chunk_id] + w * close[h.chunk.chunk_id]
        head.sort(key=lambda h: h.score, reverse=True)
        # The rest keep their fused order below the head (they are only reached when k > reranker_top_n).
        floor = min((h.score for h in head), default=0.0)
        for h in tail:
            h.score = min(h.score, floor)
        return head + tail

    def _fuse(
        self, d: dict[str, float], lex: dict[str, float], d_rank: list[str], l_rank: list[str]
    ) -> dict[str, float]:
        ids = set(d) | set(lex)
        if self.cfg.fusion == "rrf":
            rd = {cid: i for i, cid in enumerate(d_rank)}
            rl = {cid: i for i, cid in enumerate(l_rank)}
            k = self.cfg.rrf_k
            return {
                cid: (1 / (k + rd[cid]) if cid in rd else 0.0) + (1 / (k + rl[cid]) if cid in rl else 0.0)
                for cid in ids
            }
        w = self.cfg.dense_weight
        # Dense cosines are normalised over the candidate pool; a chunk the dense side missed gets 0 there.
        dn, ln = _minmax(d), _minmax(lex)
        return {cid: w * dn.get(cid, 0.0) + (1 - w) * ln.get(cid, 0.0) for cid in ids}

    def as_langchain(self) -> KBRetriever:
        """This retriever behind LangChain's `BaseRetriever`, for chains that want one."""
        return KBRetriever(hybrid=self)


class KBRetriever(BaseRetriever):
    """LangChain adapter: Documents carry the chunk text and its citation metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    hybrid: HybridRetriever

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(page_content=h.chunk.text, metadata={**h.chunk.metadata(), "score": h.score})
            for h in self.hybrid.retrieve(query)
        ]
