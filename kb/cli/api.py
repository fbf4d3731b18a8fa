"""`python -m kb users token|tokens|revoke-token|grant|add-kb`: API tokens and department access from a terminal."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kb.accounts import audit
from kb.accounts.db import open_db

if TYPE_CHECKING:
    from kb.accounts.users import UserStore
    from kb.settings import Settings


def cmd_access(args: argparse.Namespace, settings: Settings, users: UserStore) -> int:
    """Run one token or grant action; 0 on success, 1 on a refused one."""
    from kb.accounts.audit import AuditLog
    from kb.accounts.departments import Departments, UnknownKB
    from kb.accounts.tokens import TokenStore

    sessions = open_db(settings)
    tokens = TokenStore(sessions)
    log = AuditLog(sessions, settings.audit)
    who = "cli"
    if args.action == "token":
        if users.role(args.name) is None:
            print(f"没有用户 {args.name}：先用 python -m kb users add 添加", file=sys.stderr)
            return 1
        secret = tokens.create(args.name, args.label)
        log.record(who, audit.TOKEN_CREATE, args.name, channel="cli", label=args.label)
        print(secret)
        print(f"（{args.name} 的 API 令牌，只显示这一次；请求时放在 Authorization: Bearer 之后）", file=sys.stderr)
        return 0
    if args.action == "tokens":
        for t in tokens.list_tokens():
            used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "-"
            state = "已撤销" if t.revoked else "有效"
            print(f"{t.id}\t{t.user}\t{t.shown}…\t{t.label}\t{state}\t最近使用 {used}")
        return 0
    if args.action == "revoke-token":
        if not tokens.revoke(args.token_id):
            print(f"没有有效的令牌 {args.token_id}", file=sys.stderr)
            return 1
        log.record(who, audit.TOKEN_REVOKE, str(args.token_id), channel="cli")
        print(f"已撤销令牌 {args.token_id}")
        return 0
    deps = Departments(settings, sessions)
    if args.action == "add-kb":
        try:
            kb = deps.create(args.kb_id, args.kb_name)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(f"已添加知识库 {kb.id}（{kb.name}）")
        return 0
    if users.role(args.name) is None:
        print(f"没有用户 {args.name}", file=sys.stderr)
        return 1
    try:
        deps.grant(args.name, args.kb_id, args.kb_role)
    except UnknownKB:
        print(f"没有知识库 {args.kb_id}", file=sys.stderr)
        return 1
    print(f"{args.name} 在知识库 {args.kb_id} 的角色：{args.kb_role}")
    return 0
