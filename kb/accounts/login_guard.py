"""Login throttling per account and per address, and idle-session expiry: the bookkeeping, free of any web framework.

Without it, 20 wrong passwords in a row or 40 guesses in 22 s over 8 connections met no resistance.
After `free_failures` failures an account (or an address, with a larger allowance since an office
shares one) must wait, and each further failure doubles the wait up to `max_lockout_s`; a success
clears the account's count. The counts live in the application database (`login_failures`), so app
replicas behind a proxy share them (an attacker cannot spread guesses over replicas) and a restart
does not forget them; rows idle longer than `forget_after_s` and no longer locked are deleted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Float, Integer, String, UniqueConstraint, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from kb.accounts.db import Base

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

ACCOUNT = "account"
ADDRESS = "address"
_KEY_LEN = 256  # longer account names are cut: they are counted, not stored whole


class LoginFailure(Base):
    """Failed logins of one account or one address, and until when it must wait."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))  # account | address
    key: Mapped[str] = mapped_column(String(_KEY_LEN))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Seconds since the epoch (wall clock): replicas share these rows, so a per-process monotonic clock will not do.
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)
    last: Mapped[float] = mapped_column(Float, default=0.0, index=True)


class LoginGuard:
    """Counts failed logins per account and per address (in the application database) and says how long each must wait."""

    def __init__(
        self,
        sessions: sessionmaker,
        free_failures: int = 5,
        address_free_failures: int = 20,
        base_lockout_s: float = 2.0,
        max_lockout_s: float = 900.0,
        forget_after_s: float = 3600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions = sessions
        self.free_failures = free_failures
        self.address_free_failures = address_free_failures
        self.base = base_lockout_s
        self.max = max_lockout_s
        self.forget_after = forget_after_s
        self._clock = clock

    def wait_seconds(self, account: str, address: str) -> float:
        """Seconds before this account may try again from this address (0 = go ahead)."""
        now = self._clock()
        with self._sessions() as s:
            until = s.scalars(
                select(LoginFailure.locked_until).where(
                    ((LoginFailure.kind == ACCOUNT) & (LoginFailure.key == _key(account)))
                    | ((LoginFailure.kind == ADDRESS) & (LoginFailure.key == _key(address)))
                )
            ).all()
        return max([0.0, *(u - now for u in until)])

    def failed(self, account: str, address: str) -> float:
        """Record a failed login; the wait it causes (logged when it locks)."""
        now = self._clock()
        with self._sessions.begin() as s:
            self._forget(s, now)
        acc_fails, acc_wait = self._bump(ACCOUNT, account, self.free_failures, now)
        addr_fails, addr_wait = self._bump(ADDRESS, address, self.address_free_failures, now)
        wait = max(acc_wait, addr_wait)
        if wait > 0:
            log.warning(
                "login throttled: account %r (%d failures), address %s (%d failures): wait %.0f s",
                account[:64],
                acc_fails,
                address,
                addr_fails,
                wait,
            )
        else:
            log.info("failed login for %r from %s", account[:64], address)
        return wait

    def succeeded(self, account: str, address: str) -> None:
        """A correct password: the account starts afresh (the address keeps its count of others' failures)."""
        with self._sessions.begin() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.kind == ACCOUNT, LoginFailure.key == _key(account)))

    def _bump(self, kind: str, key: str, free: int, now: float) -> tuple[int, float]:
        """Add one failure to a row (atomically, as replicas may count at once); (failures, wait it causes)."""
        key = _key(key)
        where = (LoginFailure.kind == kind, LoginFailure.key == key)
        for _ in range(3):  # a concurrent first failure of the same key may insert the row between our steps
            try:
                with self._sessions.begin() as s:
                    # failures + 1 in SQL, not read-modify-write in Python: two replicas never lose a count.
                    done = s.execute(
                        update(LoginFailure).where(*where).values(failures=LoginFailure.failures + 1, last=now)
                    ).rowcount
                    if not done:
                        s.add(LoginFailure(kind=kind, key=key, failures=1, locked_until=0.0, last=now))
                        s.flush()
                    row = s.scalars(select(LoginFailure).where(*where)).one()
                    over = row.failures - free
                    if over <= 0:
                        return row.failures, 0.0
                    wait = min(self.max, self.base * 2 ** (over - 1))
                    row.locked_until = max(row.locked_until, now + wait)
                    return row.failures, wait
            except IntegrityError:
                continue
        raise RuntimeError(f"could not record a failed login for {kind} {key[:64]!r}")

    def _forget(self, s: Session, now: float) -> None:
        # Old rows go, so the table stays small when many names are tried; a row still locked stays.
        s.execute(
            delete(LoginFailure).where(LoginFailure.last < now - self.forget_after, LoginFailure.locked_until < now)
        )


def _key(value: str) -> str:
    return (value or "")[:_KEY_LEN]


class IdleSessions:
    """Last activity per session token; a token idle longer than `idle_s` has expired."""

    def __init__(self, idle_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_s = idle_s
        self._clock = clock
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def touch(self, token: str) -> bool:
        """Record activity on a session; False when it had been idle too long (and is now forgotten)."""
        now = self._clock()
        with self._lock:
            last = self._seen.get(token)
            if last is not None and self.idle_s > 0 and now - last > self.idle_s:
                del self._seen[token]
                return False
            self._seen[token] = now
            if len(self._seen) > 10_000:  # bounded: drop the longest idle
                for k, _ in sorted(self._seen.items(), key=lambda kv: kv[1])[:1000]:
                    del self._seen[k]
        return True
