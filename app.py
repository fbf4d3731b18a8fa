"""The web app: a thin Gradio layer over `kb` (build, lay out, wire, launch)."""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

import gradio as gr

from kb.accounts.db import open_db
from kb.accounts.history import HistoryStore
from kb.accounts.users import UserStore
from kb.factory import build, open_index
from kb.settings import Settings, load_settings
from ui.auth import Access
from ui.busy import busy_head
from ui.chat import CSS
from ui.kb_choice import KBChoice

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ingest.admin import KBAdmin
    from kb.accounts.jobs import JobStore
    from kb.app_services import AppServices
    from kb.service import KnowledgeBase

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def ensure_sample(settings: Settings) -> None:
    """On first run, index the bundled sample knowledge base."""
    from ingest.pipeline import ingest_paths

    index = open_index(settings)
    try:
        if not index.documents() and settings.sample_dir.is_dir():
            report = ingest_paths(index, [settings.sample_dir])
            print(f"示例知识库：{report.summary()}")
    finally:
        index.close()


def document_admin(kb: KnowledgeBase, kb_id: str = "default", jobs: JobStore | None = None) -> KBAdmin:
    """The document administration of one knowledge base (the web tab and the API share it)."""
    from ingest.admin import KBAdmin
    from kb.learn.glossary import refresh as refresh_glossary

    # New or removed documents change the glossary (its terms, quotes and the retrieval wired to it).
    return KBAdmin(kb.settings, kb.index, on_change=lambda: refresh_glossary(kb), kb_id=kb_id, jobs=jobs)


def create_services(settings: Settings, auth_enabled: bool | None = None) -> AppServices:
    """The default knowledge base and the services the page, the API and the MCP server share."""
    from kb.app_services import build_services

    if auth_enabled is None:
        auth_enabled = login_required(settings)
    return build_services(settings, build(settings), document_admin, auth_enabled)


def create_app(settings: Settings, auth_enabled: bool | None = None, services: AppServices | None = None) -> gr.Blocks:
    """The app's Blocks: chat for everyone, the admin tab for admins only (checked again in every callback)."""
    from ui.access_tab import build_access_tab
    from ui.admin import build_admin_tab
    from ui.chat import build_chat_tab
    from ui.workflows import add_workflow_tabs

    svc = services or create_services(settings, auth_enabled)
    kb = svc.kb()
    sessions = open_db(settings)
    access = Access(svc.users, svc.auth_enabled, audit=svc.audit)
    history = HistoryStore(sessions)
    admin = svc.admin("default")
    # One choice of knowledge base (department) for the whole page, re-checked in every callback (ui/kb_choice.py).
    choice = KBChoice(kb, access, svc)

    # Gradio's cached copies of uploads and downloads (exports): files older than a day go, checked hourly.
    with gr.Blocks(title="政策知识库助手", delete_cache=(3600, 86400)) as demo:
        with gr.Row():
            gr.Markdown("## 政策知识库助手\n每句回答都标注出处；知识库里没有的内容，会直接说明。")
            who = gr.Markdown(elem_id="kb-user")
            choice.render(demo)
            if access.auth_enabled:
                gr.Button("退出登录", link="/logout", size="sm", scale=0)
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                chat = build_chat_tab(demo, kb, history, access, choice)
            # Hidden until the page load confirms an admin; the callbacks check the role again on the server.
            with gr.Tab("知识库管理", id="admin", visible=False, elem_id="kb-admin-tab") as admin_tab:
                build_admin_tab(demo, kb, admin, access, chat, choice)
            # Trainers' 党课素材, new staff's 文库与术语 and 自测 (ui/workflows.py).
            add_workflow_tabs(kb, settings, access=access, choice=choice)
            # API tokens and the audit log (ui/access_tab.py), admins only like the admin tab.
            with gr.Tab("访问与审计", id="access", visible=False, elem_id="kb-access-tab") as access_tab:
                build_access_tab(demo, svc, access)

        def on_load(request: gr.Request) -> tuple:
            admin_ok = access.is_admin(request)
            return access.greeting(request), gr.Tab(visible=admin_ok), gr.Tab(visible=admin_ok)

        demo.load(on_load, None, [who, admin_tab, access_tab], api_visibility="private")
    return demo


def login_required(settings: Settings) -> bool:
    """Login is on when a local user exists or a directory (LDAP) is configured."""
    return UserStore.open(settings).count() > 0 or bool(settings.ldap.url)


def create_server(settings: Settings, auth_enabled: bool, warm_up: bool = False) -> FastAPI:
    """The HTTP API (/api/v1, /v1, /mcp, OpenAPI at /docs) with the Gradio app mounted on /; `warm_up`: answer a
    question in the background at start, so that the first visitor does not wait for the models to load."""
    from kb.api.http_api import create_api

    # Gradio's queue recomputes a pandas summary of up to 10,000 past events after every event (for its monitoring
    # figures): a tenth of the app's GIL time under 50 users, and more the longer it runs. Refreshed every 100
    # events over the last 1,000 instead; the environment may still say otherwise.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100")
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
    svc = create_services(settings, auth_enabled)
    if warm_up:
        threading.Thread(target=svc.kb().warm_up, name="kb-warm-up", daemon=True).start()
    demo = create_app(settings, auth_enabled, services=svc)
    api = create_api(svc)
    if auth_enabled:
        for mw in session_middleware(settings):  # login throttling and idle sessions (ui/session_guard.py)
            api.add_middleware(mw.cls, *mw.args, **mw.kwargs)
    return gr.mount_gradio_app(
        api,
        # A bounded queue: past max_size a visitor is told the server is busy instead of waiting without end.
        demo.queue(max_size=settings.limits.queue_max_size),
        path="/",
        auth=svc.authenticator.verify if auth_enabled else None,
        auth_message="政策知识库助手：请使用管理员分配的账号登录。",
        max_file_size=f"{settings.app.max_upload_mb}mb",
        css=CSS,
        head=busy_head(),  # the queue-full message in Chinese (ui/busy.py)
        server_name=settings.app.host,
        server_port=settings.app.port,
    )


def startup_refusal(host: str, auth_enabled: bool) -> str | None:
    """Why the app must not start, or None: without users it serves only the one person at this machine."""
    if host in LOOPBACK or auth_enabled:
        return None
    return (
        f"拒绝启动：绑定到 {host} 需要先配置用户登录"
        "（python -m kb users add 用户名 --role admin）；本机使用请保持 127.0.0.1。"
    )


def session_middleware(settings: Settings) -> list:
    """Login throttling and idle-session expiry around Gradio's app (ui/session_guard.py)."""
    from starlette.middleware import Middleware

    from kb.accounts.login_guard import IdleSessions, LoginGuard
    from ui.session_guard import SessionGuardMiddleware

    sec = settings.security
    guard = LoginGuard(
        open_db(settings),  # counts shared by every replica over the same database, kept across restarts
        free_failures=sec.login_free_failures,
        address_free_failures=sec.login_address_free_failures,
        base_lockout_s=sec.login_base_lockout_s,
        max_lockout_s=sec.login_max_lockout_s,
        forget_after_s=sec.login_forget_minutes * 60,
    )
    return [Middleware(SessionGuardMiddleware, guard=guard, sessions=IdleSessions(sec.session_idle_minutes * 60))]


def main() -> int:
    import uvicorn

    settings = load_settings()
    auth_enabled = login_required(settings)
    if reason := startup_refusal(settings.app.host, auth_enabled):
        print(reason, file=sys.stderr)
        return 2
    from kb.store.integrity import IndexCorrupt, VectorsMissing

    try:
        ensure_sample(settings)
        server = create_server(settings, auth_enabled, warm_up=True)
    except (IndexCorrupt, VectorsMissing) as exc:  # refuse to serve answers from a broken index
        print(exc, file=sys.stderr)
        return 2
    print(f"政策知识库助手：http://{settings.app.host}:{settings.app.port}/  （API 文档：/docs）", flush=True)
    uvicorn.run(server, host=settings.app.host, port=settings.app.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
