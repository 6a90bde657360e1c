"""For the tray and scheduler tests: a clock moved by hand, accounts, waiting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update

from emailautomation.schedule import utc_now
from emailautomation.store import Database, MailAccount

RUN_TIMEOUT_MS = 60_000


class HandClock:
    """Starts at the real time (runs store real times) and moves only when told."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def set_account(db_url: str, account_id: int, **values: Any) -> None:
    """Change an account's columns directly (as another program would)."""
    with Database(db_url) as database, database.session() as session:
        session.execute(
            update(MailAccount).where(MailAccount.id == account_id).values(**values)
        )
        session.commit()


def run_once(qtbot: Any, runs: Any, start: Any) -> tuple[int, Any]:
    """Call ``start()`` and wait for the run it starts to end; (account, summary)."""
    with (
        qtbot.waitSignal(runs.idle, timeout=RUN_TIMEOUT_MS),
        qtbot.waitSignal(runs.finished, timeout=RUN_TIMEOUT_MS) as ended,
    ):
        start()
    return ended.args[0], ended.args[1]
