"""What the ledger pages, the export dialog and the chart read and write; no Qt here.

Each function takes a ``Session`` owned by the calling thread (a pool task's)
and returns plain values. The writers return the whole ``LedgerSetup`` again,
so that every page shows what the database holds after the change.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from emailautomation.errors import EmailAutomationError
from emailautomation.ledger import (
    ImportSummary,
    InvalidRule,
    LedgerDefaults,
    LedgerError,
    Mapping,
    MonthlyTotal,
    Rule,
    RuleBook,
    RuleDraft,
    add_rule,
    apply_rules,
    check_account_name,
    count_matching,
    dump_settings,
    import_mappings,
    import_rules,
    list_mappings,
    list_rules,
    load_defaults,
    make_rule_from_transaction,
    monthly_spending,
    move_rule,
    read_settings,
    remove_mapping,
    remove_rule,
    save_defaults,
    save_mail_account_default,
    save_mapping,
    set_transaction_category,
    suggest_rule,
    update_rule,
)
from emailautomation.ledger.names import normalise_digits
from emailautomation.ledger.rules import PAYEE_MAX
from emailautomation.store.models import MailAccount, Transaction
from emailautomation.ui.ledger import TransactionRow, load_transactions

log = logging.getLogger(__name__)

PARTS = ("mappings", "rules")


@dataclass(frozen=True, slots=True)
class MailAccountDefault:
    """A mail account and its own default ledger account (None: the global one)."""

    id: int
    name: str
    ledger_account: str | None


@dataclass(frozen=True, slots=True)
class LedgerSetup:
    """Everything the mapping and rule pages show, read in one task."""

    mappings: tuple[Mapping, ...] = ()
    rules: tuple[Rule, ...] = ()
    defaults: LedgerDefaults = field(default_factory=LedgerDefaults)
    mail_accounts: tuple[MailAccountDefault, ...] = ()

    def categories(self) -> list[str]:
        """The category accounts named anywhere in the setup, for completion."""
        names = {rule.category for rule in self.rules}
        names |= {self.defaults.debit_category, self.defaults.credit_category}
        return sorted(names, key=str.casefold)

    def ledger_accounts(self) -> list[str]:
        """The asset and liability accounts named anywhere in the setup."""
        names = {m.ledger_account for m in self.mappings}
        names |= {a.ledger_account for a in self.mail_accounts if a.ledger_account}
        names.add(self.defaults.account)
        return sorted(names, key=str.casefold)


def load_setup(session: Session) -> LedgerSetup:
    accounts = session.execute(
        select(MailAccount.id, MailAccount.name, MailAccount.ledger_account).order_by(
            MailAccount.name
        )
    )
    return LedgerSetup(
        mappings=tuple(list_mappings(session)),
        rules=tuple(list_rules(session)),
        defaults=load_defaults(session),
        mail_accounts=tuple(
            MailAccountDefault(account_id, name, ledger_account or None)
            for account_id, name, ledger_account in accounts
        ),
    )


# -- checks a form makes while the person types ---------------------------


def account_problem(text: str) -> str | None:
    """Why ``text`` is not a usable ledger account name, or None when it is."""
    try:
        check_account_name(text)
    except LedgerError as exc:
        return str(exc)
    return None


def digits_problem(text: str, *, required: bool = True) -> str | None:
    if not text.strip() and not required:
        return None
    try:
        normalise_digits(text)
    except LedgerError as exc:
        return str(exc)
    return None


def mapping_problems(digits: str, ledger_account: str) -> dict[str, str]:
    """Field name (``digits``, ``ledger_account``) → what is wrong with it."""
    problems = {}
    if (problem := digits_problem(digits)) is not None:
        problems["digits"] = problem
    if (problem := account_problem(ledger_account)) is not None:
        problems["ledger_account"] = problem
    return problems


def rule_problems(draft: RuleDraft) -> dict[str, str]:
    """Field name (``pattern``, ``category``, ``payee``, ``account_digits``)
    → what is wrong with it; empty when ``draft.checked()`` would pass."""
    problems = {}
    try:
        # The pattern alone: a placeholder category, no payee or limits.
        RuleDraft(draft.match, draft.pattern, "Expenses:Any").checked()
    except LedgerError as exc:
        problems["pattern"] = str(exc)
    if (problem := account_problem(draft.category)) is not None:
        problems["category"] = problem
    if len(" ".join((draft.payee or "").split())) > PAYEE_MAX:
        problems["payee"] = f"A payee can be at most {PAYEE_MAX} characters."
    digits = digits_problem(draft.account_digits or "", required=False)
    if digits is not None:
        problems["account_digits"] = digits
    return problems


# -- mappings and defaults --------------------------------------------------


def change_mapping(
    session: Session, digits: str, ledger_account: str, mapping_id: int | None
) -> LedgerSetup:
    save_mapping(session, digits, ledger_account, mapping_id)
    return load_setup(session)


def drop_mapping(session: Session, digits: str) -> LedgerSetup:
    remove_mapping(session, digits)
    return load_setup(session)


def change_defaults(
    session: Session,
    account: str | None,
    debit_category: str | None,
    credit_category: str | None,
) -> LedgerSetup:
    """Change the defaults given (None leaves one as it is)."""
    save_defaults(
        session,
        account=account,
        debit_category=debit_category,
        credit_category=credit_category,
    )
    return load_setup(session)


def change_mail_account_default(
    session: Session, mail_account_id: int, ledger_account: str | None
) -> LedgerSetup:
    save_mail_account_default(session, mail_account_id, ledger_account)
    return load_setup(session)


# -- rules ------------------------------------------------------------------


def add_rule_row(
    session: Session, draft: RuleDraft, position: int | None
) -> LedgerSetup:
    add_rule(session, draft, position)
    return load_setup(session)


def change_rule(session: Session, rule_id: int, draft: RuleDraft) -> LedgerSetup:
    update_rule(session, rule_id, draft)
    return load_setup(session)


def drop_rule(session: Session, rule_id: int) -> LedgerSetup:
    remove_rule(session, rule_id)
    return load_setup(session)


def move_rule_to(session: Session, rule_id: int, position: int) -> LedgerSetup:
    move_rule(session, rule_id, position)
    return load_setup(session)


def categorise_stored(session: Session, recategorise: bool) -> int:
    """Run the rules over the stored transactions; how many changed."""
    return apply_rules(session, recategorise=recategorise)


# -- the settings file ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsImport:
    """What importing a settings file changed, and the setup after it."""

    path: str
    summaries: tuple[tuple[str, ImportSummary], ...]
    setup: LedgerSetup

    def describe(self) -> str:
        changes = "; ".join(summary.describe(what) for what, summary in self.summaries)
        return f"Imported {self.path}: {changes}."


def import_settings_file(
    session: Session, path: str, parts: tuple[str, ...], merge: bool
) -> SettingsImport:
    """Read a mappings-and-rules TOML file and import ``parts`` of it.

    The whole file is checked before anything changes; raises
    ``SettingsFileInvalid`` naming the table and entry at fault.
    """
    settings = read_settings(Path(path))
    summaries = []
    if "mappings" in parts:
        summaries.append(
            ("account mappings", import_mappings(session, settings, merge=merge))
        )
    if "rules" in parts:
        summaries.append(
            ("category rules", import_rules(session, settings, merge=merge))
        )
    log.info("imported ledger settings from %s (%s)", path, ", ".join(parts))
    return SettingsImport(path, tuple(summaries), load_setup(session))


def export_settings_file(session: Session, path: str, parts: tuple[str, ...]) -> str:
    """Write ``parts`` of the setup to ``path`` as the TOML file; returns the path."""
    text = dump_settings(session, mappings="mappings" in parts, rules="rules" in parts)
    target = Path(path).expanduser()
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise LedgerError(f"Cannot write {target}: {exc.strerror}.") from None
    log.info("wrote ledger settings to %s (%s)", target, ", ".join(parts))
    return str(target)


# -- a category chosen in the transactions view ---------------------------


@dataclass(frozen=True, slots=True)
class RuleOffer:
    """The rule "this merchant → this category", offered after a hand change.

    Attributes:
        matching: how many uncategorised transactions the rule would change.
    """

    transaction_id: int
    merchant: str
    draft: RuleDraft
    matching: int


@dataclass(frozen=True, slots=True)
class CategoryChange:
    """A saved category: the row as stored, and a rule to offer (or None)."""

    row: TransactionRow
    offer: RuleOffer | None


def category_problem(text: str) -> str | None:
    """Why a typed category is refused; an empty one clears the category."""
    if not text.strip():
        return None
    return account_problem(text)


def save_category(
    session: Session, transaction_id: int, category: str | None
) -> CategoryChange:
    """Store a person's category for one transaction and work out the rule to
    offer for its merchant (none when the category was cleared or there is
    no merchant)."""
    set_transaction_category(session, transaction_id, category)
    rows = load_transactions(session, ids=[transaction_id])
    if not rows:
        raise EmailAutomationError("This transaction is no longer stored.")
    row = rows[0]
    offer = None
    existing = RuleBook.load(session).first_match(
        row.merchant, row.account, row.direction
    )
    if existing is not None and existing.category == category:
        # A rule gives this merchant that category already: nothing to offer.
        return CategoryChange(row, None)
    if category is not None:
        try:
            draft = suggest_rule(session, transaction_id, category)
        except InvalidRule as exc:
            log.debug("no rule to offer for transaction %s: %s", transaction_id, exc)
        else:
            offer = RuleOffer(
                transaction_id,
                row.merchant or "",
                draft,
                count_matching(session, draft),
            )
    return CategoryChange(row, offer)


def count_rule_matches(session: Session, draft: RuleDraft) -> tuple[RuleDraft, int]:
    """How many uncategorised transactions ``draft`` would change (with it)."""
    return draft, count_matching(session, draft)


@dataclass(frozen=True, slots=True)
class RuleMade:
    rule: Rule
    changed: int


def make_rule(
    session: Session, transaction_id: int, draft: RuleDraft, apply: bool
) -> RuleMade:
    """Add the offered rule first in the table and, with ``apply``, categorise
    the uncategorised transactions it matches."""
    rule, changed = make_rule_from_transaction(
        session, transaction_id, draft, apply=apply
    )
    return RuleMade(rule, changed)


# -- the export dialog and the chart ---------------------------------------


@dataclass(frozen=True, slots=True)
class ExportChoices:
    """The names an export can be limited to: mail accounts, the asset and
    liability accounts, and the categories (each with its sub-accounts)."""

    mail_accounts: tuple[str, ...]
    ledger_accounts: tuple[str, ...]
    categories: tuple[str, ...] = ()


def load_export_choices(session: Session) -> ExportChoices:
    setup = load_setup(session)
    stored = session.scalars(
        select(Transaction.category).where(Transaction.category.is_not(None)).distinct()
    )
    categories = set(setup.categories()) | {name for name in stored if name}
    return ExportChoices(
        tuple(a.name for a in setup.mail_accounts),
        tuple(setup.ledger_accounts()),
        tuple(sorted(categories, key=str.casefold)),
    )


def load_spending(
    session: Session,
    since: dt.date | None,
    until: dt.date | None,
    by: str,
) -> list[MonthlyTotal]:
    return monthly_spending(session, since=since, until=until, by=by)


OTHER = "Other"


@dataclass(frozen=True, slots=True)
class SpendingBars:
    """One currency's monthly spending shaped for a stacked bar chart.

    Attributes:
        months: every month from the first to the last with spending, gaps
            included (as first days).
        stacks: (key, one amount per month) from the largest total down; keys
            past ``most`` are summed into ``Other``.
        month_totals: the sum of each month's stack.
    """

    currency: str
    months: tuple[dt.date, ...]
    stacks: tuple[tuple[str, tuple[Decimal, ...]], ...]
    month_totals: tuple[Decimal, ...]


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def currencies_of(totals: list[MonthlyTotal]) -> list[str]:
    """The currencies spent in, the one with the most months of spending first."""
    months: dict[str, int] = {}
    for total in totals:
        months[total.currency] = months.get(total.currency, 0) + 1
    return sorted(months, key=lambda code: (-months[code], code))


def spending_bars(
    totals: list[MonthlyTotal], currency: str, most: int = 8
) -> SpendingBars:
    """Shape ``monthly_spending`` totals of one currency for the chart."""
    chosen = [t for t in totals if t.currency == currency]
    if not chosen:
        return SpendingBars(currency, (), (), ())
    first = min(t.month for t in chosen)
    last = max(t.month for t in chosen)
    months = [first]
    while months[-1] < last:
        months.append(_next_month(months[-1]))
    place = {month: index for index, month in enumerate(months)}

    by_key: dict[str, list[Decimal]] = {}
    for total in chosen:
        amounts = by_key.setdefault(total.key, [Decimal(0)] * len(months))
        amounts[place[total.month]] += total.amount
    ranked = sorted(by_key, key=lambda key: (-sum(by_key[key]), key))
    if len(ranked) > most:
        kept, rest = ranked[: most - 1], ranked[most - 1 :]
        other = [
            sum((by_key[key][index] for key in rest), Decimal(0))
            for index in range(len(months))
        ]
        stacks = [(key, tuple(by_key[key])) for key in kept]
        stacks.append((OTHER, tuple(other)))
    else:
        stacks = [(key, tuple(by_key[key])) for key in ranked]
    month_totals = tuple(
        sum((amounts[index] for _key, amounts in stacks), Decimal(0))
        for index in range(len(months))
    )
    return SpendingBars(currency, tuple(months), tuple(stacks), month_totals)
