"""ASGI middleware around Gradio's app: login throttling and idle-session expiry (bookkeeping in kb/accounts/login_guard.py).

Gradio's `/login` calls the auth function with a name and a password only, so the address and the
outcome are seen here, at the HTTP layer: a POST to /login is refused with 429 while its account or
address must wait, and its response status (200 or 400) is recorded. Every other request carrying a
session cookie refreshes that session; one idle too long is removed from Gradio's token table, which
sends the browser back to the login page.
"""

from __future__ import annotations

import json
import logging
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from kb.accounts.login_guard import IdleSessions, LoginGuard

log = logging.getLogger(__name__)


def _client(scope: dict) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "?"


def _tokens(scope: dict) -> list[str]:
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is simply not a session
                return []
            return [m.value for k, m in jar.items() if k.startswith("access-token")]
    return []


class SessionGuardMiddleware:
    """Pure ASGI middleware (streams pass through untouched)."""

    def __init__(self, app, guard: LoginGuard, sessions: IdleSessions) -> None:
        self.app = app
        self.guard = guard
        self.sessions = sessions

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST" and scope["path"].rstrip("/").endswith("/login"):
            await self._login(scope, receive, send)
            return
        for token in _tokens(scope):
            if not self.sessions.touch(token):
                tokens = _gradio_tokens(scope.get("app"))
                user = tokens.pop(token, None) if tokens is not None else None
                if user is not None:
                    log.info("session of %r expired after %.0f s idle", user, self.sessions.idle_s)
        await self.app(scope, receive, send)

    async def _login(self, scope, receive, send) -> None:
        # The form is read here (it is small) and replayed to Gradio, so the account name is known.
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
            if sum(map(len, chunks)) > 64_000:
                await _reply(send, 413, "登录请求过大")
                return
        body = b"".join(chunks)
        form = parse_qs(body.decode("utf-8", "replace"))
        account = (form.get("username") or [""])[0].strip()
        address = _client(scope)
        wait = self.guard.wait_seconds(account, address)
        if wait > 0:
            log.warning("login refused while throttled: account %r from %s, %.0f s left", account[:64], address, wait)
            await _reply(send, 429, f"登录失败次数过多，请 {wait:.0f} 秒后再试")
            return
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = {"code": 0}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, replay, watch)
        if status["code"] == 200:
            self.guard.succeeded(account, address)
        elif status["code"] in (400, 401):
            self.guard.failed(account, address)


def _gradio_tokens(app) -> dict | None:
    """Gradio's session-token table: on its own app, or on the Gradio app mounted inside the HTTP API's."""
    tokens = getattr(app, "tokens", None)
    if isinstance(tokens, dict):
        return tokens
    for route in getattr(app, "routes", []):
        tokens = getattr(getattr(route, "app", None), "tokens", None)
        if isinstance(tokens, dict):
            return tokens
    return None


async def _reply(send, code: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": code,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
