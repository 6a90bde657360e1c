"""Make PNG screenshots of the main window's views, offscreen, into docs/screenshots/.

    python scripts/screenshots.py [OUTPUT_FOLDER]

Builds a throw-away ledger (two mail accounts, transactions in several
currencies, messages that were not read, a run history), opens the real window
on it and grabs each view. One account points at a port nothing listens on and
is processed for real, so the failure it shows is the app's own.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "screenshots"
CORPUS = ROOT.parent / "shared" / "corpus" / "alerts"
SIZE = (1280, 800)

TRANSACTIONS = [
    # date, time, amount, currency, direction, card, merchant, bank
    ("2025-12-02", "10:15", "789.00", "INR", "debit", "4321", "BIGBASKET", "HDFC Bank"),
    (
        "2025-12-02",
        "13:02",
        "1,250.50",
        "INR",
        "debit",
        "4321",
        "Amazon Pay",
        "HDFC Bank",
    ),
    (
        "2025-12-01",
        "09:00",
        "85,000.00",
        "INR",
        "credit",
        "0042",
        "ACME Salary",
        "ICICI Bank",
    ),
    ("2025-11-29", "20:41", "459.00", "INR", "debit", "7788", "Swiggy", "Axis Bank"),
    (
        "2025-11-28",
        None,
        "2,100.00",
        "INR",
        "debit",
        "0042",
        "Airtel Postpaid",
        "ICICI Bank",
    ),
    ("2025-11-27", "18:20", "38.50", "USD", "debit", "9911", "Whole Foods", "Chase"),
    ("2025-11-27", "18:20", "38.50", "USD", "debit", "9911", "Whole Foods", "Chase"),
    ("2025-11-25", "08:05", "4.20", "GBP", "debit", "5566", "Pret A Manger", "Monzo"),
    ("2025-11-24", "12:30", "62.00", "EUR", "debit", "1234", "Deutsche Bahn", "N26"),
    (
        "2025-11-22",
        "16:45",
        "1,500.00",
        "INR",
        "credit",
        "4321",
        "Refund Myntra",
        "HDFC Bank",
    ),
    ("2025-11-20", "11:11", "18.90", "SGD", "debit", "3030", "Grab", "DBS"),
]


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    output.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ea-screenshots-"))
    os.environ["HOME"] = str(work)
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    # The tests' file keychain, so that the demo account's password can be
    # kept without touching the user's real keychain.
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ["PYTHON_KEYRING_BACKEND"] = "support.keyring_file.JsonFileKeyring"
    os.environ["EMAILAUTOMATION_TEST_KEYRING"] = str(work / "keyring.json")
    db_url = f"sqlite:///{work / 'ledger.sqlite3'}"
    personal, _work_account = build_ledger(db_url)
    build_books(db_url, personal)

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    from emailautomation.app import configure_application
    from emailautomation.ui.main_window import MainWindow

    configure_application(app)
    settings = QSettings(str(work / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db_url, settings=settings)
    window.resize(*SIZE)
    window.show()
    settle(app, window)

    # A real run of the account whose server is not there: its failure shows.
    window.account_list.setCurrentRow(1)
    window.trigger_processing()
    wait(app, lambda: not window.runs.running(), 20)
    settle(app, window)
    window.account_list.setCurrentRow(0)
    window.transactions.table.selectRow(1)

    shots = {
        "transactions.png": 0,
        "not-read.png": 1,
        "account.png": 2,
        "status.png": 3,
    }
    for name, tab in shots.items():
        window.tabs.setCurrentIndex(tab)
        if tab == 1 and window.messages.model.rowCount():
            window.messages.table.selectRow(0)
            wait(app, lambda: window.messages.text.toPlainText() != "", 10)
        if tab == 2:
            select_account(window, personal)
        settle(app, window)
        save(window, output / name)

    ledger_shots(app, window, output)
    teach_shots(app, window, output, db_url, personal)

    app.setPalette(dark_palette(QPalette, QColor))
    window.tabs.setCurrentIndex(0)
    settle(app, window)
    save(window, output / "transactions-dark.png")

    window.close()
    return 0


def build_ledger(db_url: str) -> tuple[int, int]:
    from emailautomation.store import Database
    from emailautomation.store.models import (
        MailAccount,
        ProcessedMessage,
        Run,
        Transaction,
    )

    with Database(db_url) as database, database.session() as session:
        personal = MailAccount(
            name="Personal Gmail",
            email="pat.example@gmail.com",
            host="imap.gmail.com",
            port=993,
            security="ssl",
            username="pat.example@gmail.com",
            senders=["alerts@hdfcbank.net", "icicibank.com", "axisbank.com"],
            poll_minutes=60,
            last_check_at=dt.datetime(2025, 12, 2, 8, 0),
        )
        work = MailAccount(
            name="Work mailbox",
            email="pat@work.example",
            host="127.0.0.1",
            port=1,
            security="plain",
            username="pat@work.example",
            poll_minutes=None,
        )
        session.add_all([personal, work])
        session.flush()
        from emailautomation import secrets

        secrets.set_password(work.secret_ref, "demo password")
        run = Run(
            account_id=personal.id,
            status="succeeded",
            started_at=dt.datetime(2025, 12, 2, 7, 59),
            finished_at=dt.datetime(2025, 12, 2, 8, 0),
            found=len(TRANSACTIONS) + 3,
            stored=len(TRANSACTIONS),
            ignored=2,
            failed=1,
        )
        session.add(run)
        session.flush()
        for when, at, amount, currency, direction, card, merchant, bank in TRANSACTIONS:
            message = ProcessedMessage(
                account_id=personal.id,
                run_id=run.id,
                key=f"screenshot-{uuid.uuid4().hex}",
                outcome="transaction",
                sender="alerts@bank.example",
                subject=f"Transaction alert: {merchant}",
                raw=b"",
            )
            session.add(message)
            session.add(
                Transaction(
                    mail_account_id=personal.id,
                    message=message,
                    amount=Decimal(amount.replace(",", "")),
                    currency=currency,
                    direction=direction,
                    account=card,
                    merchant=merchant,
                    bank=bank,
                    date=dt.date.fromisoformat(when),
                    time=dt.time.fromisoformat(at) if at else None,
                    possible_duplicate=merchant == "Whole Foods",
                    edited_fields=["merchant"] if merchant == "Refund Myntra" else [],
                    edited_at=dt.datetime(2025, 12, 2, 9, 0)
                    if merchant == "Refund Myntra"
                    else None,
                )
            )
        for raw in unread_samples():
            session.add(unread_message(personal.id, run.id, raw))
        session.commit()
        return personal.id, work.id


# Earlier months for the spending chart: (merchant, amount in INR, day of month).
HISTORY = [
    ("BIGBASKET", "2,310.00", 4),
    ("Swiggy", "640.00", 9),
    ("Amazon Pay", "1,899.00", 12),
    ("Airtel Postpaid", "2,100.00", 28),
    ("Uber India", "356.00", 17),
    ("IRCTC", "1,245.00", 21),
]
MAPPINGS = [
    ("4321", "Liabilities:CreditCard:HDFC"),
    ("0042", "Assets:Bank:ICICI:Savings"),
    ("7788", "Liabilities:CreditCard:Axis"),
    ("9911", "Assets:Bank:Chase:Checking"),
    ("5566", "Assets:Bank:Monzo"),
    ("1234", "Assets:Bank:N26"),
    ("3030", "Assets:Bank:DBS"),
]
RULES = [
    # match, pattern, category, payee, direction
    ("contains", "BIGBASKET", "Expenses:Food:Groceries", "BigBasket", None),
    ("contains", "Whole Foods", "Expenses:Food:Groceries", None, None),
    ("contains", "Swiggy", "Expenses:Food:Delivery", None, None),
    ("contains", "Pret", "Expenses:Food:Eating-Out", "Pret A Manger", None),
    ("starts-with", "Amazon", "Expenses:Shopping", "Amazon", None),
    ("contains", "Refund Myntra", "Expenses:Shopping", "Myntra", "credit"),
    ("regex", r"airtel|jio", "Expenses:Utilities:Phone", None, None),
    ("regex", r"deutsche bahn|irctc|grab", "Expenses:Travel", None, None),
    ("contains", "Salary", "Income:Salary", "ACME Corp", "credit"),
]


def build_books(db_url: str, personal: int) -> None:
    """Account mappings, category rules and six more months of spending."""
    from emailautomation.ledger import (
        RuleDraft,
        add_rule,
        apply_rules,
        save_mail_account_default,
        save_mapping,
    )
    from emailautomation.store import Database
    from emailautomation.store.models import ProcessedMessage, Transaction

    with Database(db_url) as database, database.session() as session:
        for month in range(6, 11):
            for merchant, amount, day in HISTORY:
                message = ProcessedMessage(
                    account_id=personal,
                    key=f"screenshot-{uuid.uuid4().hex}",
                    outcome="transaction",
                    sender="alerts@bank.example",
                    subject=f"Transaction alert: {merchant}",
                    raw=b"",
                )
                # Amounts that vary from month to month, the same on every run.
                value = Decimal(amount.replace(",", "")) * (10 + month * 7 % 5) / 10
                session.add(
                    Transaction(
                        mail_account_id=personal,
                        message=message,
                        amount=value.quantize(Decimal("0.01")),
                        currency="INR",
                        direction="debit",
                        account="4321" if day % 2 else "7788",
                        merchant=merchant,
                        bank="HDFC Bank" if day % 2 else "Axis Bank",
                        date=dt.date(2025, month, day),
                        time=dt.time(12, day),
                    )
                )
        session.commit()
        for digits, account in MAPPINGS:
            save_mapping(session, digits, account)
        save_mail_account_default(session, personal, "Assets:Bank:HDFC")
        for match, pattern, category, payee, direction in RULES:
            add_rule(
                session,
                RuleDraft(match, pattern, category, payee, direction=direction),
            )
        apply_rules(session)


def ledger_shots(app: object, window: object, output: Path) -> None:
    """The ledger accounts, the rules, the chart, the rule offer, File → Export."""
    from PySide6.QtCore import QDate

    from emailautomation.ui.main_window import TAB_MAPPINGS, TAB_RULES, TAB_SPENDING
    from emailautomation.ui.transactions import CATEGORY

    w: Any = window
    setup = w.ledger_setup
    for tab, name, page in (
        (TAB_MAPPINGS, "ledger-accounts.png", w.mappings_page),
        (TAB_RULES, "category-rules.png", w.rules_page),
    ):
        w.tabs.setCurrentIndex(tab)
        wait(app, lambda: setup.loaded_once and not setup.loading, 10)
        page.table.selectRow(1)
        settle(app, window)
        save(window, output / name)

    w.tabs.setCurrentIndex(TAB_SPENDING)
    wait(app, lambda: not w.spending.loading and w.spending.bars.months, 10)
    settle(app, window)
    save(window, output / "spending.png")

    # A category chosen by hand: the offer to make it a rule for the merchant.
    w.tabs.setCurrentIndex(0)
    page = w.transactions
    page.clear_filters()
    row = next(
        r
        for r in range(page.model.rowCount())
        if page.model.row_at(r).merchant == "Uber India"
    )
    page.table.selectRow(row)
    page.table.scrollTo(page.model.index(row, CATEGORY))
    page.model.setData(page.model.index(row, CATEGORY), "Expenses:Travel:Taxi")
    wait(app, lambda: page.rule_offer.current_offer is not None, 10)
    settle(app, window)
    save(window, output / "category-rule-offer.png")
    page.rule_offer.dismiss()

    w.open_export()
    dialog = w.export_dialog
    wait(app, lambda: dialog.accounts_list.count() > 0, 10)
    dialog.destination_edit.setText("~/books.journal")
    dialog.since_edit.setDate(QDate(2025, 6, 1))
    dialog.start_export()
    wait(app, lambda: not dialog.running, 20)
    settle(app, window)
    save(dialog, output / "export.png")
    dialog.close()
    settle(app, window)


def teach_shots(
    app: object, window: object, output: Path, db_url: str, account_id: int
) -> None:
    """The Teach dialog on an alert no built-in format reads, then the Templates tab."""
    from emailautomation.store import Database
    from emailautomation.ui.teach import TeachPreview
    from templates.alerts import THISTLE

    w: Any = window
    with Database(db_url) as database, database.session() as session:
        messages = [
            unread_message(account_id, None, THISTLE.eml(case, f"thistle-{n}@demo"))
            for n, case in enumerate(THISTLE.cases)
        ]
        session.add_all(messages)
        session.commit()
        sample_id = messages[0].id
    w.messages.reload()
    w.tabs.setCurrentIndex(1)
    settle(app, window)
    dialog = w.teaching.open(message_id=sample_id)
    dialog.resize(1180, 760)
    wait(app, lambda: dialog.sample is not None, 10)
    text = dialog.sample.text
    for field, value in (
        ("amount", "14.99"),
        ("merchant", "HIGHLAND BOOKS"),
        ("account", "x2045"),
        ("date", "17 Nov 2025"),
    ):
        start = text.index(value)
        dialog.select_span(start, start + len(value))
        dialog.mark_selection(field)
    dialog.currency.setCurrentIndex(dialog.currency.findData("GBP"))
    dialog.select_span(0, 0)
    wait(
        app,
        lambda: isinstance(dialog.last_preview, TeachPreview) and not dialog.previewing,
        20,
    )
    settle(app, window)
    save(dialog, output / "teach.png")

    dialog.save()
    wait(app, lambda: not dialog.saving, 20)
    dialog.close()
    w.templates_page.reload()
    w.tabs.setCurrentIndex(w.tabs.indexOf(w.templates_page))
    wait(app, lambda: not w.templates_page.loading, 10)
    w.templates_page.table.selectRow(0)
    w.templates_page.sample_button.setChecked(True)
    settle(app, window)
    save(window, output / "templates.png")


def unread_samples() -> list[bytes]:
    """Corpus messages that are not transactions."""
    import json

    expected_file = CORPUS / "expected.json"
    names = []
    if expected_file.exists():
        expected = json.loads(expected_file.read_text())
        names = [name for name, fields in sorted(expected.items()) if fields is None]
    return [(CORPUS / name).read_bytes() for name in names[:5]]


def unread_message(account_id: int, run_id: int, raw: bytes) -> object:
    """The message as a run would have stored it, with the engine's own reason."""
    from emailautomation.errors import MalformedMessage
    from emailautomation.extract import extract
    from emailautomation.mail.message import parse_alert
    from emailautomation.store.models import ProcessedMessage

    sender, subject = "alerts@bank.example", None
    try:
        alert = parse_alert(raw)
    except MalformedMessage as exc:
        outcome, reason = "failed", f"malformed message: {exc}"
    else:
        sender, subject = alert.sender, alert.subject
        result = extract(alert)
        outcome = "ignored" if result.transaction is None else "transaction"
        reason = f"{result.reason}: {result.detail}" if result.detail else result.reason
    return ProcessedMessage(
        account_id=account_id,
        run_id=run_id,
        key=f"screenshot-{uuid.uuid4().hex}",
        outcome=outcome,
        reason=reason,
        sender=sender,
        subject=subject,
        sent_at=dt.datetime(2025, 12, 1, 12, 0),
        raw=raw,
    )


def select_account(window: object, account_id: int) -> None:
    from PySide6.QtCore import Qt

    accounts = window.account_list  # type: ignore[attr-defined]
    for row in range(accounts.count()):
        if accounts.item(row).data(Qt.ItemDataRole.UserRole) == account_id:
            accounts.setCurrentRow(row)


def settle(app: object, window: object) -> None:
    wait(
        app,
        lambda: (
            not window.transactions.loading  # type: ignore[attr-defined]
            and not window.messages.loading  # type: ignore[attr-defined]
            and not window.statuses_loading
        ),  # type: ignore[attr-defined]
        20,
    )
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        app.processEvents()  # type: ignore[attr-defined]


def wait(app: object, condition: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)


def save(window: object, path: Path) -> None:
    if not window.grab().save(str(path)):  # type: ignore[attr-defined]
        raise SystemExit(f"could not write {path}")
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def dark_palette(palette_class: type, colour: type) -> object:
    """A dark palette like a desktop's dark mode, to show the window follows it."""
    palette = palette_class()
    role = palette_class.ColorRole
    for name, value in (
        (role.Window, "#2b2d31"),
        (role.WindowText, "#e6e6e6"),
        (role.Base, "#1e1f22"),
        (role.AlternateBase, "#26282c"),
        (role.Text, "#e6e6e6"),
        (role.Button, "#33353a"),
        (role.ButtonText, "#e6e6e6"),
        (role.Highlight, "#2f80ed"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#33353a"),
        (role.ToolTipText, "#e6e6e6"),
        (role.PlaceholderText, "#8a8f98"),
        (role.Link, "#6ea8fe"),
    ):
        palette.setColor(name, colour(value))
    disabled = palette_class.ColorGroup.Disabled
    for name in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, name, colour("#6f747c"))
    return palette


if __name__ == "__main__":
    sys.exit(main())
