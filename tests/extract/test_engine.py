"""The engine's order (learned readers, screening, bank format, generic) and its
promises: it never raises, never takes a balance for the amount and explains itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emailautomation.alert import Alert
from emailautomation.extract import (
    CREDIT,
    DEBIT,
    Extraction,
    TransactionFields,
    explain,
    extract,
)

SENT = dt.datetime(2025, 11, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=5.5)))


def alert(
    text: str,
    subject: str = "Transaction alert",
    sender: str = "alerts@examplebank.com",
    sent_at: dt.datetime | None = SENT,
) -> Alert:
    return Alert(sender, "Example Bank Alerts", subject, sent_at, text, None)


class TemplateReader:
    """A learned-template reader as the templates developer will write one."""

    def __init__(self, name: str, domain: str, result: Extraction | None) -> None:
        self.name = name
        self.domain = domain
        self.result = result
        self.calls = 0

    def applies_to(self, alert: Alert) -> bool:
        return alert.sender_domain == self.domain

    def read(self, alert: Alert, text: str) -> Extraction | None:
        self.calls += 1
        assert "Rs 1.00" in text  # readers get the normalised text
        return self.result


class BrokenReader(TemplateReader):
    def read(self, alert: Alert, text: str) -> Extraction | None:
        raise RuntimeError("template bug")


TEMPLATE_RESULT = Extraction(
    TransactionFields(
        amount=Decimal("1.00"),
        currency="INR",
        direction=DEBIT,
        date=dt.date(2025, 11, 1),
        format="template:7",
        template_id=7,
    )
)
TEXT = "Rs 1.00 debited from A/c XX1234 on 13-11-2025 to CHAI POINT."


def test_a_learned_reader_that_applies_goes_first() -> None:
    reader = TemplateReader("template:7", "examplebank.com", TEMPLATE_RESULT)
    assert extract(alert(TEXT), [reader]) is TEMPLATE_RESULT
    assert reader.calls == 1


def test_readers_for_other_senders_or_without_a_match_are_passed_over() -> None:
    elsewhere = TemplateReader("template:1", "other.example", TEMPLATE_RESULT)
    no_match = TemplateReader("template:2", "examplebank.com", None)
    broken = BrokenReader("template:3", "examplebank.com", None)
    result = extract(alert(TEXT), [elsewhere, broken, no_match])
    assert elsewhere.calls == 0 and no_match.calls == 1
    assert result.transaction is not None
    assert result.transaction.format == "generic"
    assert result.transaction.merchant == "CHAI POINT"


def test_learned_readers_go_before_screening() -> None:
    # A template taught on a message the screening would ignore still wins.
    reader = TemplateReader("template:7", "examplebank.com", TEMPLATE_RESULT)
    result = extract(alert(TEXT, subject="Your OTP"), [reader])
    assert result is TEMPLATE_RESULT


def test_the_format_records_what_read_the_alert() -> None:
    generic = extract(alert(TEXT)).transaction
    hdfc = extract(alert(TEXT, sender="alerts@hdfcbank.net")).transaction
    assert generic is not None and hdfc is not None
    assert (generic.format, hdfc.format) == ("generic", "bank:hdfc")
    assert (generic.bank, hdfc.bank) == ("Example Bank", "HDFC Bank")


def test_a_balance_before_the_amount_is_never_the_amount() -> None:
    text = (
        "Avl Bal: INR 10,000.00. Your A/c XX1234 is debited with INR 500.00 on "
        "13-11-2025. Available Credit Limit INR 50,000.00."
    )
    fields = extract(alert(text)).transaction
    assert fields is not None
    assert (fields.amount, fields.balance) == (Decimal("500.00"), Decimal("10000.00"))


def test_only_balances_and_limits_give_no_transaction() -> None:
    result = extract(alert("Avl Bal INR 10,000.00 in A/c XX1234. Limit INR 5,000.00"))
    assert result.transaction is None
    assert result.reason == "no_amount"


def test_an_equivalent_in_brackets_is_not_a_second_amount() -> None:
    text = "USD 25.00 (INR 2,203.45) spent on card XX4455 at OPENAI on 13-11-2025."
    fields = extract(alert(text)).transaction
    assert fields is not None
    assert (fields.amount, fields.currency) == (Decimal("25.00"), "USD")


def test_a_full_account_number_is_cut_to_its_last_digits() -> None:
    text = "INR 500.00 debited from account number 123456789012 on 13-11-2025."
    fields = extract(alert(text)).transaction
    assert fields is not None and fields.account == "9012"


def test_an_amount_without_currency_takes_the_senders() -> None:
    text = "A/C X2468 debited by 120.0 on date 13Nov25 trf to CHAI POINT"
    indian = extract(alert(text, sender="alerts@bank.co.in")).transaction
    assert indian is not None and (indian.amount, indian.currency) == (
        Decimal("120.00"),
        "INR",
    )
    unknown = extract(alert(text, sender="alerts@bank.example"))
    assert (unknown.transaction, unknown.reason) == (None, "no_currency")


def test_no_date_in_the_text_takes_the_emails_own_day() -> None:
    fields = extract(alert("You paid £4.85 to PRET with card ending 8787.")).transaction
    assert fields is not None
    assert fields.date == dt.date(2025, 11, 14)


def test_credit_words_near_the_amount_decide_the_direction() -> None:
    text = (
        "Rs 2,000.00 debited from A/c XX1234 and credited to VPA shop@ybl on "
        "13-11-2025."
    )
    debit = extract(alert(text)).transaction
    credit = extract(
        alert("Rs 2,000.00 credited to your A/c XX1234 by VPA friend@ybl.")
    ).transaction
    assert debit is not None and credit is not None
    assert (debit.direction, debit.merchant) == (DEBIT, "shop@ybl")
    assert (credit.direction, credit.merchant) == (CREDIT, "friend@ybl")


def test_explain_shows_text_rules_and_format() -> None:
    report = explain(
        alert(TEXT + "\nUPI Ref: 531255667788", sender="alerts@hdfcbank.net")
    )
    assert "Rs 1.00 debited from A/c XX1234" in report
    assert "bank:hdfc (HDFC Bank)" in report
    assert "merchant   CHAI POINT" in report
    assert "“to …”" in report
    assert "reference  531255667788" in report


def test_explain_names_the_reason_for_a_non_transaction() -> None:
    report = explain(alert("Your OTP is 123456.", subject="Login"))
    assert "no transaction — otp" in report


text_parts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "Rs 1,250.00",
            "debited",
            "credited to your",
            "A/c XX1234",
            "on 13-11-25",
            " at ",
            "Info:",
            "<td>",
            "</tr>",
            "$",
            "€ 8,75",
            "OTP",
            "123456",
            "|",
            "\n",
            "Avl Bal",
            "Nov 12",
        ]
    ),
)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(
    text=st.lists(text_parts, max_size=25).map(" ".join),
    html=st.one_of(st.none(), st.lists(text_parts, max_size=25).map("".join)),
    subject=st.text(max_size=80),
    sender=st.emails() | st.text(max_size=30),
    sent_at=st.one_of(st.none(), st.datetimes(timezones=st.just(dt.UTC))),
)
def test_arbitrary_input_never_raises(
    text: str, html: str | None, subject: str, sender: str, sent_at: dt.datetime | None
) -> None:
    subject_alert = Alert(sender.lower(), "", subject, sent_at, text or None, html)
    result = extract(subject_alert)
    assert (result.transaction is None) != (result.reason is None)
    assert result.reason != "error", result.detail
    if result.transaction is not None:
        assert result.transaction.amount > 0
        assert len(result.transaction.currency) == 3
    explain(subject_alert)
