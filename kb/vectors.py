"""Dense vectors in Chroma, through LangChain's `Chroma` vector store.

A persistent folder by default, a Chroma server when `store.chroma_host` is
set. Our own embedder is always passed in: Chroma's default one downloads a
model on first use, which fails offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.types import Chunk

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from kb.settings import Settings


def _scalar_metadata(chunk: Chunk) -> dict[str, Any]:
    # Chroma accepts only str/int/float/bool values, and no None.
    return {k: v for k, v in chunk.metadata().items() if isinstance(v, (str, int, float, bool))}


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

    def _tune_search(self, ef_search: int) -> None:
        # A collection made before the setting (or with another value) keeps its own; ef_search is the one
        # HNSW parameter Chroma lets an existing collection change, and it is what recall depends on at query time.
        hnsw = (self._collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != ef_search:
            self._collection.modify(configuration={"hnsw": {"ef_search": ef_search}})

    def add(self, chunks: list[Chunk], texts_to_embed: list[str]) -> None:
        """Embed texts and store them under the chunks' ids (an existing id is overwritten)."""
        if len(chunks) != len(texts_to_embed):
            raise ValueError("one text to embed per chunk")
        for i in range(0, len(chunks), self._max_batch):
            part = chunks[i : i + self._max_batch]
            self._chroma.add_texts(
                texts=texts_to_embed[i : i + self._max_batch],
                metadatas=[_scalar_metadata(c) for c in part],
                ids=[c.chunk_id for c in part],
            )

    def delete_doc(self, doc_id: str) -> None:
        """Delete every vector of a document."""
        self._chroma.delete(where={"doc_id": doc_id})

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
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            where = {"doc_id": {"$in": list(doc_ids)}}
        elif exclude_doc_ids:
            where = {"doc_id": {"$nin": list(exclude_doc_ids)}}
        hits = self._chroma.similarity_search_with_score(query, k=k, filter=where)
        # In cosine space Chroma's distance is 1 - cosine similarity.
        return [(doc.id, 1.0 - float(dist)) for doc, dist in hits if doc.id]

    def ids_of(self, doc_id: str) -> list[str]:
        """Ids of a document's vectors."""
        return list(self._collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def count(self) -> int:
        """Vectors in the collection."""
        return self._collection.count()

    def close(self) -> None:
        """Release the client (a persistent client frees its files when the last one closes)."""
        self._client.close()
