"""An OpenAI-compatible chat endpoint: POST /v1/chat/completions (stream and not), GET /v1/models.

Existing chat clients point their base URL at `/v1` and use an API token as their key.
The model name picks the knowledge base (`GET /v1/models`: one model per readable
knowledge base, `kb` = default). The last user message is the question; the earlier
user/assistant messages are the conversation its follow-ups are understood in. The
answer's text carries the `[n]` markers and the response a `citations` list (the same
objects as `/api/v1/ask`); a stream sends the citations with its last chunk.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from kb.accounts.departments import DEFAULT_KB
from kb.answer.followup import Exchange
from kb.api.api_models import answer_out
from kb.api.http_api import Caller, require, services, source_of
from kb.types import Answer

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_PREFIX = "kb"


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")  # clients send name, tool_calls … that a knowledge base ignores

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: keep the text ones
            return "".join(p.get("text", "") for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens …: the answer is extractive or configured

    model: str = Field(MODEL_PREFIX, description="kb (the default knowledge base) or kb:<id>, see GET /v1/models.")
    messages: list[Message]
    stream: bool = False


def kb_of(model: str) -> str:
    """The knowledge base id a model name picks: kb → default, kb:zzb → zzb, zzb → zzb."""
    if model in ("", MODEL_PREFIX):
        return DEFAULT_KB
    return model.split(":", 1)[1] if model.startswith(MODEL_PREFIX + ":") else model


def split_messages(messages: list[Message]) -> tuple[str, list[Exchange]]:
    """The question (last user message) and the earlier exchanges, oldest first."""
    users = [i for i, m in enumerate(messages) if m.role == "user"]
    if not users:
        raise HTTPException(400, "messages 中没有 user 消息")
    last = users[-1]
    history: list[Exchange] = []
    pending: str | None = None
    for m in messages[:last]:
        if m.role == "user":
            if pending is not None:
                history.append(Exchange(pending, ""))
            pending = m.text()
        elif m.role == "assistant" and pending is not None:
            history.append(Exchange(pending, m.text()))
            pending = None
    if pending is not None:
        history.append(Exchange(pending, ""))
    return messages[last].text(), history


@router.get("/models", summary="One model per knowledge base the caller may read")
def models(request: Request, who: Caller) -> dict[str, Any]:
    kbs = services(request).departments.readable(who)
    data = [
        {
            "id": MODEL_PREFIX if k.id == DEFAULT_KB else f"{MODEL_PREFIX}:{k.id}",
            "object": "model",
            "created": 0,
            "owned_by": k.name,
        }
        for k in kbs
    ]
    return {"object": "list", "data": data}


def _final(kb: Any, question: str, history: list[Exchange]) -> Iterator[str | Answer]:
    return kb.ask_stream(question, history=history)


@router.post("/chat/completions", summary="OpenAI-compatible chat completion with [n] markers and citations")
def chat_completions(request: Request, body: ChatRequest, who: Caller) -> Any:
    kb_id = kb_of(body.model)
    kb = require(request, who, kb_id, "reader", channel="openai")
    question, history = split_messages(body.messages)
    svc = services(request)
    src = source_of(request)
    cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())

    def record(a: Answer) -> None:
        svc.audit.record_question(who.name, question, refused=a.refused, kb=kb_id, source=src, channel="openai")

    if not body.stream:
        answer: Answer | None = None
        for piece in _final(kb, question, history):
            if isinstance(piece, Answer):
                answer = piece
        assert answer is not None
        record(answer)
        out = answer_out(answer, kb_id)
        return {
            "id": cid,
            "object": "chat.completion",
            "created": created,
            "model": body.model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": answer.text}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": [c.model_dump() for c in out.citations],
            "refused": answer.refused,
            "reason": answer.reason,
            "rewritten_question": answer.rewritten_question,
        }

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": body.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    def events() -> Iterator[str]:
        yield chunk({"role": "assistant", "content": ""})
        sent = ""
        for piece in _final(kb, question, history):
            if isinstance(piece, Answer):
                record(piece)
                # With an LLM the checked text can differ from the raw words streamed (markers renumbered):
                # the rest is sent only when it continues what was sent; `answer` always carries the final text.
                if piece.text.startswith(sent) and piece.text != sent:
                    yield chunk({"content": piece.text[len(sent) :]})
                out = answer_out(piece, kb_id)
                yield chunk(
                    {},
                    "stop",
                    citations=[c.model_dump() for c in out.citations],
                    refused=piece.refused,
                    reason=piece.reason,
                    answer=piece.text,
                )
            else:
                sent += piece
                yield chunk({"content": piece})
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


Role = Literal["system", "user", "assistant"]
