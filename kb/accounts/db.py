"""The application database (users, history, feedback, progress, glossary): SQLAlchemy.

SQLite in the data folder by default; PostgreSQL (or any SQLAlchemy URL) by
setting `KB_DATABASE_URL`. The knowledge-base index is its own database (kb/store/database.py: `kb.sqlite3`, or
the same PostgreSQL database, sharing this engine): this one holds what people do, that one what documents say.
Each feature module declares its tables on `Base`; `open_db` creates what is missing.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from kb.engines import dispose_engine, shared_engine

if TYPE_CHECKING:
    from kb.settings import Settings


class Base(DeclarativeBase):
    """Declarative base of every application table."""


def database_url(settings: Settings) -> str:
    """The configured URL, or SQLite at `data_dir/app.sqlite3`."""
    return settings.database_url or f"sqlite:///{(settings.data_dir / 'app.sqlite3').resolve()}"


# One session factory per database URL for the whole process, over its one engine (kb/engines.py): the users,
# history, glossary and progress stores of one app share a pool instead of each opening their own.
_ENGINES: dict[str, sessionmaker] = {}
_ENGINES_LOCK = threading.Lock()

_TABLE_MODULES = (
    "kb.accounts.users",
    "kb.accounts.history",
    "kb.accounts.tokens",
    "kb.accounts.audit",
    "kb.accounts.departments",
    "kb.accounts.login_guard",
    "kb.accounts.jobs",
    "kb.learn.progress",
    "kb.learn.glossary",
)


def open_db(settings: Settings) -> sessionmaker:
    """The session factory over the application database at the settings' URL, its tables created if missing.

    Opened once per URL per process; later calls return the same factory.
    """
    url = database_url(settings)
    with _ENGINES_LOCK:
        if url not in _ENGINES:
            if url.startswith("sqlite:///"):
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            _ENGINES[url] = _open(url)
        return _ENGINES[url]


def close_db(settings: Settings) -> None:
    """Dispose of the engine of the settings' URL (its file may then be moved or removed); reopened on next use."""
    with _ENGINES_LOCK:
        factory = _ENGINES.pop(database_url(settings), None)
    if factory is not None:
        dispose_engine(database_url(settings))


def _open(url: str) -> sessionmaker:
    # Importing the feature modules registers their tables on Base before create_all.
    import importlib

    for name in _TABLE_MODULES:
        importlib.import_module(name)
    engine = shared_engine(url, _sqlite_pragmas if url.startswith("sqlite") else None)
    Base.metadata.create_all(engine)
    # create_all makes the missing tables with their indexes; an index added later to an existing table is made here.
    for table in Base.metadata.sorted_tables:
        for ix in table.indexes:
            ix.create(engine, checkfirst=True)
    return sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(engine: Engine) -> None:
    # WAL lets the app read history while another request writes feedback.
    @event.listens_for(engine, "connect")
    def _on_connect(conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
