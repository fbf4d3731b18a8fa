"""Login against the office's LDAP directory: a bind as the user, their groups mapped to roles.

ldap3 (pure Python) speaks the protocol. The password is checked by the directory
itself (a simple bind as the user's DN); the application never stores it. A user
whose groups map to no role is refused when `group_roles` is set, so the directory
decides who may use the knowledge base, not only who exists.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.settings import LdapSettings

log = logging.getLogger(__name__)


class LdapUnavailable(RuntimeError):
    """The directory could not be reached or answered with an error (not: wrong password)."""


@dataclass
class LdapUser:
    """A user the directory vouched for."""

    name: str
    dn: str
    role: str  # admin | user
    groups: list[str] = field(default_factory=list)
    kb_grants: dict[str, str] = field(default_factory=dict)


def _cn(dn: str) -> str:
    first = dn.split(",", 1)[0]
    return first.split("=", 1)[1] if "=" in first else first


class LdapAuthenticator:
    """Checks a name and password against the directory and reads the user's groups."""

    def __init__(self, settings: LdapSettings) -> None:
        self.settings = settings

    @property
    def enabled(self) -> bool:
        return bool(self.settings.url)

    def _connection(self, user: str | None = None, password: str | None = None):  # type: ignore[no-untyped-def]
        from ldap3 import Connection, Server

        # ldap3 packs the receive timeout into a C struct of whole seconds.
        seconds = max(1, math.ceil(self.settings.timeout))
        server = Server(self.settings.url, connect_timeout=seconds)
        conn = Connection(server, user=user, password=password, receive_timeout=seconds)
        if self.settings.start_tls:
            conn.open()
            conn.start_tls()
        return conn

    def _user_dn(self, name: str) -> str | None:
        from ldap3.utils.conv import escape_filter_chars
        from ldap3.utils.dn import escape_rdn

        s = self.settings
        if s.user_dn_template:
            return s.user_dn_template.format(username=escape_rdn(name))
        conn = self._connection(s.bind_dn or None, s.bind_password or None)
        if not conn.bind():
            raise LdapUnavailable(f"service bind failed: {conn.result.get('description')}")
        try:
            conn.search(s.user_search_base, s.user_filter.format(username=escape_filter_chars(name)), attributes=[])
            return conn.entries[0].entry_dn if len(conn.entries) == 1 else None
        finally:
            conn.unbind()

    def authenticate(self, name: str, password: str) -> LdapUser | None:
        """The user when the directory accepts the password (and a group maps to a role); None when it does not.

        LdapUnavailable when the directory cannot be asked: a person sees that login is broken,
        not that their password is wrong.
        """
        from ldap3.core.exceptions import LDAPException
        from ldap3.utils.conv import escape_filter_chars

        # An empty password is an "unauthenticated bind" that many servers accept: never a login.
        if not self.enabled or not name or not password:
            return None
        try:
            dn = self._user_dn(name)
            if dn is None:
                return None
            conn = self._connection(dn, password)
            if not conn.bind():
                if conn.result.get("result") == 49:  # invalidCredentials
                    return None
                raise LdapUnavailable(f"bind failed: {conn.result.get('description')}")
            try:
                groups: list[str] = []
                if self.settings.group_search_base:
                    flt = self.settings.group_filter.format(
                        dn=escape_filter_chars(dn), username=escape_filter_chars(name)
                    )
                    conn.search(self.settings.group_search_base, flt, attributes=["cn"])
                    groups = [e.entry_dn for e in conn.entries]
            finally:
                conn.unbind()
        except LDAPException as exc:
            raise LdapUnavailable(str(exc)) from exc
        return self._map(name, dn, groups)

    def _map(self, name: str, dn: str, groups: list[str]) -> LdapUser | None:
        s = self.settings
        keys = {g.lower() for g in groups} | {_cn(g).lower() for g in groups}
        roles = {role for g, role in s.group_roles.items() if g.lower() in keys}
        grants: dict[str, str] = {}
        rank = {"reader": 0, "editor": 1, "admin": 2}
        for g, kbs in s.group_kbs.items():
            if g.lower() in keys:
                for kb_id, role in kbs.items():
                    if rank[role] >= rank.get(grants.get(kb_id, ""), -1):
                        grants[kb_id] = role
        if s.group_roles and not roles and not grants:
            log.info("LDAP user %s is in no mapped group: refused", name)
            return None
        role = "admin" if "admin" in roles else "user"
        return LdapUser(name, dn, role, [_cn(g) for g in groups], grants)
