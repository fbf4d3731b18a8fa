"""The documented HTTP API (FastAPI; OpenAPI at /docs), mounted beside the Gradio app by `app.py`.

Every endpoint resolves who is calling (`Authorization: Bearer <API token>`; without
users, the one local person on loopback) and checks their role in the knowledge base
it touches on the server, whatever the client shows. Each action lands in the audit log.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kb.accounts import audit
from kb.accounts.departments import AccessDenied, Principal, UnknownKB
from kb.answer.followup import Exchange
from kb.api.api_models import (
    AnswerOut,
    AskIn,
    ConversationOut,
    DocumentOut,
    GlossaryEntryOut,
    GlossaryIn,
    GrantIn,
    JobOut,
    KBIn,
    KBOut,
    MeOut,
    PackIn,
    PassageOut,
    SearchIn,
    TokenIn,
    TokenOut,
    TurnOut,
    answer_out,
    passage,
)
from kb.types import Answer

if TYPE_CHECKING:
    from kb.app_services import AppServices
    from kb.service import KnowledgeBase

API_PREFIX = "/api/v1"
DESCRIPTION = """
政策知识库助手 HTTP API. Every answer carries structured citations
(`source, title, author, location, quote, passage`); a question the knowledge base
cannot answer is refused (`refused: true`) with the nearest passages as `related`.

**Authentication**: `Authorization: Bearer <token>` (the Authorize button below). Tokens are made
in the 访问与审计 tab or with `python -m kb users token NAME`; a token acts with its user's role
and knowledge bases. Also here: an OpenAI-compatible `POST /v1/chat/completions` and an
MCP server at `/mcp/` (tools `search`, `ask`, `list_knowledge_bases`).
"""


# -- who is calling ---------------------------------------------------------------


def services(request: Request) -> AppServices:
    return request.app.state.services


def source_of(request: Request) -> str:
    return request.client.host if request.client else ""


# Declared as a security scheme so /docs offers "Authorize"; auto_error off: the local mode needs no token.
_BEARER = HTTPBearer(auto_error=False, description="An API token: python -m kb users token NAME")


def caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)] = None
) -> Principal:
    """The Principal of the request: by its API token, or the local person when the app runs without login."""
    svc = services(request)
    token = credentials.credentials.strip() if credentials is not None else None
    if token:
        p = svc.principal_for_token(token)
        if p is None:
            svc.audit.record("", audit.LOGIN_FAILED, source=source_of(request), channel="api", reason="bad token")
            raise HTTPException(401, "API 令牌无效或已撤销", headers={"WWW-Authenticate": "Bearer"})
        return p
    if not svc.auth_enabled:  # the app then serves only 127.0.0.1 (app.py), like the web page
        p = svc.principal(None)
        assert p is not None
        return p
    raise HTTPException(401, "需要 API 令牌：Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"})


Caller = Annotated[Principal, Depends(caller)]


def require(request: Request, who: Principal, kb_id: str, need: str, channel: str = "api") -> KnowledgeBase:
    """The knowledge base when `who` holds at least `need` in it; 404 when there is none, 403 (audited) when denied."""
    svc = services(request)
    if not svc.departments.exists(kb_id):
        raise HTTPException(404, f"没有知识库 {kb_id}")
    try:
        who.require(kb_id, need)
    except AccessDenied as exc:
        svc.audit.record(who.name, audit.DENIED, kb=kb_id, source=source_of(request), channel=channel, need=need)
        raise HTTPException(403, str(exc)) from None
    try:
        return svc.kb(kb_id)
    except UnknownKB:
        raise HTTPException(404, f"没有知识库 {kb_id}") from None


def require_installation_admin(request: Request, who: Principal) -> None:
    if not who.is_admin:
        services(request).audit.record(
            who.name, audit.DENIED, str(request.url.path), source=source_of(request), channel="api"
        )
        raise HTTPException(403, "只有系统管理员可以这样做")


# -- asking -------------------------------------------------------------------------


def ask_answer(kb: KnowledgeBase, body: AskIn) -> Answer:
    """The final Answer to a question; with history, through the follow-up rewrite as in the chat."""
    scope = kb.scope(body.doc_ids, body.doc_types)
    if not body.history:
        return kb.ask(body.question, doc_ids=scope)
    final: Answer | None = None
    for piece in kb.ask_stream(body.question, doc_ids=scope, history=exchanges(body.history)):
        if isinstance(piece, Answer):
            final = piece
    assert final is not None
    return final


def exchanges(turns: list[Any]) -> list[Exchange]:
    return [Exchange(t.question, t.answer) for t in turns]


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


router = APIRouter(prefix=API_PREFIX)


@router.get("/me", response_model=MeOut, tags=["access"], summary="Who the token acts for, and where")
def me(request: Request, who: Caller) -> MeOut:
    svc = services(request)
    return MeOut(
        name=who.name,
        role=who.role,
        kbs=[KBOut(id=k.id, name=k.name, role=who.kb_role(k.id)) for k in svc.departments.readable(who)],
    )


@router.post("/ask", response_model=AnswerOut, tags=["ask"], summary="Ask a question; JSON answer with citations")
def ask(request: Request, body: AskIn, who: Caller) -> AnswerOut:
    kb = require(request, who, body.kb, "reader")
    a = ask_answer(kb, body)
    services(request).audit.record_question(
        who.name, body.question, refused=a.refused, kb=body.kb, source=source_of(request), channel="api"
    )
    return answer_out(a, body.kb)


@router.post(
    "/ask/stream",
    tags=["ask"],
    summary="Ask, streamed as server-sent events",
    description='`event: delta` events carry `{"text": …}` pieces as they are ready; the last event, '
    "`event: answer`, carries the whole checked answer (the /ask JSON), whose text replaces the pieces.",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def ask_stream(request: Request, body: AskIn, who: Caller) -> StreamingResponse:
    kb = require(request, who, body.kb, "reader")
    svc = services(request)
    src = source_of(request)

    def events() -> Iterator[str]:
        scope = kb.scope(body.doc_ids, body.doc_types)
        for piece in kb.ask_stream(body.question, doc_ids=scope, history=exchanges(body.history)):
            if isinstance(piece, Answer):
                svc.audit.record_question(
                    who.name, body.question, refused=piece.refused, kb=body.kb, source=src, channel="api"
                )
                yield _sse("answer", answer_out(piece, body.kb).model_dump())
            else:
                yield _sse("delta", {"text": piece})

    return StreamingResponse(events(), media_type="text/event-stream")


@router.post("/search", response_model=list[PassageOut], tags=["ask"], summary="Passages for a query (no answer)")
def search(request: Request, body: SearchIn, who: Caller) -> list[PassageOut]:
    kb = require(request, who, body.kb, "reader")
    hits = kb.retrieve(" ".join(body.query.split())[:500], k=body.k, doc_ids=kb.scope(body.doc_ids, body.doc_types))
    services(request).audit.record_question(
        who.name, body.query, refused=False, kb=body.kb, source=source_of(request), channel="api"
    )
    return [passage(h) for h in hits]


# -- knowledge bases and who may use them ----------------------------------------------


@router.get("/kbs", response_model=list[KBOut], tags=["access"], summary="The knowledge bases the caller may read")
def list_kbs(request: Request, who: Caller) -> list[KBOut]:
    return [KBOut(id=k.id, name=k.name, role=who.kb_role(k.id)) for k in services(request).departments.readable(who)]


@router.post("/kbs", response_model=KBOut, status_code=201, tags=["access"], summary="Add a knowledge base")
def create_kb(request: Request, body: KBIn, who: Caller) -> KBOut:
    require_installation_admin(request, who)
    try:
        k = services(request).departments.create(body.id, body.name)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return KBOut(id=k.id, name=k.name, role="admin")


@router.get("/kbs/{kb_id}/members", tags=["access"], summary="Users granted a role in a knowledge base")
def members(request: Request, kb_id: str, who: Caller) -> list[dict[str, str]]:
    require(request, who, kb_id, "admin")
    return [{"user": u, "role": r} for u, r in services(request).departments.members(kb_id)]


@router.put("/kbs/{kb_id}/members/{user}", tags=["access"], summary="Grant a user a role in a knowledge base")
def grant(request: Request, kb_id: str, user: str, body: GrantIn, who: Caller) -> dict[str, str]:
    require(request, who, kb_id, "admin")
    svc = services(request)
    if svc.users.role(user) is None:
        raise HTTPException(404, f"没有用户 {user}")
    svc.departments.grant(user, kb_id, body.role)
    svc.audit.record(who.name, "grant", user, kb=kb_id, source=source_of(request), channel="api", role=body.role)
    return {"user": user, "kb": kb_id, "role": body.role}


@router.delete("/kbs/{kb_id}/members/{user}", tags=["access"], summary="Revoke a user's role in a knowledge base")
def revoke(request: Request, kb_id: str, user: str, who: Caller) -> dict[str, bool]:
    require(request, who, kb_id, "admin")
    svc = services(request)
    ok = svc.departments.revoke(user, kb_id)
    svc.audit.record(who.name, "revoke", user, kb=kb_id, source=source_of(request), channel="api")
    return {"revoked": ok}


# -- documents ---------------------------------------------------------------------------


@router.get("/kbs/{kb_id}/documents", response_model=list[DocumentOut], tags=["documents"], summary="Documents")
def documents(request: Request, kb_id: str, who: Caller) -> list[DocumentOut]:
    kb = require(request, who, kb_id, "reader")
    return [DocumentOut(**{k: getattr(d, k) for k in DocumentOut.model_fields}) for d in kb.index.documents()]


def _outcome(outcome: Any) -> dict[str, Any]:
    return {
        "files": [
            {"name": r.path.name, "status": r.status, "chunks": r.chunks, "reason": r.reason} for r in outcome.results
        ],
        "rejected": [{"name": x.name, "reason": x.reason} for x in outcome.rejected],
        "seconds": round(outcome.seconds, 2),
    }


@router.post(
    "/kbs/{kb_id}/documents",
    response_model=JobOut,
    status_code=202,
    tags=["documents"],
    summary="Upload files (or a .zip of a folder) and ingest them in the background",
    description="Returns a job; poll GET /api/v1/jobs/{id} for progress and the per-file outcome.",
)
def upload(request: Request, kb_id: str, who: Caller, files: Annotated[list[UploadFile], File()]) -> JobOut:
    require(request, who, kb_id, "editor")
    svc = services(request)
    limit = svc.settings.app.max_upload_mb * 2**20
    tmp = Path(tempfile.mkdtemp(prefix="kb-api-upload-"))
    saved: list[tuple[str, Path]] = []
    try:
        for i, f in enumerate(files):
            dest = tmp / str(i)
            with dest.open("wb") as out:
                shutil.copyfileobj(f.file, out)
            if dest.stat().st_size > limit:
                raise HTTPException(413, f"{f.filename}：超过 {svc.settings.app.max_upload_mb} MB")
            saved.append((f.filename or f"upload-{i}", dest))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    admin = svc.admin(kb_id)
    src = source_of(request)
    if admin.queued:
        # Saved where every worker reads them and queued; the workers ingest, audit and report in the job.
        try:
            queued = admin.enqueue_upload(saved, owner=who.name, origin=src, channel="api")
        except RuntimeError as exc:
            raise HTTPException(503, str(exc)) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return JobOut(**queued.view())

    def work(progress: Any) -> dict[str, Any]:
        try:
            result = _outcome(admin.upload(saved, progress=progress))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        svc.audit.record(
            who.name,
            audit.UPLOAD,
            ", ".join(n for n, _ in saved),
            kb=kb_id,
            source=src,
            channel="api",
            files=[(f["name"], f["status"]) for f in result["files"]],
            rejected=[x["name"] for x in result["rejected"]],
        )
        return result

    return JobOut(**svc.jobs.submit("upload", kb_id, who.name, work, origin=src).view())


@router.delete("/kbs/{kb_id}/documents/{source}", tags=["documents"], summary="Delete a document")
def delete_document(request: Request, kb_id: str, source: str, who: Caller) -> dict[str, bool]:
    require(request, who, kb_id, "editor")
    svc = services(request)
    if not svc.admin(kb_id).remove(source):
        raise HTTPException(404, f"知识库中没有 {source}")
    svc.audit.record(who.name, audit.DELETE, source, kb=kb_id, source=source_of(request), channel="api")
    return {"deleted": True}


@router.post(
    "/kbs/{kb_id}/documents/{source}/reindex",
    response_model=JobOut,
    status_code=202,
    tags=["documents"],
    summary="Ingest a document again from its file",
)
def reindex(request: Request, kb_id: str, source: str, who: Caller) -> JobOut:
    kb = require(request, who, kb_id, "editor")
    svc = services(request)
    if kb.index.manifest.by_source(source) is None:
        raise HTTPException(404, f"知识库中没有 {source}")
    admin = svc.admin(kb_id)
    src = source_of(request)
    if admin.queued:
        try:
            return JobOut(**admin.enqueue_reindex(source, owner=who.name, origin=src, channel="api").view())
        except RuntimeError as exc:
            raise HTTPException(503, str(exc)) from None

    def work(progress: Any) -> dict[str, Any]:
        r = admin.reindex(source, progress=progress)
        svc.audit.record(who.name, audit.REINDEX, source, kb=kb_id, source=src, channel="api", status=r.status)
        if r.status == "failed":
            raise RuntimeError(r.reason)
        return {"name": source, "status": r.status, "chunks": r.chunks}

    return JobOut(**svc.jobs.submit("reindex", kb_id, who.name, work, origin=src).view())


@router.get("/jobs/{job_id}", response_model=JobOut, tags=["documents"], summary="Status of a background job")
def job(request: Request, job_id: str, who: Caller) -> JobOut:
    j = services(request).jobs.get(job_id)
    # Someone else's job is "not found", not "forbidden": job ids are not secrets, their contents are.
    if j is None or (j.owner != who.name and not who.can(j.kb, "admin")):
        raise HTTPException(404, f"没有任务 {job_id}")
    return JobOut(**j.view())


# -- history ----------------------------------------------------------------------------------


@router.get(
    "/me/conversations",
    response_model=list[ConversationOut],
    tags=["history"],
    summary="Your conversations in the web chat, newest first",
)
def my_conversations(request: Request, who: Caller) -> list[ConversationOut]:
    from kb.accounts.history import HistoryStore

    convs = HistoryStore(services(request).sessions).conversations(who.name)
    return [ConversationOut(id=c.id, title=c.title, updated_at=c.updated_at) for c in convs]


@router.get(
    "/me/conversations/{conversation_id}",
    response_model=list[TurnOut],
    tags=["history"],
    summary="The questions and answers of one of your conversations",
)
def my_conversation(request: Request, conversation_id: int, who: Caller) -> list[TurnOut]:
    from kb.accounts.history import HistoryStore

    try:
        turns = HistoryStore(services(request).sessions).turns(who.name, conversation_id)
    except KeyError:
        raise HTTPException(404, f"没有对话 {conversation_id}") from None
    return [
        TurnOut(
            id=t.id,
            question=t.question,
            answer=t.answer.text,
            refused=t.answer.refused,
            citations=len(t.answer.citations),
            rating=t.rating,
            comment=t.comment,
        )
        for t in turns
    ]


# -- glossary and packs --------------------------------------------------------------------


def _entry_out(e: Any) -> GlossaryEntryOut:
    return GlossaryEntryOut(
        term=e.term,
        kind=e.kind,
        definition=e.definition(1000),
        note=e.note,
        occurrences=e.occurrences,
        sources=e.sources,
        citations=[c.to_dict() for c in e.citations],
    )


@router.get("/kbs/{kb_id}/glossary", response_model=list[GlossaryEntryOut], tags=["glossary"], summary="Glossary")
def glossary(request: Request, kb_id: str, who: Caller, q: str = "") -> list[GlossaryEntryOut]:
    from kb.learn.glossary import open_glossary

    kb = require(request, who, kb_id, "reader")
    return [_entry_out(e) for e in open_glossary(kb).entries(q)]


@router.put("/kbs/{kb_id}/glossary/{term}", response_model=GlossaryEntryOut, tags=["glossary"], summary="Add/edit")
def save_term(request: Request, kb_id: str, term: str, body: GlossaryIn, who: Caller) -> GlossaryEntryOut:
    from kb.learn.glossary import open_glossary

    kb = require(request, who, kb_id, "editor")
    g = open_glossary(kb)
    try:
        e = g.save(term, body.quote, body.note, user=who.name)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    g.sync(kb)
    services(request).audit.record(
        who.name, audit.GLOSSARY_SAVE, term, kb=kb_id, source=source_of(request), channel="api", note=body.note
    )
    return _entry_out(e)


@router.delete("/kbs/{kb_id}/glossary/{term}", tags=["glossary"], summary="Remove a glossary term")
def remove_term(request: Request, kb_id: str, term: str, who: Caller) -> dict[str, bool]:
    from kb.learn.glossary import open_glossary

    kb = require(request, who, kb_id, "editor")
    g = open_glossary(kb)
    if not g.remove(term, user=who.name):
        raise HTTPException(404, f"没有术语 {term}")
    g.sync(kb)
    services(request).audit.record(
        who.name, audit.GLOSSARY_REMOVE, term, kb=kb_id, source=source_of(request), channel="api"
    )
    return {"removed": True}


@router.post(
    "/packs",
    tags=["packs"],
    summary="A 党课 material pack on a topic, as Markdown or DOCX",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}, "application/octet-stream": {}}}},
)
def pack(request: Request, body: PackIn, who: Caller) -> Response:
    from kb.learn.export import export
    from kb.learn.pack import build_pack

    kb = require(request, who, body.kb, "reader")
    try:
        p = build_pack(kb, body.topic, doc_ids=body.doc_ids)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    services(request).audit.record(
        who.name, "pack", body.topic, kb=body.kb, source=source_of(request), channel="api", items=len(p.items)
    )
    with tempfile.TemporaryDirectory(prefix="kb-pack-") as d:
        path = export(p, Path(d) / f"pack.{body.format}")
        data = path.read_bytes()
    media = (
        "text/markdown; charset=utf-8"
        if body.format == "md"
        else ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    )
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="pack.{body.format}"'}
    )


# -- tokens and the audit log -----------------------------------------------------------------


def _token_out(t: Any, secret: str | None = None) -> TokenOut:
    return TokenOut(
        id=t.id,
        user=t.user,
        label=t.label,
        shown=t.shown,
        revoked=t.revoked,
        created_at=t.created_at.isoformat(timespec="seconds"),
        last_used_at=t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else None,
        token=secret,
    )


@router.post("/tokens", response_model=TokenOut, status_code=201, tags=["access"], summary="Make an API token")
def create_token(request: Request, body: TokenIn, who: Caller) -> TokenOut:
    svc = services(request)
    user = body.user or who.name
    if user != who.name:
        require_installation_admin(request, who)
    if svc.users.role(user) is None:
        raise HTTPException(404, f"没有用户 {user}")
    secret = svc.tokens.create(user, body.label)
    svc.audit.record(who.name, audit.TOKEN_CREATE, user, source=source_of(request), channel="api", label=body.label)
    info = next(t for t in svc.tokens.list_tokens(user) if secret.startswith(t.shown))
    return _token_out(info, secret)


@router.get("/tokens", response_model=list[TokenOut], tags=["access"], summary="The caller's tokens (admins: all)")
def list_tokens(request: Request, who: Caller) -> list[TokenOut]:
    svc = services(request)
    return [_token_out(t) for t in svc.tokens.list_tokens(None if who.is_admin else who.name)]


@router.delete("/tokens/{token_id}", tags=["access"], summary="Revoke a token")
def revoke_token(request: Request, token_id: int, who: Caller) -> dict[str, bool]:
    svc = services(request)
    if not svc.tokens.revoke(token_id, None if who.is_admin else who.name):
        raise HTTPException(404, f"没有有效的令牌 {token_id}")
    svc.audit.record(who.name, audit.TOKEN_REVOKE, str(token_id), source=source_of(request), channel="api")
    return {"revoked": True}


@router.get("/audit", tags=["audit"], summary="The audit log, newest first (JSON or CSV)")
def audit_log(
    request: Request,
    who: Caller,
    actor: str = "",
    action: str = "",
    kb: str = "",
    text: str = "",
    since: Annotated[str, Query(description="ISO time, e.g. 2026-01-31T00:00:00+00:00")] = "",
    until: str = "",
    limit: int = 1000,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    from datetime import datetime

    require_installation_admin(request, who)
    try:
        lo = datetime.fromisoformat(since) if since else None
        hi = datetime.fromisoformat(until) if until else None
    except ValueError:
        raise HTTPException(400, "时间格式应为 ISO 8601，例如 2026-01-31T00:00:00+00:00") from None
    events = services(request).audit.events(
        actor=actor, action=action, kb=kb, text=text, since=lo, until=hi, limit=limit
    )
    if format == "csv":
        return PlainTextResponse(
            audit.to_csv(events),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    return JSONResponse([dict(zip(audit.CSV_COLUMNS, e.row())) | {"detail": e.detail} for e in events])


# -- the application -------------------------------------------------------------------------------


def create_api(svc: AppServices) -> FastAPI:
    """The FastAPI app: /api/v1 (this module), /v1 (OpenAI-compatible), /mcp (MCP); Gradio is mounted on it after."""
    import contextlib

    from kb.api.mcp_server import build_mcp
    from kb.api.openai_api import router as openai_router

    mcp = build_mcp(svc)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        async with mcp.session_manager.run():
            yield
        svc.jobs.shutdown()

    from fastapi_offline import FastAPIOffline

    # /docs and /redoc from files in the package: the stock pages load Swagger UI from a CDN, which an
    # office network without internet cannot reach.
    api = FastAPIOffline(
        title="政策知识库助手 API",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "ask", "description": "Questions and passages"},
            {"name": "documents", "description": "Documents and background jobs"},
            {"name": "history", "description": "Your own conversations in the web chat"},
            {"name": "glossary"},
            {"name": "packs"},
            {"name": "access", "description": "Knowledge bases, roles and API tokens"},
            {"name": "audit"},
            {"name": "openai", "description": "OpenAI-compatible chat completions"},
        ],
    )
    api.state.services = svc

    api.add_middleware(SourceAddress)
    api.include_router(router)
    api.include_router(openai_router)
    api.mount("/mcp", mcp_asgi(svc, mcp))
    return api


class SourceAddress:
    """Puts the client's address where the login check finds it (kb.accounts.login.request_source).

    Gradio's login route calls the auth function with a name and a password only. Plain ASGI, not
    BaseHTTPMiddleware, so streamed answers and MCP streams pass through untouched.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from kb.accounts.login import request_source

        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = request_source.set(client[0] if client else "")
        try:
            await self.app(scope, receive, send)
        finally:
            request_source.reset(token)


def mcp_asgi(svc: AppServices, mcp: Any) -> Any:
    """The MCP endpoint, refusing any request without a valid token (when login is on) before MCP sees it."""
    from kb.api.mcp_server import guarded

    return guarded(svc, mcp.streamable_http_app(streamable_http_path="/", host="127.0.0.1"))
