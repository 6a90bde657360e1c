"""Entries as text for ledger, hledger, beancount and spreadsheets (CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from emailautomation.extract.model import format_amount, format_time
from emailautomation.ledger.entries import LedgerEntry
from emailautomation.ledger.errors import LedgerError


class Format(enum.StrEnum):
    LEDGER = "ledger"
    HLEDGER = "hledger"
    BEANCOUNT = "beancount"
    CSV = "csv"


def parse_format(name: str) -> Format:
    try:
        return Format(name.strip().lower())
    except ValueError:
        choices = ", ".join(f.value for f in Format)
        raise LedgerError(
            f"{name!r} is not an export format; use one of {choices}."
        ) from None


SUFFIXES = {
    Format.LEDGER: ".ledger",
    Format.HLEDGER: ".journal",
    Format.BEANCOUNT: ".beancount",
    Format.CSV: ".csv",
}

# The metadata each entry may carry; ledger --pedantic wants them declared.
TAGS = ("message-id", "time", "merchant", "digits", "reference")

CSV_COLUMNS = (
    "date",
    "time",
    "payee",
    "merchant",
    "account",
    "category",
    "amount",
    "currency",
    "direction",
    "digits",
    "bank",
    "reference",
    "message_id",
    "mail_account",
)

HEADER_NOTE = "Transactions read from bank alert e-mails by Email Automation."


@dataclass(frozen=True, slots=True)
class Declarations:
    """What a piece of output must declare before its entries.

    Attributes:
        accounts: account name → the date of its beancount ``open``.
    """

    accounts: Mapping[str, dt.date] = field(default_factory=dict)
    commodities: Sequence[str] = ()
    tags: Sequence[str] = ()

    def __bool__(self) -> bool:
        return bool(self.accounts or self.commodities or self.tags)


def one_line(text: str) -> str:
    """Control characters and line breaks to spaces, runs of spaces to one."""
    cleaned = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text
    )
    return " ".join(cleaned.split())


def _ledger_payee(payee: str) -> str:
    # hledger ends the description at ";" (a comment); ledger would read a
    # leading "(" as a code, so an empty code "()" goes before such a payee.
    text = one_line(payee).replace(";", ",")
    return f"() {text}" if text.startswith("(") else text


def _metadata(entry: LedgerEntry, shown_payee: str) -> list[tuple[str, str]]:
    """Key-value lines for an entry; the merchant only when the payee shown is
    not the merchant as read (a rule's clean name, or a ";" replaced)."""
    items = [("message-id", one_line(entry.message_key))]
    if entry.time is not None:
        items.append(("time", format_time(entry.time) or ""))
    if entry.merchant and entry.merchant != shown_payee:
        items.append(("merchant", one_line(entry.merchant)))
    if entry.digits:
        items.append(("digits", one_line(entry.digits)))
    if entry.reference:
        items.append(("reference", one_line(entry.reference)))
    return [(key, value) for key, value in items if value]


def _posting_lines(entry: LedgerEntry, indent: str) -> list[str]:
    postings = entry.postings()
    width = max(36, *(len(account) for account, _ in postings))
    return [
        f"{indent}{account:<{width}}  {format_amount(amount):>14} {entry.currency}"
        for account, amount in postings
    ]


def _ledger_entry(entry: LedgerEntry) -> str:
    payee = _ledger_payee(entry.payee)
    lines = [f"{entry.date.isoformat()} * {payee}".rstrip()]
    lines += [f"    ; {key}: {value}" for key, value in _metadata(entry, payee)]
    lines += _posting_lines(entry, "    ")
    return "\n".join(lines) + "\n"


def _beancount_string(text: str) -> str:
    escaped = one_line(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _beancount_entry(entry: LedgerEntry) -> str:
    narration = (
        entry.merchant if entry.merchant and entry.merchant != entry.payee else ""
    )
    lines = [
        f"{entry.date.isoformat()} * {_beancount_string(entry.payee)} "
        f"{_beancount_string(narration)}"
    ]
    lines += [
        f"  {key}: {_beancount_string(value)}"
        for key, value in _metadata(entry, entry.payee)
        if key != "merchant"  # the narration holds it
    ]
    lines += _posting_lines(entry, "  ")
    return "\n".join(lines) + "\n"


def _ledger_declarations(declarations: Declarations) -> str:
    # Both tools read all three directives, so either file passes both
    # ``ledger --pedantic`` and ``hledger check --strict``.
    lines = [f"account {name}" for name in sorted(declarations.accounts)]
    lines += [f"commodity {code}" for code in sorted(declarations.commodities)]
    lines += [f"tag {tag}" for tag in declarations.tags]
    return "\n".join(lines) + "\n" if lines else ""


def _beancount_declarations(declarations: Declarations) -> str:
    lines = [
        f"{opened.isoformat()} open {name}"
        for name, opened in sorted(declarations.accounts.items())
    ]
    return "\n".join(lines) + "\n" if lines else ""


_FORMULA_STARTS = ("=", "+", "-", "@")


def _csv_text(value: str | None) -> str:
    """Free text for a spreadsheet cell: one line, and never read as a formula
    (a merchant like ``=HYPERLINK(…)`` from a forged alert gets a leading ')."""
    text = one_line(value or "")
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv(entries: Sequence[LedgerEntry], header: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.date.isoformat(),
                format_time(entry.time) or "",
                _csv_text(entry.payee),
                _csv_text(entry.merchant),
                entry.account,
                entry.category,
                format_amount(entry.account_amount),
                entry.currency,
                entry.direction,
                _csv_text(entry.digits),
                _csv_text(entry.bank),
                _csv_text(entry.reference),
                _csv_text(entry.message_key),
                _csv_text(entry.mail_account),
            ]
        )
    return out.getvalue()


def render(
    kind: Format,
    entries: Sequence[LedgerEntry],
    declarations: Declarations = Declarations(),
    *,
    header: bool = True,
) -> str:
    """The text for ``entries``: a header when ``header`` (a new file), then the
    declarations, then one balanced entry per transaction, blank-line apart.

    CSV has no declarations; its header is the column row.
    """
    if kind is Format.CSV:
        return _csv(entries, header)

    parts: list[str] = []
    if header:
        intro = f"; {HEADER_NOTE}\n"
        if kind is Format.HLEDGER:
            # Amounts are written with "." and no grouping; say so, so that
            # hledger never reads 1.234 as one thousand two hundred …
            intro += "decimal-mark .\n"
        parts.append(intro)
    if kind is Format.BEANCOUNT:
        declared = _beancount_declarations(declarations)
        render_entry = _beancount_entry
    else:
        declared = _ledger_declarations(declarations)
        render_entry = _ledger_entry
    if declared:
        parts.append(declared)
    parts += [render_entry(entry) for entry in entries]
    return "\n".join(parts)
