"""``process_account``: one account's new mail read, extracted and stored exactly once.

Everything stateful (engine, session, IMAP connection) is created here, in the
calling thread or process, and closed before returning. The arguments are
plain values, so the same call runs on a Qt worker, in the CLI, in a
subprocess or on a queue worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from emailautomation import secrets
from emailautomation.alert import Alert
from emailautomation.errors import (
    AccountNotFound,
    EmailAutomationError,
    MalformedMessage,
)
from emailautomation.jobs.events import (
    CancelCheck,
    Connecting,
    Finished,
    FoundNew,
    MessageDone,
    ProgressCallback,
    RunSummary,
)
from emailautomation.mail.imap import FETCH_BATCH, Mailbox, ServerSettings
from emailautomation.mail.message import message_key, parse_alert
from emailautomation.store.database import Database
from emailautomation.store.models import (
    FolderState,
    MailAccount,
    MessageOutcome,
    ProcessedMessage,
    Run,
    RunStatus,
    Transaction,
    utcnow,
)

if TYPE_CHECKING:
    from emailautomation.extract.model import Extraction, Reader, TransactionFields

log = logging.getLogger(__name__)


def _no_progress(_event: object) -> None:
    return None


def _never_cancel() -> bool:
    return False


def process_account(
    account_id: int,
    db_url: str,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    *,
    batch_size: int = FETCH_BATCH,
) -> RunSummary:
    """Read the account's new mail and store what it says. Never raises for
    mail, keychain or message problems: those end the run as ``failed`` with
    the reason kept on the run and on the account.

    ``progress`` receives ``jobs.events`` values; ``cancel`` is polled between
    messages and stops the run cleanly, keeping what was already read.
    """
    report = progress or _no_progress
    should_stop = cancel or _never_cancel
    database = Database(db_url)
    try:
        with database.session() as session:
            summary = _run(session, account_id, report, should_stop, batch_size)
    finally:
        database.close()
    report(Finished(summary))
    return summary


# A run reports the first few new transactions; keeping every one would grow
# with the mailbox.
NEW_TRANSACTIONS_KEPT = 50


class _Counts:
    def __init__(self) -> None:
        self.found = 0
        self.stored = 0
        self.ignored = 0
        self.failed = 0
        self.skipped = 0
        self.new_transactions: list[str] = []

    def add(self, outcome: str) -> None:
        if outcome == MessageOutcome.TRANSACTION:
            self.stored += 1
        elif outcome == MessageOutcome.IGNORED:
            self.ignored += 1
        else:
            self.failed += 1


def _run(
    session: Session,
    account_id: int,
    report: ProgressCallback,
    should_stop: CancelCheck,
    batch_size: int,
) -> RunSummary:
    account = session.get(MailAccount, account_id)
    if account is None:
        raise AccountNotFound(f"No mail account with id {account_id}.")
    run = Run(account_id=account.id, status=RunStatus.RUNNING.value)
    session.add(run)
    session.commit()
    counts = _Counts()
    log.info("run %s started for account %r", run.id, account.name)

    try:
        status = _sync(session, account, run, counts, report, should_stop, batch_size)
    except EmailAutomationError as exc:
        session.rollback()
        return _finish(session, account, run, counts, RunStatus.FAILED, exc)
    except Exception as exc:
        session.rollback()
        log.exception("run %s of account %r crashed", run.id, account.name)
        return _finish(session, account, run, counts, RunStatus.FAILED, exc)
    if counts.stored:
        _categorise(session, run.id)
    return _finish(session, account, run, counts, status, None)


def _categorise(session: Session, run_id: int) -> None:
    """Give this run's transactions their category from the person's rules.

    The transactions are committed already; a rule that fails here costs
    only the categories, which ``rule apply`` or the window can redo.
    """
    from emailautomation.ledger.rules import apply_rules

    try:
        apply_rules(session, run_id=run_id)
    except Exception:
        session.rollback()
        log.exception("category rules could not be applied after the run")


def _sync(
    session: Session,
    account: MailAccount,
    run: Run,
    counts: _Counts,
    report: ProgressCallback,
    should_stop: CancelCheck,
    batch_size: int,
) -> RunStatus:
    report(Connecting(account.id, account.name, account.host, account.port))
    password = secrets.get_password(account.secret_ref)
    settings = ServerSettings(
        host=account.host,
        port=account.port,
        security=account.security,
        username=account.username,
    )
    with Mailbox.connect(settings, password) as mailbox:
        del password
        folder = mailbox.select(account.folder)
        state = session.scalar(
            select(FolderState).where(
                FolderState.account_id == account.id,
                FolderState.folder == account.folder,
            )
        )
        if state is not None and state.uidvalidity != folder.uidvalidity:
            log.info(
                "UIDVALIDITY of %r changed (%s → %s): rescanning, message keys "
                "keep anything from being stored twice",
                account.folder,
                state.uidvalidity,
                folder.uidvalidity,
            )
            state.uidvalidity = folder.uidvalidity
            state.last_uid = 0
        if state is None:
            state = FolderState(
                account_id=account.id,
                folder=account.folder,
                uidvalidity=folder.uidvalidity,
                last_uid=0,
            )
            session.add(state)

        after = state.last_uid
        if after and folder.uidnext is not None and folder.uidnext <= after + 1:
            uids: list[int] = []  # nothing arrived: no SEARCH at all
        else:
            uids = mailbox.search_new(
                after_uid=after,
                since=None if after else account.effective_since(),
                senders=account.senders or (),
            )
        counts.found = len(uids)
        run.found = len(uids)
        report(FoundNew(account.id, len(uids)))
        readers = _load_readers(session) if uids else []

        index = 0
        for batch in mailbox.fetch(uids, batch_size):
            decoded = [_decode(uid, raw) for uid, raw in batch]
            known = _stored_keys(session, account.id, [item.key for item in decoded])
            rows = _BatchRows()
            handled_up_to = None
            for item in decoded:
                if should_stop():
                    break
                index += 1
                if item.key in known:
                    counts.skipped += 1
                    outcome, summary = "skipped", "already read"
                else:
                    # A second copy later in the batch is then skipped too.
                    known.add(item.key)
                    outcome, summary = _read_new_message(
                        account, run, state, item, readers, counts, rows
                    )
                handled_up_to = item.uid
                report(MessageDone(account.id, index, len(uids), outcome, summary))
            if handled_up_to is not None:
                state.last_uid = max(state.last_uid, handled_up_to)
            _save_counts(run, counts)
            _insert_batch(session, account.id, rows)
            # One commit holds each message's record, its transaction and the
            # folder position: a crash loses or repeats nothing.
            session.commit()
            if should_stop():
                log.info("run %s cancelled after %d messages", run.id, index)
                return RunStatus.CANCELLED

        if folder.uidnext is not None:
            state.last_uid = max(state.last_uid, folder.uidnext - 1)
        session.commit()
    return RunStatus.SUCCEEDED


@dataclass(frozen=True, slots=True)
class _Fetched:
    """One fetched message, decoded (or the reason it could not be)."""

    uid: int
    raw: bytes
    key: str
    alert: Alert | None
    failure: str | None


def _decode(uid: int, raw: bytes) -> _Fetched:
    try:
        alert = parse_alert(raw)
    except MalformedMessage as exc:
        key = message_key(exc.message_id, raw)
        return _Fetched(uid, raw, key, None, f"malformed message: {exc}")
    return _Fetched(uid, raw, message_key(alert.message_id, raw), alert, None)


def _stored_keys(session: Session, account_id: int, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` the account already has: one query for a whole batch."""
    if not keys:
        return set()
    return set(
        session.scalars(
            select(ProcessedMessage.key).where(
                ProcessedMessage.account_id == account_id,
                ProcessedMessage.key.in_(set(keys)),
            )
        )
    )


@dataclass(slots=True)
class _BatchRows:
    """The rows a batch adds, inserted with one statement per table at its end.

    ``transactions`` pairs each transaction's values with the index of its
    message in ``messages``, whose id is known only after the insert.
    """

    messages: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _read_new_message(
    account: MailAccount,
    run: Run,
    state: FolderState,
    item: _Fetched,
    readers: Sequence[Reader],
    counts: _Counts,
    rows: _BatchRows,
) -> tuple[str, str]:
    """Read one message not stored before; queue its record (and transaction)."""
    from emailautomation.extract import extract

    alert = item.alert
    extraction: Extraction | None = None
    failure = item.failure
    if alert is not None:
        try:
            extraction = extract(alert, readers)
        except Exception as exc:  # a bug in a reader must not end the run
            log.exception("extraction failed on uid %s", item.uid)
            failure = f"extraction error: {type(exc).__name__}: {exc}"
            extraction = None
    verdict = _judge(extraction, failure)

    rows.messages.append(
        {
            "account_id": account.id,
            "run_id": run.id,
            "key": item.key,
            "folder": state.folder,
            "uid": item.uid,
            "uidvalidity": state.uidvalidity,
            "sender": alert.sender if alert else None,
            "subject": alert.subject if alert else None,
            "sent_at": _naive_utc(alert.sent_at) if alert else None,
            "raw": item.raw,
            "outcome": verdict.outcome,
            "reason": verdict.reason,
            "format": verdict.format,
        }
    )
    if verdict.fields is not None:
        values = _transaction_values(verdict.fields)
        values["mail_account_id"] = account.id
        rows.transactions.append((len(rows.messages) - 1, values))
    counts.add(verdict.outcome)
    if (
        verdict.outcome == MessageOutcome.TRANSACTION
        and len(counts.new_transactions) < NEW_TRANSACTIONS_KEPT
    ):
        counts.new_transactions.append(verdict.summary)
    return verdict.outcome, verdict.summary


def _insert_batch(session: Session, account_id: int, rows: _BatchRows) -> None:
    """Insert a batch's messages, then its transactions, then flag look-alikes."""
    if not rows.messages:
        session.flush()
        return
    messages = ProcessedMessage.metadata.tables["processed_messages"]
    message_ids = session.scalars(
        insert(messages).returning(messages.c.id, sort_by_parameter_order=True),
        rows.messages,
    ).all()
    if not rows.transactions:
        return
    values = [
        {**fields, "message_id": message_ids[index]}
        for index, fields in rows.transactions
    ]
    # A plain multi-row INSERT of the table: nothing needs the new ids back.
    session.execute(insert(Transaction.metadata.tables["transactions"]), values)
    _flag_batch_duplicates(
        session, account_id, [(v["message_id"], v["date"], v["amount"]) for v in values]
    )
    _mark_templates_used(session, [v["template_id"] for v in values])


@dataclass(frozen=True, slots=True)
class _Verdict:
    """What became of one message: its outcome, reason, format and summary line."""

    outcome: str
    reason: str | None
    format: str | None
    fields: TransactionFields | None
    summary: str


def _judge(extraction: Extraction | None, failure: str | None) -> _Verdict:
    if extraction is None:
        reason = failure or "unknown failure"
        return _Verdict(MessageOutcome.FAILED.value, reason, None, None, reason)
    fields = extraction.transaction
    if fields is None:
        ignored = extraction.reason
        if extraction.detail:
            ignored = f"{extraction.reason}: {extraction.detail}"
        return _Verdict(
            MessageOutcome.IGNORED.value, ignored, None, None, ignored or "ignored"
        )
    merchant = f" at {fields.merchant}" if fields.merchant else ""
    return _Verdict(
        MessageOutcome.TRANSACTION.value,
        None,
        fields.format,
        fields,
        f"{fields.currency} {fields.amount}{merchant}",
    )


def _transaction_values(fields: TransactionFields) -> dict[str, Any]:
    return {
        "amount": fields.amount,
        "currency": fields.currency,
        "direction": fields.direction,
        "account": fields.account,
        "merchant": fields.merchant,
        "date": fields.date,
        "time": fields.time,
        "balance": fields.balance,
        "reference": fields.reference,
        "bank": fields.bank,
        "format": fields.format,
        "template_id": fields.template_id,
    }


def _apply(
    session: Session,
    account: MailAccount,
    message: ProcessedMessage,
    extraction: Extraction | None,
    failure: str | None,
) -> str:
    """Set the message's outcome and, for a transaction, add or update its row."""
    verdict = _judge(extraction, failure)
    message.outcome = verdict.outcome
    message.reason = verdict.reason
    message.format = verdict.format
    if verdict.fields is None:
        return verdict.summary

    row = message.transaction
    if row is None:
        row = Transaction(mail_account_id=account.id, message=message)
        session.add(row)
    edited = set(row.edited_fields or ())
    for name, value in _transaction_values(verdict.fields).items():
        if name not in edited:
            setattr(row, name, value)
    session.flush()
    _flag_batch_duplicates(session, account.id, [(message.id, row.date, row.amount)])
    _mark_templates_used(session, [verdict.fields.template_id])
    return verdict.summary


def _flag_batch_duplicates(
    session: Session,
    account_id: int,
    rows: Sequence[tuple[int, dt.date, Decimal]],
) -> None:
    """Mark transactions that look alike (same day, amount, currency, card
    and direction) as possible duplicates, and keep them all.

    ``rows`` are the (message id, date, amount) of the transactions just
    stored, a batch's or a re-read's; one query and one update. Look-alikes
    are grouped on the values as stored.
    """
    if not rows:
        return
    batch_messages = {message_id for message_id, _date, _amount in rows}
    candidates = session.execute(
        select(
            Transaction.id,
            Transaction.message_id,
            Transaction.date,
            Transaction.amount,
            Transaction.currency,
            Transaction.account,
            Transaction.direction,
            Transaction.possible_duplicate,
        ).where(
            Transaction.mail_account_id == account_id,
            Transaction.date.in_({date for _id, date, _amount in rows}),
            Transaction.amount.in_({amount for _id, _date, amount in rows}),
        )
    ).all()
    groups: defaultdict[tuple[object, ...], list[Any]] = defaultdict(list)
    for row in candidates:
        groups[(row.date, row.amount, row.currency, row.account, row.direction)].append(
            row
        )
    to_flag = [
        row.id
        for group in groups.values()
        if len(group) > 1 and any(r.message_id in batch_messages for r in group)
        for row in group
        if not row.possible_duplicate
    ]
    if to_flag:
        session.execute(
            update(Transaction)
            .where(Transaction.id.in_(to_flag))
            .values(possible_duplicate=True)
        )


def _load_readers(session: Session) -> list[Reader]:
    """The run's readers. The extraction engine is imported here and in the
    functions calling ``extract``, so a run that finds nothing new never
    pays for importing it."""
    from emailautomation.jobs.readers import load_readers

    return load_readers(session)


def _mark_templates_used(session: Session, template_ids: list[int | None]) -> None:
    """Learned templates that read something get ``last_used_at`` (one UPDATE,
    only when a template was used; see ``jobs.readers``)."""
    if any(template_id is not None for template_id in template_ids):
        from emailautomation.jobs.readers import mark_templates_used

        mark_templates_used(session, template_ids)


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _save_counts(run: Run, counts: _Counts) -> None:
    run.stored = counts.stored
    run.ignored = counts.ignored
    run.failed = counts.failed
    run.skipped = counts.skipped


def _finish(
    session: Session,
    account: MailAccount,
    run: Run,
    counts: _Counts,
    status: RunStatus,
    error: BaseException | None,
) -> RunSummary:
    run.status = status.value
    run.finished_at = utcnow()
    _save_counts(run, counts)
    account.last_check_at = run.finished_at
    message = None
    kind = None
    if error is not None:
        kind = type(error).__name__
        if isinstance(error, EmailAutomationError):
            message = str(error)
        else:
            message = f"Internal error ({kind}): {error}"
        run.error = message
        run.error_kind = kind
        account.last_error = message
        log.warning("account %r failed: %s", account.name, message)
    else:
        account.last_error = None
        log.info(
            "account %r: %d new, %d stored, %d ignored, %d failed",
            account.name,
            counts.found,
            counts.stored,
            counts.ignored,
            counts.failed,
        )
    session.commit()
    return RunSummary(
        account_id=account.id,
        account_name=account.name,
        run_id=run.id,
        status=status.value,
        found=counts.found,
        stored=counts.stored,
        ignored=counts.ignored,
        failed=counts.failed,
        skipped=counts.skipped,
        error=message,
        error_kind=kind,
        new_transactions=counts.new_transactions[:NEW_TRANSACTIONS_KEPT],
    )


def reread_messages(
    db_url: str,
    *,
    account_id: int | None = None,
    outcomes: Iterable[str] = (MessageOutcome.IGNORED, MessageOutcome.FAILED),
    sender: str | None = None,
    message_ids: Sequence[int] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> dict[str, int]:
    """Read stored messages again (after a parser change or a taught template).

    Works from the bytes kept in the database; nothing is fetched. ``sender``
    is an address or a domain. Hand edits on existing transactions are kept.
    Returns counts per new outcome.
    """
    report = progress or _no_progress
    should_stop = cancel or _never_cancel
    totals = {"transaction": 0, "ignored": 0, "failed": 0}
    database = Database(db_url)
    try:
        with database.session() as session:
            query = select(ProcessedMessage).where(
                ProcessedMessage.outcome.in_([str(o) for o in outcomes])
            )
            if account_id is not None:
                query = query.where(ProcessedMessage.account_id == account_id)
            if message_ids is not None:
                query = query.where(ProcessedMessage.id.in_(list(message_ids)))
            if sender:
                sender = sender.lower()
                if "@" in sender:
                    query = query.where(ProcessedMessage.sender == sender)
                else:
                    query = query.where(
                        ProcessedMessage.sender.like(f"%@{sender}")
                        | ProcessedMessage.sender.like(f"%.{sender}")
                    )
            ids = list(session.scalars(query.with_only_columns(ProcessedMessage.id)))
            readers = _load_readers(session)
            for index, message_id in enumerate(ids, start=1):
                if should_stop():
                    break
                message = session.get(ProcessedMessage, message_id)
                if message is None:
                    continue
                outcome, summary = _reread_one(session, message, readers)
                totals[outcome] += 1
                session.commit()
                report(
                    MessageDone(message.account_id, index, len(ids), outcome, summary)
                )
    finally:
        database.close()
    return totals


def _reread_one(
    session: Session, message: ProcessedMessage, readers: Sequence[Reader]
) -> tuple[str, str]:
    from emailautomation.extract import extract

    account = session.get(MailAccount, message.account_id)
    assert account is not None
    extraction: Extraction | None = None
    failure = None
    try:
        alert = parse_alert(message.raw or b"")
        extraction = extract(alert, readers)
    except MalformedMessage as exc:
        failure = f"malformed message: {exc}"
    except Exception as exc:
        failure = f"extraction error: {type(exc).__name__}: {exc}"
    no_longer_read = extraction is not None and extraction.transaction is None
    if no_longer_read and message.transaction is not None:
        # A re-read never deletes a stored transaction.
        return message.outcome, "kept"
    summary = _apply(session, account, message, extraction, failure)
    return message.outcome, summary
