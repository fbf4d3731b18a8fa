"""Login throttling per account and per address, and idle-session expiry: the bookkeeping, free of any web framework.

Without it, 20 wrong passwords in a row or 40 guesses in 22 s over 8 connections met no resistance.
After `free_failures` failures an account (or an address, with a larger allowance since an office
shares one) must wait, and each further failure doubles the wait up to `max_lockout_s`; a success
clears the account's count. State is in memory: it protects one app process, which is what serves
the login (a fleet behind a proxy would keep it in Redis, see DESIGN.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginGuard:
    """Counts failed logins per account and per address and says how long each must wait."""

    def __init__(
        self,
        free_failures: int = 5,
        address_free_failures: int = 20,
        base_lockout_s: float = 2.0,
        max_lockout_s: float = 900.0,
        forget_after_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_failures = free_failures
        self.address_free_failures = address_free_failures
        self.base = base_lockout_s
        self.max = max_lockout_s
        self.forget_after = forget_after_s
        self._clock = clock
        self._lock = threading.Lock()
        self._accounts: dict[str, _Record] = {}
        self._addresses: dict[str, _Record] = {}

    def wait_seconds(self, account: str, address: str) -> float:
        """Seconds before this account may try again from this address (0 = go ahead)."""
        now = self._clock()
        with self._lock:
            self._forget(now)
            waits = [r.locked_until - now for r in (self._accounts.get(account), self._addresses.get(address)) if r]
        return max([0.0, *waits])

    def failed(self, account: str, address: str) -> float:
        """Record a failed login; the wait it causes (logged when it locks)."""
        now = self._clock()
        with self._lock:
            waits = [
                self._bump(self._accounts, account, self.free_failures, now),
                self._bump(self._addresses, address, self.address_free_failures, now),
            ]
            fails = (self._accounts[account].failures, self._addresses[address].failures)
        wait = max(waits)
        if wait > 0:
            log.warning(
                "login throttled: account %r (%d failures), address %s (%d failures): wait %.0f s",
                account[:64],
                fails[0],
                address,
                fails[1],
                wait,
            )
        else:
            log.info("failed login for %r from %s", account[:64], address)
        return wait

    def succeeded(self, account: str, address: str) -> None:
        """A correct password: the account starts afresh (the address keeps its count of others' failures)."""
        with self._lock:
            self._accounts.pop(account, None)

    def _bump(self, table: dict[str, _Record], key: str, free: int, now: float) -> float:
        rec = table.setdefault(key, _Record())
        rec.failures += 1
        rec.last = now
        over = rec.failures - free
        if over <= 0:
            return 0.0
        wait = min(self.max, self.base * 2 ** (over - 1))
        rec.locked_until = max(rec.locked_until, now + wait)
        return wait

    def _forget(self, now: float) -> None:
        # Old records go, so memory stays bounded when many names are tried.
        for table in (self._accounts, self._addresses):
            stale = [k for k, r in table.items() if now - r.last > self.forget_after and r.locked_until < now]
            for k in stale:
                del table[k]


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
