"""What the window reads and writes, as plain values; no Qt here.

Every function takes a ``Session`` owned by the calling thread. The window
calls the small ones (accounts, statuses) on its own thread and the ones whose
cost grows with the ledger (transactions, messages, writes) from pool tasks
that open their own database.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emailautomation import secrets
from emailautomation.errors import ConfigurationError, EmailAutomationError
from emailautomation.extract.model import format_amount
from emailautomation.store.models import (
    MailAccount,
    MessageOutcome,
    ProcessedMessage,
    Run,
    Security,
    Transaction,
    utcnow,
)

log = logging.getLogger(__name__)

EDITABLE_FIELDS = ("merchant", "amount")
MERCHANT_MAX = 255
AMOUNT_PLACES = 4  # the Numeric(19, 4) column keeps four decimal places


class FieldError(ConfigurationError):
    """A value the person typed is not acceptable; ``field`` names the input."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True, slots=True)
class TransactionRow:
    """One stored transaction as the transactions view shows it."""

    id: int
    mail_account_id: int
    mail_account: str
    date: dt.date
    time: dt.time | None
    amount: Decimal
    currency: str
    direction: str
    account: str | None
    merchant: str | None
    bank: str | None
    reference: str | None
    possible_duplicate: bool
    edited_fields: tuple[str, ...] = ()
    edited_at: dt.datetime | None = None
    category: str | None = None
    search: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        # Computed where the row is made (on the pool when loading), so that
        # filtering thousands of rows costs the window's thread nothing.
        if not self.search:
            object.__setattr__(self, "search", search_text(self))

    def is_edited(self, name: str) -> bool:
        return name in self.edited_fields


def money(amount: Decimal) -> str:
    """``Decimal("1234.5000")`` → ``"1,234.50"``: grouped, at least two places."""
    text = format_amount(amount) or "0.00"
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}.{fraction}" if fraction else f"{int(whole):,}"


def search_text(row: TransactionRow) -> str:
    """What the search box matches against, lower-cased."""
    parts = [
        row.merchant,
        row.bank,
        row.account,
        row.reference,
        row.category,
        row.currency,
        row.mail_account,
        row.date.isoformat(),
        format_amount(row.amount),
        money(row.amount),
    ]
    return " ".join(p for p in parts if p).casefold()


@dataclass(frozen=True, slots=True)
class UnreadMessage:
    """A stored message that did not become a transaction (ignored or failed)."""

    id: int
    account_id: int
    account_name: str
    sender: str | None
    subject: str | None
    sent_at: dt.datetime | None
    outcome: str
    reason: str | None
    processed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AccountDraft:
    """The settings of one mail account as the form edits them (no password).

    ``id`` is None for an account not saved yet.
    """

    id: int | None
    name: str
    email: str | None
    host: str
    port: int
    security: str
    username: str
    folder: str = "INBOX"
    senders: tuple[str, ...] = ()
    since_date: dt.date | None = None
    enabled: bool = True
    poll_minutes: int | None = 60


@dataclass(frozen=True, slots=True)
class LastRun:
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    found: int
    stored: int
    ignored: int
    failed: int
    error: str | None


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """What the status panel shows for an account between runs."""

    id: int
    name: str
    enabled: bool
    poll_minutes: int | None
    last_check_at: dt.datetime | None
    last_error: str | None
    last_run: LastRun | None = None
    transactions: int = 0
    unread: int = 0


@dataclass(frozen=True, slots=True)
class MessageText:
    """The readable text of one stored message, for the person to look at."""

    id: int
    headline: str
    text: str
    reason: str | None = None
    problems: list[str] = field(default_factory=list)
    outcome: str = MessageOutcome.IGNORED.value


# -- reads -------------------------------------------------------------------


def load_transactions(
    session: Session,
    *,
    ids: list[int] | None = None,
    after_id: int | None = None,
) -> list[TransactionRow]:
    """Transactions, newest first, with their mail account's name.

    ``ids`` limits to those rows; ``after_id`` to rows stored after that one.
    """
    query = (
        select(
            Transaction.id,
            Transaction.mail_account_id,
            MailAccount.name,
            Transaction.date,
            Transaction.time,
            Transaction.amount,
            Transaction.currency,
            Transaction.direction,
            Transaction.account,
            Transaction.merchant,
            Transaction.bank,
            Transaction.reference,
            Transaction.possible_duplicate,
            Transaction.edited_fields,
            Transaction.edited_at,
            Transaction.category,
        )
        .join(MailAccount, MailAccount.id == Transaction.mail_account_id)
        .order_by(Transaction.date.desc(), Transaction.time.desc(), Transaction.id)
    )
    if ids is not None:
        query = query.where(Transaction.id.in_(ids))
    if after_id is not None:
        query = query.where(Transaction.id > after_id)
    # Plain rows, not ORM objects: a ledger of thousands loads in milliseconds.
    return [
        TransactionRow(
            id=row[0],
            mail_account_id=row[1],
            mail_account=row[2],
            date=row[3],
            time=row[4],
            amount=row[5],
            currency=row[6],
            direction=row[7],
            account=row[8],
            merchant=row[9],
            bank=row[10],
            reference=row[11],
            possible_duplicate=bool(row[12]),
            edited_fields=tuple(row[13] or ()),
            edited_at=row[14],
            category=row[15],
        )
        for row in session.execute(query)
    ]


def load_transactions_after(session: Session, after_id: int) -> list[TransactionRow]:
    """The transactions stored after the one with id ``after_id``."""
    return load_transactions(session, after_id=after_id)


def load_unread_messages(session: Session) -> list[UnreadMessage]:
    """Messages whose outcome is ``ignored`` or ``failed``, newest first."""
    query = (
        select(
            ProcessedMessage.id,
            ProcessedMessage.account_id,
            MailAccount.name,
            ProcessedMessage.sender,
            ProcessedMessage.subject,
            ProcessedMessage.sent_at,
            ProcessedMessage.outcome,
            ProcessedMessage.reason,
            ProcessedMessage.processed_at,
        )
        .join(MailAccount, MailAccount.id == ProcessedMessage.account_id)
        .where(
            ProcessedMessage.outcome.in_(
                [MessageOutcome.IGNORED.value, MessageOutcome.FAILED.value]
            )
        )
        .order_by(ProcessedMessage.sent_at.desc(), ProcessedMessage.id.desc())
    )
    return [UnreadMessage(*row) for row in session.execute(query)]


def message_text(session: Session, message_id: int) -> MessageText:
    """Decode one stored message into the text extraction reads."""
    from emailautomation.errors import MalformedMessage
    from emailautomation.extract import normalise
    from emailautomation.mail.message import parse_alert

    message = session.get(ProcessedMessage, message_id)
    if message is None:
        raise EmailAutomationError(
            "This message is no longer stored; refresh the list."
        )
    sender = message.sender or "unknown sender"
    headline = f"{message.subject or '(no subject)'} — from {sender}"
    try:
        alert = parse_alert(message.raw or b"")
    except MalformedMessage as exc:
        text = (message.raw or b"").decode("utf-8", errors="replace")
        return MessageText(
            message.id,
            headline,
            text,
            message.reason,
            [f"The message could not be decoded ({exc}); showing its raw bytes."],
            message.outcome,
        )
    return MessageText(
        message.id, headline, normalise(alert), message.reason, [], message.outcome
    )


def load_accounts(session: Session) -> list[AccountDraft]:
    accounts = session.scalars(select(MailAccount).order_by(MailAccount.name))
    return [
        AccountDraft(
            id=a.id,
            name=a.name,
            email=a.email,
            host=a.host,
            port=a.port,
            security=a.security,
            username=a.username,
            folder=a.folder,
            senders=tuple(a.senders or ()),
            since_date=a.since_date,
            enabled=a.enabled,
            poll_minutes=a.poll_minutes,
        )
        for a in accounts
    ]


def load_statuses(session: Session) -> list[AccountStatus]:
    """One status per account: last check, last error, the latest run, counts."""
    latest = (
        select(Run.account_id, func.max(Run.id).label("run_id"))
        .group_by(Run.account_id)
        .subquery()
    )
    runs = {
        run.account_id: run
        for run in session.scalars(select(Run).join(latest, Run.id == latest.c.run_id))
    }
    transactions = dict(
        session.execute(
            select(Transaction.mail_account_id, func.count()).group_by(
                Transaction.mail_account_id
            )
        ).all()
    )
    unread = dict(
        session.execute(
            select(ProcessedMessage.account_id, func.count())
            .where(
                ProcessedMessage.outcome.in_(
                    [MessageOutcome.IGNORED.value, MessageOutcome.FAILED.value]
                )
            )
            .group_by(ProcessedMessage.account_id)
        ).all()
    )
    statuses = []
    for account in session.scalars(select(MailAccount).order_by(MailAccount.name)):
        run = runs.get(account.id)
        last_run = None
        if run is not None:
            last_run = LastRun(
                status=run.status,
                started_at=run.started_at,
                finished_at=run.finished_at,
                found=run.found,
                stored=run.stored,
                ignored=run.ignored,
                failed=run.failed,
                error=run.error,
            )
        statuses.append(
            AccountStatus(
                id=account.id,
                name=account.name,
                enabled=account.enabled,
                poll_minutes=account.poll_minutes,
                last_check_at=account.last_check_at,
                last_error=account.last_error,
                last_run=last_run,
                transactions=int(transactions.get(account.id, 0)),
                unread=int(unread.get(account.id, 0)),
            )
        )
    return statuses


# -- transaction edits -------------------------------------------------------

_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+$")


def parse_amount(text: str) -> Decimal:
    """Read an amount typed by a person: ``1234.5``, ``1,234.50``, ``12,5``.

    Raises ``FieldError`` with a sentence saying what is wrong.
    """
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise FieldError("amount", "Type an amount, for example 1234.50.")
    if cleaned.startswith(("-", "−", "+")):
        raise FieldError(
            "amount",
            "Type the amount without a sign; the Direction column says whether "
            "money went out or came in.",
        )
    if "," in cleaned and "." in cleaned:
        # Whichever separator comes last is the decimal point.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        whole = cleaned.split(".")[0]
        cleaned = (
            cleaned.replace(",", "")
            if _GROUPED.match(whole)
            else (cleaned.replace(",", "."))
        )
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise FieldError("amount", f"{text.strip()!r} is not an amount.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FieldError("amount", f"{text.strip()!r} is not an amount.") from None
    if value <= 0:
        raise FieldError("amount", "An amount must be greater than zero.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > AMOUNT_PLACES:
        raise FieldError(
            "amount", f"An amount can have at most {AMOUNT_PLACES} decimal places."
        )
    if value >= Decimal(10) ** 15:
        raise FieldError("amount", "That amount is too large to store.")
    return value


def clean_merchant(text: str) -> str | None:
    value = " ".join(text.split())
    if len(value) > MERCHANT_MAX:
        raise FieldError(
            "merchant", f"A merchant name can be at most {MERCHANT_MAX} characters."
        )
    return value or None


def save_transaction_edit(
    session: Session, transaction_id: int, field_name: str, value: object
) -> TransactionRow:
    """Store a hand edit of ``merchant`` or ``amount`` and mark the field edited.

    Re-reading the alert later never overwrites a field marked this way.
    """
    if field_name not in EDITABLE_FIELDS:
        raise FieldError(field_name, f"The {field_name} of a transaction is read-only.")
    row = session.get(Transaction, transaction_id)
    if row is None:
        raise EmailAutomationError(
            "This transaction is no longer stored; refresh the list."
        )
    if field_name == "amount":
        row.amount = value if isinstance(value, Decimal) else parse_amount(str(value))
    else:
        row.merchant = clean_merchant(str(value or ""))
    edited = list(row.edited_fields or [])
    if field_name not in edited:
        edited.append(field_name)
    row.edited_fields = edited  # a new list, so the JSON change is saved
    row.edited_at = utcnow()
    session.commit()
    log.info("transaction %s: %s edited by hand", row.id, field_name)
    return _row_of(session, row.id)


def _row_of(session: Session, transaction_id: int) -> TransactionRow:
    for row in load_transactions(session, ids=[transaction_id]):
        return row
    raise EmailAutomationError("This transaction is no longer stored.")


def with_edit(row: TransactionRow, field_name: str, value: object) -> TransactionRow:
    """The row as it looks once the edit is saved (shown before the save ends)."""
    edited = row.edited_fields
    if field_name not in edited:
        edited = (*edited, field_name)
    row = replace(row, edited_fields=edited, edited_at=utcnow(), search="")
    if field_name == "amount":
        assert isinstance(value, Decimal)
        return replace(row, amount=value, search="")
    if field_name == "merchant":
        assert value is None or isinstance(value, str)
        return replace(row, merchant=value, search="")
    if field_name == "category":
        assert value is None or isinstance(value, str)
        return replace(row, category=value, search="")
    raise FieldError(field_name, f"The {field_name} of a transaction is read-only.")


# -- accounts ----------------------------------------------------------------

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^([a-z0-9-]+\.)+[a-z]{2,}$")
_HOST = re.compile(r"^[A-Za-z0-9.\-]+$|^\[?[0-9A-Fa-f:.]+\]?$")


def parse_senders(text: str) -> tuple[str, ...]:
    """Addresses or domains separated by commas, semicolons or new lines."""
    parts = [p.strip().lower() for p in re.split(r"[,;\n]", text)]
    senders = []
    for part in parts:
        if not part:
            continue
        if not (_ADDRESS.match(part) or _DOMAIN.match(part)):
            raise FieldError(
                "senders",
                f"{part!r} is neither an e-mail address nor a domain "
                "(like alerts@hdfcbank.net or hdfcbank.net).",
            )
        if part not in senders:
            senders.append(part)
    return tuple(senders)


def validate_draft(draft: AccountDraft) -> list[FieldError]:
    """Every problem of the draft, one per field, in the form's order."""
    problems: list[FieldError] = []
    if not draft.name.strip():
        problems.append(FieldError("name", "Give the account a name."))
    elif len(draft.name) > 200:
        problems.append(FieldError("name", "Keep the name under 200 characters."))
    if draft.email and not _ADDRESS.match(draft.email):
        problems.append(
            FieldError("email", f"{draft.email!r} is not an e-mail address.")
        )
    host = draft.host.strip()
    if not host:
        problems.append(
            FieldError("host", "Type the IMAP server, like imap.gmail.com.")
        )
    elif "://" in host or not _HOST.match(host):
        problems.append(
            FieldError(
                "host",
                "Type only the server name (imap.example.com), without "
                "imap:// or a port.",
            )
        )
    if not 1 <= draft.port <= 65535:
        problems.append(FieldError("port", "A port is a number from 1 to 65535."))
    if draft.security not in {s.value for s in Security}:
        problems.append(FieldError("security", "Choose how to secure the connection."))
    if not draft.username.strip():
        problems.append(
            FieldError("username", "Type the login name (often the address).")
        )
    if not draft.folder.strip():
        problems.append(FieldError("folder", "Type the folder to read, like INBOX."))
    if draft.poll_minutes is not None and draft.poll_minutes < 1:
        problems.append(FieldError("poll_minutes", "Choose a polling interval."))
    return problems


def save_account(session: Session, draft: AccountDraft, password: str | None) -> int:
    """Create or update an account; a new password goes to the keychain first.

    Returns the account's id. Raises ``FieldError`` naming the input at fault,
    ``KeyringUnavailable`` when the password cannot be kept (nothing is saved).
    """
    problems = validate_draft(draft)
    if problems:
        raise problems[0]
    name = draft.name.strip()
    clash = session.scalar(select(MailAccount.id).where(MailAccount.name == name))
    if clash is not None and clash != draft.id:
        raise FieldError("name", f"Another account is already named {name!r}.")

    if draft.id is None:
        if not password:
            raise FieldError("password", "Type the password (or app password).")
        account = MailAccount(name=name, host=draft.host.strip(), port=draft.port)
        session.add(account)
    else:
        found = session.get(MailAccount, draft.id)
        if found is None:
            raise EmailAutomationError(
                "This account was deleted meanwhile; nothing was saved."
            )
        account = found
    account.name = name
    account.email = (draft.email or "").strip() or None
    account.host = draft.host.strip()
    account.port = draft.port
    account.security = draft.security
    account.username = draft.username.strip()
    account.folder = draft.folder.strip()
    account.senders = list(draft.senders)
    account.since_date = draft.since_date
    account.enabled = draft.enabled
    account.poll_minutes = draft.poll_minutes
    session.flush()
    if draft.poll_minutes is None and account.poll_minutes is not None:
        # The column's default (60) fills in a None at INSERT; "off" is None.
        account.poll_minutes = None
        session.flush()

    try:
        if password:
            # Inside the open transaction: if the keychain refuses, the
            # rollback below leaves the database as it was.
            secrets.set_password(account.secret_ref, password)
    except EmailAutomationError:
        session.rollback()
        raise
    session.commit()
    log.info("account %r saved (id %s)", account.name, account.id)
    return account.id


def delete_account(session: Session, account_id: int) -> str:
    """Delete the account with its messages and transactions; forget its password.

    Returns the deleted account's name.
    """
    account = session.get(MailAccount, account_id)
    if account is None:
        raise EmailAutomationError("This account was already deleted.")
    name, ref = account.name, account.secret_ref
    # Bulk deletes by account: the database's ON DELETE CASCADE is not
    # relied on because SQLite only honours it with foreign keys switched on.
    session.query(Transaction).filter(
        Transaction.mail_account_id == account_id
    ).delete()
    session.query(ProcessedMessage).filter(
        ProcessedMessage.account_id == account_id
    ).delete()
    session.query(Run).filter(Run.account_id == account_id).delete()
    session.delete(account)
    session.commit()
    secrets.delete_password(ref)
    log.info("account %r deleted", name)
    return name


def account_password_ref(session: Session, account_id: int) -> str:
    account = session.get(MailAccount, account_id)
    if account is None:
        raise EmailAutomationError("This account was deleted meanwhile.")
    return account.secret_ref
