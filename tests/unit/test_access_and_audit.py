"""API tokens, roles per knowledge base, the audit log and the OpenAI message split, on a real SQLite database."""

from __future__ import annotations

import sqlite3

import pytest

from kb.accounts.audit import AuditLog, to_csv
from kb.accounts.db import open_db
from kb.accounts.departments import AccessDenied, Departments, Principal
from kb.accounts.tokens import TokenStore, token_hash
from kb.api.openai_api import Message, kb_of, split_messages
from kb.settings import AuditSettings


@pytest.fixture
def sessions(tmp_settings):
    return open_db(tmp_settings)


def test_a_token_is_checked_by_its_hash_and_stops_working_when_revoked(sessions, tmp_settings):
    store = TokenStore(sessions)
    secret = store.create("wang", "OA")
    assert store.user_of(secret) == "wang"
    assert store.user_of(secret + "x") is None and store.user_of("") is None and store.user_of("not-ours") is None
    # The database with its write-ahead log (WAL mode: recent rows are in app.sqlite3-wal).
    raw = b"".join(p.read_bytes() for p in tmp_settings.data_dir.glob("app.sqlite3*"))
    assert secret.encode() not in raw and token_hash(secret).encode() in raw
    (info,) = store.list_tokens("wang")
    assert info.last_used_at is not None and secret.startswith(info.shown)
    assert not store.revoke(info.id, user="li")  # someone else's token
    assert store.revoke(info.id, user="wang") and store.user_of(secret) is None


def test_roles_are_ordered_reader_editor_admin_and_installation_admins_hold_every_knowledge_base():
    p = Principal("zhang", "user", {"zzb": "editor", "default": "reader"})
    assert p.can("zzb", "reader") and p.can("zzb", "editor") and not p.can("zzb", "admin")
    assert p.can("default", "reader") and not p.can("default", "editor")
    assert not p.can("xcb", "reader")
    with pytest.raises(AccessDenied, match="无权读取知识库 xcb"):
        p.require("xcb", "reader")
    assert Principal("root", "admin").can("anything", "admin")


def test_grants_and_shared_knowledge_bases(sessions, tmp_settings):
    deps = Departments(tmp_settings, sessions)
    deps.create("zzb", "组织部")
    with pytest.raises(ValueError):
        deps.create("zzb", "again")
    with pytest.raises(ValueError):
        deps.create("Bad Id", "x")
    deps.grant("zhang", "zzb", "editor")
    assert deps.grants_of("zhang") == {"default": "reader", "zzb": "editor"}
    assert deps.grants_of("li") == {"default": "reader"}
    assert deps.settings_for("zzb").data_dir == tmp_settings.data_dir / "kbs" / "zzb"
    assert deps.settings_for("zzb").store.collection.endswith("__zzb")
    assert deps.revoke("zhang", "zzb") and deps.grants_of("zhang") == {"default": "reader"}


@pytest.mark.parametrize(("mode", "kept"), [("full", "党员的预备期是多长时间？"), ("hashed", "sha256:"), ("off", "")])
def test_the_audit_log_keeps_the_question_as_configured(sessions, mode, kept):
    log = AuditLog(sessions, AuditSettings(question_text=mode))
    log.record_question(
        "wang", "党员的预备期是多长时间？", refused=False, kb="default", source="10.0.0.8", channel="api"
    )
    (e,) = log.events(actor="wang")
    assert e.target.startswith(kept) if kept else e.target == ""
    if mode == "hashed":
        assert "预备期" not in e.target and len(e.target) == len("sha256:") + 64
    assert e.source == "10.0.0.8" and e.detail == {"refused": False}


def test_audit_filters_csv_and_the_database_refuses_changes(sessions, tmp_settings):
    log = AuditLog(sessions, AuditSettings())
    log.record("wang", "upload", "a.txt", kb="zzb", source="127.0.0.1", channel="web", files=[["a.txt", "added"]])
    log.record("li", "login.failed", source="127.0.0.2", channel="web")
    assert [e.actor for e in log.events(action="upload")] == ["wang"]
    assert [e.action for e in log.events(kb="zzb")] == ["upload"]
    assert [e.actor for e in log.events(text="a.txt")] == ["wang"]
    text = to_csv(log.events())
    assert text.splitlines()[0] == "id,time,actor,action,kb,target,detail,source,channel"
    assert "a.txt" in text and "login.failed" in text
    con = sqlite3.connect(tmp_settings.data_dir / "app.sqlite3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit_events SET actor = 'x'")
    con.close()


def test_openai_messages_split_into_the_question_and_earlier_exchanges():
    msgs = [
        Message(role="system", content="你是助手"),
        Message(role="user", content="党员的权利有哪些？"),
        Message(role="assistant", content="……[1]"),
        Message(role="user", content=[{"type": "text", "text": "那义务呢？"}]),
    ]
    question, history = split_messages(msgs)
    assert question == "那义务呢？" and [(h.question, h.answer) for h in history] == [("党员的权利有哪些？", "……[1]")]
    assert kb_of("kb") == "default" and kb_of("kb:zzb") == "zzb" and kb_of("zzb") == "zzb"
