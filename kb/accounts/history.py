"""Conversations, their turns and the feedback on answers, per user, in the application database.

Every read and write takes the user's name and filters by it, so one person can
never see or rate another person's conversation, whatever id a request carries.
An answer is stored whole (text, citations, related passages, rewritten
question) so an old conversation renders exactly as it was answered.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.accounts.db import Base
from kb.types import Answer, Chunk, Citation, Hit

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

TITLE_CHARS = 30


def _now() -> datetime:
    return datetime.now(UTC)


class Conversation(Base):
    """One chat of one user."""

    __tablename__ = "conversations"
    # The history panel lists a user's latest conversations after every answer: by index, not a sort of them all.
    __table_args__ = (Index("ix_conversations_user_updated", "user", "updated_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TurnRow(Base):
    """A question and the answer it got."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    rewritten: Mapped[str] = mapped_column(Text, default="")
    answer_json: Mapped[str] = mapped_column(Text)
    refused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class FeedbackRow(Base):
    """A 👍 or 👎 on an answer, with an optional comment; one per user and turn (the latest wins)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    user: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(Integer)  # +1 or -1
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass
class Turn:
    """A stored turn as the app shows it again."""

    id: int
    question: str
    answer: Answer
    rating: int = 0
    comment: str = ""


@dataclass
class ConversationInfo:
    """A conversation as listed in the history panel."""

    id: int
    title: str
    updated_at: datetime


def answer_to_json(a: Answer) -> str:
    """An Answer as JSON, citations and related passages included."""
    return json.dumps(asdict(a), ensure_ascii=False)


def answer_from_json(s: str) -> Answer:
    """The Answer `answer_to_json` wrote."""
    d: dict[str, Any] = json.loads(s)
    d["citations"] = [Citation(**c) for c in d.get("citations", [])]
    d["related"] = [Hit(**{**h, "chunk": Chunk(**h["chunk"])}) for h in d.get("related", [])]
    return Answer(**d)


class HistoryStore:
    """Per-user conversations, turns and feedback."""

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    def new_conversation(self, user: str, title: str = "") -> int:
        """Start a conversation for `user`; its id."""
        with self._sessions.begin() as s:
            conv = Conversation(user=user, title=title[:TITLE_CHARS])
            s.add(conv)
            s.flush()
            return conv.id

    def _own(self, s: Any, user: str, conversation_id: int) -> Conversation:
        conv = s.get(Conversation, conversation_id)
        if conv is None or conv.user != user:
            # The same error for "missing" and "someone else's": ids reveal nothing.
            raise KeyError(f"no conversation {conversation_id}")
        return conv

    def add_turn(self, user: str, conversation_id: int, question: str, answer: Answer) -> int:
        """Store a question and its answer in the user's conversation; the turn id."""
        with self._sessions.begin() as s:
            conv = self._own(s, user, conversation_id)
            if not conv.title:
                conv.title = " ".join(question.split())[:TITLE_CHARS]
            conv.updated_at = _now()
            row = TurnRow(
                conversation_id=conversation_id,
                question=question,
                rewritten=answer.rewritten_question,
                answer_json=answer_to_json(answer),
                refused=answer.refused,
            )
            s.add(row)
            s.flush()
            return row.id

    def conversations(self, user: str, limit: int = 50) -> list[ConversationInfo]:
        """The user's conversations, most recent first."""
        with self._sessions() as s:
            rows = s.scalars(
                select(Conversation)
                .where(Conversation.user == user)
                .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
                .limit(limit)
            )
            return [ConversationInfo(c.id, c.title or "（空对话）", c.updated_at) for c in rows]

    def turns(self, user: str, conversation_id: int) -> list[Turn]:
        """The turns of one of the user's conversations, in order, with the user's feedback; KeyError otherwise."""
        with self._sessions() as s:
            self._own(s, user, conversation_id)
            rows = list(
                s.scalars(select(TurnRow).where(TurnRow.conversation_id == conversation_id).order_by(TurnRow.id))
            )
            # The user's latest feedback on each turn, in one query rather than one per turn.
            latest: dict[int, FeedbackRow] = {}
            for fb in s.scalars(
                select(FeedbackRow)
                .where(FeedbackRow.turn_id.in_([r.id for r in rows]), FeedbackRow.user == user)
                .order_by(FeedbackRow.id.desc())
            ):
                latest.setdefault(fb.turn_id, fb)
            out = []
            for r in rows:
                fb = latest.get(r.id)
                out.append(
                    Turn(
                        r.id,
                        r.question,
                        answer_from_json(r.answer_json),
                        fb.rating if fb else 0,
                        fb.comment if fb else "",
                    )
                )
            return out

    def exchanges(self, user: str, conversation_id: int) -> list[tuple[str, str]]:
        """(the question as it was understood, the answer's text) of each turn, oldest first; KeyError otherwise.

        What a follow-up is rewritten with, asked before every answer: only the two texts are read from each stored
        answer, not its citations and passages."""
        with self._sessions() as s:
            self._own(s, user, conversation_id)
            rows = s.execute(
                select(TurnRow.question, TurnRow.rewritten, TurnRow.answer_json)
                .where(TurnRow.conversation_id == conversation_id)
                .order_by(TurnRow.id)
            )
            return [(rewritten or question, json.loads(answer).get("text", "")) for question, rewritten, answer in rows]

    def feedback(self, user: str, turn_id: int, rating: int | None = None, comment: str | None = None) -> None:
        """Record 👍 (+1) / 👎 (-1) and/or a comment on one of the user's own answers; KeyError otherwise."""
        if rating is not None and rating not in (1, -1):
            raise ValueError("rating is +1 or -1")
        with self._sessions.begin() as s:
            turn = s.get(TurnRow, turn_id)
            if turn is None:
                raise KeyError(f"no turn {turn_id}")
            self._own(s, user, turn.conversation_id)
            fb = s.scalars(select(FeedbackRow).where(FeedbackRow.turn_id == turn_id, FeedbackRow.user == user)).first()
            if fb is None:
                fb = FeedbackRow(turn_id=turn_id, user=user, rating=rating or 0, comment="")
                s.add(fb)
            if rating is not None:
                fb.rating = rating
            if comment is not None:
                fb.comment = comment.strip()[:2000]
            fb.created_at = _now()

    def delete_conversation(self, user: str, conversation_id: int) -> None:
        """Delete one of the user's conversations with its turns and feedback."""
        with self._sessions.begin() as s:
            self._own(s, user, conversation_id)
            # Children first, by statement: PostgreSQL and SQLite without foreign_keys=ON do not cascade by themselves.
            turn_ids = select(TurnRow.id).where(TurnRow.conversation_id == conversation_id)
            s.execute(delete(FeedbackRow).where(FeedbackRow.turn_id.in_(turn_ids)))
            s.execute(delete(TurnRow).where(TurnRow.conversation_id == conversation_id))
            s.execute(delete(Conversation).where(Conversation.id == conversation_id))

    def export_markdown(self, user: str, conversation_id: int) -> str:
        """One of the user's conversations as a Markdown document with every answer's sources."""
        with self._sessions() as s:
            title = self._own(s, user, conversation_id).title
        lines = [f"# {title or '对话'}", ""]
        for t in self.turns(user, conversation_id):
            a = t.answer
            lines += [f"## 问：{t.question}", ""]
            if a.rewritten_question and a.rewritten_question != t.question:
                lines += [f"*按上下文理解为：{a.rewritten_question}*", ""]
            lines += [a.text, ""] + ([a.reason, ""] if a.refused and a.reason else [])
            for c in a.citations:
                who = "，".join(x for x in (c.author, c.affiliation) if x)
                where = " · ".join(x for x in (who, c.date, c.heading_path or c.location, c.source) if x)
                standing = f"（{c.authority}）" if c.authority else ""
                lines += [f"[{c.marker}] 《{c.title}》{standing} {where}", "", f"> {c.quote}", ""]
            lines += [f"> ⚠️ {n}" for n in a.notices] + ([""] if a.notices else [])
            if a.refused and a.related:
                lines += ["相关内容："] + [
                    f"- 《{h.chunk.title}》 {h.chunk.location}：{h.chunk.text[:80]}…" for h in a.related
                ]
                lines.append("")
            if t.rating:
                lines += [f"反馈：{'👍' if t.rating > 0 else '👎'} {t.comment}".rstrip(), ""]
        return "\n".join(lines).rstrip() + "\n"
