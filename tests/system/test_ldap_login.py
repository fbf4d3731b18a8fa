"""LDAP login against a real OpenLDAP server (slapd) started by the test on loopback with a throwaway directory."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from kb.accounts.ldap_auth import LdapAuthenticator, LdapUnavailable
from kb.settings import LdapSettings
from tests.apiserver import SAMPLE, child_env, must, run, running_app
from tests.ldapserver import PEOPLE, SLAPD, Directory, running_slapd

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Iterator[Directory]:
    if not SLAPD.exists():
        pytest.skip(f"{SLAPD} is absent: install Debian's slapd (make system-deps) to run the LDAP tests")
    with running_slapd(tmp_path_factory.mktemp("slapd")) as d:
        yield d


def ldap_settings(d: Directory, **over: object) -> LdapSettings:
    values: dict[str, object] = {
        "url": d.url,
        "user_dn_template": f"uid={{username}},ou=people,{d.base}",
        "group_search_base": f"ou=groups,{d.base}",
        "group_roles": {"kb-admins": "admin", "zzb-staff": "user"},
        "group_kbs": {"zzb-staff": {"zzb": "editor"}},
    }
    values.update(over)
    return LdapSettings(**values)  # type: ignore[arg-type]


def test_a_directory_user_with_the_right_password_gets_the_role_of_their_group(directory):
    auth = LdapAuthenticator(ldap_settings(directory))
    wang = auth.authenticate("wang", PEOPLE["wang"])
    assert wang is not None and wang.role == "admin" and "kb-admins" in wang.groups
    zhao = auth.authenticate("zhao", PEOPLE["zhao"])
    assert zhao is not None and zhao.role == "user" and zhao.kb_grants == {"zzb": "editor"}


def test_a_wrong_or_empty_password_and_an_unknown_user_are_refused(directory):
    auth = LdapAuthenticator(ldap_settings(directory))
    assert auth.authenticate("wang", "not-the-password") is None
    assert auth.authenticate("wang", "") is None
    assert auth.authenticate("nobody", "whatever-pw") is None


def test_a_user_in_no_mapped_group_is_refused(directory):
    assert LdapAuthenticator(ldap_settings(directory)).authenticate("qian", PEOPLE["qian"]) is None


def test_users_are_found_by_search_when_there_is_no_dn_template(directory):
    auth = LdapAuthenticator(
        ldap_settings(
            directory,
            user_dn_template="",
            user_search_base=f"ou=people,{directory.base}",
            bind_dn=f"uid=wang,ou=people,{directory.base}",
            bind_password=PEOPLE["wang"],
        )
    )
    zhao = auth.authenticate("zhao", PEOPLE["zhao"])
    assert zhao is not None and zhao.dn == f"uid=zhao,ou=people,{directory.base}"
    # A filter-injection attempt finds nobody.
    assert auth.authenticate("*)(uid=*", PEOPLE["zhao"]) is None


def test_an_unreachable_directory_is_an_error_not_a_wrong_password():
    from tests.servers import free_port

    auth = LdapAuthenticator(LdapSettings(url=f"ldap://127.0.0.1:{free_port()}", user_dn_template="uid={username}"))
    with pytest.raises(LdapUnavailable):
        auth.authenticate("wang", "some-password")


def test_the_app_logs_a_directory_user_in_maps_their_department_and_audits_it(directory, tmp_path):
    data = tmp_path / "kb"
    s = ldap_settings(directory)
    env = child_env(
        data,
        KB_LDAP__URL=s.url,
        KB_LDAP__USER_DN_TEMPLATE=s.user_dn_template,
        KB_LDAP__GROUP_SEARCH_BASE=s.group_search_base,
        KB_LDAP__GROUP_ROLES=json.dumps(s.group_roles),
        KB_LDAP__GROUP_KBS=json.dumps(s.group_kbs),
    )
    must(run(["-m", "ingest", str(SAMPLE)], env))
    must(run(["-m", "kb", "users", "add-kb", "zzb", "组织部"], env))
    with running_app(tmp_path, env, data) as url, httpx.Client(base_url=url) as c:
        assert c.post("/login", data={"username": "zhao", "password": PEOPLE["zhao"]}).status_code == 200
        assert c.post("/login", data={"username": "zhao", "password": "wrong-pw"}).status_code == 400
        assert c.post("/login", data={"username": "qian", "password": PEOPLE["qian"]}).status_code == 400
        assert c.post("/login", data={"username": "wang", "password": PEOPLE["wang"]}).status_code == 200
        # The directory user now exists for tokens; their token carries the department role from their group.
        zhao_token = must(run(["-m", "kb", "users", "token", "zhao"], env)).strip()
        wang_token = must(run(["-m", "kb", "users", "token", "wang"], env)).strip()
        me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {zhao_token}"}).json()
        assert me["role"] == "user" and {"id": "zzb", "name": "组织部", "role": "editor"} in me["kbs"]
        events = c.get("/api/v1/audit", headers={"Authorization": f"Bearer {wang_token}"}).json()
    seen = [(e["actor"], e["action"], e["source"]) for e in events]
    assert ("zhao", "login", "127.0.0.1") in seen and ("zhao", "login.failed", "127.0.0.1") in seen
    assert ("qian", "login.failed", "127.0.0.1") in seen and ("wang", "login", "127.0.0.1") in seen
    assert any(e["detail"].get("method") == "ldap" for e in events if e["actor"] == "zhao")
    # The directory's password is never stored.
    assert PEOPLE["zhao"].encode() not in b"".join(p.read_bytes() for p in data.glob("app.sqlite3*"))
