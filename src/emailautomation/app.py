"""The desktop application: ``main(argv)`` opens the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from emailautomation import APP_NAME, APP_TITLE
from emailautomation.errors import EmailAutomationError

log = logging.getLogger(__name__)

ORGANIZATION = "Email Automation"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"{APP_NAME}-gui", description=APP_TITLE)
    parser.add_argument(
        "--db", metavar="URL", help="database URL or SQLite file (as for the CLI)"
    )
    parser.add_argument(
        "--minimized", action="store_true", help="start without showing the window"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window, check it drew, close it; exit non-zero on any error",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Open the main window and run the event loop; returns the exit status.

    Reuses the ``QApplication`` that already exists (tests, an embedding
    program); otherwise creates one, passing Qt's own options through.
    """
    args, qt_args = build_parser().parse_known_args(
        list(sys.argv[1:] if argv is None else argv)
    )

    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *qt_args])
    assert isinstance(app, QApplication)
    configure_application(app)

    from emailautomation.store import open_database, resolve_database_url

    try:
        db_url = resolve_database_url(args.db)
        open_database(db_url).close()  # migrate once, before any worker opens it
    except (EmailAutomationError, OSError) as exc:
        log.error("cannot open the database: %s", exc)
        print(f"{APP_NAME}: {exc}", file=sys.stderr)
        QMessageBox.critical(
            None, APP_TITLE, f"The database cannot be opened.\n\n{exc}"
        )
        return 1

    from emailautomation.ui.main_window import MainWindow
    from emailautomation.ui.runs import ProcessingRuns

    runs = ProcessingRuns(db_url)
    window = MainWindow(db_url, runs=runs)
    if args.self_test:
        return _self_test(app, window, runs)

    from emailautomation.ui.scheduler import PollScheduler
    from emailautomation.ui.tray import install_tray

    scheduler = PollScheduler(db_url, runs, parent=window)
    scheduler.attach_window(window)
    quit_on_close = app.quitOnLastWindowClosed()
    tray = install_tray(
        app, window, runs, scheduler, autostart_db=db_url if args.db else None
    )
    if not args.minimized:
        window.show()
    elif tray is None:
        window.showMinimized()  # no tray to hide in
    scheduler.start()
    try:
        status = app.exec()
    finally:
        scheduler.close()
        if tray is not None:
            tray.close()
        app.setQuitOnLastWindowClosed(quit_on_close)
        if not runs.shutdown():
            log.warning("some processing runs did not stop in time")
        window.deleteLater()
    return int(status)


def _self_test(app: object, window: object, runs: object) -> int:
    """Show the window, let it draw and load, then close it (packaging smoke test)."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop
    from PySide6.QtWidgets import QApplication, QProgressBar, QPushButton

    from emailautomation.ui.main_window import MainWindow
    from emailautomation.ui.runs import ProcessingRuns

    assert isinstance(app, QApplication)
    assert isinstance(window, MainWindow) and isinstance(runs, ProcessingRuns)
    problems = []
    try:
        window.show()
        deadline = QDeadlineTimer(1500)
        while not deadline.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if window.grab().isNull():
            problems.append("the window did not draw")
        if window.findChild(QPushButton, "triggerProcessingButton") is None:
            problems.append("the Trigger Processing button is missing")
        if window.findChild(QProgressBar, "processingProgress") is None:
            problems.append("the progress bar is missing")
        if app.windowIcon().isNull():
            problems.append("the application icon did not load")
        window.close()
    except Exception as exc:  # a packaging fault shows up as any error at all
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        runs.shutdown()
        window.deleteLater()
    for problem in problems:
        print(f"{APP_NAME} self-test: {problem}", file=sys.stderr)
    if not problems:
        print(f"{APP_NAME} self-test: window opened and closed")
    return 1 if problems else 0


def configure_application(app: object) -> None:
    """Names for ``QSettings`` and the desktop, and the application icon."""
    from PySide6.QtWidgets import QApplication

    from emailautomation.ui.icons import app_icon

    assert isinstance(app, QApplication)
    if not app.organizationName():
        app.setOrganizationName(ORGANIZATION)
    if app.applicationName() in ("", "python", "python3") or (
        app.applicationName().startswith("python")
    ):
        app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setDesktopFileName(APP_NAME)
    app.setWindowIcon(app_icon())


def run() -> None:
    """The ``emailautomation-gui`` entry point."""
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    sys.exit(main(sys.argv[1:]))
