"""A throwaway PostgreSQL cluster on 127.0.0.1 for tests (Debian's `postgresql` package, from `make system-deps`).

`initdb` refuses to run as root, so under root the cluster is made and run as the `postgres` user in a temporary
folder it owns. `start_postgres()` returns the SQLAlchemy URL and a stop callable (stops the server, removes the
folder); the `pg_url` fixture (session scope) wraps it for pytest, and other helpers (the multi-replica test, the
benchmarks) call `start_postgres()` directly.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.servers import free_port

if TYPE_CHECKING:
    from kb.settings import Settings

_USER = "postgres"


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (with initdb and pg_ctl), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse root; as any other user the command runs as that user.
    return ["runuser", "-u", _USER, "--", *cmd] if os.geteuid() == 0 else cmd


def start_postgres(database: str = "kb") -> tuple[str, Callable[[], None]]:
    """Start a fresh cluster on a free local port; (postgresql+psycopg URL of `database`, stop)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (make system-deps)")
    root = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, _USER, _USER)
        root.chmod(0o700)
    port = free_port()
    log = root / "server.log"
    subprocess.run(
        _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", _USER, "-A", "trust", "-E", "UTF8",
                      "--locale", "C.UTF-8", "--no-sync"]),
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    # fsync off: a test cluster is thrown away, and 2 shared cores should not wait on the disk.
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    started = subprocess.run(
        _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(log), "-w", "-t", "60", "start"]),
        capture_output=True, text=True,
    )  # fmt: skip

    def stop() -> None:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)

    if started.returncode != 0:
        detail = log.read_text(errors="replace") if log.exists() else started.stderr
        stop()
        raise RuntimeError(f"PostgreSQL did not start: {detail[-2000:]}")
    created = subprocess.run(
        [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", _USER, database],
        capture_output=True, text=True,
    )  # fmt: skip
    if created.returncode != 0:
        stop()
        raise RuntimeError(f"createdb failed: {created.stderr}")
    return f"postgresql+psycopg://{_USER}@127.0.0.1:{port}/{database}", stop


def fresh_database(url: str) -> str:
    """A new empty database in the cluster of `url` (one per test, so tests do not see each other's rows)."""
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(20):
            try:
                with engine.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                break
            except Exception:  # "source database is being accessed by other users": template1 is briefly busy
                if attempt == 19:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


# -- pytest ------------------------------------------------------------------------------------------------------

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[str]:
    """One PostgreSQL cluster for the test session (skipped with a message when PostgreSQL is not installed)."""
    if postgres_bin() is None:
        pytest.skip("PostgreSQL not installed (make system-deps installs Debian's postgresql)")
    url, stop = start_postgres()
    try:
        yield url
    finally:
        stop()


@pytest.fixture
def pg_url(pg_cluster: str) -> Iterator[str]:
    """The URL of an empty database of its own in the session's cluster."""
    from kb.store.database import dispose_engine

    url = fresh_database(pg_cluster)
    try:
        yield url
    finally:
        dispose_engine(url)  # the pool of this process; the cluster goes at the end of the session


def on_backend(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """`settings` with the index on the backend of a test parametrised by BACKENDS (PostgreSQL: a fresh database)."""
    if request.param == "sqlite":
        return settings
    url = request.getfixturevalue("pg_url")
    return settings.model_copy(update={"store": settings.store.model_copy(update={"database_url": url})})
