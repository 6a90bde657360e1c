"""Ordered category rules: matching, order, limits, and categorising stored rows."""

from __future__ import annotations

import pytest

from emailautomation.ledger import (
    InvalidLedgerAccount,
    InvalidRule,
    RuleBook,
    RuleDraft,
    RuleNotFound,
    add_rule,
    apply_rules,
    build_entries,
    count_matching,
    list_rules,
    make_rule_from_transaction,
    move_rule,
    remove_rule,
    set_transaction_category,
    suggest_rule,
    update_rule,
)


def categories(books) -> dict[str, str]:
    """Merchant → the category its export entry gets."""
    return {e.merchant or "": e.category for e in build_entries(books.session)}


@pytest.mark.parametrize(
    ("match", "pattern", "merchant", "hit"),
    [
        ("contains", "swiggy", "PAYMENT TO SWIGGY*ORDER", True),
        ("contains", "big  bazaar", "BIG BAZAAR  MUMBAI", True),
        ("contains", "zomato", "SWIGGY", False),
        ("starts-with", "amazon", "Amazon Pay India", True),
        ("starts-with", "amazon", "REFUND FROM AMAZON", False),
        ("regex", r"^uber\b(?! eats)", "UBER TRIP 1234", True),
        ("regex", r"^uber\b(?! eats)", "Uber Eats", False),
        ("contains", "café", "CAFÉ COFFEE DAY", True),
    ],
)
def test_a_pattern_matches_merchants_ignoring_case(match, pattern, merchant, hit):
    book = RuleBook([RuleDraft(match, pattern, "Expenses:Food").checked()])
    assert (book.first_match(merchant, None, "debit") is not None) is hit


def test_the_first_matching_rule_wins_and_order_can_change(any_books):
    session = any_books.session
    broad = add_rule(session, RuleDraft("contains", "amazon", "Expenses:Shopping"))
    narrow = add_rule(session, RuleDraft("contains", "amazon prime", "Expenses:Subs"))
    any_books.add("179.00", merchant="AMAZON PRIME MEMBERSHIP")
    assert categories(any_books) == {"AMAZON PRIME MEMBERSHIP": "Expenses:Shopping"}

    order = move_rule(session, narrow.id, 1)

    assert [r.id for r in order] == [narrow.id, broad.id]
    assert [r.position for r in list_rules(session)] == [1, 2]
    assert categories(any_books) == {"AMAZON PRIME MEMBERSHIP": "Expenses:Subs"}


def test_a_rule_can_be_limited_to_a_card_and_a_direction(books):
    session = books.session
    add_rule(
        session, RuleDraft("contains", "amazon", "Income:Refunds", direction="credit")
    )
    add_rule(
        session,
        RuleDraft("contains", "amazon", "Expenses:Work", account_digits="XX9999"),
    )
    add_rule(session, RuleDraft("contains", "amazon", "Expenses:Shopping"))
    books.add("10", merchant="amazon a", direction="credit", digits="1234")
    books.add("20", merchant="amazon b", digits="9999")
    books.add("30", merchant="amazon c", digits="001234")

    assert categories(books) == {
        "amazon a": "Income:Refunds",
        "amazon b": "Expenses:Work",
        "amazon c": "Expenses:Shopping",
    }


def test_positions_stay_one_to_n_after_insert_and_remove(any_books):
    session = any_books.session
    a = add_rule(session, RuleDraft("contains", "a", "Expenses:A"))
    b = add_rule(session, RuleDraft("contains", "b", "Expenses:B"))
    c = add_rule(session, RuleDraft("contains", "c", "Expenses:C"), position=1)
    assert [r.id for r in list_rules(session)] == [c.id, a.id, b.id]

    remove_rule(session, a.id)
    move_rule(session, c.id, 99)

    assert [(r.id, r.position) for r in list_rules(session)] == [(b.id, 1), (c.id, 2)]
    with pytest.raises(RuleNotFound):
        remove_rule(session, a.id)


@pytest.mark.parametrize(
    ("draft", "error", "words"),
    [
        (RuleDraft("contains", "  ", "Expenses:X"), InvalidRule, "needs a pattern"),
        (RuleDraft("regex", "([a-z", "Expenses:X"), InvalidRule, "regular expression"),
        (RuleDraft("fuzzy", "x", "Expenses:X"), InvalidRule, "not a way to match"),
        (
            RuleDraft("contains", "x", "Expenses:X", direction="out"),
            InvalidRule,
            "debit",
        ),
        (
            RuleDraft("contains", "x", "Expenses:X", account_digits="ab"),
            InvalidLedgerAccount,
            "no digits",
        ),
        (RuleDraft("contains", "x", "food"), InvalidLedgerAccount, "must start with"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_and_nothing_is_stored(
    books, draft, error, words
):
    with pytest.raises(error, match=words):
        add_rule(books.session, draft)
    assert list_rules(books.session) == []


def test_applying_categorises_only_uncategorised_rows_and_never_hand_choices(any_books):
    session = any_books.session
    add_rule(session, RuleDraft("contains", "swiggy", "Expenses:Food", payee="Swiggy"))
    open_row = any_books.add("100", merchant="SWIGGY ORDER 1")
    hand = any_books.add(
        "200",
        merchant="SWIGGY GIFT",
        category="Expenses:Gifts",
        edited_fields=["category"],
    )
    other = any_books.add("300", merchant="Chemist")

    assert apply_rules(session) == 1
    assert (any_books.row(open_row).category, any_books.row(open_row).payee) == (
        "Expenses:Food",
        "Swiggy",
    )
    assert any_books.row(hand).category == "Expenses:Gifts"
    assert any_books.row(other).category is None
    assert apply_rules(session) == 0  # nothing left to do


def test_recategorising_follows_changed_rules_but_keeps_hand_choices(books):
    session = books.session
    rule = add_rule(session, RuleDraft("contains", "uber", "Expenses:Taxi"))
    ride = books.add("100", merchant="UBER TRIP")
    hand = books.add("200", merchant="UBER TRIP TO AIRPORT")
    apply_rules(session)
    set_transaction_category(session, hand, "Expenses:Travel")

    update_rule(session, rule.id, RuleDraft("contains", "uber", "Expenses:Transport"))
    assert books.row(ride).category == "Expenses:Taxi"  # plain apply leaves it
    assert apply_rules(session, recategorise=True) == 1

    assert books.row(ride).category == "Expenses:Transport"
    assert books.row(hand).category == "Expenses:Travel"
    assert "category" in books.row(hand).edited_fields


def test_a_changed_category_becomes_a_rule_that_wins_and_catches_the_rest(any_books):
    session = any_books.session
    add_rule(session, RuleDraft("contains", "amazon", "Expenses:Shopping"))
    changed = any_books.add("179.00", merchant="AMAZON PRIME", date="2025-01-03")
    later = any_books.add("179.00", merchant="Amazon Prime", date="2025-02-03")
    apply_rules(session)
    assert any_books.row(later).category == "Expenses:Shopping"

    set_transaction_category(session, changed, "Expenses:Subscriptions")
    draft = suggest_rule(session, changed)
    assert (draft.match, draft.pattern, draft.category) == (
        "contains",
        "AMAZON PRIME",
        "Expenses:Subscriptions",
    )
    # The offer says how many stored rows the rule would take: none are
    # uncategorised now, so the person can also recategorise.
    assert count_matching(session, draft) == 0
    rule, _ = make_rule_from_transaction(session, changed, draft)
    assert list_rules(session)[0].id == rule.id

    apply_rules(session, recategorise=True)
    assert any_books.row(later).category == "Expenses:Subscriptions"


def test_a_new_rule_is_offered_for_the_uncategorised_rows_it_matches(books):
    session = books.session
    first = books.add("50", merchant="DMart Thane")
    books.add("70", merchant="DMART POWAI")
    books.add("90", merchant="Big Basket")

    set_transaction_category(session, first, "Expenses:Groceries")
    draft = suggest_rule(session, first)
    draft = type(draft)("starts-with", "dmart", draft.category)

    assert count_matching(session, draft) == 1  # the other DMart; first is hand-set
    _, changed = make_rule_from_transaction(session, first, draft)
    assert changed == 1
    assert categories(books) == {
        "DMart Thane": "Expenses:Groceries",
        "DMART POWAI": "Expenses:Groceries",
        "Big Basket": "Expenses:Uncategorised",
    }


def test_no_rule_from_a_transaction_without_merchant(books):
    row = books.add("10", merchant=None, category="Expenses:X")
    with pytest.raises(InvalidRule, match="no merchant"):
        suggest_rule(books.session, row)
