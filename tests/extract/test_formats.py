"""Every bank format is valid, routes its own senders and reads its own samples."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from emailautomation.alert import Alert
from emailautomation.extract import explain, extract
from emailautomation.extract.banks import (
    BankFormat,
    FormatError,
    format_for,
    load_formats,
    parse_format,
)
from emailautomation.extract.currencies import EURO_COUNTRIES

from .expectations import problems

FORMATS = load_formats()
SAMPLES = [
    pytest.param(bank, index, id=f"{bank.id}-{index + 1}")
    for bank in FORMATS
    for index in range(len(bank.samples))
]


def test_at_least_25_banks_across_the_required_regions() -> None:
    countries = Counter(
        "EU" if bank.country in EURO_COUNTRIES else bank.country for bank in FORMATS
    )
    assert len(FORMATS) >= 25
    for region in ("IN", "US", "GB", "EU", "SG", "AU", "CA", "AE"):
        assert countries[region] >= 1, f"no bank format for {region}"


@pytest.mark.parametrize("bank", FORMATS, ids=lambda bank: bank.id)
def test_every_format_carries_samples(bank: BankFormat) -> None:
    assert bank.samples, f"{bank.id} has no sample alert"
    assert any("ignored" not in sample.expect for sample in bank.samples)


@pytest.mark.parametrize(("bank", "index"), SAMPLES)
def test_every_sample_reads_right_with_its_own_format(
    bank: BankFormat, index: int
) -> None:
    sample = bank.samples[index]
    alert = sample.alert()
    assert format_for(alert) is bank
    result = extract(alert)
    wrong = problems(result, sample.expect)
    assert not wrong, "\n".join(wrong) + "\n\n" + explain(alert)
    if result.transaction is not None:
        assert result.transaction.format == f"bank:{bank.id}"
        assert result.transaction.bank == bank.bank


def test_subdomains_and_keywords_route_to_the_bank() -> None:
    def sender(address: str) -> Alert:
        return Alert(address, "", "", None, "text", None)

    assert format_for(sender("x@ealerts.bankofamerica.com")).id == "bofa"
    assert format_for(sender("x@sparkasse-muensterland-ost.de")).id == "sparkasse"
    assert format_for(sender("x@hdfcbank.net")).id == "hdfc"
    assert format_for(sender("x@nothdfcbank.net")) is None
    assert format_for(sender("x@example.org")) is None


def test_a_bank_pattern_is_named_in_the_explanation() -> None:
    sbi = next(bank for bank in FORMATS if bank.id == "sbi")
    report = explain(sbi.samples[0].alert())
    assert "bank:sbi pattern “UPI debit, trf to”" in report


def test_a_bank_ignore_rule_applies_before_reading() -> None:
    bank = parse_format(
        "testbank",
        {
            "name": "Test Bank",
            "country": "IN",
            "domains": ["testbank.example"],
            "ignore": [{"reason": "marketing", "regex": "insta ?loan"}],
        },
    )
    alert = Alert(
        "offers@testbank.example",
        "Test Bank",
        "Your InstaLoan",
        dt.datetime(2025, 11, 3, tzinfo=dt.UTC),
        "Rs 5,000.00 has been credited as an InstaLoan offer to A/c XX1234.",
        None,
    )
    assert bank.screen(alert.subject, alert.text or "") is not None
    assert bank.context(alert).currency == "INR"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"country": "IN", "domains": ["a.example"]}, "“name” is missing"),
        ({"name": "A", "country": "IN", "domains": "a.example"}, "must be a list"),
        ({"name": "A", "country": "ZZ", "domains": ["a.example"]}, "no “currency”"),
        (
            {"name": "A", "country": "IN", "domains": ["a.example"], "colour": "red"},
            "unknown keys",
        ),
        (
            {
                "name": "A",
                "country": "IN",
                "domains": ["a.example"],
                "patterns": [{"regex": "(?P<amount>[0-9]+"}],
            },
            "does not compile",
        ),
        (
            {
                "name": "A",
                "country": "IN",
                "domains": ["a.example"],
                "patterns": [{"regex": "(?P<merchant>.+)"}],
            },
            "needs an “amount” or “money” group",
        ),
        (
            {
                "name": "A",
                "country": "IN",
                "domains": ["a.example"],
                "patterns": [{"regex": "(?P<amount>[0-9]+) (?P<colour>x)"}],
            },
            "unknown groups",
        ),
        (
            {
                "name": "A",
                "country": "US",
                "domains": ["a.example"],
                "samples": [{"subject": "x", "expect": {}}],
            },
            "needs “text” or “html”",
        ),
    ],
)
def test_a_broken_format_says_what_is_wrong(data: dict, message: str) -> None:
    with pytest.raises(FormatError, match=message) as caught:
        parse_format("broken", data)
    assert "'broken'" in str(caught.value)
