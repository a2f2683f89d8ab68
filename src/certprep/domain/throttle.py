"""Sign-in throttling: exponential back-off after a few failures, per account and per client
address, with no lockout an attacker can stretch.

- **Per client address:** after ``free`` failures the address must wait 1 s, then 2 s, 4 s, ... up
  to ``address_cap`` (15 minutes) before its next try. One address guessing passwords slows to
  a crawl.
- **Per account:** the same, but capped at ``account_cap`` (60 s): guesses spread over many
  addresses are slowed too, yet an attacker can never keep the real learner out for longer
  than a minute at a time.
- A success clears the account's and the address's record; a record is forgotten after
  ``forget_after`` without failures. At most ``max_keys`` records are kept (the oldest go),
  so memory stays bounded whatever an attacker sends.

Pure: every call takes ``now``. Kept in memory by each server process (several workers each
keep their own, so the limits are per worker process).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class _Record:
    failures: int
    last: datetime
    blocked_until: datetime


@dataclass(frozen=True)
class ThrottlePolicy:
    free: int = 5
    base: timedelta = timedelta(seconds=1)
    address_cap: timedelta = timedelta(minutes=15)
    account_cap: timedelta = timedelta(seconds=60)
    forget_after: timedelta = timedelta(minutes=15)
    max_keys: int = 100_000


class SignInThrottle:
    def __init__(self, policy: ThrottlePolicy | None = None) -> None:
        self.policy = policy or ThrottlePolicy()
        self._records: OrderedDict[tuple[str, str], _Record] = OrderedDict()

    def retry_after(self, account: str, address: str, now: datetime) -> int | None:
        """Whole seconds to wait before this account may be tried from this address, or None
        when it may be tried now."""
        waits = [
            (r.blocked_until - now).total_seconds()
            for r in (self._get(k, now) for k in self._keys(account, address))
            if r is not None and r.blocked_until > now
        ]
        return math.ceil(max(waits)) if waits else None

    def failed(self, account: str, address: str, now: datetime) -> None:
        for key in self._keys(account, address):
            record = self._get(key, now) or _Record(0, now, now)
            record.failures += 1
            record.last = now
            over = record.failures - self.policy.free  # from the free-th failure on: wait
            if over >= 0:
                cap = self.policy.account_cap if key[0] == "account" else self.policy.address_cap
                wait = min(self.policy.base * 2 ** min(over, 30), cap)
                record.blocked_until = now + wait
            self._records[key] = record
            self._records.move_to_end(key)
        while len(self._records) > self.policy.max_keys:
            self._records.popitem(last=False)

    def succeeded(self, account: str, address: str) -> None:
        for key in self._keys(account, address):
            self._records.pop(key, None)

    @staticmethod
    def _keys(account: str, address: str) -> tuple[tuple[str, str], ...]:
        return (("account", account.strip().lower()), ("address", address))

    def _get(self, key: tuple[str, str], now: datetime) -> _Record | None:
        record = self._records.get(key)
        if record is not None and now - record.last > self.policy.forget_after:
            del self._records[key]
            return None
        return record
