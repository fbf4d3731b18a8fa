"""Login throttling kept in the application database: replicas share the counts, a restart keeps them.

Each "replica" is a real separate Python process with its own engine on the same SQLite file, as two app
processes behind a proxy would be (PostgreSQL by URL works the same way: the count is one SQL UPDATE).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kb.accounts.db import close_db, database_url, open_db
from kb.accounts.login_guard import LoginFailure, LoginGuard

REPO_ROOT = Path(__file__).resolve().parents[2]


class Clock:
    """Wall-clock seconds the test moves by hand (the guard takes its clock as a parameter)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _replica_code(url: str, script: str, **guard_args: int) -> str:
    """Python for another process: `guard`, a LoginGuard with its own engine on the database at `url`, then `script`."""
    args = "".join(f", {k}={v}" for k, v in guard_args.items())
    return textwrap.dedent(
        f"""
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker
        from kb.accounts.login_guard import LoginGuard
        guard = LoginGuard(sessionmaker(create_engine({url!r}), expire_on_commit=False){args})
        """
    ) + textwrap.dedent(script)


def _replica(url: str, script: str) -> str:
    """Run `script` in another Python process (a replica) and return what it printed."""
    r = subprocess.run(
        [sys.executable, "-c", _replica_code(url, script)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_two_replicas_over_one_database_share_the_count_of_failed_logins(tmp_settings):
    guard = LoginGuard(open_db(tmp_settings))
    for _ in range(3):
        assert guard.failed("wang", "10.0.0.1") == 0
    # The other replica's three failures add to these: the sixth failure of the account must wait.
    out = _replica(database_url(tmp_settings), "print([guard.failed('wang', '10.0.0.2') for _ in range(3)])")
    assert out.strip() == "[0.0, 0.0, 2.0]"
    assert 1.5 < guard.wait_seconds("wang", "10.0.0.1") <= 2.0  # seen by this replica too, from any address


def test_replicas_counting_at_the_same_moment_lose_no_failure(tmp_settings):
    guard = LoginGuard(open_db(tmp_settings), free_failures=1000, address_free_failures=1000)
    code = _replica_code(
        database_url(tmp_settings),
        "for _ in range(25): guard.failed('li', '10.0.0.9')",
        free_failures=1000,
        address_free_failures=1000,
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for _ in range(25):
        guard.failed("li", "10.0.0.9")
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read() if p.stderr else ""
    with open_db(tmp_settings)() as s:
        counts = {(r.kind, r.key): r.failures for r in s.query(LoginFailure)}
    assert counts == {("account", "li"): 75, ("address", "10.0.0.9"): 75}


def test_a_restart_keeps_the_count_and_the_wait(tmp_settings):
    clock = Clock()
    guard = LoginGuard(open_db(tmp_settings), clock=clock)
    waits = [guard.failed("wang", "10.0.0.1") for _ in range(7)]
    assert waits == [0, 0, 0, 0, 0, 2.0, 4.0]  # the same backoff: free failures, then doubling
    close_db(tmp_settings)  # the process ends: its engine and everything in its memory are gone
    restarted = LoginGuard(open_db(tmp_settings), clock=clock)
    assert restarted.wait_seconds("wang", "10.0.0.1") == 4.0
    clock.now += 4.5
    assert restarted.wait_seconds("wang", "10.0.0.1") == 0
    assert restarted.failed("wang", "10.0.0.1") == 8.0  # the count went on from 7, not from 0


def test_waits_double_up_to_the_maximum_and_a_success_clears_only_the_account(tmp_settings, caplog):
    clock = Clock()
    guard = LoginGuard(open_db(tmp_settings), free_failures=2, address_free_failures=4, max_lockout_s=10, clock=clock)
    with caplog.at_level(logging.INFO, logger="kb.accounts.login_guard"):
        waits = [guard.failed("zhao", "10.0.0.3") for _ in range(8)]
    assert waits == [0, 0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert "login throttled: account 'zhao' (8 failures), address 10.0.0.3 (8 failures): wait 10 s" in caplog.text
    assert "failed login for 'zhao' from 10.0.0.3" in caplog.text
    guard.succeeded("zhao", "10.0.0.3")
    assert guard.wait_seconds("zhao", "10.0.0.4") == 0  # the account starts afresh
    assert guard.wait_seconds("someone", "10.0.0.3") == 10.0  # the address still waits for its guesses


def test_old_failures_are_forgotten_and_their_rows_deleted(tmp_settings):
    clock = Clock()
    guard = LoginGuard(open_db(tmp_settings), forget_after_s=3600, clock=clock)
    for name in ("a", "b", "c"):
        guard.failed(name, "10.0.0.5")
    clock.now += 3601
    guard.failed("d", "10.0.0.6")  # any failure sweeps the rows nobody has touched for an hour
    with open_db(tmp_settings)() as s:
        keys = sorted(r.key for r in s.query(LoginFailure))
    assert keys == ["10.0.0.6", "d"]
    assert guard.failed("a", "10.0.0.5") == 0  # counting starts again


@pytest.mark.parametrize("name", ["x" * 5000, "", "名字\x00"])
def test_odd_account_names_are_counted_without_failing(tmp_settings, name):
    guard = LoginGuard(open_db(tmp_settings), free_failures=1)
    assert guard.failed(name, "10.0.0.7") == 0
    assert guard.failed(name, "10.0.0.7") == 2.0
    assert guard.wait_seconds(name, "10.0.0.7") > 0
