"""Per-user learning progress: documents read, self-test answers, and the topics a user gets wrong.

Tables live in the application database (kb/accounts/db.py). The local user of an app
without login has no name; their progress is kept under LOCAL_USER.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.accounts.db import Base

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from kb.learn.quiz import Graded

LOCAL_USER = "本机用户"
WEAK_BELOW = 0.6  # a topic counts as weak below this share of right answers


def _now() -> datetime:
    return datetime.now(UTC)


class DocumentRead(Base):
    """A user opened a document (or one of its sections) in the library."""

    __tablename__ = "progress_reads"
    __table_args__ = (UniqueConstraint("user", "source", name="uq_progress_read"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user: Mapped[str] = mapped_column(String(128), index=True)
    source: Mapped[str] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(String(512), default="")
    times: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    last_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class QuizAnswer(Base):
    """One graded self-test answer."""

    __tablename__ = "progress_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user: Mapped[str] = mapped_column(String(128), index=True)
    qid: Mapped[str] = mapped_column(String(256))
    source: Mapped[str] = mapped_column(String(512), default="")
    topic: Mapped[str] = mapped_column(String(512), default="")
    correct: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)


@dataclass
class Progress:
    """What a user has done so far."""

    user: str
    documents_read: list[str] = field(default_factory=list)  # titles, most recent first
    answered: int = 0
    correct: int = 0
    weak_topics: list[tuple[str, int, int]] = field(default_factory=list)  # (topic, right, asked), weakest first

    @property
    def score(self) -> float:
        """Share of right answers (0 when nothing was answered)."""
        return self.correct / self.answered if self.answered else 0.0


def user_key(username: str | None) -> str:
    """The key progress is stored under: the login name, or LOCAL_USER without login."""
    return username or LOCAL_USER


def record_read(db: sessionmaker, username: str | None, source: str, title: str = "") -> None:
    """Note that a user read a document."""
    user = user_key(username)
    with db.begin() as s:
        row = s.scalar(select(DocumentRead).where(DocumentRead.user == user, DocumentRead.source == source))
        if row is None:
            s.add(DocumentRead(user=user, source=source, title=title or source))
        else:
            row.times += 1
            row.last_at = _now()


def record_answer(db: sessionmaker, username: str | None, graded: Graded) -> None:
    """Store one graded answer."""
    q = graded.question
    with db.begin() as s:
        s.add(
            QuizAnswer(
                user=user_key(username), qid=q.qid, source=q.citation.source, topic=q.topic, correct=graded.correct
            )
        )


def progress(db: sessionmaker, username: str | None) -> Progress:
    """A user's documents read, score and weak topics."""
    user = user_key(username)
    with db() as s:
        reads = s.scalars(select(DocumentRead).where(DocumentRead.user == user).order_by(DocumentRead.last_at.desc()))
        titles = [r.title for r in reads]
        rows = s.execute(
            select(QuizAnswer.topic, func.count(), func.sum(QuizAnswer.correct.cast(Integer)))
            .where(QuizAnswer.user == user)
            .group_by(QuizAnswer.topic)
        ).all()
    answered = sum(n for _, n, _ in rows)
    correct = sum(int(r or 0) for _, _, r in rows)
    weak = [(t, int(r or 0), n) for t, n, r in rows if n and int(r or 0) / n < WEAK_BELOW]
    weak.sort(key=lambda w: (w[1] / w[2], -w[2], w[0]))
    return Progress(user=user, documents_read=titles, answered=answered, correct=correct, weak_topics=weak)
