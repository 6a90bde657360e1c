"""Bank formats: one TOML file per bank under ``formats/``, loaded once."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from emailautomation.alert import Alert
from emailautomation.extract.amounts import Money, find_money, parse_amount, parse_money
from emailautomation.extract.currencies import (
    COUNTRY_CURRENCY,
    DECIMAL_COMMA_COUNTRIES,
    minor_units,
    resolve_symbol,
)
from emailautomation.extract.dates import DMY, MDY, YMD, find_dates, parse_time
from emailautomation.extract.fields import Finding, classify_money, clean_merchant
from emailautomation.extract.generic import (
    DATE_ORDERS,
    Context,
    read_fields,
    reference_date,
)
from emailautomation.extract.model import CREDIT, DEBIT, Extraction
from emailautomation.extract.screening import Screening

# A format says who the bank is (sender domains, name, country, currency, date
# order), may add regular expressions for phrasings the generic reader does
# not know, may name messages it always ignores, and carries sample alerts
# with the fields they must give; the test suite reads every sample. Adding a
# bank means adding one file.

log = logging.getLogger(__name__)

_FIELDS = frozenset(
    [
        "amount",
        "currency",
        "money",
        "account",
        "merchant",
        "date",
        "time",
        "reference",
        "balance",
    ]
)
_KEYS = frozenset(
    [
        "name",
        "country",
        "currency",
        "date_order",
        "decimal_mark",
        "domains",
        "domain_keywords",
        "patterns",
        "ignore",
        "samples",
        "notes",
    ]
)
_NON_DIGITS = re.compile(r"[^0-9]")


class FormatError(ValueError):
    """A bank format file is not valid; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class BankPattern:
    """A bank-specific regular expression with named groups for fields."""

    name: str
    regex: re.Pattern[str]
    direction: str | None = None


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """Messages of this bank that are never transactions, and why."""

    reason: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class BankSample:
    """A sample alert in a format file and what reading it must give.

    ``expect`` holds the fields as ``expected.json`` writes them, or
    ``{"ignored": reason}`` for a message that is not a transaction.
    """

    sender: str
    sender_name: str
    subject: str
    sent_at: dt.datetime | None
    text: str | None
    html: str | None
    expect: Mapping[str, str]

    def alert(self) -> Alert:
        return Alert(
            sender=self.sender,
            sender_name=self.sender_name,
            subject=self.subject,
            sent_at=self.sent_at,
            text=self.text,
            html=self.html,
        )


@dataclass(frozen=True)
class BankFormat:
    """One bank's description: a ``Reader`` for the alerts its domains send.

    Attributes:
        id: the file name without ``.toml``; ``name`` is ``bank:<id>``.
        bank: the bank's name as the ledger shows it.
    """

    id: str
    bank: str
    country: str
    currency: str
    domains: tuple[str, ...]
    domain_keywords: tuple[str, ...] = ()
    date_order: str | None = None
    decimal_mark: str | None = None
    patterns: tuple[BankPattern, ...] = ()
    ignore: tuple[IgnoreRule, ...] = ()
    samples: tuple[BankSample, ...] = field(default=(), repr=False)

    @property
    def name(self) -> str:
        return f"bank:{self.id}"

    def applies_to(self, alert: Alert) -> bool:
        return _domain_matches(alert.sender_domain, self.domains, self.domain_keywords)

    def context(self, alert: Alert) -> Context:
        return Context(
            country=self.country,
            currency=self.currency,
            date_order=self.date_order,
            decimal_mark=self.decimal_mark,
            bank=self.bank,
            format=self.name,
            reference=reference_date(alert),
        )

    def screen(self, subject: str, text: str) -> Screening | None:
        """This bank's own rules for messages that are not transactions."""
        for rule in self.ignore:
            match = rule.regex.search(subject + "\n" + text)
            if match:
                return Screening(
                    rule.reason, f"{self.name} ignore rule", match.group(0)
                )
        return None

    def preset(
        self, text: str, context: Context
    ) -> tuple[dict[str, Finding[Any]], str | None]:
        """Fields the first matching bank pattern gives, and that pattern's name."""
        for pattern in self.patterns:
            match = pattern.regex.search(text)
            if match is None:
                continue
            found = _read_groups(match, pattern, context)
            if "amount" in found:
                return found, pattern.name
        return {}, None

    def read(self, alert: Alert, text: str) -> Extraction | None:
        """Read with this bank's context and patterns (the ``Reader`` protocol)."""
        context = self.context(alert)
        money = find_money(
            text, country=context.country, decimal_mark=self.decimal_mark
        )
        preset, _ = self.preset(text, context)
        roled = classify_money(text, money)
        extraction, _ = read_fields(alert, text, roled, context, preset)
        return extraction if extraction.transaction is not None else None


def _domain_matches(
    domain: str, domains: Iterable[str], keywords: Iterable[str]
) -> bool:
    domain = domain.lower()
    for known in domains:
        if domain == known or domain.endswith("." + known):
            return True
    labels = domain.split(".")
    return any(keyword in label for keyword in keywords for label in labels)


def _read_groups(
    match: re.Match[str], pattern: BankPattern, context: Context
) -> dict[str, Finding[Any]]:
    rule = f"{context.format} pattern “{pattern.name}”"
    groups = {k: v for k, v in match.groupdict().items() if v}
    found: dict[str, Finding[Any]] = {}

    def shifted(money: Money, group: str) -> Money:
        offset = match.start(group)
        return Money(
            money.amount,
            money.currency,
            money.start + offset,
            money.end + offset,
            money.printed,
            money.sign,
            money.marker,
        )

    if "money" in groups:
        money = parse_money(
            groups["money"], country=context.country, default_currency=context.currency
        )
        if money is not None:
            found["amount"] = Finding(shifted(money, "money"), rule, groups["money"])
    elif "amount" in groups:
        currency = context.currency
        if "currency" in groups:
            currency = resolve_symbol(groups["currency"].strip(), context.country)
        value = parse_amount(
            groups["amount"],
            decimal_mark=context.decimal_mark,
            minor_digits=minor_units(currency) if currency else 2,
        )
        if value is not None:
            money = Money(
                value,
                currency,
                match.start("amount"),
                match.end("amount"),
                groups["amount"],
            )
            found["amount"] = Finding(money, rule, groups["amount"])
    if pattern.direction:
        found["direction"] = Finding(pattern.direction, rule, match.group(0)[:80])
    if "account" in groups:
        digits = _NON_DIGITS.sub("", groups["account"])
        if digits:
            found["account"] = Finding(
                digits[-4:] if len(digits) > 6 else digits, rule, groups["account"]
            )
    if "merchant" in groups and (name := clean_merchant(groups["merchant"])):
        found["merchant"] = Finding(name, rule, groups["merchant"])
    if "date" in groups:
        dates = find_dates(groups["date"], context.reference, context.date_order)
        if dates:
            found["date"] = Finding(dates[0].date, rule, groups["date"])
    if "time" in groups and (time := parse_time(groups["time"])) is not None:
        found["time"] = Finding(time, rule, groups["time"])
    if "reference" in groups:
        found["reference"] = Finding(
            groups["reference"].strip(), rule, groups["reference"]
        )
    if "balance" in groups:
        balance = parse_money(
            groups["balance"],
            country=context.country,
            default_currency=context.currency,
        )
        if balance is not None:
            found["balance"] = Finding(balance, rule, groups["balance"])
    return found


def _require(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise FormatError(f"{where}: “{key}” is missing")
    value = data[key]
    if not isinstance(value, kind):
        raise FormatError(f"{where}: “{key}” must be a {kind.__name__}")
    return value


def _compile(source: Any, where: str) -> re.Pattern[str]:
    if not isinstance(source, str):
        raise FormatError(f"{where}: “regex” must be a string")
    try:
        return re.compile(source, re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise FormatError(f"{where}: the regex does not compile: {exc}") from exc


def parse_format(format_id: str, data: Mapping[str, Any]) -> BankFormat:
    """Build a ``BankFormat`` from a parsed TOML table; ``FormatError`` when invalid."""
    where = f"bank format {format_id!r}"
    unknown = set(data) - _KEYS
    if unknown:
        raise FormatError(f"{where}: unknown keys {sorted(unknown)}")
    bank = _require(data, "name", str, where)
    country = _require(data, "country", str, where).upper()
    currency = data.get("currency") or COUNTRY_CURRENCY.get(country)
    if not currency:
        raise FormatError(f"{where}: no “currency” and none known for {country}")
    domains = tuple(d.lower() for d in _require(data, "domains", list, where))
    keywords = tuple(k.lower() for k in data.get("domain_keywords", []))
    date_order = data.get("date_order") or DATE_ORDERS.get(country)
    if date_order not in (None, DMY, MDY, YMD):
        raise FormatError(f"{where}: “date_order” must be DMY, MDY or YMD")
    decimal_mark = data.get("decimal_mark")
    if decimal_mark is None and country in DECIMAL_COMMA_COUNTRIES:
        decimal_mark = ","
    if decimal_mark not in (None, ".", ","):
        raise FormatError(f"{where}: “decimal_mark” must be . or ,")

    patterns = []
    for index, entry in enumerate(data.get("patterns", [])):
        here = f"{where}, pattern {index + 1}"
        regex = _compile(entry.get("regex"), here)
        names = set(regex.groupindex)
        if not names & {"amount", "money"}:
            raise FormatError(f"{here}: needs an “amount” or “money” group")
        if names - _FIELDS:
            raise FormatError(f"{here}: unknown groups {sorted(names - _FIELDS)}")
        direction = entry.get("direction")
        if direction not in (None, DEBIT, CREDIT):
            raise FormatError(f"{here}: “direction” must be debit or credit")
        patterns.append(
            BankPattern(entry.get("name", f"pattern {index + 1}"), regex, direction)
        )

    ignore = []
    for index, entry in enumerate(data.get("ignore", [])):
        here = f"{where}, ignore rule {index + 1}"
        reason = _require(entry, "reason", str, here)
        ignore.append(IgnoreRule(reason, _compile(entry.get("regex"), here)))

    samples = []
    for index, entry in enumerate(data.get("samples", [])):
        here = f"{where}, sample {index + 1}"
        if not entry.get("text") and not entry.get("html"):
            raise FormatError(f"{here}: needs “text” or “html”")
        expect = _require(entry, "expect", dict, here)
        sent_at = entry.get("date")
        if isinstance(sent_at, dt.datetime) and sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=dt.UTC)
        if sent_at is not None and not isinstance(sent_at, dt.datetime):
            raise FormatError(f"{here}: “date” must be a date and time")
        samples.append(
            BankSample(
                sender=entry.get("sender", f"alerts@{domains[0]}").lower(),
                sender_name=entry.get("sender_name", bank),
                subject=entry.get("subject", ""),
                sent_at=sent_at,
                text=entry.get("text"),
                html=entry.get("html"),
                expect={k: str(v) for k, v in expect.items()},
            )
        )
    return BankFormat(
        id=format_id,
        bank=bank,
        country=country,
        currency=currency,
        domains=domains,
        domain_keywords=keywords,
        date_order=date_order,
        decimal_mark=decimal_mark,
        patterns=tuple(patterns),
        ignore=tuple(ignore),
        samples=tuple(samples),
    )


@functools.cache
def load_formats() -> tuple[BankFormat, ...]:
    """Every bank format shipped in ``extract/formats``, sorted by id.

    Raises ``FormatError`` naming the file when one is invalid: a broken
    format is a bug to fix, not something to skip silently.
    """
    folder = resources.files("emailautomation.extract") / "formats"
    formats = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        format_id = entry.name.removesuffix(".toml")
        try:
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise FormatError(
                f"bank format {format_id!r}: not valid TOML: {exc}"
            ) from exc
        formats.append(parse_format(format_id, data))
    log.debug("loaded %d bank formats", len(formats))
    return tuple(formats)


@functools.cache
def _by_domain() -> tuple[dict[str, BankFormat], tuple[BankFormat, ...]]:
    exact: dict[str, BankFormat] = {}
    with_keywords = []
    for bank_format in load_formats():
        for domain in bank_format.domains:
            exact.setdefault(domain, bank_format)
        if bank_format.domain_keywords:
            with_keywords.append(bank_format)
    return exact, tuple(with_keywords)


def format_for(alert: Alert) -> BankFormat | None:
    """The bank format for this sender's domain (or a parent domain), or None."""
    exact, with_keywords = _by_domain()
    labels = alert.sender_domain.lower().split(".")
    for index in range(len(labels) - 1):
        found = exact.get(".".join(labels[index:]))
        if found is not None:
            return found
    for bank_format in with_keywords:
        if bank_format.applies_to(alert):
            return bank_format
    return None


def formats_by_id() -> dict[str, BankFormat]:
    return {f.id: f for f in load_formats()}
