"""Follow-up rewriting through an LLM: llama.cpp's OpenAI-compatible server with the tiny Gemma (as in
test_llm_answerer.py), a GBNF grammar pinning the model's reply where a test needs exact text."""

from __future__ import annotations

import pytest

from kb.answer.chat_models import build_chat_model
from kb.answer.followup import Exchange, LLMRewriter
from kb.answer.prompts import load_prompt
from tests.system.test_llm_answerer import PROMPTS_DIR, free_port, gbnf_literal, llama_server, openai_settings

__all__ = ["llama_server"]  # the module-scoped server fixture, shared by import

HISTORY = [Exchange("党员有哪些权利？", "党员享有下列权利：参加党的有关会议……[1]")]


def rewriter(base_url: str, grammar: str | None = None, timeout: float = 60) -> LLMRewriter:
    chat = build_chat_model(openai_settings(base_url, max_tokens=48, timeout=timeout))
    if grammar is not None:
        chat = chat.model_copy(update={"extra_body": {**chat.extra_body, "grammar": grammar}})
    return LLMRewriter(chat, load_prompt(PROMPTS_DIR, "rewrite"))


@pytest.mark.slow
def test_the_models_standalone_question_is_used(llama_server):
    r = rewriter(llama_server, gbnf_literal("改写后的问题：“预备党员有哪些权利？”\n多余的解释"))
    assert r.rewrite("那预备党员呢？", HISTORY) == "预备党员有哪些权利？"


@pytest.mark.slow
def test_a_free_reply_from_a_real_model_is_one_line_or_the_rules_answer(llama_server):
    out = rewriter(llama_server).rewrite("那预备党员呢？", HISTORY)
    assert out and "\n" not in out and len(out) <= 80


@pytest.mark.slow
def test_an_empty_reply_falls_back_to_the_rules(llama_server):
    r = rewriter(llama_server, 'root ::= " "')
    assert r.rewrite("那预备党员呢？", HISTORY) == "预备党员有哪些权利？"


def test_an_unreachable_model_falls_back_to_the_rules():
    r = rewriter(f"http://127.0.0.1:{free_port()}/v1", timeout=5)
    assert r.rewrite("那预备党员呢？", HISTORY) == "预备党员有哪些权利？"


def test_without_history_the_model_is_not_asked():
    r = rewriter(f"http://127.0.0.1:{free_port()}/v1", timeout=5)  # dead: a call would fall back, but none is made
    assert r.rewrite("党员有哪些权利？", []) == "党员有哪些权利？"


@pytest.mark.slow
def test_the_chat_stream_with_an_llm_rewrites_then_streams_the_models_words_then_the_checked_answer(
    llama_server, tmp_settings, embedder, dangzhang
):
    from kb.answer.extractive import ExtractiveAnswerer
    from kb.answer.llm_answerer import LLMAnswerer
    from kb.answer.retrieval import HybridRetriever
    from kb.factory import open_index
    from kb.service import KnowledgeBase
    from kb.types import Answer

    index = open_index(tmp_settings, embedder)
    index.upsert(*dangzhang)
    raw = "预备党员的预备期为一年[1][9]。"
    answer_chat = build_chat_model(openai_settings(llama_server, max_tokens=48, timeout=60))
    answer_chat = answer_chat.model_copy(
        update={"extra_body": {**answer_chat.extra_body, "grammar": gbnf_literal(raw)}}
    )
    kb = KnowledgeBase(
        tmp_settings,
        index,
        HybridRetriever(index, tmp_settings.retrieval),
        ExtractiveAnswerer(tmp_settings.answer, index.doc_freq),
        LLMAnswerer(answer_chat, load_prompt(PROMPTS_DIR, "answer")),
        rewriter(llama_server, gbnf_literal("预备党员的预备期为多久？")),
    )
    try:
        *deltas, answer = kb.ask_stream("那预备党员呢？", history=[Exchange("党员的预备期为多久？", "")])
    finally:
        kb.close()
    assert isinstance(answer, Answer) and len(deltas) > 1 and "".join(deltas) == raw
    assert answer.rewritten_question == "预备党员的预备期为多久？"
    assert not answer.refused and answer.text == "预备党员的预备期为一年[1]。"
    assert "预备期为一年" in answer.citations[0].quote
