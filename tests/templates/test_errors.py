"""Every way a marking can be refused, with a message naming the field."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from emailautomation.alert import Alert
from emailautomation.errors import EmailAutomationError
from emailautomation.extract import normalise
from emailautomation.extract.templates import (
    AmbiguousValue,
    InvalidValue,
    Mark,
    SampleNotReadBack,
    TemplateError,
    ValueNotFound,
    learn,
)
from templates.alerts import GERMAN, PRAIRIE, THISTLE

SENT = dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC)


def sample() -> Alert:
    return GERMAN.alert(GERMAN.sample)


def refused(alert: Alert, values: dict[str, object], **options: str) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        learn(alert, values, **options)  # type: ignore[arg-type]
    return caught.value


def test_an_amount_that_is_not_in_the_email():
    error = refused(sample(), {"amount": "99,99"})

    assert isinstance(error, ValueNotFound)
    assert error.field == "amount"
    assert str(error) == (
        "amount: “99,99” is not in the e-mail's text; copy it exactly as the "
        "e-mail shows it"
    )


def test_a_merchant_that_is_not_in_the_email():
    error = refused(sample(), {"amount": "12,50", "merchant": "LIDL"})

    assert isinstance(error, ValueNotFound)
    assert error.field == "merchant"
    assert "“LIDL” is not in the e-mail's text" in str(error)


def test_part_of_a_longer_number_is_not_the_value():
    # "2,50" is inside "12,50": not a value the e-mail shows.
    error = refused(sample(), {"amount": "2,50"})

    assert isinstance(error, ValueNotFound)


def test_a_value_in_several_places_asks_for_more_context():
    alert = Alert(
        "a@bank.example",
        "",
        "Card used",
        SENT,
        "You paid EUR 12.50 at ACME.\nAmount: EUR 12.50\nFee: EUR 12.50\n",
        None,
    )

    error = refused(alert, {"amount": "12.50"})

    assert isinstance(error, AmbiguousValue)
    assert error.field == "amount"
    assert str(error) == (
        "amount: “12.50” appears 3 times in the e-mail (…You paid EUR 12.50 at "
        "ACME.…; …Amount: EUR 12.50…; …Fee: EUR 12.50…) and nothing tells which "
        "one is meant; mark more context around it, for example the label before it"
    )
    text = normalise(alert)
    assert [text[s:e] for s, e in error.places] == ["12.50"] * 3
    # What the message asks for works.
    assert learn(alert, {"amount": "Amount: EUR 12.50"}).readback.amount


def test_a_merchant_in_several_places_is_ambiguous_too():
    alert = Alert(
        "a@bank.example",
        "",
        "Card used",
        SENT,
        "Amount: EUR 5.00\nShop: ACME\nQuestions about ACME? Call us.\n",
        None,
    )

    error = refused(alert, {"amount": "5.00", "merchant": "ACME"})

    assert isinstance(error, AmbiguousValue)
    assert error.field == "merchant"
    assert "appears 2 times" in str(error)


def test_a_date_marked_as_the_amount():
    error = refused(sample(), {"amount": "03.11.2025"})

    assert isinstance(error, InvalidValue)
    assert str(error) == "amount: “03.11.2025” is a date, not an amount"


@pytest.mark.parametrize("written", ["17 Nov 2025", "Nov 17, 2025", "17/11/2025"])
def test_a_date_of_any_spelling_marked_as_the_amount(written):
    alert = Alert(
        "a@bank.example",
        "",
        "Card used",
        SENT,
        f"Card used: 12.10 at ACME STORE on {written}. Thanks.\n",
        None,
    )

    error = refused(alert, {"amount": written, "currency": "GBP"})

    assert isinstance(error, InvalidValue)
    assert str(error) == f"amount: “{written}” is a date, not an amount"


def test_a_day_and_month_alone_can_still_be_an_amount():
    alert = Alert(
        "a@bank.example", "", "Card used", SENT, "Card used: 12.10 at ACME.\n", None
    )
    learned = learn(alert, {"amount": "12.10", "currency": "GBP"})
    assert learned.readback.amount == Decimal("12.10")


def test_no_amount_marked():
    error = refused(sample(), {"merchant": "BÄCKEREI MÜLLER"})

    assert isinstance(error, InvalidValue)
    assert str(error) == "amount: the amount is required: mark it in the e-mail"


def test_an_amount_without_currency_needs_a_chosen_one():
    alert = THISTLE.alert(THISTLE.sample)

    error = refused(alert, {"amount": "14.99"})

    assert str(error) == (
        "amount: “14.99” has no currency symbol or code beside it; choose the currency"
    )
    assert learn(alert, {"amount": "14.99", "currency": "gbp"}).readback.currency == (
        "GBP"
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"amount": "12,50", "direction": "sideways"},
            "direction: “sideways” is neither debit nor credit",
        ),
        (
            {"amount": "12,50", "currency": "EURO"},
            "currency: “EURO” is not an ISO 4217 code such as EUR or USD",
        ),
        (
            {"amount": "12,50", "colour": "red"},
            "colour: not a field a template reads (fields: amount, merchant, "
            "account, date, time, direction, currency)",
        ),
        ({"amount": "12,50", "time": "Uhr"}, "time: “Uhr” is not a time of day"),
        (
            {"amount": "12,50", "date": "Händler"},
            "date: “Händler” is not a date I can read",
        ),
        (
            {"amount": "12,50", "account": "Karte"},
            "account: “Karte” holds no digits",
        ),
        (
            {"amount": "12,50", "merchant": "12,50 EUR"},
            "merchant: it is marked on the same text as the amount",
        ),
    ],
)
def test_values_that_cannot_be_the_field(values, message):
    error = refused(sample(), values)

    assert isinstance(error, InvalidValue)
    assert str(error) == message
    assert error.field == message.partition(":")[0]


def test_an_ambiguous_date_without_a_date_header():
    alert = dataclasses.replace(PRAIRIE.alert(PRAIRIE.sample), sent_at=None)

    error = refused(alert, {"amount": "$4.75", "date": "11/04/2025", "currency": "CAD"})

    assert isinstance(error, InvalidValue)
    assert str(error) == (
        "date: “11/04/2025” could be read day first or month first and the "
        "e-mail has no Date header to tell; teach from an alert whose day is "
        "after the 12th"
    )


def test_no_date_header_and_no_date_marked():
    alert = dataclasses.replace(sample(), sent_at=None)

    error = refused(alert, {"amount": "12,50"})

    assert str(error) == (
        "date: the e-mail has no Date header, so the date must be marked"
    )
    assert learn(alert, {"amount": "12,50", "date": "03.11.2025"}).readback.date == (
        dt.date(2025, 11, 3)
    )


def test_a_sender_the_sample_is_not_from():
    error = refused(sample(), {"amount": "12,50"}, sender="other-bank.example")

    assert isinstance(error, InvalidValue)
    assert str(error) == (
        "sender: the sample is from karte@kg-nordheide.example, not from "
        "other-bank.example"
    )


def test_a_marked_place_that_does_not_hold_the_value():
    error = refused(sample(), {"amount": Mark("12,50", start=0)})

    assert isinstance(error, ValueNotFound)
    assert str(error) == "amount: “12,50” is not at the marked place (0)"


def test_a_merchant_over_a_line_break_would_not_be_read_back():
    alert = Alert(
        "a@bank.example",
        "",
        "Card used",
        SENT,
        "Amount: EUR 5.00\nShop: ACME\nROCKETS LTD\n",
        None,
    )

    error = refused(alert, {"amount": "5.00", "merchant": "ACME ROCKETS"})

    assert isinstance(error, SampleNotReadBack)
    assert str(error) == (
        "merchant: it runs over a line break, and a template reads the merchant "
        "from one line; mark the part on one line"
    )


def test_a_merchant_over_two_table_cells_would_not_be_read_back():
    alert = Alert(
        "a@bank.example",
        "",
        "Card used",
        SENT,
        None,
        "<table><tr><td>Amount</td><td>EUR 5.00</td></tr>"
        "<tr><td>Shop</td><td>ACME</td><td>LONDON</td></tr></table>",
    )

    error = refused(alert, {"amount": "5.00", "merchant": "ACME | LONDON"})

    assert isinstance(error, SampleNotReadBack)
    assert "runs over two cells of a table" in str(error)


def test_errors_are_the_apps_own_so_the_command_line_prints_them():
    error = refused(sample(), {"amount": "99,99"})

    assert isinstance(error, EmailAutomationError)
