"""The MCP server (Model Context Protocol, streamable HTTP at /mcp/): `search` and `ask` as tools.

Built on the `mcp` package (2.x, `MCPServer`). Gradio's own `mcp_server=True` needs
mcp<2 and pydantic<=2.12, which conflict with this project's pins, and it would expose
the UI's event handlers rather than tools designed for a model. Callers authenticate
with the same API tokens as the HTTP API (`Authorization: Bearer …`): the endpoint
refuses a request without a valid one before MCP sees it, and each tool call resolves
the token again and checks the role in the knowledge base it reads.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from kb.accounts import audit
from kb.accounts.departments import DEFAULT_KB, AccessDenied, Principal
from kb.api.api_models import answer_out, passage

if TYPE_CHECKING:
    from kb.app_services import AppServices

# The tools' annotations are evaluated by MCPServer from this module's globals (Context must be importable here).
INSTRUCTIONS = (
    "政策知识库（中文政策文件、党建文章、政府工作报告、法规）。ask 回答问题，每句带 [n] 标注和出处（citations）；"
    "知识库中没有答案时 refused 为 true，不要编造。search 只返回相关段落。kb 参数选择知识库（list_knowledge_bases）。"
)


def _token(headers: Any) -> str | None:
    auth = (headers or {}).get("authorization", "")
    scheme, _, value = auth.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _client(ctx: Any) -> str:
    request = getattr(ctx.request_context, "request", None)
    client = getattr(request, "client", None)
    return client.host if client else ""


def build_mcp(svc: AppServices) -> Any:
    """The MCP server with the knowledge base's tools, each checking the caller on every call."""
    mcp = MCPServer(name="policy-kb", title="政策知识库助手", instructions=INSTRUCTIONS)

    def who(ctx: Context) -> Principal:
        if not svc.auth_enabled:
            p = svc.principal(None)
            assert p is not None
            return p
        token = _token(ctx.headers)
        p = svc.principal_for_token(token) if token else None
        if p is None:
            raise ToolError("需要有效的 API 令牌（Authorization: Bearer …）")
        return p

    def readable(p: Principal, kb: str, ctx: Context) -> Any:
        if not svc.departments.exists(kb):
            raise ToolError(f"没有知识库 {kb}")
        try:
            p.require(kb, "reader")
        except AccessDenied as exc:
            svc.audit.record(p.name, audit.DENIED, kb=kb, source=_client(ctx), channel="mcp", need="reader")
            # A ToolError's message reaches the model; any other exception is reported as a crash.
            raise ToolError(str(exc)) from None
        return svc.kb(kb)

    @mcp.tool()
    async def list_knowledge_bases(ctx: Context) -> str:
        """The knowledge bases you may read: id, name and your role (reader, editor, admin), as JSON."""
        p = who(ctx)
        rows = [{"id": k.id, "name": k.name, "role": p.kb_role(k.id)} for k in svc.departments.readable(p)]
        return json.dumps(rows, ensure_ascii=False)

    @mcp.tool()
    async def search(query: str, ctx: Context, kb: str = DEFAULT_KB, k: int = 6) -> str:
        """Passages of the knowledge base nearest to a query (Chinese), best first, as JSON.

        Each passage has chunk_id, source (file), title, author, location, heading_path, text and score.
        """
        p = who(ctx)
        base = readable(p, kb, ctx)
        q = " ".join((query or "").split())[:500]
        hits = await anyio.to_thread.run_sync(lambda: base.retrieve(q, k=max(1, min(k, 20))))
        svc.audit.record_question(p.name, query, refused=False, kb=kb, source=_client(ctx), channel="mcp")
        return json.dumps([passage(h).model_dump() for h in hits], ensure_ascii=False)

    @mcp.tool()
    async def ask(question: str, ctx: Context, kb: str = DEFAULT_KB, doc_ids: list[str] | None = None) -> str:
        """Answer a question from the knowledge base, as JSON: answer (with [n] markers), refused, citations.

        Each citation has marker, source, title, author, location, quote (verbatim) and passage. When the
        knowledge base does not hold the answer, refused is true and related lists the nearest passages:
        say that the knowledge base does not answer it rather than answering from elsewhere.
        """
        p = who(ctx)
        base = readable(p, kb, ctx)
        a = await anyio.to_thread.run_sync(lambda: base.ask(question, doc_ids=base.scope(doc_ids, None)))
        svc.audit.record_question(p.name, question, refused=a.refused, kb=kb, source=_client(ctx), channel="mcp")
        return json.dumps(answer_out(a, kb).model_dump(), ensure_ascii=False)

    return mcp


def guarded(svc: AppServices, app: Any) -> Any:
    """`app` behind a check that the request carries a valid API token (when the installation has users)."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and svc.auth_enabled:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            token = _token(headers)
            if token is None or svc.principal_for_token(token) is None:
                client = scope.get("client")
                svc.audit.record(
                    "", audit.LOGIN_FAILED, source=client[0] if client else "", channel="mcp", reason="bad token"
                )
                body = json.dumps({"detail": "需要有效的 API 令牌（Authorization: Bearer …）"}, ensure_ascii=False)
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")],
                    }
                )
                await send({"type": "http.response.body", "body": body.encode("utf-8")})
                return
        await app(scope, receive, send)

    return asgi
