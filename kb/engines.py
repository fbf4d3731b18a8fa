"""One SQLAlchemy engine (one connection pool) per database URL for the whole process.

The application database (kb/accounts/db.py) and the knowledge-base indexes (kb/store/database.py) on the same
PostgreSQL URL share one pool instead of each opening their own. The SQLite index file is the exception: it gets
an engine per open index (kb/store/database.py says why).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine, create_engine

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// (psycopg2's default driver) become postgresql+psycopg:// (psycopg 3, installed)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def shared_engine(url: str, configure: Callable[[Engine], None] | None = None) -> Engine:
    """The process's engine for `url`, created (and given to `configure`, e.g. to add SQLite pragmas) on first use."""
    url = normalise_url(url)
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            # No pre-ping: it is one more round trip per checkout, and an index read checks out on every question
            # (measured: a 30-chunk fetch 3.8 ms without, 7.6 ms with, on the loaded test machine). After a database
            # restart the first statement fails, which invalidates the whole pool; recycling bounds idle connections.
            options = {} if url.startswith("sqlite") else {"pool_recycle": 1800, "pool_size": 10, "max_overflow": 20}
            engine = create_engine(url, **options)
            if configure is not None:
                configure(engine)
            _ENGINES[url] = engine
        return engine


def dispose_engine(url: str) -> None:
    """Close the pool of `url` and forget the engine (its database may then be moved or dropped)."""
    with _LOCK:
        engine = _ENGINES.pop(normalise_url(url), None)
    if engine is not None:
        engine.dispose()
