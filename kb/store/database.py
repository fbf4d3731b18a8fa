"""Where the index's rows live: the SQLite file `data_dir/kb.sqlite3` (default) or PostgreSQL, through SQLAlchemy.

`IndexDatabase` owns the engine and gives the rest of `kb/store` three things that differ per engine:

* transactions: `transaction()` is one write transaction (SQLite: BEGIN IMMEDIATE on the one writer connection, so
  commits never deadlock; PostgreSQL: every write transaction first bumps the knowledge base's change counter,
  which serialises writers of one knowledge base the way SQLite's write lock does, so they cannot deadlock either);
  reads made by the thread that holds a transaction see its writes, other reads use the pool;
* the writers' lock that keeps `Index.repair` from tearing down another process's upsert: an fcntl lock on
  `data_dir/kb.writers.lock` with SQLite (one machine), a PostgreSQL advisory lock with PostgreSQL (any machine);
  both are released by the kernel or the server when their process dies;
* the integrity check run on open (`PRAGMA quick_check`; the expected tables and the GIN index on PostgreSQL).

Several knowledge bases (departments) share one PostgreSQL database, each in its own schema `kb_<id>` with the same
tables as the SQLite file: a query cannot reach another department's rows even if it forgets a filter, each one
has its own GIN index and statistics, and dropping a department is `DROP SCHEMA`.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from kb import engines
from kb.engines import normalise_url

if TYPE_CHECKING:
    from kb.settings import Settings

SQLITE = "sqlite"
POSTGRES = "postgresql"
LOCK_NAME = "kb.writers.lock"
_KB_ID = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")
_VERSION_KEY = "data_version"

# PostgreSQL: the process's one engine per URL (kb/engines.py), shared with the application database; the indexes
# of all departments use it, each through its own schema translation. SQLite files get an engine per open index,
# disposed on close, because `doctor --reset` moves the file away and a pooled connection would keep writing to the
# moved file.


def is_postgres(url: str) -> bool:
    return normalise_url(url or "").startswith("postgresql+")


def index_url(settings: Settings) -> str:
    """The index's database: `store.database_url`, else `database_url` when it is PostgreSQL, else kb.sqlite3."""
    url = normalise_url(
        settings.store.database_url or (settings.database_url if is_postgres(settings.database_url) else "")
    )
    if not url:
        return f"sqlite:///{settings.sqlite_path.resolve()}"
    backend = make_url(url).get_backend_name()
    if backend not in (SQLITE, POSTGRES):
        raise ValueError(
            f"知识库索引只支持 SQLite 和 PostgreSQL，不支持 {backend}（{make_url(url).render_as_string()}）"
        )
    return url


def schema_for(kb_id: str) -> str:
    """The PostgreSQL schema of a knowledge base."""
    if not _KB_ID.match(kb_id or ""):
        raise ValueError(f"知识库标识 {kb_id!r} 无效：应为小写字母开头的字母、数字、- 或 _")
    return f"kb_{kb_id}"


def dispose_engine(url: str) -> None:
    """Close the process's pool for a PostgreSQL URL (e.g. before its database is dropped); reopened on next use."""
    engines.dispose_engine(url)


def _sqlite_engine(path: str, query_only: bool, pool_size: int = 5) -> Engine:
    # isolation_level=None: the driver never opens transactions by itself; `transaction()` says BEGIN IMMEDIATE.
    # pool_size 0 (no limit) for the readers: each thread that searches keeps one (`sqlite_reader`).
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": 30, "isolation_level": None, "check_same_thread": False},
        pool_size=pool_size,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        if query_only:
            cur.execute("PRAGMA query_only = 1")
        else:
            cur.execute("PRAGMA journal_mode=WAL")  # searches read while a writer writes
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


_T = TypeVar("_T")


class PerChange(Generic[_T]):
    """A value read from the index and kept until the index changes (`IndexDatabase.change_stamp`): per-question
    reads that cost milliseconds at thousands of documents are made once per change instead. Inside this thread's
    own transaction nothing is kept (its uncommitted writes are not stamped): `get` makes a fresh value."""

    def __init__(self, db: IndexDatabase, make: Callable[[], _T]) -> None:
        self._db = db
        self._make = make
        self._kept: tuple[tuple[int, int], _T] | None = None

    def get(self) -> _T:
        stamp = self._db.change_stamp()
        if stamp is None:
            return self._make()
        kept = self._kept  # one read: another thread may replace it meanwhile
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value = self._make()
        self._kept = (stamp, value)
        return value


class KeptCounts:
    """How many passages hold each word, and how many there are, as a lexical index counts them (`count`), kept
    until the index changes: both the answerer's idf weights and lexical pruning ask for the question's words on
    every question (FTS5's counts took 7 ms per question at 100k passages). Bounded: the words of many thousand
    questions are forgotten at once when there are too many."""

    _TOTAL = "\x00"  # where the passage total is kept: never a word
    _BOUND = 50_000

    def __init__(self, db: IndexDatabase, count: Callable[[list[str]], tuple[dict[str, int], int]]) -> None:
        self._count = count
        self._known: PerChange[dict[str, int]] = PerChange(db, dict)

    def get(self, words: list[str]) -> tuple[dict[str, int], int]:
        known = self._known.get()
        have = {w: known[w] for w in (*words, self._TOTAL) if w in known}  # a copy: another thread may clear it
        todo = [w for w in dict.fromkeys(words) if w not in have]
        if todo or self._TOTAL not in have:
            found, total = self._count(todo)
            have.update({w: found.get(w, 0) for w in todo})
            have[self._TOTAL] = total
            if len(known) > self._BOUND:
                known.clear()
            known.update(have)
        return {w: have[w] for w in words}, have[self._TOTAL]


_UNREAD = ("unread",)  # a pinned change stamp not read yet


class IndexDatabase:
    """The index's connections, transactions, writers' lock and integrity check, for SQLite or PostgreSQL."""

    def __init__(self, settings: Settings) -> None:
        self.url = index_url(settings)
        self.dialect = make_url(self.url).get_backend_name()
        self.data_dir = settings.data_dir
        self.lock = threading.RLock()  # serialises this process's writers (SQLite: they share one connection)
        self._local = threading.local()
        self._own_commits = 0
        self._closed = False
        self._raws: list[Any] = []
        self._raw_lock = threading.Lock()
        if self.dialect == SQLITE:
            self.path: Path | None = settings.sqlite_path
            self.schema = ""
            self.engine = _sqlite_engine(str(settings.sqlite_path), query_only=False)
            self._readers = _sqlite_engine(str(settings.sqlite_path), query_only=True, pool_size=0)
            self._writer: Connection | None = self.engine.connect()
        else:
            self.path = None
            self.schema = schema_for(settings.store.kb_id)
            base = engines.shared_engine(self.url)
            self.engine = base.execution_options(schema_translate_map={None: self.schema})
            self._readers = self.engine
            self._writer = None

    # -- naming ------------------------------------------------------------

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == SQLITE

    def where(self) -> str:
        """Where the rows are, for messages: the file, or the database (without password) and schema."""
        if self.path is not None:
            return str(self.path)
        return f"{make_url(self.url).render_as_string(hide_password=True)}（schema {self.schema}）"

    @property
    def _schema_lock(self) -> str:
        """The advisory lock's name that schema changes take alone and write transactions share (PostgreSQL)."""
        return f"kb-schema:{self.schema}"

    def table(self, name: str) -> str:
        """A table name for hand-written SQL (schema-qualified on PostgreSQL)."""
        if self.is_sqlite:
            return name
        prep = self.engine.dialect.identifier_preparer
        return f"{prep.quote_schema(self.schema)}.{prep.quote(name)}"

    # -- connections -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction (joined when this thread is already in one)."""
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            yield tx
            return
        with self.lock:
            conn = self._writer if self.is_sqlite else self.engine.connect()
            assert conn is not None
            try:
                try:
                    if self.is_sqlite:
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    else:
                        # Shared with every writer, taken alone by a schema change (`schema_change`), and first:
                        # a process opening this knowledge base (its CREATE INDEX … IF NOT EXISTS locks a table
                        # this transaction may write, and it then writes `meta`'s version row, which this one
                        # bumps) waits for the writers or they for it, instead of each for the other.
                        conn.execute(
                            text("SELECT pg_advisory_xact_lock_shared(hashtext(:n))"), {"n": self._schema_lock}
                        )
                        conn.execute(
                            text(f"UPDATE {self.table('meta')} SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT)"
                                 " WHERE key = :k"),
                            {"k": _VERSION_KEY},
                        )  # fmt: skip
                    self._local.tx = conn
                    yield conn
                except BaseException:
                    conn.rollback()
                    raise
                conn.commit()
                self._own_commits += 1
            finally:
                self._local.tx = None
                if not self.is_sqlite:
                    conn.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection to read with: this thread's transaction when it has one, else one from the pool."""
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            yield tx
            return
        with self._readers.connect() as conn:  # closing rolls back the read's implicit transaction
            yield conn

    @contextmanager
    def sqlite_reader(self) -> Iterator[Any]:
        """SQLite only: this thread's sqlite3 connection (its transaction's when it has one), for the query hot path.

        Lexical search and chunk fetches run on every question; SQLAlchemy's statement and row handling cost four
        times the query itself there (320 µs against 83 µs for 30 chunks), so these few statements use the driver
        connection SQLAlchemy pooled, one per thread as before.
        """
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            yield tx.connection.driver_connection
            return
        raw = getattr(self._local, "raw", None)
        if raw is None:
            raw = self._readers.raw_connection()
            self._local.raw = raw
            with self._raw_lock:
                self._raws.append(raw)
        yield raw.driver_connection

    def change_stamp(self) -> tuple[int, int] | None:
        """A value that changes whenever anyone, this process included, commits to the index; None inside this
        thread's own transaction (its uncommitted writes are not stamped), where nothing should be cached."""
        if getattr(self._local, "tx", None) is not None:
            return None
        pin = getattr(self._local, "pin", None)
        if pin is not None:
            if pin is _UNREAD:
                pin = self._local.pin = (self.data_version(), self._own_commits)
            return pin
        return self.data_version(), self._own_commits

    @contextmanager
    def pinned(self, stamp: tuple[int, int] | None = None) -> Iterator[None]:
        """Within it, this thread reads the change stamp once and keeps it: one question asks for it about ten
        times (each kept value checks it), a round trip to PostgreSQL each (15 of a question's 62 ms at 1k
        passages). A commit of another process meanwhile is seen by the next question, as it would be had it
        come a moment later. `stamp`: one already read (by the thread that hands this one part of its question)."""
        if getattr(self._local, "pin", None) is not None:
            yield  # already pinned by an outer block
            return
        self._local.pin = stamp or _UNREAD
        try:
            yield
        finally:
            self._local.pin = None

    def data_version(self) -> int:
        """A number that changes when another process commits to this index (not when we do)."""
        if self.is_sqlite:
            with self.lock:
                assert self._writer is not None
                version = int(self._writer.exec_driver_sql("PRAGMA data_version").scalar_one())
                self._writer.commit()  # ends SQLAlchemy's implicit transaction (no SQL: the driver has none open)
                return version
        with self.read() as conn:
            value = conn.execute(
                text(f"SELECT value FROM {self.table('meta')} WHERE key = :k"), {"k": _VERSION_KEY}
            ).scalar()
        return int(value or 0) - self._own_commits

    # -- schema ------------------------------------------------------------

    @contextmanager
    def schema_change(self) -> Iterator[Connection]:
        """A transaction for creating tables; on PostgreSQL, processes opening one knowledge base at once take turns,
        and with its writers (`transaction`)."""
        if self.is_sqlite:
            # Every statement is CREATE … IF NOT EXISTS or a column the check just found missing, each atomic.
            with self.lock:
                assert self._writer is not None
                yield self._writer
                self._writer.commit()
            return
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": self._schema_lock})
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {self.table('x').split('.')[0]}"))
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.execute(
                text(f"INSERT INTO {self.table('meta')} (key, value) VALUES (:k, '0') ON CONFLICT (key) DO NOTHING"),
                {"k": _VERSION_KEY},
            )
            conn.commit()

    def problem(self) -> str | None:
        """None when the database passes its integrity check, else the first complaint."""
        from sqlalchemy.exc import DBAPIError

        if self.is_sqlite:
            from kb.store.integrity import sqlite_problem

            with self.lock:
                assert self._writer is not None
                return sqlite_problem(self._writer.connection.dbapi_connection)  # type: ignore[arg-type]
        try:
            with self.read() as conn:
                have = set(
                    conn.execute(
                        text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": self.schema}
                    ).scalars()
                )
                missing = {"documents", "chunks", "meta", "lexical", "lexical_stats"} - have
                if missing:
                    return f"缺少表 {', '.join(sorted(missing))}"
                gin = conn.execute(
                    text("SELECT 1 FROM pg_indexes WHERE schemaname = :s AND tablename = 'lexical'"
                         " AND indexdef ILIKE '%USING gin%'"),
                    {"s": self.schema},
                ).first()  # fmt: skip
                if gin is None:
                    return "词法索引缺少 GIN 索引"
                # Chunk rows and lexical rows are written in one transaction, so committed counts always agree;
                # a lexical table lost or emptied by hand would otherwise only show as quieter answers.
                chunks, rows, counted = conn.execute(
                    text(f"SELECT (SELECT count(*) FROM {self.table('chunks')}), (SELECT count(*) FROM"
                         f" {self.table('lexical')}), (SELECT n_rows FROM {self.table('lexical_stats')} WHERE id = 1)")
                ).one()  # fmt: skip
                if not chunks == rows == counted:
                    return f"片段 {chunks} 行，词法索引 {rows} 行（统计 {counted} 行），不一致"
        except DBAPIError as exc:
            return str(exc.orig)
        return None

    # -- the writers' lock ----------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Held (shared) while an upsert or removal runs, so `repair` elsewhere waits for it to end."""
        if self.is_sqlite:
            fd = os.open(self.data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)
                yield
            finally:
                os.close(fd)  # closing releases the lock
            return
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock_shared(hashtext(:n))"), {"n": self._lock_name()})
            conn.commit()
            try:
                yield
            finally:
                self._unlock(conn, "pg_advisory_unlock_shared")

    @contextmanager
    def exclusive(self) -> Iterator[bool]:
        """True (and held) when no other writer is active anywhere, else False at once."""
        if self.is_sqlite:
            fd = os.open(self.data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    yield False
                    return
                yield True
            finally:
                os.close(fd)
            return
        with self.engine.connect() as conn:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(hashtext(:n))"), {"n": self._lock_name()}).scalar()
            )
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    self._unlock(conn, "pg_advisory_unlock")

    def _lock_name(self) -> str:
        return f"kb-writers:{self.schema}"

    def _unlock(self, conn: Connection, fn: str) -> None:
        try:
            conn.execute(text(f"SELECT {fn}(hashtext(:n))"), {"n": self._lock_name()})
            conn.commit()
        except Exception:
            # A session lock must never go back to the pool held: dropping the connection releases it.
            conn.invalidate()
            raise

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        """Close this index's connections (idempotent); a PostgreSQL pool stays for the process's other indexes."""
        if self._closed:
            return
        self._closed = True
        if self.is_sqlite:
            with self.lock:
                if self._writer is not None:
                    self._writer.close()
                    self._writer = None
            with self._raw_lock:
                for raw in self._raws:
                    raw.close()
                self._raws.clear()
            self.engine.dispose()
            self._readers.dispose()
