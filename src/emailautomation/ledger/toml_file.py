"""Mappings, rules and defaults as a small TOML file, to keep beside a ledger.

The format (every table optional; one file may hold both parts)::

    version = 1

    [defaults]
    account = "Assets:Unknown"                 # digits nothing maps
    debit_category = "Expenses:Uncategorised"  # money out no rule matches
    credit_category = "Income:Uncategorised"   # money in no rule matches

    [mail_accounts]                            # a mail account's own default
    "Personal" = "Assets:Bank:Chase:Checking"

    [[mapping]]
    digits = "1234"                            # as alerts print them, quoted
    account = "Liabilities:CreditCard:HDFC"

    [[rule]]                                   # in order; the first match wins
    match = "contains"                         # contains | starts-with | regex
    pattern = 'SWIGGY'
    category = "Expenses:Food:Delivery"
    payee = "Swiggy"                           # optional clean payee
    digits = "1234"                            # optional: only this card
    direction = "debit"                        # optional: debit | credit
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from emailautomation.errors import EmailAutomationError
from emailautomation.ledger.defaults import (
    find_mail_account,
    list_mail_account_defaults,
    load_defaults,
    store_defaults,
)
from emailautomation.ledger.errors import SettingsFileInvalid
from emailautomation.ledger.mapping import list_mappings, store_mapping
from emailautomation.ledger.names import check_account_name, normalise_digits
from emailautomation.ledger.rules import RuleDraft, list_rules, store_rule
from emailautomation.store.ledger import AccountMapping, CategoryRule

log = logging.getLogger(__name__)

VERSION = 1
_TOP = {"version", "defaults", "mail_accounts", "mapping", "rule"}
_DEFAULTS = {"account", "debit_category", "credit_category"}
_MAPPING = {"digits", "account"}
_RULE = {"match", "pattern", "category", "payee", "digits", "direction"}


@dataclass
class LedgerSettings:
    """What a settings file says; ``None`` and empty mean the file is silent."""

    account: str | None = None
    debit_category: str | None = None
    credit_category: str | None = None
    mail_accounts: dict[str, str] = field(default_factory=dict)
    mappings: list[tuple[str, str]] = field(default_factory=list)
    rules: list[RuleDraft] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    added: int = 0
    changed: int = 0
    removed: int = 0

    def describe(self, what: str) -> str:
        return (
            f"{what}: {self.added} added, {self.changed} changed, "
            f"{self.removed} removed"
        )


# -- reading ---------------------------------------------------------------


def _unknown_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        allowed_keys = ", ".join(sorted(allowed))
        raise SettingsFileInvalid(
            f"{where}: unknown key {unknown[0]!r} (allowed: {allowed_keys})."
        )


def _text(table: dict[str, Any], key: str, where: str, *, required: bool) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise SettingsFileInvalid(f"{where}: {key!r} is missing.")
        return None
    if not isinstance(value, str):
        hint = ' (write digits in quotes, "0123", so leading zeros stay)'
        raise SettingsFileInvalid(
            f"{where}: {key!r} must be a string{hint if key == 'digits' else ''}."
        )
    return value


def _list_of_tables(document: dict[str, Any], key: str, source: str) -> list[Any]:
    items = document.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SettingsFileInvalid(f"{source}: write each {key} as a [[{key}]] table.")
    return items


def parse_settings(text: str, source: str = "the settings file") -> LedgerSettings:
    """Read and check the whole file; raises ``SettingsFileInvalid`` naming the
    table and entry at fault, before anything is changed."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsFileInvalid(f"{source} is not valid TOML: {exc}.") from None
    _unknown_keys(document, _TOP, source)
    version = document.get("version", VERSION)
    if version != VERSION:
        raise SettingsFileInvalid(
            f"{source}: version {version!r} is not known; this app reads {VERSION}."
        )

    settings = LedgerSettings()
    where = ""
    try:
        where = f"{source}, [defaults]"
        defaults = document.get("defaults", {})
        if not isinstance(defaults, dict):
            raise SettingsFileInvalid(f"{where} must be a table.")
        _unknown_keys(defaults, _DEFAULTS, where)
        for key in sorted(_DEFAULTS):
            value = _text(defaults, key, where, required=False)
            if value is not None:
                setattr(settings, key, check_account_name(value))

        where = f"{source}, [mail_accounts]"
        mail_accounts = document.get("mail_accounts", {})
        if not isinstance(mail_accounts, dict):
            raise SettingsFileInvalid(f"{where} must be a table.")
        for name in mail_accounts:
            value = _text(mail_accounts, name, where, required=True)
            assert value is not None
            settings.mail_accounts[name] = check_account_name(value)

        seen: dict[str, int] = {}
        for index, table in enumerate(_list_of_tables(document, "mapping", source), 1):
            where = f"{source}, mapping {index}"
            _unknown_keys(table, _MAPPING, where)
            digits = normalise_digits(
                _text(table, "digits", where, required=True) or ""
            )
            if digits in seen:
                raise SettingsFileInvalid(
                    f"{where}: digits {digits} are mapped already by mapping "
                    f"{seen[digits]}."
                )
            seen[digits] = index
            account = check_account_name(
                _text(table, "account", where, required=True) or ""
            )
            settings.mappings.append((digits, account))

        for index, table in enumerate(_list_of_tables(document, "rule", source), 1):
            where = f"{source}, rule {index}"
            _unknown_keys(table, _RULE, where)
            draft = RuleDraft(
                match=_text(table, "match", where, required=False) or "contains",
                pattern=_text(table, "pattern", where, required=True) or "",
                category=_text(table, "category", where, required=True) or "",
                payee=_text(table, "payee", where, required=False),
                account_digits=_text(table, "digits", where, required=False),
                direction=_text(table, "direction", where, required=False),
            )
            settings.rules.append(draft.checked())
    except SettingsFileInvalid:
        raise
    except EmailAutomationError as exc:
        raise SettingsFileInvalid(f"{where}: {exc}") from None
    return settings


def read_settings(path: Path) -> LedgerSettings:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsFileInvalid(f"{path} does not exist.") from None
    except UnicodeDecodeError:
        raise SettingsFileInvalid(f"{path} is not UTF-8 text.") from None
    except OSError as exc:
        raise SettingsFileInvalid(f"Cannot read {path}: {exc.strerror}.") from None
    return parse_settings(text, str(path))


# -- applying --------------------------------------------------------------


def import_mappings(
    session: Session, settings: LedgerSettings, *, merge: bool = False
) -> ImportSummary:
    """Make the mapping table the file's (with ``merge``: add and change only),
    and set the defaults the file gives. One commit; nothing changes on error."""
    try:
        # Look every mail account up first: an unknown name changes nothing.
        accounts = {
            name: find_mail_account(session, name) for name in settings.mail_accounts
        }
        before = {m.digits: m.ledger_account for m in list_mappings(session)}
        wanted = dict(settings.mappings)
        removed = 0
        if not merge:
            gone = set(before) - set(wanted)
            if gone:
                session.execute(
                    delete(AccountMapping).where(AccountMapping.digits.in_(gone))
                )
            removed = len(gone)
        for digits, account in settings.mappings:
            store_mapping(session, digits, account)
        for name, account in settings.mail_accounts.items():
            accounts[name].ledger_account = account
        if settings.account:
            store_defaults(session, account=settings.account)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    added = sum(1 for d in wanted if d not in before)
    changed = sum(1 for d, a in wanted.items() if d in before and before[d] != a)
    return ImportSummary(added, changed, removed)


def import_rules(
    session: Session, settings: LedgerSettings, *, merge: bool = False
) -> ImportSummary:
    """Make the rule table the file's rules in the file's order (with ``merge``:
    append those not there yet), and set the default categories it gives."""
    try:
        before = [rule.draft for rule in list_rules(session)]
        if merge:
            new = [draft for draft in settings.rules if draft not in before]
            removed = 0
        else:
            session.execute(delete(CategoryRule))
            new = settings.rules
            removed = len([d for d in before if d not in settings.rules])
        for draft in new:
            store_rule(session, draft)
        if settings.debit_category or settings.credit_category:
            store_defaults(
                session,
                debit_category=settings.debit_category,
                credit_category=settings.credit_category,
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    added = len([d for d in new if d not in before])
    return ImportSummary(added=added, changed=0, removed=removed)


# -- writing ---------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_ESCAPES |= {"\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _pattern_string(value: str) -> str:
    """A literal string when it can be one, so regular expressions read as typed."""
    plain = all(c != "'" and (ord(c) >= 0x20 and ord(c) != 0x7F) for c in value)
    return f"'{value}'" if plain else toml_string(value)


def dump_settings(
    session: Session, *, mappings: bool = True, rules: bool = True
) -> str:
    """The stored mappings and/or rules with their defaults, as the file format."""
    defaults = load_defaults(session)
    parts = [("account mappings", "mapping"), ("category rules", "rule")]
    chosen = [
        part for part, wanted in zip(parts, (mappings, rules), strict=True) if wanted
    ]
    commands = " and ".join(f"'emailautomation {c} import FILE'" for _, c in chosen)
    lines = [
        f"# Email Automation {' and '.join(w for w, _ in chosen)}.",
        f"# Read back with {commands}.",
        f"version = {VERSION}",
        "",
        "[defaults]",
    ]
    if mappings:
        lines.append(f"account = {toml_string(defaults.account)}")
    if rules:
        lines.append(f"debit_category = {toml_string(defaults.debit_category)}")
        lines.append(f"credit_category = {toml_string(defaults.credit_category)}")

    if mappings:
        own = list_mail_account_defaults(session)
        own_lines = [f"{toml_string(n)} = {toml_string(a)}" for n, a in own]
        if own_lines:
            lines += ["", "[mail_accounts]", *own_lines]
        for mapping in list_mappings(session):
            lines += [
                "",
                "[[mapping]]",
                f"digits = {toml_string(mapping.digits)}",
                f"account = {toml_string(mapping.ledger_account)}",
            ]

    if rules:
        for rule in list_rules(session):
            lines += [
                "",
                "[[rule]]",
                f"match = {toml_string(rule.match)}",
                f"pattern = {_pattern_string(rule.pattern)}",
                f"category = {toml_string(rule.category)}",
            ]
            if rule.payee:
                lines.append(f"payee = {toml_string(rule.payee)}")
            if rule.account_digits:
                lines.append(f"digits = {toml_string(rule.account_digits)}")
            if rule.direction:
                lines.append(f"direction = {toml_string(rule.direction)}")
    return "\n".join(lines) + "\n"
