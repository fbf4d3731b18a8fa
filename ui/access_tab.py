"""The 访问与审计 tab (admins only): API tokens per user, and the audit log with filters and CSV export.

Callbacks check the admin role on the server and only call `kb` (TokenStore, AuditLog).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import gradio as gr

from kb.accounts import audit
from kb.app_services import AppServices
from ui.auth import Access
from ui.downloads import downloads

TOKEN_COLUMNS = ["编号", "用户", "令牌开头", "用途", "状态", "创建时间", "最近使用"]
AUDIT_COLUMNS = ["时间 (UTC)", "用户", "操作", "知识库", "对象", "详情", "来源地址", "渠道"]
ACTION_NAMES = {
    audit.ASK: "提问",
    audit.UPLOAD: "上传",
    audit.DELETE: "删除文档",
    audit.REINDEX: "重新索引",
    audit.GLOSSARY_SAVE: "编辑术语",
    audit.GLOSSARY_REMOVE: "删除术语",
    audit.GLOSSARY_REBUILD: "重建术语表",
    audit.LOGIN: "登录",
    audit.LOGIN_FAILED: "登录失败",
    audit.TOKEN_CREATE: "生成令牌",
    audit.TOKEN_REVOKE: "撤销令牌",
    audit.DENIED: "越权被拒",
}


def _time(t: datetime | None) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if t else "-"


def _day(value: str, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD filter as the start (or the end) of that day in UTC; gr.Error on another form."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        d = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise gr.Error(f"日期格式应为 年-月-日，例如 2026-01-31：{value}") from None
    return d.replace(hour=23, minute=59, second=59) if end else d


def build_access_tab(demo: gr.Blocks, svc: AppServices, access: Access) -> None:
    """The tab's layout and callbacks (call inside a gr.Tab that only admins see)."""
    with gr.Accordion("API 令牌", open=True):
        gr.Markdown(
            "程序通过 `Authorization: Bearer 令牌` 调用 API（文档见 `/docs`）、OpenAI 兼容接口 `/v1` 和 MCP `/mcp/`；"
            "令牌拥有其用户的角色和知识库权限。令牌只在生成时显示一次，系统只保存其哈希。"
        )
        with gr.Row():
            t_user = gr.Dropdown(label="用户", choices=[], scale=2, elem_id="kb-token-user")
            t_label = gr.Textbox(label="用途（可选）", scale=2)
            t_make = gr.Button("生成令牌", variant="primary", scale=1, elem_id="kb-token-make")
        t_secret = gr.Textbox(label="新令牌（请立即复制保存）", interactive=False, elem_id="kb-token-secret")
        t_table = gr.Dataframe(headers=TOKEN_COLUMNS, value=None, interactive=False, label="令牌")
        with gr.Row():
            t_pick = gr.Dropdown(label="撤销令牌（编号）", choices=[], scale=3)
            t_revoke = gr.Button("撤销", variant="stop", scale=1)
    with gr.Accordion("审计日志", open=True):
        with gr.Row():
            f_actor = gr.Textbox(label="用户", scale=1)
            f_action = gr.Dropdown(
                label="操作", choices=[("全部", ""), *((v, k) for k, v in ACTION_NAMES.items())], value="", scale=1
            )
            f_kb = gr.Textbox(label="知识库", scale=1)
            f_text = gr.Textbox(label="对象包含", scale=1)
            f_since = gr.Textbox(label="起始日期", placeholder="2026-01-01", scale=1)
            f_until = gr.Textbox(label="截止日期", placeholder="2026-12-31", scale=1)
        with gr.Row():
            a_search = gr.Button("查询", variant="primary", elem_id="kb-audit-search")
            a_export = gr.DownloadButton("导出 CSV", value=None, elem_id="kb-audit-export")
        a_table = gr.Dataframe(headers=AUDIT_COLUMNS, value=None, interactive=False, wrap=True, elem_id="kb-audit")

    def token_rows() -> tuple[list[list[Any]], Any]:
        items = svc.tokens.list_tokens()
        rows = [
            [
                t.id,
                t.user,
                t.shown + "…",
                t.label,
                "已撤销" if t.revoked else "有效",
                _time(t.created_at),
                _time(t.last_used_at),
            ]
            for t in items
        ]
        live = [(f"{t.id} · {t.user} · {t.label or t.shown}", t.id) for t in items if not t.revoked]
        return rows, gr.Dropdown(choices=live, value=None)

    def on_make(user: str | None, label: str, request: gr.Request) -> tuple:
        access.require_admin(request)
        if not user or svc.users.role(user) is None:
            raise gr.Error("请先选择用户")
        secret = svc.tokens.create(user, (label or "").strip())
        access.record(request, audit.TOKEN_CREATE, user, label=label)
        return (secret, *token_rows())

    t_make.click(on_make, [t_user, t_label], [t_secret, t_table, t_pick], api_visibility="private")

    def on_revoke(token_id: int | None, request: gr.Request) -> tuple:
        access.require_admin(request)
        if token_id is None or not svc.tokens.revoke(int(token_id)):
            raise gr.Error("请选择一个有效的令牌")
        access.record(request, audit.TOKEN_REVOKE, str(token_id))
        return ("", *token_rows())

    t_revoke.click(on_revoke, [t_pick], [t_secret, t_table, t_pick], api_visibility="private")

    def events(actor: str, action: str, kb: str, text: str, since: str, until: str) -> list[audit.Event]:
        return svc.audit.events(
            actor=(actor or "").strip(),
            action=action or "",
            kb=(kb or "").strip(),
            text=(text or "").strip(),
            since=_day(since),
            until=_day(until, end=True),
        )

    def on_search(actor: str, action: str, kb: str, text: str, since: str, until: str, request: gr.Request) -> tuple:
        access.require_admin(request)
        found = events(actor, action, kb, text, since, until)
        rows = [
            [
                _time(e.at),
                e.actor,
                ACTION_NAMES.get(e.action, e.action),
                e.kb,
                e.target,
                e.row()[6],
                e.source,
                e.channel,
            ]
            for e in found
        ]
        path = downloads().folder("audit-") / f"audit-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.csv"
        # UTF-8 with a BOM, so that Excel opens the Chinese text correctly.
        path.write_text("\ufeff" + audit.to_csv(found), encoding="utf-8")
        return rows, gr.DownloadButton(value=str(path))

    filters = [f_actor, f_action, f_kb, f_text, f_since, f_until]
    a_search.click(on_search, filters, [a_table, a_export], api_visibility="private")

    def on_load(request: gr.Request) -> tuple:
        if not access.is_admin(request):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        names = [n for n, _ in svc.users.list_users()]
        rows, pick = token_rows()
        audit_rows, export = on_search("", "", "", "", "", "", request)
        return gr.Dropdown(choices=names), rows, pick, audit_rows, export

    # Built by the page load of an admin only: a user never receives the tokens or the log.
    demo.load(on_load, None, [t_user, t_table, t_pick, a_table, a_export], api_visibility="private")
