"""Starting the application, keyboard use and accessible names, the Qt binding."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
)

from emailautomation import app
from emailautomation.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def close_main_window_soon(seen: list[MainWindow]) -> None:
    def close() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
        ]
        seen.extend(windows)
        for window in windows:
            window.close()

    QTimer.singleShot(300, close)


def test_main_opens_the_window_on_the_chosen_database(qapp, sqlite_url, make_account):
    make_account(sqlite_url, name="Chosen")
    seen: list[MainWindow] = []
    close_main_window_soon(seen)
    assert app.main(["--db", sqlite_url]) == 0
    (window,) = seen
    assert window.db_url == sqlite_url
    assert window.account_list.count() == 1
    assert window.account_list.item(0).text() == "Chosen"
    assert qapp.applicationDisplayName() == "Email Automation"
    assert not qapp.windowIcon().isNull()


def test_main_accepts_minimized(qapp, sqlite_url):
    seen: list[MainWindow] = []
    states: list[bool] = []
    QTimer.singleShot(
        100,
        lambda: states.extend(
            w.isMinimized()
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow)
        ),
    )
    close_main_window_soon(seen)
    assert app.main(["--db", sqlite_url, "--minimized"]) == 0
    assert states == [True]


def test_a_database_that_cannot_be_opened_is_reported(qapp, tmp_path, capsys):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    # A dialog would wait for a click: answer it as soon as it shows.
    QTimer.singleShot(200, lambda: QApplication.activeModalWidget().close())
    assert app.main(["--db", f"sqlite:///{blocked}/ledger.sqlite3"]) == 1
    assert "emailautomation:" in capsys.readouterr().err


def test_controls_have_accessible_names_and_keys_switch_views(
    qtbot, open_window, sqlite_url, make_account
):
    make_account(sqlite_url, name="Named")
    window = open_window(sqlite_url)
    unnamed = []
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox)
    for widget in window.findChildren(QObject):
        if not isinstance(widget, (*kinds, QAbstractItemView, QPlainTextEdit)):
            continue
        parent = widget.parent()
        if isinstance(parent, QAbstractSpinBox | QComboBox):
            continue  # the line edit inside a spin box or combo box
        if not widget.objectName() or widget.objectName().startswith("qt_"):
            continue  # Qt's own parts (scroll bars' buttons, the tab bar)
        name = widget.accessibleName()
        if not name and isinstance(widget, QAbstractButton):
            name = widget.text().replace("&", "")
        if not name:
            unnamed.append(widget.objectName())
    assert unnamed == []
    named = {w.objectName() for w in window.findChildren(QObject)}
    assert {"triggerProcessingButton", "processingProgress"} <= named

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.messages
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.account_form.account_id is None
    assert window.account_form.title.text() == "New account"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from 3.12")
def test_the_qt_binding_keeps_none_alive(qapp):
    """PySide6 6.12.0 dropped a reference to None on each call returning
    nothing, so a window died with "deallocating None" after a few thousand
    calls; pyproject.toml excludes that release."""
    widget = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setObjectName("x")
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 50
