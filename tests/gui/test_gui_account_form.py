"""The account form: adding an account, Test Connection on the pool, validation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from emailautomation import secrets
from emailautomation.store import Database, MailAccount

pytestmark = pytest.mark.gui


def fill_server(form, qtbot, mailbox, *, password: str) -> None:
    form.email_edit.clear()
    qtbot.keyClicks(form.email_edit, f"{mailbox.user}@example.test")
    form.host_edit.setText(mailbox.host)
    form.security_combo.setCurrentIndex(form.security_combo.findData("plain"))
    form.port_spin.setValue(mailbox.port)
    form.username_edit.setText(mailbox.user)
    form.password_edit.setText(password)


def stored_accounts(db_url: str) -> list[MailAccount]:
    with Database(db_url) as database, database.session() as session:
        return list(session.scalars(select(MailAccount)))


def test_add_account_test_connection_then_save(
    qtbot, open_window, mailbox, sqlite_url, corpus_files
):
    mailbox.deliver_files(corpus_files[:3])
    window = open_window(sqlite_url)
    qtbot.mouseClick(window.new_account_button, Qt.MouseButton.LeftButton)
    form = window.account_form
    assert window.tabs.currentWidget().widget() is form
    fill_server(form, qtbot, mailbox, password=mailbox.password)
    form.poll_combo.setCurrentIndex(form.poll_combo.findData(None))  # "Off"
    form.senders_edit.setText("Alerts@HDFCBank.net; icicibank.com")

    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(form.testFinished, timeout=20000) as outcome:
        pass
    ok, text = outcome.args
    assert ok, text
    assert form.test_result.text().startswith("✔ Connected to")
    assert "3 messages in INBOX" in form.test_result.text()

    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.account_list.count() == 1, timeout=10000)
    (account,) = stored_accounts(sqlite_url)
    assert account.username == mailbox.user
    assert account.port == mailbox.port and account.security == "plain"
    assert account.poll_minutes is None
    assert account.senders == ["alerts@hdfcbank.net", "icicibank.com"]
    assert secrets.get_password(account.secret_ref) == mailbox.password
    assert window.selected_account_id() == account.id
    # The password is never read back into the form.
    assert form.password_edit.text() == ""
    assert "keychain" in form.password_edit.placeholderText()


def test_wrong_password_shows_the_failure(qtbot, open_window, mailbox, sqlite_url):
    window = open_window(sqlite_url)
    window.new_account()
    form = window.account_form
    fill_server(form, qtbot, mailbox, password="not-the-password")

    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    assert not form.test_button.isEnabled()  # running on the pool, not here
    with qtbot.waitSignal(form.testFinished, timeout=20000) as outcome:
        pass
    assert outcome.args[0] is False
    shown = form.test_result.text()
    assert shown.startswith("✘ Connection test failed:")
    assert "refused the login" in shown and mailbox.user in shown
    assert "not-the-password" not in shown
    assert form.test_button.isEnabled()


def test_stored_password_is_used_when_the_field_is_empty(
    qtbot, open_window, mailbox, sqlite_url, make_account
):
    make_account(sqlite_url, mailbox, name="Stored")
    window = open_window(sqlite_url)
    form = window.account_form
    assert form.account_id is not None  # the only account is selected
    assert form.password_edit.text() == ""
    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(form.testFinished, timeout=20000) as outcome:
        pass
    assert outcome.args[0], outcome.args[1]


def test_known_provider_fills_server_and_says_where_to_get_a_password(
    qtbot, open_window, sqlite_url
):
    window = open_window(sqlite_url)
    window.new_account()
    form = window.account_form
    qtbot.keyClicks(form.email_edit, "pat@gmail.com")
    assert form.host_edit.text() == "imap.gmail.com"
    assert form.port_spin.value() == 993
    assert form.security_combo.currentData() == "ssl"
    assert form.username_edit.text() == "pat@gmail.com"
    assert form.provider_hint.isVisibleTo(form)
    assert "app password" in form.provider_hint.text()
    assert "myaccount.google.com/apppasswords" in form.provider_hint.text()

    form.email_edit.clear()
    qtbot.keyClicks(form.email_edit, "pat@fastmail.com")
    assert form.host_edit.text() == "imap.fastmail.com"
    assert "Fastmail" in form.provider_hint.text()

    # A server the person typed is never replaced.
    form.host_edit.clear()
    qtbot.keyClicks(form.host_edit, "mail.example.org")
    form.email_edit.clear()
    qtbot.keyClicks(form.email_edit, "pat@yahoo.com")
    assert form.host_edit.text() == "mail.example.org"
    assert "Yahoo" in form.provider_hint.text()


def test_validation_messages_appear_next_to_the_fields(qtbot, open_window, sqlite_url):
    window = open_window(sqlite_url)
    window.new_account()
    form = window.account_form
    form.folder_edit.clear()
    form.senders_edit.setText("alerts@bank.example, not a sender")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    errors = form.visible_errors()
    assert "neither an e-mail address nor a domain" in errors["senders"]
    assert form.errors["senders"].isVisibleTo(form)
    assert "Not saved" in form.save_status.text()

    form.senders_edit.setText("alerts@bank.example")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    errors = form.visible_errors()
    assert set(errors) >= {"name", "host", "username", "folder", "password"}
    assert "IMAP server" in errors["host"]
    qtbot.wait(200)
    assert stored_accounts(sqlite_url) == []

    # Typing in a field clears its message.
    qtbot.keyClicks(form.host_edit, "imap.example.org")
    assert "host" not in form.visible_errors()


def test_a_second_account_with_the_same_name_is_refused(
    qtbot, open_window, mailbox, sqlite_url, make_account
):
    make_account(sqlite_url, mailbox, name="Personal")
    window = open_window(sqlite_url)
    window.new_account()
    form = window.account_form
    fill_server(form, qtbot, mailbox, password="secret")
    form.name_edit.setText("Personal")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "name" in form.visible_errors(), timeout=10000)
    assert "already named 'Personal'" in form.visible_errors()["name"]
    assert len(stored_accounts(sqlite_url)) == 1


def test_delete_asks_first_and_forgets_the_password(
    qtbot, open_window, mailbox, sqlite_url, make_account
):
    make_account(sqlite_url, mailbox, name="Old")
    (account,) = stored_accounts(sqlite_url)
    window = open_window(sqlite_url)
    form = window.account_form

    qtbot.mouseClick(form.delete_button, Qt.MouseButton.LeftButton)
    box = form.confirmation
    assert box is not None and box.isVisible()
    assert "Old" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(100)
    assert len(stored_accounts(sqlite_url)) == 1

    qtbot.mouseClick(form.delete_button, Qt.MouseButton.LeftButton)
    form.confirmation.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: window.account_list.count() == 0, timeout=10000)
    assert stored_accounts(sqlite_url) == []
    assert not secrets.has_password(account.secret_ref)
    assert "Deleted Old" in form.save_status.text()


def test_without_a_keychain_nothing_is_saved_and_the_form_says_why(
    qtbot, open_window, mailbox, sqlite_url, monkeypatch
):
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core._keyring_backend = None  # type: ignore[attr-defined]
    keyring.core.init_backend()
    window = open_window(sqlite_url)
    window.new_account()
    form = window.account_form
    fill_server(form, qtbot, mailbox, password="secret")
    form.name_edit.setText("No keychain")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not form.saving, timeout=10000)
    assert "No usable keychain" in form.save_status.text()
    assert "PYTHON_KEYRING_BACKEND" in form.save_status.text()
    assert stored_accounts(sqlite_url) == []
    assert form.name_edit.text() == "No keychain"  # what was typed is kept
