"""When each account is next polled: intervals, catch-up, back-off, pause.

Pure logic over an injectable clock, so it is tested without sleeping; the
tray's Qt scheduler (``ui.scheduler``) only turns its answers into timers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

MIN_INTERVAL = dt.timedelta(minutes=5)
MAX_INTERVAL = dt.timedelta(days=1)
FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(hours=1)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def clamp_interval(minutes: int | None) -> dt.timedelta | None:
    """The polling interval for a setting in minutes; None or 0 means off."""
    if not minutes or minutes <= 0:
        return None
    interval = dt.timedelta(minutes=minutes)
    return max(MIN_INTERVAL, min(MAX_INTERVAL, interval))


@dataclass
class AccountPlan:
    """The schedule of one account.

    Attributes:
        next_due: when the next run should start; may lie in the past after
            the computer slept or the app was closed, which means "run once now".
        failures: consecutive failed runs; drives the retry back-off.
        last_check: when the last run ended (None: never), from which the
            next one is counted when the interval changes.
    """

    account_id: int
    interval: dt.timedelta
    next_due: dt.datetime
    failures: int = 0
    running: bool = False
    last_check: dt.datetime | None = None


class PollSchedule:
    """Decides which accounts are due; never more than one run per account."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._plans: dict[int, AccountPlan] = {}
        self._paused_until: dt.datetime | None = None
        self._paused_indefinitely = False

    # -- settings ----------------------------------------------------------

    def set_account(
        self,
        account_id: int,
        interval_minutes: int | None,
        last_check: dt.datetime | None = None,
    ) -> None:
        """Add or update an account; an interval of None/0 (or disabled) removes it.

        A never-checked account is due at once; otherwise one interval after
        its last check, which may already have passed. For an account already
        planned only a new interval matters (its own runs keep its times): it
        counts from the last check, while a pending retry or a run going on
        stays as it is.
        """
        interval = clamp_interval(interval_minutes)
        if interval is None:
            self._plans.pop(account_id, None)
            return
        plan = self._plans.get(account_id)
        if plan is None:
            next_due = self._clock() if last_check is None else last_check + interval
            self._plans[account_id] = AccountPlan(
                account_id, interval, next_due, last_check=last_check
            )
            return
        if plan.interval == interval:
            return
        plan.interval = interval
        if plan.failures or plan.running or plan.last_check is None:
            return
        plan.next_due = plan.last_check + interval

    def remove_account(self, account_id: int) -> None:
        self._plans.pop(account_id, None)

    def accounts(self) -> list[int]:
        return sorted(self._plans)

    # -- pause ---------------------------------------------------------------

    def pause(self, until: dt.datetime | None = None) -> None:
        """Stop polling until ``until``, or until ``resume()`` when None."""
        self._paused_until = until
        self._paused_indefinitely = until is None

    def resume(self) -> None:
        self._paused_until = None
        self._paused_indefinitely = False

    def paused(self) -> bool:
        if self._paused_indefinitely:
            return True
        if self._paused_until is None:
            return False
        if self._clock() >= self._paused_until:
            self._paused_until = None
            return False
        return True

    @property
    def paused_until(self) -> dt.datetime | None:
        return self._paused_until if self.paused() else None

    # -- runs ----------------------------------------------------------------

    def due(self) -> list[int]:
        """Accounts to start now: due, not running, and polling not paused.

        However long the gap since a due time, an account is due once: the
        next due time is set from when that run ends, so there is no burst.
        """
        if self.paused():
            return []
        now = self._clock()
        return sorted(
            plan.account_id
            for plan in self._plans.values()
            if not plan.running and plan.next_due <= now
        )

    def started(self, account_id: int) -> None:
        plan = self._plans.get(account_id)
        if plan is not None:
            plan.running = True

    def finished(self, account_id: int, *, ok: bool) -> None:
        """Record a run's end: next run one interval later, or sooner to retry."""
        plan = self._plans.get(account_id)
        if plan is None:
            return
        plan.running = False
        now = self._clock()
        plan.last_check = now
        if ok:
            plan.failures = 0
            plan.next_due = now + plan.interval
            return
        plan.failures += 1
        plan.next_due = now + self.retry_delay(plan)

    @staticmethod
    def retry_delay(plan: AccountPlan) -> dt.timedelta:
        """1, 2, 4, 8… minutes after consecutive failures, never past an hour
        nor past the account's own interval."""
        delay = FIRST_RETRY * (2 ** min(plan.failures - 1, 16))
        return min(delay, MAX_RETRY, plan.interval)

    def postpone(self, account_id: int, until: dt.datetime) -> None:
        """Move an account's next run to ``until`` without counting a failure
        (nothing was tried: the computer is offline, say)."""
        plan = self._plans.get(account_id)
        if plan is not None and not plan.running:
            plan.next_due = until

    def failures(self, account_id: int) -> int:
        plan = self._plans.get(account_id)
        return 0 if plan is None else plan.failures

    def next_due(self, account_id: int) -> dt.datetime | None:
        plan = self._plans.get(account_id)
        return None if plan is None else plan.next_due

    def next_wakeup(self) -> dt.datetime | None:
        """The earliest moment something may become due (for a timer)."""
        waiting = [p.next_due for p in self._plans.values() if not p.running]
        if not waiting or self._paused_indefinitely:
            return None
        earliest = min(waiting)
        paused_until = self.paused_until
        if paused_until is not None:
            earliest = max(earliest, paused_until)
        return earliest
