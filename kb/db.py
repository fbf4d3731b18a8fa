"""The application database (users, history, feedback, progress, glossary): SQLAlchemy.

SQLite in the data folder by default; PostgreSQL (or any SQLAlchemy URL) by
setting `KB_DATABASE_URL`. The knowledge-base index keeps its own SQLite file
(`kb.sqlite3`): this database holds what people do, that one what documents say.
Each feature module declares its tables on `Base`; `open_db` creates what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker

if TYPE_CHECKING:
    from kb.settings import Settings


class Base(DeclarativeBase):
    """Declarative base of every application table."""


def database_url(settings: Settings) -> str:
    """The configured URL, or SQLite at `data_dir/app.sqlite3`."""
    return settings.database_url or f"sqlite:///{(settings.data_dir / 'app.sqlite3').resolve()}"


def open_db(settings: Settings) -> sessionmaker:
    """A session factory over the application database, its tables created if missing."""
    # Importing the feature modules registers their tables on Base before create_all.
    import importlib

    for name in ("kb.users", "kb.history", "kb.progress", "kb.glossary", "kb.tokens", "kb.audit", "kb.departments"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    url = database_url(settings)
    if url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(engine: Engine) -> None:
    # WAL lets the app read history while another request writes feedback.
    @event.listens_for(engine, "connect")
    def _on_connect(conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
