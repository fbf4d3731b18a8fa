"""Personal API tokens: what a program sends (`Authorization: Bearer kb_…`) to act as a user.

A token is 32 random bytes shown once when it is made; the database keeps only its
SHA-256. A slow password hash (argon2, as for passwords) buys nothing here: the token
is random, not chosen by a person, so it cannot be guessed from a list, and every API
request checks one. A token carries no rights of its own: each request looks up the
user it belongs to, so removing the user, changing their role or their knowledge
bases takes effect on the next request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.accounts.db import Base

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

PREFIX = "kb_"
# The start of a token shown in lists, so a person can tell their tokens apart without the secret.
_SHOWN = 10


def _now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(Base):
    """A token of a user, by its hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    shown: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


@dataclass
class TokenInfo:
    """A token as listed (never the secret)."""

    id: int
    user: str
    label: str
    shown: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class TokenStore:
    """Make, check, list and revoke API tokens."""

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    def create(self, user: str, label: str = "") -> str:
        """A new token for `user`: the secret, returned this once."""
        token = PREFIX + secrets.token_urlsafe(32)
        with self._sessions.begin() as s:
            s.add(ApiToken(user=user, label=label[:100], token_hash=token_hash(token), shown=token[:_SHOWN]))
        return token

    def user_of(self, token: str) -> str | None:
        """The user a live token belongs to, or None (unknown, revoked, or not a token)."""
        if not token or not token.startswith(PREFIX):
            return None
        digest = token_hash(token)
        with self._sessions.begin() as s:
            row = s.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
            # The lookup is by hash; compare again in constant time so timing says nothing about near misses.
            if row is None or row.revoked or not hmac.compare_digest(row.token_hash, digest):
                return None
            row.last_used_at = _now()
            return row.user

    def list_tokens(self, user: str | None = None) -> list[TokenInfo]:
        """Every token (or one user's), newest first."""
        with self._sessions() as s:
            q = select(ApiToken).order_by(ApiToken.id.desc())
            if user is not None:
                q = q.where(ApiToken.user == user)
            return [
                TokenInfo(r.id, r.user, r.label, r.shown, r.created_at, r.last_used_at, r.revoked) for r in s.scalars(q)
            ]

    def revoke(self, token_id: int, user: str | None = None) -> bool:
        """Revoke a token (only `user`'s when given); False when there is no such live token."""
        with self._sessions.begin() as s:
            row = s.get(ApiToken, token_id)
            if row is None or row.revoked or (user is not None and row.user != user):
                return False
            row.revoked = True
            return True

    def revoke_all(self, user: str) -> int:
        """Revoke every token of a user (when the user is removed); how many."""
        with self._sessions.begin() as s:
            rows = s.scalars(select(ApiToken).where(ApiToken.user == user, ApiToken.revoked.is_(False))).all()
            for r in rows:
                r.revoked = True
            return len(rows)
