"""`python -m kb users`: local accounts and, through `kb.cli.api`, API tokens and knowledge-base grants."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from kb.accounts.db import open_db
from kb.accounts.users import ROLES, UserError, UserStore

if TYPE_CHECKING:
    from kb.settings import Settings


def add_cli(sub: argparse._SubParsersAction) -> None:
    """Register `users add|list|remove` on the `python -m kb` parser."""
    p = sub.add_parser("users", help="manage the web app's users (add, list, remove)")
    p.add_argument("--kb", help="knowledge-base folder (the user database lives beside the index)")
    act = p.add_subparsers(dest="action", required=True)
    a = act.add_parser("add", help="add a user; the password is asked for, or read from stdin")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, default="user")
    a.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    lst = act.add_parser("list", help="list users and roles")
    r = act.add_parser("remove", help="remove a user")
    r.add_argument("name")
    t = act.add_parser("token", help="make an API token for a user (printed once; only its hash is kept)")
    t.add_argument("name")
    t.add_argument("--label", default="", help="what the token is for, shown in lists")
    act.add_parser("tokens", help="list API tokens (never the secrets)")
    rt = act.add_parser("revoke-token", help="revoke an API token by its id")
    rt.add_argument("token_id", type=int)
    g = act.add_parser("grant", help="give a user a role in a knowledge base (reader, editor, admin)")
    g.add_argument("name")
    g.add_argument("kb_id")
    g.add_argument("kb_role", choices=("reader", "editor", "admin"))
    k = act.add_parser("add-kb", help="add a knowledge base (a department)")
    k.add_argument("kb_id")
    k.add_argument("kb_name")
    # --kb after the action too (`users add NAME --kb DIR`), as every other command takes it at the end.
    for action in (a, lst, r, t, rt, g, k):
        action.add_argument("--kb", default=argparse.SUPPRESS, help="knowledge-base folder")
    p.set_defaults(fn=cmd_users)


def cmd_users(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Run one `users` action; exit code 0 on success, 1 on a refused operation."""
    from kb.settings import load_settings_for

    settings = settings or load_settings_for(args.kb)
    store = UserStore.open(settings)
    if args.action in ("token", "tokens", "revoke-token", "grant", "add-kb"):
        from kb.cli.api import cmd_access

        return cmd_access(args, settings, store)
    if args.action == "list":
        rows = store.list_users()
        if not rows:
            print("还没有用户：网页只能在本机（127.0.0.1）无登录使用")
        for name, role in rows:
            print(f"{name}\t{role}")
        return 0
    if args.action == "remove":
        if not store.remove(args.name):
            print(f"没有用户 {args.name}", file=sys.stderr)
            return 1
        from kb.accounts.tokens import TokenStore

        TokenStore(open_db(settings)).revoke_all(args.name)  # a removed user's programs lose access too
        print(f"已删除用户 {args.name}")
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"{args.name} 的密码：")
        if getpass.getpass("再输入一次：") != password:
            print("两次输入的密码不一致", file=sys.stderr)
            return 1
    try:
        store.add(args.name, password, args.role)
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"已添加用户 {args.name}（{args.role}）")
    return 0
