"""Span vectors (kb/store/span_vectors.py) on the real embedder, real Chroma and the index's real database (SQLite,
and PostgreSQL marked slow): ingest stores them, answering uses them instead of embedding, they leave with their
document, and an index made before them gets them on the next ingest."""

from __future__ import annotations

import numpy as np
import pytest

from kb.answer.extractive import span_texts
from kb.factory import build, open_index
from kb.store.index import Index
from tests.pgserver import BACKENDS, on_backend


@pytest.fixture(params=BACKENDS)
def tmp_settings(tmp_settings, request):
    return on_backend(tmp_settings, request)


class CountingEmbedder:
    """The real embedder, counting the texts it embeds as passages (a spy, not a fake)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.passages: list[str] = []
        self.name = inner.name
        self.batch_size = inner.batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.passages.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_ingest_stores_the_vector_of_every_span_and_answers_embed_none(tmp_settings, embedder, dangzhang_part):
    doc, chunks = dangzhang_part(0, 8)
    spy = CountingEmbedder(embedder)
    index = open_index(tmp_settings, spy)
    try:
        index.upsert(doc, chunks)
        spans = list(dict.fromkeys(s for c in chunks for s in span_texts(c.text)))
        stored = index.span_vectors.get(spans)
        assert set(stored) == set(spans)
        # The very vector the embedder gives that span.
        probe = spans[3]
        assert np.allclose(stored[probe], embedder.embed_documents([probe])[0], atol=1e-6)

        kb = build(tmp_settings, index=index)
        spy.passages.clear()
        answer = kb.ask("党员有哪些权利？")
        assert not answer.refused and answer.citations
        assert spy.passages == []  # no span embedded while answering
    finally:
        index.close()


def test_span_rows_leave_with_their_document_and_a_shared_span_is_copied_not_embedded(
    tmp_settings, embedder, dangzhang_part
):
    spy = CountingEmbedder(embedder)
    index = open_index(tmp_settings, spy)
    try:
        doc, chunks = dangzhang_part(0, 4)
        index.upsert(doc, chunks)
        first = index.span_vectors.count()
        assert first > 0
        # The same articles under another name: every span is already stored, so nothing new is embedded for spans.
        twin_doc, twin_chunks = dangzhang_part(0, 4, version="twin")
        twin_doc.doc_id, twin_doc.source = "twin", "twin.txt"
        for c in twin_chunks:
            c.doc_id, c.source, c.chunk_id = "twin", "twin.txt", "twin:" + c.chunk_id.split(":")[1]
        spy.passages.clear()
        index.upsert(twin_doc, twin_chunks)
        span_set = {s for c in twin_chunks for s in span_texts(c.text)}
        assert not span_set & set(spy.passages)
        assert index.span_vectors.count() == 2 * first
        assert index.remove("twin.txt")
        assert index.span_vectors.count() == first and index.span_vectors.doc_ids() == {doc.doc_id}
        assert index.remove(doc.source)
        assert index.span_vectors.count() == 0
    finally:
        index.close()


def test_an_index_made_without_span_vectors_gets_them_on_the_next_ingest(
    tmp_settings, embedder, dangzhang_part, tmp_path
):
    from ingest.pipeline import ingest_paths

    doc, chunks = dangzhang_part(0, 3)
    with Index(tmp_settings, embedder) as plain:  # no span function: as an index made before span vectors
        plain.upsert(doc, chunks)
        assert plain.span_vectors.count() == 0
    with open_index(tmp_settings, embedder) as index:
        ingest_paths(index, [tmp_path / "nothing-new"])  # an ingest run with nothing to add still fills them
        spans = {s for c in chunks for s in span_texts(c.text)}
        assert set(index.span_vectors.get(sorted(spans))) == spans


def test_span_vectors_can_be_turned_off(tmp_settings, embedder, dangzhang_part):
    off = tmp_settings.model_copy(update={"store": tmp_settings.store.model_copy(update={"span_vectors": False})})
    doc, chunks = dangzhang_part(0, 2)
    with open_index(off, embedder) as index:
        index.upsert(doc, chunks)
        assert index.span_vectors.count() == 0
        answer = build(off, index=index).ask("党员有哪些权利？")  # the answerer embeds its spans itself
        assert answer.text


def test_the_doctor_reports_span_vector_coverage_and_repair_fills_it(tmp_settings, embedder, dangzhang_part):
    from kb.cli.doctor import examine

    doc, chunks = dangzhang_part(0, 3)
    with Index(tmp_settings, embedder) as plain:
        plain.upsert(doc, chunks)
    before = examine(tmp_settings)
    assert "0/1 个文档已有" in before.spans and "--repair" in before.spans
    assert not before.problems  # slower answers, not different ones: no problem to report
    after = examine(tmp_settings, repair=True)
    assert "1/1 个文档已有" in after.spans and "刚补齐 1 个文档" in after.spans
