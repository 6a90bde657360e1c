"""``emailautomation process [NAME...]``: run the job per account, with progress."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from sqlalchemy import select

from emailautomation.errors import AccountNotFound
from emailautomation.jobs import process_account
from emailautomation.jobs.events import (
    Connecting,
    FoundNew,
    MessageDone,
    ProgressEvent,
    RunSummary,
)
from emailautomation.store import MailAccount, open_database


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "process", help="read new alerts of accounts (default: every enabled one)"
    )
    parser.add_argument("names", nargs="*", metavar="NAME")
    parser.set_defaults(func=process)


class TerminalProgress:
    """A one-line progress bar on a terminal; silent when output is not a tty."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()

    def __call__(self, event: ProgressEvent) -> None:
        if not self.enabled:
            return
        if isinstance(event, Connecting):
            self._line(f"{event.account_name}: connecting to {event.host}…")
        elif isinstance(event, FoundNew):
            self._line(f"{event.count} new messages")
        elif isinstance(event, MessageDone) and event.total:
            width = 30
            filled = width * event.index // event.total
            bar = "#" * filled + "-" * (width - filled)
            self._line(f"[{bar}] {event.index}/{event.total}")

    def _line(self, text: str) -> None:
        self.stream.write("\r\033[K" + text)
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def summary_line(summary: RunSummary) -> str:
    counts = (
        f"{summary.found} new, {summary.stored} stored, {summary.ignored} ignored, "
        f"{summary.failed} failed"
    )
    if summary.skipped:
        counts += f", {summary.skipped} already read"
    if summary.status == "failed":
        return f"{summary.account_name}: FAILED: {summary.error} ({counts})"
    if summary.status == "cancelled":
        return f"{summary.account_name}: cancelled ({counts})"
    return f"{summary.account_name}: {counts}"


def process(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            query = select(MailAccount.id, MailAccount.name).order_by(MailAccount.name)
            if args.names:
                rows = session.execute(
                    query.where(MailAccount.name.in_(args.names))
                ).all()
                missing = set(args.names) - {name for _id, name in rows}
                if missing:
                    raise AccountNotFound(
                        "No account named "
                        + ", ".join(repr(n) for n in sorted(missing))
                    )
            else:
                rows = session.execute(query.where(MailAccount.enabled)).all()
    finally:
        database.close()
    if not rows:
        print("No enabled accounts; add one with 'emailautomation account add'.")
        return 0

    failed = False
    bar = TerminalProgress(sys.stderr)
    for account_id, _name in rows:
        summary = process_account(account_id, database.url, progress=bar)
        bar.clear()
        print(summary_line(summary), flush=True)
        failed = failed or summary.status == "failed"
    return 1 if failed else 0
