"""The chat model behind the optional LLM answerer, built from `LLMSettings`.

LangChain is imported inside the function: `import kb` stays light, and a
deployment without an LLM never loads the OpenAI or Ollama clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.settings import LLMSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def build_chat_model(cfg: LLMSettings) -> BaseChatModel | None:
    """A LangChain chat model for `cfg.provider`, or None when provider is "none"."""
    if cfg.provider == "none":
        return None
    if not cfg.model:
        raise ValueError(f"LLM provider {cfg.provider!r} needs a model name (KB_LLM__MODEL)")
    if cfg.provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=cfg.base_url or None,
            api_key=cfg.api_key,
            model=cfg.model,
            temperature=cfg.temperature,
            timeout=cfg.timeout,
            # One retry: a dead endpoint should fall back to the extractive answer quickly, not after minutes.
            max_retries=1,
            # ChatOpenAI sends max_tokens as max_completion_tokens, which llama.cpp- and older vLLM-style
            # servers ignore; the classic field in the body caps them too.
            max_tokens=cfg.max_tokens,
            extra_body={"max_tokens": cfg.max_tokens},
        )
    if cfg.provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            base_url=cfg.base_url or None,
            model=cfg.model,
            temperature=cfg.temperature,
            num_predict=cfg.max_tokens,
            client_kwargs={"timeout": cfg.timeout},
        )
    raise ValueError(f"unknown LLM provider {cfg.provider!r}")
