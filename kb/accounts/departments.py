"""Several knowledge bases in one installation (组织部, 宣传部, 全市共享 …) and who may do what in each.

The knowledge base in `data_dir` itself is `default` (its documents stay where they
are); every other one lives in `data_dir/kbs/<id>/` with its own Chroma collection
(`<collection>__<id>`), its own lexical rows and its own glossary, so a search in
one can never return a passage of another. Users and API tokens are granted a role
per knowledge base:

* reader: ask, search, read documents, glossary, packs and quizzes;
* editor: also upload, delete and re-index documents and edit the glossary;
* admin: also grant and revoke roles in that knowledge base.

An installation admin (global role `admin`) is admin of every knowledge base; the
knowledge bases in `access.shared_kbs` are readable by every logged-in user.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.accounts.db import Base

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from kb.service import KnowledgeBase
    from kb.settings import Settings

DEFAULT_KB = "default"
KB_ROLES: tuple[str, ...] = ("reader", "editor", "admin")
_RANK = {r: i for i, r in enumerate(KB_ROLES)}
_KB_ID = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")


def _now() -> datetime:
    return datetime.now(UTC)


class KnowledgeBaseRow(Base):
    """A knowledge base other than `default`."""

    __tablename__ = "knowledge_bases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Grant(Base):
    """A user's role in one knowledge base."""

    __tablename__ = "kb_grants"
    __table_args__ = (UniqueConstraint("user", "kb_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user: Mapped[str] = mapped_column(String(128), index=True)
    kb_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))


class AccessDenied(PermissionError):
    """The user may not do this in this knowledge base; the message is one Chinese line."""


class UnknownKB(LookupError):
    """There is no knowledge base by that id."""


@dataclass
class Principal:
    """Who is acting: a user, their global role and their role in each knowledge base."""

    name: str
    role: str  # admin | user (installation-wide)
    grants: dict[str, str] = field(default_factory=dict)  # kb id -> reader | editor | admin

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def kb_role(self, kb_id: str) -> str | None:
        """The role in a knowledge base (installation admins are admin everywhere), or None."""
        return "admin" if self.is_admin else self.grants.get(kb_id)

    def can(self, kb_id: str, need: str) -> bool:
        """True when the role in `kb_id` is at least `need` (reader < editor < admin)."""
        have = self.kb_role(kb_id)
        return have is not None and _RANK[have] >= _RANK[need]

    def require(self, kb_id: str, need: str) -> None:
        """AccessDenied unless the role in `kb_id` is at least `need`."""
        if not self.can(kb_id, need):
            what = {"reader": "读取", "editor": "修改", "admin": "管理"}[need]
            raise AccessDenied(f"{self.name} 无权{what}知识库 {kb_id}")


@dataclass
class KBInfo:
    """A knowledge base as listed."""

    id: str
    name: str


class Departments:
    """The knowledge bases of the installation, their grants, and the opened KnowledgeBase of each."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker,
        build: Callable[[Settings], KnowledgeBase] | None = None,
        default: KnowledgeBase | None = None,
    ) -> None:
        self.settings = settings
        self._sessions = sessions
        self._build = build
        self._open: dict[str, KnowledgeBase] = {}
        if default is not None:
            self._open[DEFAULT_KB] = default
        self._lock = threading.Lock()

    # -- the knowledge bases

    def list(self) -> list[KBInfo]:
        """Every knowledge base, `default` first."""
        with self._sessions() as s:
            rows = s.scalars(select(KnowledgeBaseRow).order_by(KnowledgeBaseRow.id)).all()
        return [KBInfo(DEFAULT_KB, self.settings.access.default_kb_name), *(KBInfo(r.id, r.name) for r in rows)]

    def exists(self, kb_id: str) -> bool:
        return any(k.id == kb_id for k in self.list())

    def create(self, kb_id: str, name: str) -> KBInfo:
        """Add a knowledge base; ValueError on a bad or taken id."""
        if not _KB_ID.match(kb_id or ""):
            raise ValueError("知识库标识须为 2–32 个小写字母、数字、- 或 _，以字母开头")
        if not (name or "").strip():
            raise ValueError("请给知识库起个名字")
        with self._sessions.begin() as s:
            if kb_id == DEFAULT_KB or s.get(KnowledgeBaseRow, kb_id) is not None:
                raise ValueError(f"知识库 {kb_id} 已存在")
            s.add(KnowledgeBaseRow(id=kb_id, name=name.strip()[:100]))
        return KBInfo(kb_id, name.strip())

    def settings_for(self, kb_id: str) -> Settings:
        """The settings of one knowledge base: its own folder and Chroma collection, the shared rest."""
        if kb_id == DEFAULT_KB:
            return self.settings
        if not self.exists(kb_id):
            raise UnknownKB(kb_id)
        s = self.settings
        # No database_url: a department's glossary (kb/learn/glossary.py keeps one table of unique terms) lives in
        # SQLite in the department's folder, so one department's terms never show in another's. Users, grants,
        # tokens and the audit log stay in the installation's database (self._sessions). Its index stays in the
        # installation's PostgreSQL database when there is one (store.database_url), in its own schema (kb_id).
        index_url = s.store.database_url or (s.database_url if s.database_url.startswith("postgres") else "")
        store = {"collection": f"{s.store.collection}__{kb_id}", "kb_id": kb_id, "database_url": index_url}
        return s.model_copy(
            update={
                "data_dir": s.data_dir / "kbs" / kb_id,
                "store": s.store.model_copy(update=store),
                "database_url": "",
            }
        )

    def get(self, kb_id: str) -> KnowledgeBase:
        """The opened knowledge base (opened on first use, sharing the default's embedder); UnknownKB."""
        with self._lock:
            if kb_id in self._open:
                return self._open[kb_id]
            settings = self.settings_for(kb_id)
            if self._build is None:
                raise UnknownKB(kb_id)
            kb = self._build(settings)
            self._open[kb_id] = kb
            return kb

    def opened(self) -> dict[str, KnowledgeBase]:
        return dict(self._open)

    # -- grants

    def grant(self, user: str, kb_id: str, role: str) -> None:
        """Give `user` a role in a knowledge base (replacing any earlier one)."""
        if role not in KB_ROLES:
            raise ValueError(f"角色必须是 {'、'.join(KB_ROLES)} 之一")
        if not self.exists(kb_id):
            raise UnknownKB(kb_id)
        with self._sessions.begin() as s:
            row = s.scalar(select(Grant).where(Grant.user == user, Grant.kb_id == kb_id))
            if row is None:
                s.add(Grant(user=user, kb_id=kb_id, role=role))
            else:
                row.role = role

    def revoke(self, user: str, kb_id: str) -> bool:
        with self._sessions.begin() as s:
            row = s.scalar(select(Grant).where(Grant.user == user, Grant.kb_id == kb_id))
            if row is None:
                return False
            s.delete(row)
            return True

    def grants_of(self, user: str) -> dict[str, str]:
        """kb id -> role of a user: their grants, and reader in the shared knowledge bases."""
        out = {k: "reader" for k in self.settings.access.shared_kbs}
        with self._sessions() as s:
            for g in s.scalars(select(Grant).where(Grant.user == user)):
                if _RANK[g.role] >= _RANK.get(out.get(g.kb_id, ""), -1):
                    out[g.kb_id] = g.role
        return out

    def members(self, kb_id: str) -> list[tuple[str, str]]:
        """(user, role) granted in a knowledge base."""
        with self._sessions() as s:
            return [(g.user, g.role) for g in s.scalars(select(Grant).where(Grant.kb_id == kb_id).order_by(Grant.user))]

    def principal(self, name: str, role: str) -> Principal:
        """The Principal of a user with this global role."""
        return Principal(name, role, self.grants_of(name))

    def readable(self, who: Principal) -> list[KBInfo]:
        """The knowledge bases `who` may read."""
        return [k for k in self.list() if who.can(k.id, "reader")]

    def close(self) -> None:
        for kb_id, kb in list(self._open.items()):
            if kb_id != DEFAULT_KB:
                kb.close()
