"""Users with argon2 hashes and per-user history in a real SQLite application database (tmp folder)."""

from __future__ import annotations

import io
import json
import sys

import pytest

from kb.accounts.db import open_db
from kb.accounts.history import HistoryStore, answer_from_json, answer_to_json
from kb.accounts.users import UserError, UserStore
from kb.types import Answer, Chunk, Citation, Hit


@pytest.fixture
def sessions(tmp_settings):
    return open_db(tmp_settings)


def _answer(text: str = "预备党员的预备期为一年。[1]", refused: bool = False) -> Answer:
    chunk = Chunk(chunk_id="d:0", doc_id="d", text="第七条　预备党员的预备期为一年。", source="dz.txt", title="党章")
    cite = Citation(1, "dz.txt", "党章", "", "第七条", "预备党员的预备期为一年。", chunk.text, chunk_id="d:0")
    return Answer(
        question="q",
        text=text,
        refused=refused,
        citations=[] if refused else [cite],
        related=[Hit(chunk, 0.5, 0.2, 0.4)] if refused else [],
        rewritten_question="预备党员的预备期是多长时间？",
    )


def test_passwords_are_stored_as_argon2_hashes_and_verified(sessions):
    users = UserStore(sessions)
    users.add("admin", "correct horse", role="admin")
    from kb.accounts.users import User

    with sessions() as s:
        stored = s.get(User, "admin").password_hash
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert users.verify("admin", "correct horse")
    assert not users.verify("admin", "wrong password")
    assert not users.verify("nobody", "correct horse")
    assert users.role("admin") == "admin" and users.role("nobody") is None


def test_bad_users_are_refused_with_a_reason(sessions):
    users = UserStore(sessions)
    users.add("li", "long enough")
    with pytest.raises(UserError, match="已存在"):
        users.add("li", "long enough")
    with pytest.raises(UserError, match="密码至少"):
        users.add("wang", "short")
    with pytest.raises(UserError, match="角色"):
        users.add("wang", "long enough", role="root")
    with pytest.raises(UserError, match="用户名"):
        users.add("../etc", "long enough")
    assert users.list_users() == [("li", "user")] and users.count() == 1
    assert users.remove("li") and not users.remove("li") and users.count() == 0


def test_the_users_command_adds_lists_and_removes_with_the_password_from_stdin(tmp_settings, monkeypatch, capsys):
    from kb.__main__ import main

    kb_dir = str(tmp_settings.data_dir)
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret-pass\n"))
    assert main(["users", "--kb", kb_dir, "add", "zhang", "--role", "admin", "--password-stdin"]) == 0
    assert main(["users", "--kb", kb_dir, "list"]) == 0
    assert "zhang\tadmin" in capsys.readouterr().out
    assert UserStore.open(tmp_settings).verify("zhang", "s3cret-pass")
    assert main(["users", "--kb", kb_dir, "remove", "zhang"]) == 0
    assert main(["users", "--kb", kb_dir, "remove", "zhang"]) == 1


def test_an_answer_survives_the_trip_through_json():
    for a in (_answer(), _answer("知识库中没有找到能回答这个问题的内容。", refused=True)):
        assert answer_from_json(answer_to_json(a)) == a
    a.reason = "最相关的段落提到了“三保”，但没有说明它具体指什么。"
    assert answer_from_json(answer_to_json(a)).reason == a.reason
    # Turns stored before refusals carried a reason read back without one.
    old = {k: v for k, v in json.loads(answer_to_json(a)).items() if k != "reason"}
    assert answer_from_json(json.dumps(old, ensure_ascii=False)).reason == ""


def test_a_user_sees_and_rates_only_their_own_conversations(sessions):
    history = HistoryStore(sessions)
    mine = history.new_conversation("li")
    t1 = history.add_turn("li", mine, "党员的预备期是多长时间？", _answer())
    theirs = history.new_conversation("wang")
    history.add_turn("wang", theirs, "别人的问题", _answer())

    assert [c.id for c in history.conversations("li")] == [mine]
    assert history.conversations("li")[0].title == "党员的预备期是多长时间？"
    with pytest.raises(KeyError):
        history.turns("li", theirs)
    with pytest.raises(KeyError):
        history.add_turn("li", theirs, "插话", _answer())
    with pytest.raises(KeyError):
        history.feedback("wang", t1, rating=-1)
    with pytest.raises(KeyError):
        history.export_markdown("wang", mine)

    history.feedback("li", t1, rating=1)
    history.feedback("li", t1, comment="引用准确")
    t2 = history.add_turn("li", mine, "那正式党员呢？", _answer("正式党员……[1]"))
    history.feedback("li", t2, rating=-1)
    turns = history.turns("li", mine)
    assert [(t.id, t.rating, t.comment) for t in turns] == [(t1, 1, "引用准确"), (t2, -1, "")]
    assert turns[0].answer.citations[0].quote == "预备党员的预备期为一年。"
    # What a follow-up is rewritten with: each question as it was understood, and the answer's text.
    assert history.exchanges("li", mine) == [("预备党员的预备期是多长时间？", "预备党员的预备期为一年。[1]")] + [
        ("预备党员的预备期是多长时间？", "正式党员……[1]")
    ]
    with pytest.raises(KeyError):
        history.exchanges("wang", mine)


def test_a_conversation_exports_as_markdown_with_sources_and_feedback(sessions):
    history = HistoryStore(sessions)
    conv = history.new_conversation("li")
    t = history.add_turn("li", conv, "那预备党员呢？", _answer())
    history.add_turn("li", conv, "党费怎么交？", _answer("知识库中没有找到能回答这个问题的内容。", refused=True))
    why = _answer("知识库中没有找到能回答这个问题的内容。", refused=True)
    why.reason = "最相关的段落没有给出所问的金额。"
    history.add_turn("li", conv, "党费每月交多少元？", why)
    history.feedback("li", t, rating=-1, comment="想看原文")
    md = history.export_markdown("li", conv)
    assert md.startswith("# 那预备党员呢？\n")
    assert "## 问：那预备党员呢？" in md and "*按上下文理解为：预备党员的预备期是多长时间？*" in md
    assert "[1] 《党章》 第七条 · dz.txt" in md and "> 预备党员的预备期为一年。" in md
    assert "反馈：👎 想看原文" in md
    assert "相关内容：" in md
    # A refusal that said why says it in the export too.
    assert "知识库中没有找到能回答这个问题的内容。\n\n最相关的段落没有给出所问的金额。\n" in md


def test_deleting_a_conversation_removes_its_turns_and_feedback(sessions):
    history = HistoryStore(sessions)
    conv = history.new_conversation("li")
    t = history.add_turn("li", conv, "q", _answer())
    history.feedback("li", t, rating=1)
    with pytest.raises(KeyError):
        history.delete_conversation("wang", conv)
    history.delete_conversation("li", conv)
    assert history.conversations("li") == []


def test_the_app_refuses_a_public_interface_without_users_and_allows_it_with_them():
    from app import startup_refusal

    assert startup_refusal("127.0.0.1", auth_enabled=False) is None
    assert "拒绝启动" in startup_refusal("0.0.0.0", auth_enabled=False)
    assert startup_refusal("0.0.0.0", auth_enabled=True) is None


def test_an_index_added_to_an_existing_table_is_made_when_the_database_opens(tmp_settings):
    import sqlite3

    from kb.accounts.db import close_db, database_url

    open_db(tmp_settings)
    path = database_url(tmp_settings).removeprefix("sqlite:///")
    close_db(tmp_settings)
    with sqlite3.connect(path) as conn:  # a database from before the index existed
        conn.execute("DROP INDEX ix_conversations_user_updated")
    sessions = open_db(tmp_settings)
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        plan = " ".join(
            str(r)
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM conversations WHERE user = 'u' ORDER BY updated_at DESC, id DESC LIMIT 1"
            )
        )
    assert "ix_conversations_user_updated" in names and "TEMP B-TREE" not in plan
    history = HistoryStore(sessions)
    first, second = history.new_conversation("u"), history.new_conversation("u")
    history.add_turn("u", first, "预备期多长？", _answer())
    assert [c.id for c in history.conversations("u")] == [first, second]
