"""Ordered category rules: a merchant pattern → a category account and clean payee."""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from emailautomation.ledger.errors import InvalidRule, LedgerError, RuleNotFound
from emailautomation.ledger.names import (
    check_account_name,
    digits_match,
    normalise_digits,
)
from emailautomation.store.ledger import CategoryRule
from emailautomation.store.models import ProcessedMessage, Transaction, utcnow

log = logging.getLogger(__name__)

PATTERN_MAX = 1000
PAYEE_MAX = 255
DIRECTIONS = ("debit", "credit")


class Match(enum.StrEnum):
    """How a rule's pattern is compared with a merchant; all ignore case."""

    CONTAINS = "contains"
    STARTS_WITH = "starts-with"
    REGEX = "regex"


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class RuleDraft:
    """A rule as a person writes it, before it has an id and a place.

    Attributes:
        match: a ``Match`` value.
        payee: the clean payee name entries get instead of the raw merchant.
        account_digits: only transactions of this card or account.
        direction: only ``debit`` or only ``credit`` transactions.
    """

    match: str
    pattern: str
    category: str
    payee: str | None = None
    account_digits: str | None = None
    direction: str | None = None

    def checked(self) -> RuleDraft:
        """The same rule with whitespace tidied; raises ``InvalidRule`` when it
        cannot work, or ``InvalidLedgerAccount`` for a bad category."""
        try:
            match = Match(self.match.strip().lower().replace("_", "-"))
        except ValueError:
            choices = ", ".join(m.value for m in Match)
            raise InvalidRule(
                f"{self.match!r} is not a way to match; use one of {choices}."
            ) from None

        pattern = (
            self.pattern if match is Match.REGEX else " ".join(self.pattern.split())
        )
        if not pattern.strip():
            raise InvalidRule("A rule needs a pattern to look for in the merchant.")
        if len(pattern) > PATTERN_MAX:
            raise InvalidRule(f"A pattern can be at most {PATTERN_MAX} characters.")
        if match is Match.REGEX:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise InvalidRule(
                    f"The regular expression {pattern!r} is invalid: {exc}."
                ) from None

        payee = " ".join((self.payee or "").split()) or None
        if payee is not None and len(payee) > PAYEE_MAX:
            raise InvalidRule(f"A payee can be at most {PAYEE_MAX} characters.")

        direction = (self.direction or "").strip().lower() or None
        if direction is not None and direction not in DIRECTIONS:
            raise InvalidRule(
                f"{self.direction!r} is not a direction; use debit or credit."
            )

        digits = self.account_digits
        return RuleDraft(
            match=match.value,
            pattern=pattern,
            category=check_account_name(self.category),
            payee=payee,
            account_digits=normalise_digits(digits) if digits else None,
            direction=direction,
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """A stored rule; ``position`` is its 1-based place, the first match wins."""

    id: int
    position: int
    match: str
    pattern: str
    category: str
    payee: str | None = None
    account_digits: str | None = None
    direction: str | None = None

    @property
    def draft(self) -> RuleDraft:
        return RuleDraft(
            self.match,
            self.pattern,
            self.category,
            self.payee,
            self.account_digits,
            self.direction,
        )

    def describe(self) -> str:
        """One line a person reads: ``contains 'SWIGGY' → Expenses:Food (Swiggy)``."""
        text = f"{self.match} '{self.pattern}' → {self.category}"
        if self.payee:
            text += f" as {self.payee!r}"
        limits = [f"digits {self.account_digits}"] if self.account_digits else []
        if self.direction:
            limits.append(f"{self.direction}s only")
        return text + (f" [{', '.join(limits)}]" if limits else "")


def _as_rule(row: CategoryRule) -> Rule:
    return Rule(
        row.id,
        row.position,
        row.match,
        row.pattern,
        row.category,
        row.payee,
        row.account_digits,
        row.direction,
    )


class RuleBook:
    """Rules compiled once, asked for the first one that fits a transaction."""

    def __init__(self, rules: Sequence[Rule | RuleDraft]) -> None:
        self._rules = [(rule, self._matcher(rule)) for rule in rules]

    @staticmethod
    def _matcher(rule: Rule | RuleDraft) -> Callable[[str], bool]:
        if rule.match == Match.REGEX:
            regex = re.compile(rule.pattern, re.IGNORECASE)
            return lambda merchant: regex.search(merchant) is not None
        folded = _folded(rule.pattern)
        if rule.match == Match.STARTS_WITH:
            return lambda merchant: _folded(merchant).startswith(folded)
        return lambda merchant: folded in _folded(merchant)

    @classmethod
    def load(cls, session: Session) -> RuleBook:
        return cls(list_rules(session))

    def __len__(self) -> int:
        return len(self._rules)

    def first_match(
        self, merchant: str | None, digits: str | None, direction: str
    ) -> Rule | RuleDraft | None:
        if not merchant:
            return None
        for rule, matches in self._rules:
            if rule.direction and rule.direction != direction:
                continue
            if rule.account_digits and not (
                digits and digits_match(rule.account_digits, digits)
            ):
                continue
            if matches(merchant):
                return rule
        return None


# -- the rule table --------------------------------------------------------


def list_rules(session: Session) -> list[Rule]:
    query = select(CategoryRule).order_by(CategoryRule.position, CategoryRule.id)
    return [_as_rule(row) for row in session.scalars(query)]


def _ordered_rows(session: Session) -> list[CategoryRule]:
    query = select(CategoryRule).order_by(CategoryRule.position, CategoryRule.id)
    return list(session.scalars(query))


def _renumber(rows: list[CategoryRule]) -> None:
    for index, row in enumerate(rows, start=1):
        if row.position != index:
            row.position = index


def store_rule(session: Session, draft: RuleDraft, position: int | None = None) -> Rule:
    """Add a rule at ``position`` (1 is first; None or past the end: last); not
    committed."""
    checked = draft.checked()
    rows = _ordered_rows(session)
    row = CategoryRule(
        match=checked.match,
        pattern=checked.pattern,
        category=checked.category,
        payee=checked.payee,
        account_digits=checked.account_digits,
        direction=checked.direction,
        position=0,
    )
    session.add(row)
    place = len(rows) if position is None else max(0, min(position - 1, len(rows)))
    rows.insert(place, row)
    _renumber(rows)
    session.flush()
    return _as_rule(row)


def add_rule(session: Session, draft: RuleDraft, position: int | None = None) -> Rule:
    """Check, add and commit a rule; raises ``InvalidRule`` or
    ``InvalidLedgerAccount`` on a rule that cannot work."""
    rule = store_rule(session, draft, position)
    session.commit()
    log.info("added category rule %s at %d", rule.describe(), rule.position)
    return rule


def _row(session: Session, rule_id: int) -> CategoryRule:
    row = session.get(CategoryRule, rule_id)
    if row is None:
        raise RuleNotFound(f"No category rule with id {rule_id}.")
    return row


def update_rule(session: Session, rule_id: int, draft: RuleDraft) -> Rule:
    """Change what a rule matches and gives; its place stays."""
    checked = draft.checked()
    row = _row(session, rule_id)
    row.match = checked.match
    row.pattern = checked.pattern
    row.category = checked.category
    row.payee = checked.payee
    row.account_digits = checked.account_digits
    row.direction = checked.direction
    session.commit()
    return _as_rule(row)


def remove_rule(session: Session, rule_id: int) -> None:
    row = _row(session, rule_id)
    session.delete(row)
    session.flush()
    _renumber(_ordered_rows(session))
    session.commit()


def move_rule(session: Session, rule_id: int, position: int) -> list[Rule]:
    """Put a rule at ``position`` (clamped to the table); returns the new order."""
    row = _row(session, rule_id)
    rows = [r for r in _ordered_rows(session) if r.id != row.id]
    rows.insert(max(0, min(position - 1, len(rows))), row)
    _renumber(rows)
    session.commit()
    return [_as_rule(r) for r in rows]


# -- categorising transactions --------------------------------------------


def _hand_edited(row: Transaction, name: str) -> bool:
    return name in (row.edited_fields or [])


def apply_rules(
    session: Session, *, recategorise: bool = False, run_id: int | None = None
) -> int:
    """Categorise stored transactions with the rules; returns how many changed.

    By default only uncategorised transactions get a category (and the rule's
    payee). With ``recategorise`` every transaction whose category was not set
    by hand is worked out again, so a changed rule changes what it caught
    before. ``run_id`` limits it to the transactions one processing run
    stored. Hand-set categories and payees are never touched.
    """
    book = RuleBook.load(session)
    if not book and not recategorise:
        return 0  # nothing could get a category; don't load every row
    query = select(Transaction)
    if not recategorise:
        query = query.where(Transaction.category.is_(None))
    if run_id is not None:
        query = query.join(
            ProcessedMessage, Transaction.message_id == ProcessedMessage.id
        ).where(ProcessedMessage.run_id == run_id)
    changed = 0
    for row in session.scalars(query):
        if _hand_edited(row, "category"):
            continue
        rule = book.first_match(row.merchant, row.account, row.direction)
        keep_payee = _hand_edited(row, "payee")
        if recategorise:
            category = rule.category if rule else None
            payee = row.payee if keep_payee else (rule.payee if rule else None)
        else:
            if rule is None:
                continue
            category = rule.category
            payee = row.payee if keep_payee or not rule.payee else rule.payee
        if (row.category, row.payee) != (category, payee):
            row.category = category
            row.payee = payee
            changed += 1
    session.commit()
    log.info("category rules changed %d transactions", changed)
    return changed


def count_matching(session: Session, draft: RuleDraft) -> int:
    """How many uncategorised transactions ``draft`` would categorise."""
    book = RuleBook([draft.checked()])
    rows = session.execute(
        select(
            Transaction.merchant,
            Transaction.account,
            Transaction.direction,
            Transaction.edited_fields,
        ).where(Transaction.category.is_(None))
    )
    return sum(
        1
        for merchant, digits, direction, edited in rows
        if "category" not in (edited or [])
        and book.first_match(merchant, digits, direction) is not None
    )


def _transaction(session: Session, transaction_id: int) -> Transaction:
    row = session.get(Transaction, transaction_id)
    if row is None:
        raise LedgerError("This transaction is no longer stored; refresh the list.")
    return row


def _mark_edited(row: Transaction, name: str, edited: bool) -> None:
    fields = set(row.edited_fields or [])
    fields = fields | {name} if edited else fields - {name}
    # A new list, so that SQLAlchemy sees the JSON column change.
    row.edited_fields = sorted(fields)
    row.edited_at = utcnow()


def set_transaction_category(
    session: Session, transaction_id: int, category: str | None
) -> None:
    """A person's choice of category for one transaction; rules never undo it.

    ``None`` clears the choice, and the rules apply to the row again.
    """
    row = _transaction(session, transaction_id)
    row.category = check_account_name(category) if category is not None else None
    _mark_edited(row, "category", category is not None)
    session.commit()


def set_transaction_payee(
    session: Session, transaction_id: int, payee: str | None
) -> None:
    """A person's clean payee for one transaction; ``None`` clears it."""
    row = _transaction(session, transaction_id)
    value = " ".join((payee or "").split()) or None
    if value is not None and len(value) > PAYEE_MAX:
        raise InvalidRule(f"A payee can be at most {PAYEE_MAX} characters.")
    row.payee = value
    _mark_edited(row, "payee", value is not None)
    session.commit()


def suggest_rule(
    session: Session, transaction_id: int, category: str | None = None
) -> RuleDraft:
    """The rule "this merchant → this category" for a transaction whose category
    a person just chose (``category``, else the one it has)."""
    row = _transaction(session, transaction_id)
    if not row.merchant or not row.merchant.strip():
        raise InvalidRule("This transaction has no merchant to make a rule from.")
    chosen = category or row.category
    if not chosen:
        raise InvalidRule("Choose a category for the transaction first.")
    draft = RuleDraft(
        match=Match.CONTAINS.value,
        pattern=row.merchant,
        category=chosen,
        payee=row.payee if _hand_edited(row, "payee") else None,
    )
    return draft.checked()


def make_rule_from_transaction(
    session: Session,
    transaction_id: int,
    draft: RuleDraft | None = None,
    *,
    apply: bool = True,
) -> tuple[Rule, int]:
    """Add the rule for a transaction's merchant first in the table (so it wins
    over broader rules) and, with ``apply``, categorise the uncategorised rows
    it matches. Returns the rule and how many rows it changed."""
    chosen = draft or suggest_rule(session, transaction_id)
    rule = store_rule(session, chosen, position=1)
    session.commit()
    changed = apply_rules(session) if apply else 0
    return rule, changed
