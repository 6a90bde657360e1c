"""The polling schedule, driven by a clock the test moves by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from emailautomation.schedule import PollSchedule, clamp_interval

START = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def schedule(clock: Clock) -> PollSchedule:
    return PollSchedule(clock)


def test_a_never_checked_account_is_due_at_once(schedule):
    schedule.set_account(1, 15)
    assert schedule.due() == [1]


def test_an_account_is_due_one_interval_after_its_last_run(schedule, clock):
    schedule.set_account(1, 15, last_check=START)
    assert schedule.due() == []
    assert schedule.next_wakeup() == START + dt.timedelta(minutes=15)
    clock.advance(minutes=14, seconds=59)
    assert schedule.due() == []
    clock.advance(seconds=1)
    assert schedule.due() == [1]


def test_a_running_account_is_never_due_twice(schedule, clock):
    schedule.set_account(1, 5)
    schedule.started(1)
    clock.advance(hours=3)
    assert schedule.due() == []
    schedule.finished(1, ok=True)
    assert schedule.next_due(1) == clock.now + dt.timedelta(minutes=5)


def test_catch_up_after_sleep_is_one_run_not_a_burst(schedule, clock):
    schedule.set_account(1, 5, last_check=START)
    clock.advance(hours=10)  # the laptop slept through 120 due times
    assert schedule.due() == [1]
    schedule.started(1)
    schedule.finished(1, ok=True)
    assert schedule.due() == []
    assert schedule.next_due(1) == clock.now + dt.timedelta(minutes=5)


def test_failures_back_off_and_success_resets(schedule, clock):
    schedule.set_account(1, 24 * 60, last_check=START)
    clock.advance(days=1)
    delays = []
    for _ in range(9):
        schedule.started(1)
        schedule.finished(1, ok=False)
        delays.append((schedule.next_due(1) - clock.now).total_seconds() / 60)
        clock.now = schedule.next_due(1)
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    schedule.started(1)
    schedule.finished(1, ok=True)
    assert schedule.next_due(1) == clock.now + dt.timedelta(days=1)


def test_retry_never_waits_longer_than_the_interval(schedule, clock):
    schedule.set_account(1, 5)
    for _ in range(5):
        schedule.started(1)
        schedule.finished(1, ok=False)
    assert schedule.next_due(1) - clock.now == dt.timedelta(minutes=5)


def test_pause_for_an_hour_and_until_resumed(schedule, clock):
    schedule.set_account(1, 5)
    schedule.pause(until=clock.now + dt.timedelta(hours=1))
    assert schedule.due() == []
    assert schedule.next_wakeup() == START + dt.timedelta(hours=1)
    clock.advance(hours=1)
    assert schedule.due() == [1]

    schedule.pause()
    clock.advance(days=2)
    assert schedule.due() == [] and schedule.next_wakeup() is None
    schedule.resume()
    assert schedule.due() == [1]


def test_settings_changes_reschedule(schedule, clock):
    schedule.set_account(1, 60, last_check=START)
    schedule.set_account(2, 30, last_check=START)
    schedule.set_account(1, 10)  # shorter interval: due 10 minutes after the last run
    assert schedule.next_due(1) == START + dt.timedelta(minutes=10)
    schedule.set_account(2, 0)  # polling off
    assert schedule.accounts() == [1]
    clock.advance(minutes=10)
    assert schedule.due() == [1]
    schedule.remove_account(1)
    assert schedule.due() == [] and schedule.next_wakeup() is None


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(None, None), (0, None), (1, 5), (5, 5), (90, 90), (5000, 1440)],
)
def test_intervals_are_kept_between_five_minutes_and_a_day(minutes, expected):
    interval = clamp_interval(minutes)
    assert (None if interval is None else interval.total_seconds() / 60) == expected


def test_a_new_interval_counts_from_the_last_run_and_keeps_a_pending_retry(
    schedule, clock
):
    schedule.set_account(1, 60, last_check=START)
    clock.advance(hours=1)
    schedule.started(1)
    schedule.finished(1, ok=False)
    retry = schedule.next_due(1)
    assert retry == clock.now + dt.timedelta(minutes=1)
    schedule.set_account(1, 30)  # settings saved while retrying
    assert schedule.next_due(1) == retry

    clock.now = retry
    schedule.started(1)
    schedule.finished(1, ok=True)
    ended = clock.now
    assert schedule.next_due(1) == ended + dt.timedelta(minutes=30)
    clock.advance(minutes=10)
    schedule.set_account(1, 240)
    assert schedule.next_due(1) == ended + dt.timedelta(hours=4)
    schedule.set_account(1, 15)  # shorter than the time already waited
    assert schedule.next_due(1) == ended + dt.timedelta(minutes=15)
    assert schedule.due() == [] and schedule.failures(1) == 0


def test_postponing_counts_no_failure(schedule, clock):
    schedule.set_account(1, 5)
    schedule.postpone(1, clock.now + dt.timedelta(minutes=5))  # offline, say
    assert schedule.due() == [] and schedule.failures(1) == 0
    clock.advance(minutes=5)
    assert schedule.due() == [1]
    schedule.started(1)
    schedule.postpone(1, clock.now + dt.timedelta(hours=1))  # running: ignored
    schedule.finished(1, ok=True)
    assert schedule.next_due(1) == clock.now + dt.timedelta(minutes=5)
