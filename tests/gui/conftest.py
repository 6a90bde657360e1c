"""Fixtures for the window tests: settings files, windows, session threads."""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session


@pytest.fixture
def ui_settings(tmp_path: Path):
    """A QSettings file of this test's own, so windows never share state."""
    from PySide6.QtCore import QSettings

    def make() -> QSettings:
        return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)

    return make


WindowFactory = Callable[..., object]


@pytest.fixture
def open_window(qtbot, ui_settings) -> WindowFactory:
    """Open a main window on a database and wait until its views are loaded."""
    from gui_support import wait_views

    from emailautomation.ui.main_window import MainWindow

    def open_(db_url: str, **kwargs: object) -> MainWindow:
        window = MainWindow(db_url, settings=ui_settings(), **kwargs)
        qtbot.addWidget(window)
        window.show()
        wait_views(qtbot, window)
        return window

    return open_


@dataclass
class SessionThreads:
    """Which threads each SQLAlchemy session was used from, and which inserted."""

    threads: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    inserting: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token(self, session: Session) -> str:
        return session.info.setdefault("probe", uuid.uuid4().hex)

    def threads_of_inserting(self) -> set[int]:
        with self.lock:
            return set().union(*(self.threads[t] for t in self.inserting))


@pytest.fixture
def session_threads() -> Iterator[SessionThreads]:
    """Record, per session, every thread that began a transaction, executed a
    statement or flushed, and which sessions inserted messages or transactions."""
    from emailautomation.store.models import ProcessedMessage, Transaction

    record = SessionThreads()

    def on_transaction(session: Session, _transaction: object) -> None:
        with record.lock:
            record.threads[record.token(session)].add(threading.get_ident())

    def on_flush(session: Session, _context: object, _instances: object) -> None:
        with record.lock:
            token = record.token(session)
            record.threads[token].add(threading.get_ident())
            if any(isinstance(o, ProcessedMessage | Transaction) for o in session.new):
                record.inserting.add(token)

    tables = {ProcessedMessage.__tablename__, Transaction.__tablename__}

    def on_execute(state: ORMExecuteState) -> None:
        # Bulk inserts (``session.execute(insert(Model or Table), rows)``)
        # never flush objects; they pass here.
        with record.lock:
            token = record.token(state.session)
            record.threads[token].add(threading.get_ident())
            target = getattr(state.statement, "table", None)
            if state.is_insert and getattr(target, "name", None) in tables:
                record.inserting.add(token)

    hooks = (
        ("after_transaction_create", on_transaction),
        ("before_flush", on_flush),
        ("do_orm_execute", on_execute),
    )
    for name, hook in hooks:
        event.listen(Session, name, hook)
    yield record
    for name, hook in hooks:
        event.remove(Session, name, hook)
