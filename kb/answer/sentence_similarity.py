"""The embedder's view of a candidate sentence: cosine between the question and the sentence itself.

A passage's dense score says the passage is about the question; which of its sentences answers it is a
finer question, and colloquial wording ("一届干几年") often shares no words with the sentence that
answers it ("任期五年"). Ingest stores the vectors of every passage's spans (kb/store/span_vectors.py); a span
without one (an index made before, or with `store.span_vectors` off) is embedded here and kept in memory, since a
passage's sentences come back often (the same articles answer many questions).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

    from langchain_core.embeddings import Embeddings


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, np.ndarray] = OrderedDict()

    def get(self, key: str) -> np.ndarray | None:
        v = self.data.get(key)
        if v is not None:
            self.data.move_to_end(key)
        return v

    def put(self, key: str, value: np.ndarray) -> None:
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.size:
            self.data.popitem(last=False)


class SentenceSimilarity:
    """Cosine similarity of a question to sentences, the sentences' vectors cached."""

    def __init__(
        self,
        embeddings: Embeddings,
        cache_size: int = 20000,
        stored: Callable[[list[str]], dict[str, np.ndarray]] | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.stored = stored
        self._sentences = _LRU(cache_size)
        self._lock = threading.Lock()  # the cache, not the embedder (it guards itself)

    def _query(self, question: str) -> np.ndarray:
        # The question's vector is the one dense retrieval just made: the embedder keeps it (QueryCache).
        return _unit(self.embeddings.embed_query(question))

    def scores(self, question: str, texts: list[str]) -> list[float]:
        """Cosine of the question with each text (in the embedder's query/passage roles)."""
        if not texts:
            return []
        q = self._query(question)
        with self._lock:
            found = {t: self._sentences.get(t) for t in texts}
        missing = list(dict.fromkeys(t for t, v in found.items() if v is None))
        if missing and self.stored is not None:
            for t, v in self.stored(missing).items():
                found[t] = _unit(v)
            missing = [t for t in missing if found[t] is None]
        if missing:
            vecs = self.embeddings.embed_documents(missing)
            with self._lock:
                for t, v in zip(missing, vecs):
                    found[t] = _unit(v)
                    self._sentences.put(t, found[t])
        return [float(q @ found[t]) for t in texts]


def _unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    n = float(np.linalg.norm(a))
    return a / n if n > 0 else a
