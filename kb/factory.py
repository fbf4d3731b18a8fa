"""Wire the knowledge base from settings: embedder, index, retriever, answerers.

Each part is built by a constructor, so a test can hand in its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kb.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from kb.service import KnowledgeBase
    from kb.store.index import Index


def open_index(settings: Settings, embeddings: Embeddings | None = None) -> Index:
    """The persistent index at settings.data_dir (created on first use)."""
    from kb.answer.extractive import span_texts
    from kb.learn.glossary import load_terms
    from kb.store.embeddings import build_embeddings
    from kb.store.index import Index

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    load_terms(settings.data_dir)  # glossary terms stay whole tokens when ingest and search tokenise
    spans = span_texts if settings.store.span_vectors else None
    return Index(settings, embeddings or build_embeddings(settings.embedding), spans=spans)


def build(settings: Settings, index: Index | None = None, embeddings: Embeddings | None = None) -> KnowledgeBase:
    """A ready knowledge base: retrieval, extractive answerer, and the LLM answerer when one is configured."""
    from kb.answer.answer_model import MODEL_FILE, AnswerModel
    from kb.answer.chat_models import build_chat_model
    from kb.answer.extractive import ExtractiveAnswerer
    from kb.answer.followup import LLMRewriter
    from kb.answer.llm_answerer import LLMAnswerer
    from kb.answer.prompts import load_prompt
    from kb.answer.retrieval import CrossEncoderReranker, HybridRetriever
    from kb.answer.sentence_similarity import SentenceSimilarity
    from kb.learn.glossary import load_definitions
    from kb.service import KnowledgeBase

    index = index or open_index(settings, embeddings)
    reranker = CrossEncoderReranker(settings.retrieval.reranker_model) if settings.retrieval.reranker_model else None
    stored = index.span_vectors.get if settings.store.span_vectors else None
    # One sentence-vector cache for both: retrieval's span blend and the answerer's sentence scores.
    similarity = SentenceSimilarity(index.embeddings, stored=stored)
    spans = similarity if settings.retrieval.span_weight > 0 else None
    retriever = HybridRetriever(index, settings.retrieval, reranker=reranker, spans=spans)
    model = AnswerModel.load(settings.answer.model_file or MODEL_FILE)
    sentences = similarity if settings.answer.embed_sentences > 0 else None
    extractive = ExtractiveAnswerer(
        settings.answer, index.doc_freq, model, sentences, index.doc_text, next_chunk=index.next_chunk
    )
    chat = build_chat_model(settings.llm)
    llm = LLMAnswerer(chat, load_prompt(settings.prompts_dir, "answer")) if chat is not None else None
    # Follow-ups are rewritten by the same model when there is one, else by rules (kb/answer/followup.py).
    rewriter = LLMRewriter(chat, load_prompt(settings.prompts_dir, "rewrite")) if chat is not None else None
    # The glossary's definitions are empty until `python -m kb glossary` or the app builds it.
    return KnowledgeBase(settings, index, retriever, extractive, llm, rewriter, load_definitions(settings.data_dir))


def shared_build(embeddings: Embeddings) -> Callable[[Settings], KnowledgeBase]:
    """A builder of department knowledge bases that all use one already loaded embedder."""

    def _build(settings: Settings) -> KnowledgeBase:
        from kb.learn.glossary import attach

        kb = build(settings, embeddings=embeddings)
        attach(kb)
        return kb

    return _build
