"""The Templates page: learned templates listed, renamed, shown and deleted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from emailautomation.jobs.templates import learn_and_save, reread_for_template
from emailautomation.mail.message import parse_alert
from emailautomation.store import Database, Template, Transaction
from templates.alerts import THISTLE

pytestmark = pytest.mark.gui


def test_templates_are_listed_renamed_shown_and_deleted(
    qtbot, open_window, sqlite_url, make_account
):
    make_account(sqlite_url, name="Mail")
    sample = parse_alert(THISTLE.eml(THISTLE.sample, "thistle-0@test.example"))
    marks = {"amount": "14.99", "merchant": "HIGHLAND BOOKS", "currency": "GBP"}
    template_id, learned = learn_and_save(sqlite_url, sample, marks, name="Thistle")
    window = open_window(sqlite_url)
    page = window.templates_page
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
    cells = [page.table.item(0, c).text() for c in range(5)]
    assert cells == ["cards@thistle-bs.example", "Thistle", "0", "0", "never"]
    assert not page.rename_button.isEnabled()

    page.table.selectRow(0)
    qtbot.mouseClick(page.sample_button, Qt.MouseButton.LeftButton)
    assert page.detail.isVisibleTo(page)
    assert page.sample.toPlainText() == learned.sample_text
    assert "HIGHLAND BOOKS" in page.slots.text()

    qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)
    dialog = page.rename_dialog
    assert dialog is not None and dialog.textValue() == "Thistle"
    dialog.setTextValue("Thistle card alerts")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        dialog.accept()
    assert page.table.item(0, 1).text() == "Thistle card alerts"
    with Database(sqlite_url) as database, database.session() as session:
        assert session.get(Template, template_id).name == "Thistle card alerts"

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.confirmation
    assert box is not None and "Thistle card alerts" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(50)
    assert page.table.rowCount() == 1

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.confirmation.button(QMessageBox.StandardButton.Yes).click()
    assert page.table.rowCount() == 0
    assert "No template yet." in page.status.text()
    with Database(sqlite_url) as database, database.session() as session:
        assert session.scalar(select(func.count()).select_from(Template)) == 0


def test_a_template_s_count_and_last_use_follow_what_it_read(
    qtbot, open_window, sqlite_url, make_account
):
    from test_teach_dialog import store_as_run_would, thistle_mail

    account = make_account(sqlite_url, name="Mail")
    store_as_run_would(sqlite_url, account, thistle_mail())
    sample = parse_alert(THISTLE.eml(THISTLE.sample, "thistle-0@test.example"))
    marks = {"amount": "14.99", "merchant": "HIGHLAND BOOKS", "currency": "GBP"}
    template_id, _ = learn_and_save(sqlite_url, sample, marks)
    totals = reread_for_template(sqlite_url, template_id)
    window = open_window(sqlite_url)
    page = window.templates_page
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
    with Database(sqlite_url) as database, database.session() as session:
        produced = session.scalar(
            select(func.count())
            .select_from(Transaction)
            .where(Transaction.template_id == template_id)
        )
    assert produced == totals["transaction"] == 3
    assert page.table.item(0, 2).text() == "3"
    assert page.table.item(0, 3).text() == "1"  # the statement notice
    assert page.table.item(0, 4).text() != "never"
