"""Users and roles of the web app, with argon2-hashed passwords, in the application database.

Two roles: `admin` may change the knowledge base, `user` may only ask. With no
user at all the app runs for one local person (who is then admin) and refuses
to bind beyond loopback; see `app.py`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import DateTime, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.accounts.db import Base, open_db

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from kb.settings import Settings

Role = Literal["admin", "user"]
ROLES: tuple[str, ...] = ("admin", "user")
# The one person using an app started without users on loopback.
LOCAL_USER = "本机用户"
_NAME = re.compile(r"^[\w.@\-\u4e00-\u9fff]{1,64}$")
MIN_PASSWORD = 8
# The password hash of a user who logs in against the directory (kb/accounts/ldap_auth.py): argon2 can never match it.
EXTERNAL = "!ldap"


def _now() -> datetime:
    return datetime.now(UTC)


class User(Base):
    """A person who may log in."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class UserError(ValueError):
    """A user operation that cannot be done; the message is one Chinese line for a person."""


class UserStore:
    """Add, check, list and remove users."""

    def __init__(self, sessions: sessionmaker) -> None:
        from argon2 import PasswordHasher

        self._sessions = sessions
        self._hasher = PasswordHasher()
        # Verifying against a dummy hash for unknown names keeps the login time the same for both cases.
        self._dummy = self._hasher.hash("not a password")

    @classmethod
    def open(cls, settings: Settings) -> UserStore:
        """The user store in the configured application database."""
        return cls(open_db(settings))

    def add(self, name: str, password: str, role: str = "user") -> None:
        """Create a user; UserError when the name is taken or invalid, the role unknown, the password short."""
        if not _NAME.match(name or ""):
            raise UserError("用户名只能包含字母、数字、汉字和 . _ - @，最长 64 个字符")
        if role not in ROLES:
            raise UserError(f"角色必须是 {' 或 '.join(ROLES)}")
        if len(password or "") < MIN_PASSWORD:
            raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")
        with self._sessions.begin() as s:
            if s.get(User, name) is not None:
                raise UserError(f"用户 {name} 已存在")
            s.add(User(name=name, role=role, password_hash=self._hasher.hash(password)))

    def verify(self, name: str, password: str) -> bool:
        """True when the name and password match a user (the auth callback of the web app)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self._sessions() as s:
            user = s.get(User, name or "")
            stored = user.password_hash if user else self._dummy
        try:
            ok = self._hasher.verify(stored, password or "")
        except (VerificationError, InvalidHashError):
            return False
        return ok and user is not None

    def is_local(self, name: str) -> bool:
        """True for a user with a local password (a directory user of the same name cannot take it over)."""
        with self._sessions() as s:
            user = s.get(User, name or "")
            return user is not None and user.password_hash != EXTERNAL

    def upsert_external(self, name: str, role: str) -> None:
        """Create or update a user the directory vouched for, with the role their groups give."""
        if role not in ROLES:
            raise UserError(f"角色必须是 {' 或 '.join(ROLES)}")
        with self._sessions.begin() as s:
            user = s.get(User, name)
            if user is None:
                s.add(User(name=name, role=role, password_hash=EXTERNAL))
            elif user.password_hash == EXTERNAL:
                user.role = role

    def role(self, name: str | None) -> str | None:
        """The role of a user, or None when there is no such user."""
        if not name:
            return None
        with self._sessions() as s:
            user = s.get(User, name)
            return user.role if user else None

    def list_users(self) -> list[tuple[str, str]]:
        """(name, role) of every user, by name."""
        with self._sessions() as s:
            return [(u.name, u.role) for u in s.scalars(select(User).order_by(User.name))]

    def remove(self, name: str) -> bool:
        """Delete a user; False when there is none by that name."""
        with self._sessions.begin() as s:
            user = s.get(User, name)
            if user is None:
                return False
            s.delete(user)
            return True

    def count(self) -> int:
        """How many users exist (0 means the single-person local mode)."""
        with self._sessions() as s:
            return int(s.scalar(select(func.count()).select_from(User)) or 0)


# -- `python -m kb users ...` ---------------------------------------------------
