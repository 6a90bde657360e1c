"""Pool work for the window: processing runs, re-reads, connection tests, store tasks.

A runnable holds only plain values (ids, the database URL, settings); what is
stateful (engine, session, IMAP connection) is created inside ``run()`` on the
pool thread and closed there. Results travel back as signals carrying plain
data, delivered on the window's thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from emailautomation import secrets
from emailautomation.errors import EmailAutomationError
from emailautomation.jobs import process_account, reread_messages
from emailautomation.jobs.events import (
    Connecting,
    Finished,
    FoundNew,
    MessageDone,
    ProgressEvent,
)
from emailautomation.mail.imap import ServerSettings, check_connection
from emailautomation.store.database import Database

log = logging.getLogger(__name__)

# The log pane receives lines in bundles: thousands of messages a minute would
# otherwise queue thousands of signals for the window's thread.
LINE_FLUSH_SECONDS = 0.1


class RunSignals(QObject):
    """What a processing run reports; every signal starts with the account id.

    ``progress(account_id, done, total)``: ``total`` 0 means not known yet
    (connecting). ``message(account_id, text)``: one or more log lines.
    ``finished(account_id, RunSummary)``: the job returned (whatever its
    status). ``failed(account_id, reason)``: the job could not run at all.
    """

    progress = Signal(int, int, int)
    message = Signal(int, str)
    finished = Signal(int, object)
    failed = Signal(int, str)


class _ProgressRelay:
    """Turns ``jobs.events`` into signals, at most one progress step per percent."""

    def __init__(self, account_id: int, signals: RunSignals) -> None:
        self.account_id = account_id
        self.signals = signals
        self._lines: list[str] = []
        self._flushed_at = time.monotonic()
        self._percent = -1

    def __call__(self, event: ProgressEvent) -> None:
        if isinstance(event, Connecting):
            self._lines.append(f"connecting to {event.host}:{event.port}…")
            self.signals.progress.emit(self.account_id, 0, 0)
            self.flush()
        elif isinstance(event, FoundNew):
            self._lines.append(_count(event.count, "new message"))
            self.signals.progress.emit(self.account_id, 0, event.count)
            self.flush()
        elif isinstance(event, MessageDone):
            self._message_done(event)
        elif isinstance(event, Finished):
            self.flush()

    def _message_done(self, event: MessageDone) -> None:
        if event.outcome != "skipped":
            self._lines.append(f"{event.outcome}: {event.summary}")
        percent = event.index * 100 // max(event.total, 1)
        if percent != self._percent or event.index == event.total:
            self._percent = percent
            self.signals.progress.emit(self.account_id, event.index, event.total)
        if time.monotonic() - self._flushed_at >= LINE_FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        self._flushed_at = time.monotonic()
        if self._lines:
            self.signals.message.emit(self.account_id, "\n".join(self._lines))
            self._lines = []


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class ProcessingRunnable(QRunnable):
    """One run of ``process_account`` for one account, on a pool thread.

    Holds the account id, the database URL, its signals and a cancel flag;
    nothing else crosses into the pool thread.
    """

    def __init__(self, account_id: int, db_url: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.db_url = db_url
        self.signals = RunSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the run to stop after the message it is reading."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        relay = _ProgressRelay(self.account_id, self.signals)
        try:
            summary = process_account(
                self.account_id, self.db_url, relay, self._cancel.is_set
            )
        except EmailAutomationError as exc:
            relay.flush()
            self.signals.failed.emit(self.account_id, str(exc))
            return
        except Exception as exc:  # a crash must reach the window, not vanish
            log.exception("processing account %s crashed", self.account_id)
            relay.flush()
            self.signals.failed.emit(
                self.account_id, f"Internal error ({type(exc).__name__}): {exc}"
            )
            return
        relay.flush()
        self.signals.finished.emit(self.account_id, summary)


class RereadSignals(QObject):
    """``progress(done, total)``, ``finished(counts by outcome)``, ``failed(why)``."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


class RereadRunnable(QRunnable):
    """Read stored ignored/failed messages again (``jobs.reread_messages``)."""

    def __init__(
        self,
        db_url: str,
        *,
        message_ids: list[int] | None = None,
        account_id: int | None = None,
    ) -> None:
        super().__init__()
        self.db_url = db_url
        self.message_ids = list(message_ids) if message_ids is not None else None
        self.account_id = account_id
        self.signals = RereadSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        def report(event: ProgressEvent) -> None:
            if isinstance(event, MessageDone):
                self.signals.progress.emit(event.index, event.total)

        try:
            totals = reread_messages(
                self.db_url,
                account_id=self.account_id,
                message_ids=self.message_ids,
                progress=report,
                cancel=self._cancel.is_set,
            )
        except EmailAutomationError as exc:
            self.signals.failed.emit(str(exc))
            return
        except Exception as exc:
            log.exception("re-reading messages crashed")
            self.signals.failed.emit(f"Internal error ({type(exc).__name__}): {exc}")
            return
        self.signals.finished.emit(dict(totals))


class CheckSignals(QObject):
    """``succeeded(summary line)`` or ``failed(what went wrong)``."""

    succeeded = Signal(str)
    failed = Signal(str)


class ConnectionCheck(QRunnable):
    """Log in, list folders and count the folder's messages, off the window's thread.

    With no ``password`` the stored one of ``account_id`` is read from the
    keychain here, since a keychain may take its time (or ask to be unlocked).
    """

    def __init__(
        self,
        settings: ServerSettings,
        folder: str,
        *,
        password: str | None = None,
        db_url: str | None = None,
        account_id: int | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.folder = folder
        self._password = password
        self.db_url = db_url
        self.account_id = account_id
        self.signals = CheckSignals()

    def run(self) -> None:
        try:
            password = self._password or self._stored_password()
            summary = check_connection(self.settings, password, self.folder)
        except EmailAutomationError as exc:
            self.signals.failed.emit(str(exc))
            return
        except Exception as exc:
            log.exception("connection test crashed")
            self.signals.failed.emit(f"Internal error ({type(exc).__name__}): {exc}")
            return
        finally:
            self._password = None
        self.signals.succeeded.emit(summary)

    def _stored_password(self) -> str:
        if self.db_url is None or self.account_id is None:
            raise EmailAutomationError("Type the password to test the connection.")
        from emailautomation.ui.ledger import account_password_ref

        database = Database(self.db_url, migrate_schema=False)
        with database, database.session() as session:
            ref = account_password_ref(session, self.account_id)
        return secrets.get_password(ref)


@dataclass(frozen=True, slots=True)
class TaskError:
    """Why a store task failed; ``field`` names the input at fault, if one is."""

    message: str
    field: str | None = None


class TaskSignals(QObject):
    """``done(result)`` or ``failed(TaskError)``."""

    done = Signal(object)
    failed = Signal(object)


StoreWork = Callable[..., Any]


class StoreTask(QRunnable):
    """Call ``work(session, *args)`` with a session opened on the pool thread.

    ``work`` is a function of ``ui.ledger`` that takes and returns plain values;
    its result (or error) comes back through ``signals``.
    """

    def __init__(self, db_url: str, work: StoreWork, *args: Any) -> None:
        super().__init__()
        self.db_url = db_url
        self.work = work
        self.args = args
        self.signals = TaskSignals()

    def run(self) -> None:
        try:
            database = Database(self.db_url, migrate_schema=False)
            with database, database.session() as session:
                result = self.work(session, *self.args)
        except EmailAutomationError as exc:
            self.signals.failed.emit(TaskError(str(exc), getattr(exc, "field", None)))
            return
        except Exception as exc:
            log.exception("%s failed", getattr(self.work, "__name__", "store task"))
            self.signals.failed.emit(
                TaskError(f"Internal error ({type(exc).__name__}): {exc}")
            )
            return
        self.signals.done.emit(result)
