"""Write entries to a file or a stream, and remember what went where."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from emailautomation.ledger.entries import LedgerEntry, build_entries
from emailautomation.ledger.errors import ExportFailed
from emailautomation.ledger.formats import (
    CSV_COLUMNS,
    TAGS,
    Declarations,
    Format,
    parse_format,
    render,
)
from emailautomation.store.ledger import (
    ExportedDeclaration,
    ExportedEntry,
    ExportTarget,
)
from emailautomation.store.models import utcnow

log = logging.getLogger(__name__)

STDOUT = "-"

# Beancount refuses an entry dated before its account's open directive, and
# an alert read later may be older than anything exported so far (a mailbox
# added with an earlier start date); so the accounts written here open on a
# day no alert precedes.
OPEN_DATE = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export and where.

    Attributes:
        format: a ``Format`` value (``ledger``, ``hledger``, ``beancount``, ``csv``).
        since, until: the first and last day included; None is open-ended.
        accounts: mail account names or ledger accounts (with their
            sub-accounts) to keep; empty keeps everything.
        destination: the file; None writes to the stream given to
            ``export_transactions`` (standard output for the CLI).
        new_only: leave out what was exported to this destination before and
            append to the file; otherwise the file is replaced.
        overwrite: allow replacing a file this database never exported to
            (a person's own journal, say); without it that is refused.
    """

    format: str
    since: dt.date | None = None
    until: dt.date | None = None
    accounts: tuple[str, ...] = ()
    destination: Path | None = None
    new_only: bool = False
    overwrite: bool = False


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export did.

    Attributes:
        written: entries written now.
        already_exported: entries in the range left out by ``new_only``.
        appended: the file was added to rather than replaced.
        declared: accounts declared (beancount: opened) in this output.
    """

    format: str
    destination: str
    written: int
    already_exported: int = 0
    appended: bool = False
    declared: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class _Existing:
    """What the destination holds already, from our records and from the file."""

    keys: set[str] = field(default_factory=set)
    accounts: dict[str, dt.date | None] = field(default_factory=dict)
    commodities: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)


def destination_key(path: Path | None) -> str:
    return STDOUT if path is None else str(path.expanduser().resolve())


def _target(session: Session, kind: Format, destination: str) -> ExportTarget:
    target = session.scalar(
        select(ExportTarget).where(
            ExportTarget.format == kind.value, ExportTarget.destination == destination
        )
    )
    if target is None:
        target = ExportTarget(format=kind.value, destination=destination)
        session.add(target)
        session.flush()
    return target


def _forget(session: Session, target: ExportTarget) -> None:
    session.execute(delete(ExportedEntry).where(ExportedEntry.target_id == target.id))
    session.execute(
        delete(ExportedDeclaration).where(ExportedDeclaration.target_id == target.id)
    )


def _recorded(session: Session, target: ExportTarget) -> _Existing:
    existing = _Existing()
    existing.keys.update(
        session.scalars(
            select(ExportedEntry.message_key).where(
                ExportedEntry.target_id == target.id
            )
        )
    )
    for kind, name, declared_on in session.execute(
        select(
            ExportedDeclaration.kind,
            ExportedDeclaration.name,
            ExportedDeclaration.declared_on,
        ).where(ExportedDeclaration.target_id == target.id)
    ):
        if kind == "account":
            existing.accounts[name] = declared_on
        elif kind == "commodity":
            existing.commodities.add(name)
        elif kind == "tag":
            existing.tags.add(name)
    return existing


_OPEN = re.compile(r"^(\d{4}-\d{2}-\d{2})[ \t]+open[ \t]+(\S+)", re.MULTILINE)
_ACCOUNT = re.compile(r"^account[ \t]+(\S+)", re.MULTILINE)
_COMMODITY = re.compile(r"^commodity[ \t]+([A-Z]{3})\b", re.MULTILINE)
_TAG = re.compile(r"^tag[ \t]+(\S+)", re.MULTILINE)
_KEY_LEDGER = re.compile(r"^[ \t]+; message-id: (.*?)[ \t]*$", re.MULTILINE)
_KEY_BEANCOUNT = re.compile(r'^[ \t]+message-id: "((?:[^"\\]|\\.)*)"', re.MULTILINE)


def _read_file(kind: Format, path: Path, existing: _Existing) -> None:
    """Add what the file to be appended to declares and holds already: also
    what a person wrote into it, or what another database exported there."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ExportFailed(
            f"{path} is not UTF-8 text; choose another file to append to."
        ) from None
    except OSError as exc:
        raise ExportFailed(f"Cannot read {path}: {exc.strerror}.") from None

    if kind is Format.CSV:
        rows = csv.reader(io.StringIO(text))
        if next(rows, None) != list(CSV_COLUMNS):
            raise ExportFailed(
                f"{path} is not a CSV export of this app (its first row is not "
                f"{','.join(CSV_COLUMNS)}); choose another file or leave out "
                "--new-only to replace it."
            )
        column = CSV_COLUMNS.index("message_id")
        for row in rows:
            if len(row) > column:
                existing.keys.add(row[column].removeprefix("'"))
        return

    if kind is Format.BEANCOUNT:
        for day, name in _OPEN.findall(text):
            existing.accounts.setdefault(name, dt.date.fromisoformat(day))
        for escaped in _KEY_BEANCOUNT.findall(text):
            existing.keys.add(re.sub(r"\\(.)", r"\1", escaped))
        return

    for name in _ACCOUNT.findall(text):
        existing.accounts.setdefault(name, None)
    existing.commodities.update(_COMMODITY.findall(text))
    existing.tags.update(_TAG.findall(text))
    existing.keys.update(_KEY_LEDGER.findall(text))


def _new_declarations(
    kind: Format,
    entries: list[LedgerEntry],
    existing: _Existing,
    destination: str,
) -> Declarations:
    accounts: dict[str, dt.date] = {}
    for entry in entries:
        for name in (entry.category, entry.account):
            opened = existing.accounts.get(name)
            if name in existing.accounts:
                if kind is Format.BEANCOUNT and opened and opened > entry.date:
                    raise ExportFailed(
                        f"{name} is opened on {opened.isoformat()} in {destination}, "
                        f"but the entry of {entry.date.isoformat()} ({entry.payee}) "
                        "is older; move that open directive to that day or earlier "
                        "and export again."
                    )
                continue
            accounts[name] = OPEN_DATE
    commodities = sorted({e.currency for e in entries} - existing.commodities)
    tags = [t for t in TAGS if t not in existing.tags] if entries else []
    return Declarations(accounts, commodities, tags)


def _record(
    session: Session,
    target: ExportTarget,
    entries: Iterable[LedgerEntry],
    declarations: Declarations,
    kind: Format,
) -> None:
    session.add_all(
        ExportedEntry(
            target_id=target.id,
            message_key=entry.message_key,
            transaction_id=entry.transaction_id,
        )
        for entry in entries
    )
    if kind is not Format.CSV:
        opens = kind is Format.BEANCOUNT
        session.add_all(
            ExportedDeclaration(
                target_id=target.id,
                kind="account",
                name=name,
                declared_on=opened if opens else None,
            )
            for name, opened in declarations.accounts.items()
        )
        if not opens:
            session.add_all(
                ExportedDeclaration(target_id=target.id, kind="commodity", name=code)
                for code in declarations.commodities
            )
            session.add_all(
                ExportedDeclaration(target_id=target.id, kind="tag", name=tag)
                for tag in declarations.tags
            )
    target.last_export_at = utcnow()
    session.flush()


def _check_destination(path: Path) -> None:
    if path.is_dir():
        raise ExportFailed(f"{path} is a folder; give a file name to export to.")
    if not path.parent.is_dir():
        raise ExportFailed(f"The folder {path.parent} does not exist.")


def _append(path: Path, text: str, kind: Format, session: Session) -> None:
    """Append, then commit the records; on any failure cut the file back."""
    size = path.stat().st_size
    with path.open("rb") as existing:
        existing.seek(max(0, size - 1))
        ends_with_newline = existing.read(1) == b"\n"
    lead = "" if ends_with_newline else "\n"
    if kind is not Format.CSV:
        lead += "\n"  # a blank line between what was there and the new entries
    try:
        with path.open("a", encoding="utf-8", newline="") as out:
            out.write(lead + text)
        session.commit()
    except BaseException as exc:
        session.rollback()
        with path.open("r+b") as out:
            out.truncate(size)
        if isinstance(exc, OSError):
            raise ExportFailed(f"Cannot append to {path}: {exc.strerror}.") from None
        raise


def _replace(path: Path, text: str, session: Session) -> None:
    """Write a whole new file next to the old one, then swap it in."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        temporary.write_text(text, encoding="utf-8", newline="")
        if path.exists():
            # The file being replaced keeps its permissions.
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except OSError as exc:
        session.rollback()
        temporary.unlink(missing_ok=True)
        raise ExportFailed(f"Cannot write {path}: {exc.strerror}.") from None
    session.commit()


def export_transactions(
    session: Session, request: ExportRequest, stream: TextIO | None = None
) -> ExportResult:
    """Export the entries ``request`` asks for and record them as exported there.

    With ``new_only``, entries recorded for this format and destination, or
    found in the file by their message id, are left out and the rest is
    appended (a file that does not exist yet is simply written, and earlier
    records of it are forgotten). Without it the destination gets every entry
    in the range and the records are replaced to match. Raises ``LedgerError``
    subclasses with nothing written and nothing recorded.
    """
    try:
        return _export(session, request, stream)
    except BaseException:
        # Whatever failed, the caller's session is left as it was given.
        session.rollback()
        raise


def _export(
    session: Session, request: ExportRequest, stream: TextIO | None
) -> ExportResult:
    kind = parse_format(request.format)
    path = request.destination.expanduser() if request.destination else None
    if path is None and stream is None:
        raise ExportFailed("Give a file to export to.")
    if path is not None:
        _check_destination(path)
    destination = destination_key(path)

    entries = build_entries(
        session, since=request.since, until=request.until, accounts=request.accounts
    )
    target = _target(session, kind, destination)
    appending = bool(
        request.new_only and (path is None or (path.exists() and path.stat().st_size))
    )

    if (
        path is not None
        and not appending
        and not request.overwrite
        and target.last_export_at is None
        and path.exists()
        and path.stat().st_size
    ):
        raise ExportFailed(
            f"{path} exists and was not written by an export from this database; "
            "append to it with --new-only, or replace it with --overwrite."
        )
    if appending:
        existing = _recorded(session, target)
        if path is not None:
            _read_file(kind, path, existing)
    else:
        _forget(session, target)
        existing = _Existing()
    pending = [e for e in entries if e.message_key not in existing.keys]

    declarations = _new_declarations(kind, pending, existing, destination)
    result = ExportResult(
        format=kind.value,
        destination=destination,
        written=len(pending),
        already_exported=len(entries) - len(pending),
        appended=appending,
        declared=tuple(sorted(declarations.accounts)),
    )
    if appending and not pending:
        session.rollback()
        return result

    text = render(kind, pending, declarations, header=not appending)
    _record(session, target, pending, declarations, kind)
    if path is None:
        assert stream is not None
        stream.write(text)
        stream.flush()
        session.commit()
    elif appending:
        _append(path, text, kind, session)
    else:
        _replace(path, text, session)
    log.info(
        "exported %d %s entries to %s (%d exported before)",
        result.written,
        kind.value,
        destination,
        result.already_exported,
    )
    return result


def run_export(db_url: str, request: ExportRequest) -> ExportResult:
    """``export_transactions`` on a database of its own: call it from a pool
    thread with plain values only (the window's File → Export does)."""
    from emailautomation.store.database import Database

    if request.destination is None:
        raise ExportFailed("Give a file to export to.")
    with Database(db_url) as database, database.session() as session:
        return export_transactions(session, request)
