"""A real OpenLDAP server (Debian's slapd) on loopback with a throwaway directory, for the LDAP login tests.

The directory: dc=example,dc=gov with people wang (in kb-admins), zhao (in zzb-staff),
qian (in no group the app maps). Installed by `make system-deps`; without slapd the tests skip and say why.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, stop

SLAPD = Path("/usr/sbin/slapd")
SCHEMA = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
BASE = "dc=example,dc=gov"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PW = "directory-root-pw"
PEOPLE = {"wang": "wang-ldap-pw1", "zhao": "zhao-ldap-pw2", "qian": "qian-ldap-pw3"}
GROUPS = {"kb-admins": ["wang"], "zzb-staff": ["zhao"], "canteen": ["qian"]}


@dataclass
class Directory:
    url: str
    base: str = BASE

    def user_dn(self, name: str) -> str:
        return f"uid={name},ou=people,{self.base}"


def _config(folder: Path) -> Path:
    db = folder / "db"
    db.mkdir()
    conf = folder / "slapd.conf"
    conf.write_text(
        "\n".join(
            [
                *(f"include {SCHEMA / s}.schema" for s in ("core", "cosine", "nis", "inetorgperson")),
                f"pidfile {folder / 'slapd.pid'}",
                f"modulepath {MODULES}",
                "moduleload back_mdb",
                "database mdb",
                f"suffix {BASE}",
                f"rootdn {ROOT_DN}",
                f"rootpw {ROOT_PW}",
                f"directory {db}",
                "maxsize 10485760",
                # Users may read the directory (groups) once bound; nobody reads passwords.
                "access to attrs=userPassword by self write by anonymous auth by * none",
                "access to * by users read by anonymous auth",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return conf


def _populate(url: str) -> None:
    from ldap3 import Connection, Server

    conn = Connection(Server(url), ROOT_DN, ROOT_PW, auto_bind=True)
    conn.add(BASE, ["top", "dcObject", "organization"], {"o": "Example", "dc": "example"})
    conn.add(f"ou=people,{BASE}", ["organizationalUnit"], {"ou": "people"})
    conn.add(f"ou=groups,{BASE}", ["organizationalUnit"], {"ou": "groups"})
    for name, pw in PEOPLE.items():
        conn.add(
            f"uid={name},ou=people,{BASE}",
            ["inetOrgPerson"],
            {"uid": name, "cn": name, "sn": name, "userPassword": pw},
        )
    for group, members in GROUPS.items():
        conn.add(
            f"cn={group},ou=groups,{BASE}",
            ["groupOfNames"],
            {"cn": group, "member": [f"uid={m},ou=people,{BASE}" for m in members]},
        )
    assert conn.result["result"] == 0, conn.result
    conn.unbind()


@contextmanager
def running_slapd(folder: Path) -> Iterator[Directory]:
    """slapd on a free loopback port over a fresh directory in `folder`, stopped when the block ends."""
    if not SLAPD.exists():
        raise FileNotFoundError(SLAPD)
    conf = _config(folder)
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    log = (folder / "slapd.log").open("wb")
    # -d 0: stay in the foreground (so the test owns the process) without debug output.
    proc = subprocess.Popen([str(SLAPD), "-f", str(conf), "-h", url + "/", "-d", "0"], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"slapd exited: {(folder / 'slapd.log').read_text()[-2000:]}")
            try:
                _populate(url)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield Directory(url)
    finally:
        stop(proc, timeout=10)
        log.close()
