"""One login check for the web app and the API: local users first, then the LDAP directory; every try audited.

A directory user is mirrored into the users table on each successful login (their
role and their knowledge-base grants follow their groups as they are now), so API
tokens, history and grants work for them as for local users. Their row has no
password hash: the directory stays the only place that can say yes to their password.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING

from kb.accounts import audit

if TYPE_CHECKING:
    from kb.accounts.audit import AuditLog
    from kb.accounts.departments import Departments
    from kb.accounts.ldap_auth import LdapAuthenticator
    from kb.accounts.users import UserStore

log = logging.getLogger(__name__)

# The client address of the request being served, set by the web server's middleware: Gradio's login route
# calls the auth function with only a name and a password.
request_source: ContextVar[str] = ContextVar("request_source", default="")


class Authenticator:
    """Checks a name and password; records the login or the failed login with the client's address."""

    def __init__(
        self,
        users: UserStore,
        audit_log: AuditLog,
        ldap: LdapAuthenticator | None = None,
        departments: Departments | None = None,
    ) -> None:
        self.users = users
        self.audit = audit_log
        self.ldap = ldap if ldap is not None and ldap.enabled else None
        self.departments = departments

    def verify(self, name: str, password: str, channel: str = "web") -> bool:
        """True when the local password or the directory accepts; the outcome goes to the audit log."""
        from kb.accounts.ldap_auth import LdapUnavailable

        name = (name or "").strip()
        source = request_source.get()
        how = ""
        if self.users.verify(name, password):
            how = "local"
        elif self.ldap is not None and not self.users.is_local(name):
            try:
                found = self.ldap.authenticate(name, password)
            except LdapUnavailable as exc:
                log.error("LDAP login of %s impossible: %s", name, exc)
                self.audit.record(name, audit.LOGIN_FAILED, source=source, channel=channel, reason="ldap unavailable")
                return False
            if found is not None:
                self.users.upsert_external(found.name, found.role)
                if self.departments is not None and self.ldap.settings.group_kbs:
                    self._sync_grants(found.name, found.kb_grants)
                how = "ldap"
        if how:
            self.audit.record(name, audit.LOGIN, source=source, channel=channel, method=how)
            return True
        self.audit.record(name[:128], audit.LOGIN_FAILED, source=source, channel=channel)
        return False

    def _sync_grants(self, name: str, grants: dict[str, str]) -> None:
        assert self.departments is not None
        for kb in self.departments.list():
            if kb.id in grants:
                self.departments.grant(name, kb.id, grants[kb.id])
            else:
                self.departments.revoke(name, kb.id)
