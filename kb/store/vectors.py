"""Dense vectors in Chroma, through LangChain's `Chroma` vector store.

A persistent folder by default, a Chroma server when `store.chroma_host` is
set. Our own embedder is always passed in: Chroma's default one downloads a
model on first use, which fails offline.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.types import Chunk

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from kb.settings import Settings


def _scalar_metadata(chunk: Chunk) -> dict[str, Any]:
    # Chroma accepts only str/int/float/bool values, and no None.
    return {k: v for k, v in chunk.metadata().items() if isinstance(v, (str, int, float, bool))}


class ExactIndex:
    """Every vector of a small store in one normalised matrix, searched by brute force.

    HNSW is approximate, and after documents are deleted and added again its graph loses
    neighbours: top-30 recall against exact search fell to 0.98 (one question 0.77) and an
    answer lost its gold passage. Below tens of thousands of vectors a matrix product is
    milliseconds, so search is exact there and HNSW only serves stores too big for that.
    """

    def __init__(self, ids: list[str], doc_ids: list[str], vectors: np.ndarray) -> None:
        self.ids = list(ids)
        self.doc_ids = np.asarray(doc_ids, dtype=object)
        self.vectors = vectors
        # Each vector's document as a small integer, made on the first filtered search after a change: np.isin over
        # the document ids themselves (Python strings) took 1.2 s per question at 100k vectors, this takes ~0.2 ms.
        self._codes: np.ndarray | None = None
        self._code_of: dict[str, int] = {}

    def _doc_mask(self, doc_ids: Iterable[str]) -> np.ndarray:
        """True for the vectors of those documents."""
        if self._codes is None:
            self._code_of = {}
            self._codes = np.fromiter(
                (self._code_of.setdefault(d, len(self._code_of)) for d in self.doc_ids),
                dtype=np.int32,
                count=len(self.doc_ids),
            )
        table = np.zeros(len(self._code_of) + 1, dtype=bool)
        table[[self._code_of[d] for d in doc_ids if d in self._code_of]] = True
        return table[self._codes]

    @staticmethod
    def _normalised(vectors: list[list[float]] | np.ndarray) -> np.ndarray:
        m = np.asarray(vectors, dtype=np.float32).reshape(-1, np.shape(vectors)[-1] if len(vectors) else 0)
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms == 0, 1.0, norms)

    @classmethod
    def load(cls, collection: Any, batch: int) -> ExactIndex:
        """Read every vector of a Chroma collection (in pages)."""
        ids: list[str] = []
        doc_ids: list[str] = []
        parts: list[np.ndarray] = []
        step = max(batch, 1000)
        while True:
            got = collection.get(include=["embeddings", "metadatas"], limit=step, offset=len(ids))
            ids.extend(got["ids"])
            doc_ids.extend(str((m or {}).get("doc_id", "")) for m in got["metadatas"])
            if len(got["ids"]):
                parts.append(cls._normalised(got["embeddings"]))
            if len(got["ids"]) < step:
                break
        vectors = np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)
        _one_blas_thread()
        return cls(ids, doc_ids, vectors)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: list[str], doc_ids: list[str], vectors: list[list[float]]) -> None:
        """Add (or overwrite) vectors."""
        if not ids:
            return
        self.drop_ids(set(ids))
        new = self._normalised(vectors)
        self.vectors = new if not len(self.ids) else np.vstack([self.vectors, new])
        self.ids.extend(ids)
        self.doc_ids = np.concatenate([self.doc_ids, np.asarray(doc_ids, dtype=object)])
        self._codes = None

    def _keep(self, keep: np.ndarray) -> None:
        self.ids = [i for i, k in zip(self.ids, keep) if k]
        self.doc_ids = self.doc_ids[keep]
        self.vectors = self.vectors[keep]
        self._codes = None

    def drop_doc(self, doc_id: str) -> None:
        """Forget a document's vectors."""
        if len(self.ids):
            self._keep(self.doc_ids != doc_id)

    def drop_ids(self, ids: set[str]) -> None:
        """Forget vectors by id."""
        if len(self.ids) and ids:
            self._keep(np.array([i not in ids for i in self.ids], dtype=bool))

    def search(
        self,
        vector: list[float],
        k: int,
        doc_ids: list[str] | None = None,
        exclude_doc_ids: list[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The k vectors with the highest cosine similarity, best first."""
        if not len(self.ids):
            return []
        scores = self.vectors @ self._normalised([vector])[0]
        if doc_ids is not None:
            scores = np.where(self._doc_mask(doc_ids), scores, -np.inf)
        elif exclude_doc_ids:
            scores = np.where(self._doc_mask(exclude_doc_ids), -np.inf, scores)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if np.isfinite(scores[i])]


def _one_blas_thread() -> None:
    """Limit numpy's BLAS to one thread, once per process.

    The exact search's matrix product (100k × 384) is memory-bound, and on 2 cores OpenBLAS's second thread
    then spins and takes the core the embedder needs for the next question: question embedding went 13 → 30 ms
    p50 (76 ms p95) at 100k chunks, and back to 13/17 ms with one BLAS thread.
    """
    global _BLAS_LIMITED
    if not _BLAS_LIMITED:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        _BLAS_LIMITED = True


_BLAS_LIMITED = False


class VectorStore:
    """Chunk embeddings keyed by chunk id, with `doc_id` metadata for filtering and deletion."""

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        # Telemetry off: it would try the network on every start.
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        store = settings.store
        if store.chroma_host:
            self._client = chromadb.HttpClient(host=store.chroma_host, port=store.chroma_port, settings=chroma_settings)
        else:
            self._client = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
        self._chroma = Chroma(
            collection_name=store.collection,
            embedding_function=embeddings,
            client=self._client,
            collection_configuration={
                "hnsw": {
                    "space": "cosine",
                    "ef_search": store.hnsw_ef_search,
                    "ef_construction": store.hnsw_ef_construction,
                    "max_neighbors": store.hnsw_max_neighbors,
                }
            },
        )
        self._collection = self._client.get_collection(store.collection, embedding_function=None)
        self._tune_search(store.hnsw_ef_search)
        self._max_batch = max(1, int(self._client.get_max_batch_size()))
        self._embeddings = embeddings
        # Below this size every search is exact (see ExactIndex); 0 means always HNSW.
        self._exact_max = store.exact_search_max_vectors
        self._exact: ExactIndex | None = None

    def _tune_search(self, ef_search: int) -> None:
        # A collection made before the setting (or with another value) keeps its own; ef_search is the one
        # HNSW parameter Chroma lets an existing collection change, and it is what recall depends on at query time.
        hnsw = (self._collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") == ef_search:
            return
        # The one write at open: a client of the same folder that just closed (a reopen, another process's
        # ingest) can hold Chroma's SQLite lock for a moment, so a lock is waited out briefly, then raised.
        for attempt in range(8):
            try:
                self._collection.modify(configuration={"hnsw": {"ef_search": ef_search}})
                return
            except Exception as exc:  # chromadb.errors.InternalError, not importable from one stable place
                if "database is locked" not in str(exc) or attempt == 7:
                    raise
                time.sleep(0.05 * 2**attempt)

    def add(self, chunks: list[Chunk], texts_to_embed: list[str]) -> None:
        """Embed texts and store them under the chunks' ids (an existing id is overwritten)."""
        if len(chunks) != len(texts_to_embed):
            raise ValueError("one text to embed per chunk")
        vectors = self._embeddings.embed_documents(texts_to_embed) if chunks else []
        self.add_vectors(chunks, texts_to_embed, vectors)

    def add_vectors(self, chunks: list[Chunk], texts: list[str], vectors: list[list[float]]) -> None:
        """Store already computed vectors under the chunks' ids (an existing id is overwritten)."""
        for i in range(0, len(chunks), self._max_batch):
            part = chunks[i : i + self._max_batch]
            self._collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i : i + self._max_batch],
                metadatas=[_scalar_metadata(c) for c in part],
                documents=texts[i : i + self._max_batch],
            )
        if self._exact is not None:
            self._exact.add([c.chunk_id for c in chunks], [c.doc_id for c in chunks], vectors)
            if len(self._exact) > self._exact_max:
                self._exact = None  # grown past the size where exact search is cheap: HNSW from now on

    def delete_doc(self, doc_id: str) -> None:
        """Delete every vector of a document."""
        self._collection.delete(where={"doc_id": doc_id})
        if self._exact is not None:
            self._exact.drop_doc(doc_id)

    def delete_ids(self, ids: list[str]) -> None:
        """Delete vectors by id (e.g. orphans no chunk row points to)."""
        for i in range(0, len(ids), self._max_batch):
            self._collection.delete(ids=ids[i : i + self._max_batch])
        if self._exact is not None:
            self._exact.drop_ids(set(ids))

    def embed_query(self, query: str) -> list[float]:
        """The query's vector (no lock held here: the caller embeds before it takes the store)."""
        return self._embeddings.embed_query(query)

    def search(
        self,
        query: str,
        k: int,
        doc_ids: list[str] | None = None,
        exclude_doc_ids: list[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The k nearest chunks as (chunk_id, cosine similarity), best first."""
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        return self.search_vector(self.embed_query(query), k, doc_ids=doc_ids, exclude_doc_ids=exclude_doc_ids)

    def search_vector(
        self,
        vector: list[float],
        k: int,
        doc_ids: list[str] | None = None,
        exclude_doc_ids: list[str] | None = None,
        exact: bool | None = None,
    ) -> list[tuple[str, float]]:
        """The k nearest chunks to a vector; exact (brute force) while the store is small, else HNSW."""
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        matrix = self._exact_matrix() if exact is not False else None
        if matrix is not None:
            return matrix.search(vector, k, doc_ids=doc_ids, exclude_doc_ids=exclude_doc_ids)
        return self.search_hnsw(vector, k, doc_ids=doc_ids, exclude_doc_ids=exclude_doc_ids)

    def search_hnsw(
        self,
        vector: list[float],
        k: int,
        doc_ids: list[str] | None = None,
        exclude_doc_ids: list[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The k nearest chunks by Chroma's approximate HNSW index."""
        n = self._collection.count()
        if n == 0:
            return []
        if doc_ids is None and exclude_doc_ids:
            # A few documents left out (pending, or outdated ones under the in-force default): a metadata filter
            # makes Chroma check every vector's metadata first (280 ms at 100k vectors against 9 ms unfiltered), so
            # ask for twice as many unfiltered and drop theirs; only when too few remain, ask with the filter.
            skip = set(exclude_doc_ids)
            got = [h for h in self._query(vector, min(2 * k, n), None) if h[0].rsplit(":", 1)[0] not in skip]
            if len(got) >= k or 2 * k >= n:
                return got[:k]
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            where = {"doc_id": {"$in": list(doc_ids)}}
        elif exclude_doc_ids:
            where = {"doc_id": {"$nin": list(exclude_doc_ids)}}
        return self._query(vector, min(k, n), where)

    def _query(self, vector: list[float], n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        res = self._collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        # In cosine space Chroma's distance is 1 - cosine similarity.
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]

    def forget_exact(self) -> None:
        """Drop the in-memory exact-search matrix (another process changed the store); reloaded when next needed."""
        self._exact = None

    def _exact_matrix(self) -> ExactIndex | None:
        if self._exact is None and self._exact_max > 0:
            n = self._collection.count()
            if n <= self._exact_max:
                self._exact = ExactIndex.load(self._collection, self._max_batch)
        return self._exact

    def matching_ids(self, doc_id: str, texts: dict[str, str]) -> set[str]:
        """Ids of the document's stored vectors whose embedded text is still `texts[id]` (what can be kept)."""
        got = self._collection.get(where={"doc_id": doc_id}, include=["documents"])
        keep = {cid for cid, text in zip(got["ids"], got["documents"] or []) if texts.get(cid) == text}
        stale = [cid for cid in got["ids"] if cid not in keep]
        if stale:
            self.delete_ids(stale)
        return keep

    def all_ids(self) -> list[str]:
        """Every vector id in the collection."""
        out: list[str] = []
        step = max(self._max_batch, 1000)
        while True:
            part = self._collection.get(include=[], limit=step, offset=len(out))["ids"]
            out.extend(part)
            if len(part) < step:
                return out

    def ids_of(self, doc_id: str) -> list[str]:
        """Ids of a document's vectors."""
        return list(self._collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def count(self) -> int:
        """Vectors in the collection."""
        return self._collection.count()

    def close(self) -> None:
        """Release the client (a persistent client frees its files when the last one closes)."""
        self._client.close()
