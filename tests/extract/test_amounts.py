"""Amounts in every notation banks print come back as the same Decimal and currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailautomation.extract.amounts import find_money, parse_amount, quantize


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("1,23,456.78", "123456.78"),  # Indian lakh grouping
        ("12,34,56,789.00", "123456789.00"),
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1'234.50", "1234.50"),
        ("1.234.567,89", "1234567.89"),
        ("120.0", "120.0"),
        ("45,90", "45.90"),
        ("2,199", "2199"),  # one separator and three digits: grouping
        ("1.500", "1500"),
        ("0.125", "0.125"),
        ("789", "789"),
    ],
)
def test_parse_amount_reads_common_notations(printed: str, value: str) -> None:
    assert parse_amount(printed) == Decimal(value)


@pytest.mark.parametrize(
    "printed", ["1,2345", "12,34,5", "1,23.456,7", "01,234", "abc"]
)
def test_parse_amount_refuses_inconsistent_grouping(printed: str) -> None:
    assert parse_amount(printed) is None


def test_three_decimal_currencies_and_explicit_decimal_mark() -> None:
    assert parse_amount("1.234", minor_digits=3) == Decimal("1.234")
    assert parse_amount("1,234", decimal_mark=",") == Decimal("1.234")
    assert parse_amount("1,234", minor_digits=3) == Decimal("1234")


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Rs.450/- paid", "450", "INR"),
        ("Rs 789.00 at BIGBASKET", "789.00", "INR"),
        ("INR 1,299.00 debited", "1299.00", "INR"),
        ("₹ 2,50,000 credited", "250000", "INR"),
        ("A$15.00 at OPAL", "15.00", "AUD"),
        ("S$ 36.80", "36.80", "SGD"),
        ("SGD12.50", "12.50", "SGD"),
        ("C$ 9.99", "9.99", "CAD"),
        ("CAD $250.00 at IKEA", "250.00", "CAD"),
        ("$250.00 CAD at IKEA", "250.00", "CAD"),
        ("£23.45 to TESCO", "23.45", "GBP"),
        ("You paid € 8,75", "8.75", "EUR"),
        ("45,90 € bei REWE", "45.90", "EUR"),
        ("ueber 2.345,67 EUR an", "2345.67", "EUR"),
        ("1 234,56 EUR", "1234.56", "EUR"),
        ("AED 245.00", "245.00", "AED"),
        ("Dhs 150.00 spent", "150.00", "AED"),
        ("CHF 1'234.50", "1234.50", "CHF"),
        ("R$ 89,90", "89.90", "BRL"),
        ("KWD 12.500", "12.500", "KWD"),
        ("JPY 3,500", "3500", "JPY"),
        ("¥3,500", "3500", "JPY"),
        ("HK$88.00", "88.00", "HKD"),
    ],
)
def test_find_money_reads_symbol_code_and_number(
    text: str, amount: str, currency: str
) -> None:
    found = find_money(text)
    assert found, text
    assert (found[0].amount, found[0].currency) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    ("country", "currency"),
    [("CA", "CAD"), ("AU", "AUD"), ("SG", "SGD"), ("US", "USD"), (None, "USD")],
)
def test_bare_dollar_is_settled_by_the_sender_country(
    country: str | None, currency: str
) -> None:
    assert find_money("a charge of $42.15 at COLES", country=country)[0].currency == (
        currency
    )


def test_phone_numbers_percentages_and_masks_are_not_money() -> None:
    footer = (
        "call our 24x7 helpline 1800 266 4332 or +91 22 6160 6161. Reg. office: "
        "Tower 2, 400 013. Interest rates from 3.5% p.a. A/C X2468"
    )
    assert find_money(footer) == []


def test_letter_pair_symbols_need_cents_or_the_home_country() -> None:
    assert find_money("SR 100 people") == []
    assert find_money("SR 100.00 paid")[0].currency == "SAR"
    assert find_money("RM 25 at AEON", country="MY")[0].currency == "MYR"


def test_sign_and_cr_dr_marks_are_kept() -> None:
    debit = find_money("INR 500.00 Dr. from A/c")[0]
    refund = find_money("+£20.00 from Sam")[0]
    assert (debit.marker, refund.sign) == ("Dr", "+")


def test_quantize_uses_the_currency_minor_units() -> None:
    assert str(quantize(Decimal("120.0"), "INR")) == "120.00"
    assert str(quantize(Decimal("3500"), "JPY")) == "3500"
    assert str(quantize(Decimal("12.5"), "KWD")) == "12.500"
    assert str(quantize(Decimal("1.2345"), "USD")) == "1.2345"


# --- properties ---------------------------------------------------------------


def _group(digits: str, size: int = 3) -> list[str]:
    head = len(digits) % size or size
    return [digits[:head]] + [
        digits[i : i + size] for i in range(head, len(digits), size)
    ]


def _indian(digits: str) -> list[str]:
    if len(digits) <= 3:
        return [digits]
    return [*_group(digits[:-3], 2), digits[-3:]]


NOTATIONS = {
    # name: (grouping function, group separator, decimal mark)
    "western": (_group, ",", "."),
    "indian": (_indian, ",", "."),
    "german": (_group, ".", ","),
    "french": (_group, " ", ","),
    "french-nbsp": (_group, "\u00a0", ","),
    "swiss": (_group, "'", "."),
    "plain": (lambda d: [d], "", "."),
    "plain-comma": (lambda d: [d], "", ","),
}
CURRENCY_FORMS = [
    ("Rs.{n}", "INR"),
    ("Rs {n}", "INR"),
    ("INR {n}", "INR"),
    ("₹{n}", "INR"),
    ("${n}", "USD"),
    ("USD {n}", "USD"),
    ("{n} USD", "USD"),
    ("£{n}", "GBP"),
    ("€ {n}", "EUR"),
    ("{n} €", "EUR"),
    ("{n} EUR", "EUR"),
    ("A${n}", "AUD"),
    ("S${n}", "SGD"),
    ("SGD {n}", "SGD"),
    ("C${n}", "CAD"),
    ("CAD ${n}", "CAD"),
    ("AED {n}", "AED"),
    ("CHF {n}", "CHF"),
]


def render(value: Decimal, notation: str, with_cents: bool) -> str:
    grouping, separator, mark = NOTATIONS[notation]
    whole, _, cents = f"{value:.2f}".partition(".")
    text = separator.join(grouping(whole))
    return f"{text}{mark}{cents}" if with_cents else text


amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2
)


@given(
    value=amounts,
    notation=st.sampled_from(sorted(NOTATIONS)),
    form=st.sampled_from(CURRENCY_FORMS),
    before=st.sampled_from(["", "Spent ", "debited by ", "a charge of ", "("]),
    after=st.sampled_from(["", " at STORE", ".", " on 12-11-2025", ", thanks"]),
)
def test_every_notation_of_an_amount_reads_back(
    value: Decimal, notation: str, form: tuple[str, str], before: str, after: str
) -> None:
    pattern, currency = form
    printed = render(value, notation, with_cents=True)
    found = find_money(before + pattern.format(n=printed) + after)
    assert [(m.amount, m.currency) for m in found] == [(value, currency)]


@given(
    whole=st.integers(min_value=1, max_value=10**9),
    notation=st.sampled_from(["western", "indian", "german", "french", "swiss"]),
)
def test_whole_amounts_with_grouping_read_back(whole: int, notation: str) -> None:
    printed = render(Decimal(whole), notation, with_cents=False)
    assert parse_amount(printed) == whole


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    for mention in find_money(text, country="CA"):
        assert mention.amount >= 0
        assert text[mention.start : mention.end].strip() == mention.printed
    parse_amount(text)
