"""Who is asking: the logged-in user from the request, and the admin check every admin callback makes.

The admin tab is hidden from users, but hiding is not protection: Gradio serves
every event as an API endpoint, so each callback that changes the knowledge
base calls `require_admin` with the request it was given.
"""

from __future__ import annotations

import logging

import gradio as gr

from kb.accounts.audit import AuditLog
from kb.accounts.users import LOCAL_USER, UserStore
from ui.render import text

log = logging.getLogger(__name__)


def refused(request: gr.Request | None, name: str | None, message: str) -> gr.Error:
    """A refusal shown to the person and logged as one line (Gradio would print a traceback for each one)."""
    client = getattr(getattr(request, "client", None), "host", "?")
    log.warning("refused: %s (user %r from %s)", message, name, client)
    return gr.Error(message, print_exception=False)


class Access:
    """Maps a request to a user name and role (from `kb.accounts.users`)."""

    def __init__(self, users: UserStore, auth_enabled: bool, audit: AuditLog | None = None) -> None:
        self.users = users
        # Decided once at start-up: users added later take effect on restart, when login is switched on.
        self.auth_enabled = auth_enabled
        self.audit = audit

    def record(self, request: gr.Request | None, action: str, target: str = "", **detail: object) -> None:
        """Append what the person behind `request` did to the audit log (when the app has one)."""
        if self.audit is None:
            return
        client = getattr(request, "client", None)
        source = getattr(client, "host", "") or ""
        name = LOCAL_USER if not self.auth_enabled else (getattr(request, "username", None) or "")
        # The admin tab and the workflow tabs work on the default knowledge base; tokens and logins on none.
        kb = str(detail.pop("kb", "" if action.startswith("token") else "default"))
        if action == "ask":
            self.audit.record_question(
                name, target, refused=bool(detail.get("refused")), kb=kb, source=source, channel="web"
            )
        else:
            self.audit.record(name, action, target, kb=kb, source=source, channel="web", **detail)

    def user(self, request: gr.Request | None) -> str:
        """The user's name; the local person when the app runs without login; gr.Error when nobody is logged in."""
        if not self.auth_enabled:
            return LOCAL_USER
        name = getattr(request, "username", None)
        if not name or self.users.role(name) is None:
            raise refused(request, name, "请先登录")
        return name

    def is_admin(self, request: gr.Request | None) -> bool:
        """True for an admin, and for the one local person of an app without login."""
        if not self.auth_enabled:
            return True
        return self.users.role(getattr(request, "username", None)) == "admin"

    def require_admin(self, request: gr.Request | None) -> str:
        """The admin's name, or gr.Error: only admins may change the knowledge base."""
        name = self.user(request)
        if not self.is_admin(request):
            raise refused(request, name, "只有管理员可以修改知识库")
        return name

    def greeting(self, request: gr.Request | None) -> str:
        """ "当前用户：…（管理员）" for the header."""
        if not self.auth_enabled:
            return f"当前用户：{LOCAL_USER}（本机，无需登录，拥有管理员权限）"
        name = getattr(request, "username", None) or "未登录"
        role = "管理员" if self.is_admin(request) else "普通用户"
        return f"当前用户：{text(name)}（{role}）"
