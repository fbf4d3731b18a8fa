"""Everything the web app, the HTTP API and the MCP server share, built once at start-up.

The knowledge bases (departments), users, API tokens, the audit log, the login check
and the background jobs; and who a request acts for (`Principal`). Document
administration comes from `ingest.admin.KBAdmin`, handed in by `app.py` as a factory
because `kb/` never imports `ingest`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kb.accounts.departments import DEFAULT_KB, Departments, Principal
from kb.accounts.users import LOCAL_USER

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from kb.accounts.audit import AuditLog
    from kb.accounts.jobs import JobStore
    from kb.accounts.login import Authenticator
    from kb.accounts.tokens import TokenStore
    from kb.accounts.users import UserStore
    from kb.api.jobs import JobRunner
    from kb.service import KnowledgeBase
    from kb.settings import Settings
    from kb.store.manifest import DocRecord


class DocumentAdmin(Protocol):
    """Upload, list, delete and re-index the documents of one knowledge base (ingest.admin.KBAdmin)."""

    def upload(
        self, files: Iterable[tuple[str, Path]], progress: Callable[[float, str], None] | None = None
    ) -> Any: ...

    def documents(self) -> list[DocRecord]: ...

    def remove(self, source: str) -> bool: ...

    def reindex(self, source: str, progress: Callable[[float, str], None] | None = None) -> Any: ...

    # With a queue (KB_QUEUE__URL): save and queue, the ingest workers do the work.
    @property
    def queued(self) -> bool: ...

    def enqueue_upload(
        self, files: Iterable[tuple[str, Path]], owner: str, origin: str = "", channel: str = ""
    ) -> Any: ...

    def enqueue_reindex(self, source: str, owner: str, origin: str = "", channel: str = "") -> Any: ...


@dataclass
class AppServices:
    """The shared services of one running installation."""

    settings: Settings
    sessions: sessionmaker
    users: UserStore
    tokens: TokenStore
    audit: AuditLog
    departments: Departments
    authenticator: Authenticator
    jobs: JobRunner
    # Decided once at start-up, as for the web app: without users the one local person is admin.
    auth_enabled: bool
    # (knowledge base, its id, the installation's job table) -> its document administration
    admin_factory: Callable[[KnowledgeBase, str, JobStore], DocumentAdmin]
    _admins: dict[str, DocumentAdmin] = field(default_factory=dict)

    def kb(self, kb_id: str = DEFAULT_KB) -> KnowledgeBase:
        """The opened knowledge base by id (UnknownKB when there is none)."""
        return self.departments.get(kb_id)

    def admin(self, kb_id: str) -> DocumentAdmin:
        """The document administration of a knowledge base (one per knowledge base, kept)."""
        if kb_id not in self._admins:
            self._admins[kb_id] = self.admin_factory(self.kb(kb_id), kb_id, self.jobs.store)
        return self._admins[kb_id]

    def principal(self, name: str | None) -> Principal | None:
        """The Principal of a user name, or None when there is no such user (the local admin without login)."""
        if not self.auth_enabled:
            return Principal(LOCAL_USER, "admin")
        role = self.users.role(name)
        if not name or role is None:
            return None
        return self.departments.principal(name, role)

    def kb_for(self, name: str | None, kb_id: str, need: str = "reader") -> KnowledgeBase:
        """The knowledge base `kb_id` when user `name` holds at least `need` in it; AccessDenied otherwise."""
        from kb.accounts.departments import AccessDenied

        who = self.principal(name)
        if who is None or not self.departments.exists(kb_id):
            raise AccessDenied(f"无权访问知识库 {kb_id}")
        who.require(kb_id, need)
        return self.kb(kb_id)

    def readable(self, name: str | None) -> list[tuple[str, str]]:
        """(name, id) of the knowledge bases user `name` may read, for a chooser."""
        who = self.principal(name)
        return [(k.name, k.id) for k in self.departments.readable(who)] if who else []

    def principal_for_token(self, token: str) -> Principal | None:
        """The Principal an API token acts for, or None (unknown or revoked token, removed user)."""
        name = self.tokens.user_of(token)
        if name is None:
            return None
        role = self.users.role(name)
        return self.departments.principal(name, role) if role else None


def build_services(
    settings: Settings,
    default_kb: KnowledgeBase,
    admin_factory: Callable[[KnowledgeBase, str, JobStore], DocumentAdmin],
    auth_enabled: bool,
) -> AppServices:
    """Open the application database and wire the shared services around the default knowledge base."""
    from kb.accounts.audit import AuditLog
    from kb.accounts.db import open_db
    from kb.accounts.jobs import JobStore
    from kb.accounts.ldap_auth import LdapAuthenticator
    from kb.accounts.login import Authenticator
    from kb.accounts.tokens import TokenStore
    from kb.accounts.users import UserStore
    from kb.api.jobs import JobRunner
    from kb.factory import shared_build

    sessions = open_db(settings)
    users = UserStore(sessions)
    log = AuditLog(sessions, settings.audit)
    departments = Departments(settings, sessions, build=shared_build(default_kb.index.embeddings), default=default_kb)
    return AppServices(
        settings=settings,
        sessions=sessions,
        users=users,
        tokens=TokenStore(sessions),
        audit=log,
        departments=departments,
        authenticator=Authenticator(users, log, LdapAuthenticator(settings.ldap), departments),
        jobs=JobRunner(JobStore(sessions)),
        auth_enabled=auth_enabled,
        admin_factory=admin_factory,
    )
