"""The optional LLM answerer: a chat model writes a short answer from the numbered passages.

The model's text is never trusted as is: `kb.answer.citations.finalize` drops markers
that point nowhere and takes every quote from the passage itself. An answer
with no surviving citation, or one that opens with the prompt's refusal
sentence, becomes the standard refusal. Any failure to reach the endpoint
raises `LLMUnavailable`, so the caller can answer extractively instead.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kb.answer.citations import finalize, norm
from kb.answer.extractive import REFUSAL_TEXT
from kb.answer.prompts import Prompt
from kb.types import Answer, Hit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

# answer.toml tells the model to reply exactly "知识库中没有找到相关内容。"; its start is enough to recognise it.
_MODEL_REFUSAL = "知识库中没有"
# Reasoning models served by vLLM or Ollama (Qwen3, DeepSeek-R1) may put their thinking into the content.
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)


class LLMUnavailable(Exception):
    """The LLM endpoint could not be used (refused connection, timeout, HTTP error); the message is one Chinese line."""


def _unavailable(exc: BaseException, where: str) -> LLMUnavailable | None:
    """The LLMUnavailable that stands for `exc`, or None when `exc` is not a failure to talk to the endpoint."""
    import httpx  # both clients speak HTTP through httpx, which any LangChain install has

    try:
        import openai
    except ImportError:  # an Ollama-only install
        openai = None  # type: ignore[assignment]
    try:
        from ollama import ResponseError
    except ImportError:  # an OpenAI-only install
        ResponseError = ()  # type: ignore[assignment,misc]

    timeouts: tuple[type[BaseException], ...] = (httpx.TimeoutException, TimeoutError)
    unreachable: tuple[type[BaseException], ...] = (httpx.TransportError, ConnectionError)
    if openai is not None:
        timeouts += (openai.APITimeoutError,)  # a subclass of APIConnectionError, so it is tested first
        unreachable += (openai.APIConnectionError,)
    if isinstance(exc, timeouts):
        return LLMUnavailable(f"大模型服务响应超时（{where}）")
    if isinstance(exc, unreachable):
        return LLMUnavailable(f"无法连接大模型服务（{where}）")
    if (openai is not None and isinstance(exc, openai.APIStatusError)) or isinstance(exc, ResponseError):
        return LLMUnavailable(f"大模型服务返回错误 HTTP {exc.status_code}（{where}）")  # type: ignore[union-attr]
    if openai is not None and isinstance(exc, openai.APIError):
        return LLMUnavailable(f"大模型服务出错：{type(exc).__name__}（{where}）")
    return None


def _endpoint(chat: BaseChatModel) -> str:
    """Where the chat model sends its requests, for error messages."""
    url = getattr(chat, "openai_api_base", None) or getattr(chat, "base_url", None)
    return str(url or type(chat).__name__)


def _text_of(message: BaseMessage) -> str:
    """The plain text of a model message (content may be a list of blocks)."""
    return str(message.text)


class AnswerStream:
    """The text deltas of an answer as the model writes them; `.answer` holds the checked Answer afterwards.

    Iterate to exhaustion, then read `.answer`. The deltas are the model's raw
    words (markers not yet checked); a UI should replace them with
    `answer.text` and show `answer.citations` once the stream ends.
    """

    def __init__(self, deltas: Iterator[str], finish: Callable[[str], Answer], where: str) -> None:
        self._deltas = deltas
        self._finish = finish
        self._where = where
        self._parts: list[str] = []
        self._answer: Answer | None = None

    def __iter__(self) -> AnswerStream:
        return self

    def __next__(self) -> str:
        if self._answer is not None:
            raise StopIteration
        try:
            delta = next(self._deltas)
        except StopIteration:
            self._answer = self._finish("".join(self._parts))
            raise
        except Exception as exc:
            if (err := _unavailable(exc, self._where)) is not None:
                raise err from exc
            raise
        self._parts.append(delta)
        return delta

    @property
    def answer(self) -> Answer:
        """The checked Answer; RuntimeError before the stream is exhausted."""
        if self._answer is None:
            raise RuntimeError("the answer is known only after the stream is exhausted")
        return self._answer


class LLMAnswerer:
    """Answers with a chat model over the retrieved passages, then checks the citations."""

    def __init__(self, chat_model: BaseChatModel, prompt: Prompt) -> None:
        self.chat = chat_model
        self.prompt = prompt

    def format_passages(self, hits: list[Hit]) -> str:
        """The passages as the prompt shows them: "[1] 《title》 author · location" and the text."""
        blocks = []
        for i, h in enumerate(hits, 1):
            c = h.chunk
            where = " · ".join(x for x in (c.author, c.location or c.heading_path) if x)
            header = f"[{i}] 《{c.title}》" + (f" {where}" if where else "")
            blocks.append(f"{header}\n{c.text.strip()}")
        return "\n\n".join(blocks)

    def _messages(self, question: str, hits: list[Hit]) -> list[BaseMessage]:
        from langchain_core.messages import HumanMessage, SystemMessage

        system, user = self.prompt.render(question=question, passages=self.format_passages(hits))
        return [SystemMessage(system), HumanMessage(user)]

    def check(self, question: str, hits: list[Hit], raw: str) -> Answer:
        """The model's raw text over `hits` made into a checked Answer, or the standard refusal."""
        text = _THINK.sub("", raw).strip()
        cited, citations = finalize(text, hits)
        if norm(text).startswith(_MODEL_REFUSAL) or not citations:
            return Answer(question=question, text=REFUSAL_TEXT, refused=True, related=list(hits))
        return Answer(question=question, text=cited, refused=False, citations=citations)

    def _timed(self, question: str, hits: list[Hit], raw: str, t0: float) -> Answer:
        answer = self.check(question, hits, raw)
        answer.timings["llm_ms"] = (time.perf_counter() - t0) * 1000
        return answer

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        """A short answer whose every citation is checked; raises LLMUnavailable when the endpoint fails."""
        t0 = time.perf_counter()
        if not hits:
            return Answer(question=question, text=REFUSAL_TEXT, refused=True, timings={"llm_ms": 0.0})
        try:
            message = self.chat.invoke(self._messages(question, hits))
        except Exception as exc:
            if (err := _unavailable(exc, _endpoint(self.chat))) is not None:
                raise err from exc
            raise
        return self._timed(question, hits, _text_of(message), t0)

    def stream(self, question: str, hits: list[Hit]) -> AnswerStream:
        """The answer's text deltas as they arrive; after exhaustion `.answer` is the checked Answer."""
        t0 = time.perf_counter()

        def deltas() -> Iterator[str]:
            if not hits:
                return
            for chunk in self.chat.stream(self._messages(question, hits)):
                if text := _text_of(chunk):
                    yield text

        return AnswerStream(deltas(), lambda raw: self._timed(question, hits, raw, t0), _endpoint(self.chat))
