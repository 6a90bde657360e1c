"""Learning from one sample reads the sender's other alerts, and only theirs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emailautomation.alert import Alert
from emailautomation.extract import extract, normalise
from emailautomation.extract.templates import (
    NO_MATCH,
    OTHER_SENDER,
    Mark,
    TemplateError,
    describe,
    learn,
    locate_fields,
    preview,
    readers_from_rows,
    sender_matches,
)
from templates.alerts import (
    COASTAL,
    FORMATS,
    GERMAN,
    KOPI,
    PRAIRIE,
    SPANISH,
    THISTLE,
    Case,
    Format,
)

FIELDS = ("amount", "currency", "direction", "merchant", "account", "date", "time")


def reading(alert: Alert, template: object) -> dict[str, str | None] | None:
    fields = preview(template, alert).transaction
    if fields is None:
        return None
    data = fields.as_json()
    return {name: data[name] for name in FIELDS}


def taught(fmt: Format, **overrides: str):
    return learn(fmt.alert(fmt.sample), {**fmt.marks, **fmt.choices, **overrides})


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_one_sample_reads_the_senders_other_alerts(fmt: Format):
    template = taught(fmt)

    for case in fmt.cases:
        assert reading(fmt.alert(case), template) == case.expected, case.printed


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_learning_from_any_alert_of_the_format_reads_the_others(fmt: Format):
    # Whichever alert the person happens to open, the result is the same.
    last = fmt.cases[-1]
    marks = {
        field: _printed_value(fmt, last, field, text)
        for field, text in fmt.marks.items()
    }
    template = learn(fmt.alert(last), {**marks, **fmt.choices})

    for case in fmt.cases:
        assert reading(fmt.alert(case), template) == case.expected, case.printed


def _printed_value(fmt: Format, case: Case, field: str, sample_mark: str) -> str:
    """What a person marks in ``case`` for ``field``: its printed text,
    trimmed the way the sample's mark was trimmed (no currency, no mask)."""
    key = {"account": "card"}.get(field, field)
    printed = case.printed[key]
    sample_printed = fmt.sample.printed[key]
    if sample_mark == sample_printed:
        return printed
    # The sample's mark is part of the printed value ("12,50" of "12,50 EUR").
    head, _, tail = sample_printed.partition(sample_mark)
    return printed.removeprefix(head).removesuffix(tail).strip()


def test_a_longer_merchant_a_grouped_amount_and_another_card_are_read():
    template = taught(GERMAN)
    longer = GERMAN.cases[1]

    assert len(longer.printed["merchant"]) > 2 * len(GERMAN.sample.printed["merchant"])
    assert (
        "." in longer.printed["amount"] and "." not in GERMAN.sample.printed["amount"]
    )
    assert reading(GERMAN.alert(longer), template) == longer.expected
    other_card = GERMAN.cases[2]
    assert reading(GERMAN.alert(other_card), template)["account"] == "0007"


def test_an_html_only_alert_and_a_plain_one_are_both_read():
    kopi = taught(KOPI)  # HTML only, labels above values
    coastal = taught(COASTAL)  # plain text sentence

    assert KOPI.alert(KOPI.sample).text is None
    assert COASTAL.alert(COASTAL.sample).html is None
    assert reading(KOPI.alert(KOPI.cases[1]), kopi)["merchant"] == (
        "MARINA BAY FURNITURE GALLERY PTE. LTD."
    )
    assert reading(COASTAL.alert(COASTAL.cases[2]), coastal)["amount"] == "150000.00"


def test_the_balance_beside_the_amount_is_never_taken_for_it():
    template = taught(COASTAL)

    for case in COASTAL.cases:
        found = reading(COASTAL.alert(case), template)
        assert found is not None
        assert found["amount"] == case.expected["amount"]
        assert found["amount"] not in case.printed["balance"].replace(",", "")


def test_a_template_never_reads_another_senders_mail():
    template = taught(GERMAN)
    readers = readers_from_rows(
        [SimpleNamespace(id=7, name="kg", sender=template.sender, spec=template.spec)]
    )
    own = GERMAN.alert(GERMAN.cases[1])
    for stranger in (
        "karte@kg-nordheide.example.evil.test",
        "karte@other-kg-nordheide.example",
        "karte2@kg-nordheide.example",
        "kg-nordheide.example@gmail.example",
    ):
        alert = dataclasses.replace(own, sender=stranger)

        result = extract(alert, readers)

        assert not (result.transaction and result.transaction.format == "template:7")
        assert preview(template, alert).reason == OTHER_SENDER
    read = extract(own, readers).transaction
    assert read is not None and (read.format, read.template_id) == ("template:7", 7)


def test_a_domain_template_reads_every_address_of_that_domain_only():
    template = learn(
        GERMAN.alert(GERMAN.sample), GERMAN.marks, sender="KG-Nordheide.example"
    )
    assert template.sender == "kg-nordheide.example"
    case = GERMAN.cases[1]

    for address in ("info@kg-nordheide.example", "karte@mail.kg-nordheide.example"):
        assert reading(GERMAN.alert(case, sender=address), template) == case.expected
    for address in ("karte@kg-nordheide.example.com", "karte@xkg-nordheide.example"):
        assert reading(GERMAN.alert(case, sender=address), template) is None


def test_sender_matching_rules():
    assert sender_matches("alerts@bank.example", "Alerts@Bank.example")
    assert not sender_matches("alerts@bank.example", "other@bank.example")
    assert sender_matches("bank.example", "x@cards.bank.example")
    assert not sender_matches("bank.example", "x@notbank.example")
    assert not sender_matches("", "x@bank.example")


def test_templates_go_before_the_built_in_reading_for_their_sender():
    # The generic reader reads these German alerts too; the template wins and
    # records its provenance.
    alert = GERMAN.alert(GERMAN.cases[3])
    assert extract(alert).transaction is not None
    template = taught(GERMAN)
    readers = readers_from_rows(
        [SimpleNamespace(id=3, name="kg", sender=template.sender, spec=template.spec)]
    )

    fields = extract(alert, readers).transaction

    assert fields is not None
    assert (fields.format, fields.template_id) == ("template:3", 3)
    assert fields.currency == "CHF"  # the printed code wins over the sample's EUR


def test_an_address_template_goes_before_a_domain_one_and_newer_before_older():
    template = taught(GERMAN)
    rows = [
        SimpleNamespace(
            id=1, name="a", sender="kg-nordheide.example", spec=template.spec
        ),
        SimpleNamespace(id=2, name="b", sender=template.sender, spec=template.spec),
        SimpleNamespace(id=3, name="c", sender=template.sender, spec=template.spec),
    ]

    readers = readers_from_rows(rows)

    assert [r.name for r in readers] == ["template:3", "template:2", "template:1"]


def test_a_stored_template_that_cannot_be_read_is_skipped_not_fatal(caplog):
    template = taught(GERMAN)
    rows = [
        SimpleNamespace(id=1, name="old", sender=template.sender, spec={"version": 99}),
        SimpleNamespace(id=2, name="good", sender=template.sender, spec=template.spec),
    ]

    readers = readers_from_rows(rows)

    assert [r.name for r in readers] == ["template:2"]
    assert "template 1 cannot be used" in caplog.text


def test_direction_follows_the_wording_when_it_changes_from_the_sample():
    prairie = taught(PRAIRIE)  # sample: "Type | Purchase"
    spanish = taught(SPANISH)  # sample: "Compra con tarjeta"

    refund = PRAIRIE.cases[2]
    assert refund.printed["type"] == "Refund"
    assert reading(PRAIRIE.alert(refund), prairie)["direction"] == "credit"
    assert reading(SPANISH.alert(SPANISH.cases[2]), spanish)["direction"] == "credit"
    assert reading(SPANISH.alert(SPANISH.cases[1]), spanish)["direction"] == "debit"


def test_a_chosen_direction_is_kept_for_alerts_worded_like_the_sample():
    template = taught(GERMAN, direction="credit")

    assert reading(GERMAN.alert(GERMAN.cases[1]), template)["direction"] == "credit"


def test_a_chosen_currency_gives_a_bare_dollar_its_meaning():
    template = taught(PRAIRIE)

    assert all(
        reading(PRAIRIE.alert(case), template)["currency"] == "CAD"
        for case in PRAIRIE.cases
    )
    assert template.spec["currency_tokens"] == {"$": "CAD"}


def _dated(text: str, sent: dt.datetime, sender: str = "cu@dates.example") -> Alert:
    return Alert(sender, "CU", "Card used", sent, text, None)


def _card_text(date: str, amount: str = "EUR 10.00") -> str:
    return f"Card used\nAmount: {amount}\nShop: CAFE\nDate: {date}\n"


@pytest.mark.parametrize(
    ("sent", "order", "read_as"),
    [
        # 04/11/2025 sent in November: 4 November, so the sender writes day first.
        (dt.datetime(2025, 11, 5, 9, tzinfo=dt.UTC), "DMY", "2025-11-03"),
        # The same digits sent in April: April 11, month first.
        (dt.datetime(2025, 4, 12, 9, tzinfo=dt.UTC), "MDY", "2025-03-11"),
    ],
)
def test_an_ambiguous_sample_date_takes_its_order_from_the_date_header(
    sent, order, read_as
):
    sample = _dated(_card_text("04/11/2025"), sent)

    template = learn(sample, {"amount": "10.00", "date": "04/11/2025"})

    assert template.spec["slots"]["date"]["order"] == order
    later = _dated(_card_text("03/11/2025"), sent + dt.timedelta(days=1))
    assert reading(later, template)["date"] == read_as


def test_a_learned_date_order_is_kept_even_where_the_send_date_suggests_another():
    # Learned month first from an unambiguous 11/20/2025.
    sent = dt.datetime(2025, 11, 21, 9, tzinfo=dt.UTC)
    sample = _dated(_card_text("11/20/2025"), sent)
    template = learn(sample, {"amount": "10.00", "date": "11/20/2025"})
    late = _dated(_card_text("02/11/2025"), dt.datetime(2025, 11, 20, tzinfo=dt.UTC))

    # A reader without the learned order would pick 2 November, closer to the
    # e-mail; this sender writes month first.
    assert reading(late, template)["date"] == "2025-02-11"


def test_without_a_marked_date_the_date_header_gives_the_day():
    sent = dt.datetime(2025, 11, 21, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    template = learn(_dated(_card_text("today"), sent), {"amount": "10.00"})

    later = _dated(_card_text("today", "EUR 3.50"), sent + dt.timedelta(days=2))

    assert reading(later, template)["date"] == "2025-11-23"
    assert reading(later, template)["amount"] == "3.50"


def test_a_declined_payment_shaped_like_the_sample_is_not_read():
    template = taught(PRAIRIE)
    base = PRAIRIE.alert(PRAIRIE.cases[1])
    declined = dataclasses.replace(
        base,
        html=base.html.replace(
            "<table>", "<p>This purchase was declined by the merchant.</p><table>"
        ),
    )
    readers = readers_from_rows(
        [SimpleNamespace(id=5, name="p", sender=template.sender, spec=template.spec)]
    )

    result = preview(template, declined)

    assert result.transaction is None
    assert result.reason == "declined"
    assert extract(declined, readers).reason == "declined"


def test_an_alert_of_another_shape_from_the_sender_says_which_field_failed():
    template = taught(GERMAN)
    newsletter = dataclasses.replace(
        GERMAN.alert(GERMAN.sample),
        text="Neu: Ihr Online-Banking hat ein neues Design.\nIhre KG Nordheide\n",
    )

    result = preview(template, newsletter)

    assert result.transaction is None
    assert result.reason == NO_MATCH
    assert result.detail == "amount: no “Betrag:” followed by an amount"


def test_preview_of_a_bare_spec_reads_any_sender_unless_one_is_given():
    template = taught(THISTLE)
    alert = THISTLE.alert(THISTLE.cases[1], sender="someone@else.example")

    assert preview(template.spec, alert).transaction is not None
    assert preview(template.spec, alert, sender=template.sender).reason == OTHER_SENDER


def test_marks_with_a_place_as_a_dialog_gives_them():
    alert = _dated(
        "Paid EUR 12.50 to ACME.\nAmount: EUR 12.50\nShop: ACME\n",
        dt.datetime(2025, 11, 3, tzinfo=dt.UTC),
    )
    text = normalise(alert)
    amount_at = text.index("12.50", text.index("Amount"))
    shop_at = text.index("ACME", text.index("Shop"))

    template = learn(
        alert, {"amount": Mark("12.50", amount_at), "merchant": Mark("ACME", shop_at)}
    )

    assert template.spec["marked"] == {"amount": "EUR 12.50", "merchant": "ACME"}
    later = _dated(
        "Paid EUR 1,000.00 to ACME ROCKETS.\n"
        "Amount: EUR 1,000.00\nShop: ACME ROCKETS\n",
        dt.datetime(2025, 11, 4, tzinfo=dt.UTC),
    )
    assert reading(later, template)["merchant"] == "ACME ROCKETS"


def test_more_context_or_brackets_say_which_place_is_meant():
    alert = _dated(
        "Paid EUR 12.50 at ACME on 03.11.2025.\nShop ACME\nAmount: EUR 12.50\n",
        dt.datetime(2025, 11, 3, tzinfo=dt.UTC),
    )

    template = learn(
        alert, {"amount": "Amount: EUR 12.50", "merchant": "Paid EUR 12.50 at [[ACME]]"}
    )

    slots = template.spec["slots"]
    assert slots["amount"]["before"].strip() == "Amount:"
    assert slots["merchant"]["before"].strip().endswith("at")
    assert template.readback.merchant == "ACME"


def test_the_template_describes_where_it_reads_each_field():
    lines = describe(taught(GERMAN).spec)

    assert lines[0] == (
        "amount    after “Betrag:” (decimal mark “,”); sample “12,50 EUR”"
    )
    assert "merchant  after “Händler:” to the end of the line" in lines[1]
    assert any(line.startswith("date      after “Datum:” (DMY)") for line in lines)


def test_values_read_by_the_engine_can_be_pre_marked_and_taught_from():
    # The Teach dialog's path: what the engine read, where it is printed, and
    # a template learned from those places.
    alert = GERMAN.alert(GERMAN.cases[1])
    read = extract(alert).transaction
    assert read is not None
    text = normalise(alert)

    spans = locate_fields(text, read)

    assert {field: text[s:e] for field, (s, e) in spans.items()} == {
        "amount": "1.234,56",
        "date": "28.11.2025",
        "time": "19:02",
        "account": "4821",
        "merchant": "ELEKTROMARKT NORDHEIDE GMBH & CO. KG",
    }
    marks = {field: Mark(text[s:e], s) for field, (s, e) in spans.items()}
    template = learn(alert, marks)
    for case in GERMAN.cases:
        assert reading(GERMAN.alert(case), template) == case.expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(FORMATS),
    field=st.sampled_from(["amount", "merchant", "account", "date", "time"]),
    where=st.floats(0, 1),
    length=st.integers(1, 30),
    placed=st.booleans(),
)
def test_any_selection_is_learned_or_refused_with_a_field(
    fmt, field, where, length, placed
):
    alert = fmt.alert(fmt.sample)
    text = normalise(alert)
    start = int(where * (len(text) - 1))
    piece = text[start : start + length]
    values: dict[str, object] = {**fmt.marks, **fmt.choices}
    values[field] = Mark(piece, start) if placed else piece

    try:
        template = learn(alert, values)  # type: ignore[arg-type]
    except TemplateError as error:
        assert error.field in (*FIELDS, "sender", "template")
        assert str(error).startswith(f"{error.field}: ")
        return
    assert preview(template, alert).transaction == template.readback


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_reading_arbitrary_text_never_raises(text):
    template = taught(COASTAL)
    alert = dataclasses.replace(COASTAL.alert(COASTAL.sample), text=text)

    result = preview(template, alert)

    assert (result.transaction is None) != (result.reason is None)
