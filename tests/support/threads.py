"""Evidence of which thread made and used each SQLAlchemy session.

``SessionThreads`` listens to Session class events: the thread in which a
session began its first transaction, and every thread that flushed it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

_LEDGER_TABLES = {"processed_messages", "transactions"}


@dataclass
class SessionThreads:
    created_in: dict[int, int] = field(default_factory=dict)
    flushed_in: dict[int, set[int]] = field(default_factory=dict)
    inserted_in: dict[int, set[int]] = field(default_factory=dict)
    pid: int = field(default_factory=os.getpid)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _begin(self, session: Session, transaction: Any) -> None:
        if transaction.parent is None:
            with self._lock:
                self.created_in.setdefault(id(session), threading.get_ident())

    def _flush(self, session: Session, _context: Any, _instances: Any) -> None:
        with self._lock:
            self.flushed_in.setdefault(id(session), set()).add(threading.get_ident())

    def _execute(self, state: ORMExecuteState) -> None:
        # Bulk inserts of messages and transactions never flush objects.
        target = getattr(state.statement, "table", None)
        if state.is_insert and getattr(target, "name", None) in _LEDGER_TABLES:
            with self._lock:
                sid = id(state.session)
                self.inserted_in.setdefault(sid, set()).add(threading.get_ident())
                self.flushed_in.setdefault(sid, set()).add(threading.get_ident())

    _hooks = (
        ("after_transaction_create", "_begin"),
        ("before_flush", "_flush"),
        ("do_orm_execute", "_execute"),
    )

    def __enter__(self) -> SessionThreads:
        for name, method in self._hooks:
            event.listen(Session, name, getattr(self, method))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, method in self._hooks:
            event.remove(Session, name, getattr(self, method))

    def writer_threads(self) -> set[int]:
        """Threads that wrote through any session (flush or bulk insert)."""
        return set().union(*self.flushed_in.values()) if self.flushed_in else set()

    def inserting_threads(self) -> set[int]:
        """Threads whose sessions inserted processed messages or transactions."""
        return set().union(*self.inserted_in.values()) if self.inserted_in else set()

    def sessions_used_across_threads(self) -> list[int]:
        """Sessions written from a thread other than the one they began in."""
        return [
            sid
            for sid, threads in self.flushed_in.items()
            if threads != {self.created_in.get(sid)}
        ]


def run_job_recording(account_id: int, db_url: str) -> dict[str, Any]:
    """Run the job in this process and report where its sessions lived.

    Module level so that a spawned subprocess can import and call it.
    """
    from emailautomation.jobs import process_account

    with SessionThreads() as threads:
        summary = process_account(account_id, db_url)
    return {
        "pid": os.getpid(),
        "thread": threading.get_ident(),
        "writers": sorted(threads.writer_threads()),
        "inserters": sorted(threads.inserting_threads()),
        "crossed": threads.sessions_used_across_threads(),
        "stored": summary.stored,
        "status": summary.status,
    }
