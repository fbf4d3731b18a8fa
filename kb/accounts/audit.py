"""The audit log: who did what, when, from where, in the application database.

Recorded: questions (the text in full, as a hash, or not at all, by
`KB_AUDIT__QUESTION_TEXT`), uploads, deletions and re-indexing of documents,
glossary changes, API token changes, logins and failed logins. Append-only from
the application's side: this module has no update or delete, and on SQLite and
PostgreSQL the database itself refuses UPDATE and DELETE on the table (triggers),
so a bug elsewhere in the app cannot rewrite history either.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DDL, DateTime, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.accounts.db import Base

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from kb.settings import AuditSettings

log = logging.getLogger(__name__)

# Action names, one vocabulary for the UI, the API and the filters.
ASK = "ask"
UPLOAD = "upload"
DELETE = "delete"
REINDEX = "reindex"
GLOSSARY_SAVE = "glossary.save"
GLOSSARY_REMOVE = "glossary.remove"
GLOSSARY_REBUILD = "glossary.rebuild"
LOGIN = "login"
LOGIN_FAILED = "login.failed"
TOKEN_CREATE = "token.create"
TOKEN_REVOKE = "token.revoke"
DENIED = "denied"
ACTIONS = (
    ASK,
    UPLOAD,
    DELETE,
    REINDEX,
    GLOSSARY_SAVE,
    GLOSSARY_REMOVE,
    GLOSSARY_REBUILD,
    LOGIN,
    LOGIN_FAILED,
    TOKEN_CREATE,
    TOKEN_REVOKE,
    DENIED,
)
CSV_COLUMNS = ("id", "time", "actor", "action", "kb", "target", "detail", "source", "channel")


def _now() -> datetime:
    return datetime.now(UTC)


class AuditEvent(Base):
    """One recorded action."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    actor: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    kb: Mapped[str] = mapped_column(String(64), default="")
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # JSON
    source: Mapped[str] = mapped_column(String(64), default="")  # the client's address
    channel: Mapped[str] = mapped_column(String(16), default="")  # web | api | openai | mcp | cli


# The database refuses to change or delete a recorded event.
for _verb in ("UPDATE", "DELETE"):
    event.listen(
        AuditEvent.__table__,
        "after_create",
        DDL(
            f"CREATE TRIGGER audit_events_no_{_verb.lower()} BEFORE {_verb} ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
        ).execute_if(dialect="sqlite"),
    )
event.listen(
    AuditEvent.__table__,
    "after_create",
    DDL(
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$; "
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    ).execute_if(dialect="postgresql"),
)


@dataclass
class Event:
    """An event as read back."""

    id: int
    at: datetime
    actor: str
    action: str
    kb: str
    target: str
    detail: dict[str, Any]
    source: str
    channel: str

    def row(self) -> list[str]:
        """The event as a CSV row (CSV_COLUMNS)."""
        return [
            str(self.id),
            self.at.isoformat(timespec="seconds"),
            self.actor,
            self.action,
            self.kb,
            self.target,
            json.dumps(self.detail, ensure_ascii=False) if self.detail else "",
            self.source,
            self.channel,
        ]


class AuditLog:
    """Append events and read them back with filters."""

    def __init__(self, sessions: sessionmaker, settings: AuditSettings) -> None:
        self._sessions = sessions
        self.settings = settings

    def record(
        self,
        actor: str,
        action: str,
        target: str = "",
        *,
        kb: str = "",
        source: str = "",
        channel: str = "",
        **detail: Any,
    ) -> None:
        """Append one event. A failure to write is logged loudly and raised: an action must not go unrecorded."""
        with self._sessions.begin() as s:
            s.add(
                AuditEvent(
                    actor=(actor or "")[:128],
                    action=action,
                    kb=kb,
                    target=target or "",
                    detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
                    source=(source or "")[:64],
                    channel=channel,
                )
            )

    def question_target(self, question: str) -> str:
        """What the log keeps of a question: the text, its SHA-256, or nothing (`audit.question_text`)."""
        mode = self.settings.question_text
        if mode == "full":
            return question
        if mode == "hashed":
            return "sha256:" + hashlib.sha256(question.encode("utf-8")).hexdigest()
        return ""

    def record_question(
        self, actor: str, question: str, *, refused: bool, kb: str = "", source: str = "", channel: str = ""
    ) -> None:
        """Append an `ask` event with the question kept as configured."""
        self.record(actor, ASK, self.question_target(question), kb=kb, source=source, channel=channel, refused=refused)

    def events(
        self,
        *,
        actor: str = "",
        action: str = "",
        kb: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
        text: str = "",
        limit: int = 1000,
    ) -> list[Event]:
        """Events, newest first, narrowed by actor, action, knowledge base, time range and text in the target."""
        q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(max(1, min(limit, 100_000)))
        if actor:
            q = q.where(AuditEvent.actor == actor)
        if action:
            q = q.where(AuditEvent.action == action)
        if kb:
            q = q.where(AuditEvent.kb == kb)
        if since is not None:
            q = q.where(AuditEvent.at >= since)
        if until is not None:
            q = q.where(AuditEvent.at <= until)
        if text:
            q = q.where(AuditEvent.target.contains(text))
        with self._sessions() as s:
            return [
                Event(
                    r.id,
                    r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC),
                    r.actor,
                    r.action,
                    r.kb,
                    r.target,
                    json.loads(r.detail) if r.detail else {},
                    r.source,
                    r.channel,
                )
                for r in s.scalars(q)
            ]


def to_csv(events: list[Event]) -> str:
    """The events as CSV (UTF-8 text with a header row), for the admin's export."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    w.writerows(e.row() for e in events)
    return buf.getvalue()
