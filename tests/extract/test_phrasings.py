"""Phrasings from banks with no format of their own, read by the generic reader."""

from __future__ import annotations

import datetime as dt

import pytest

from emailautomation.alert import Alert
from emailautomation.extract import explain, extract

from .expectations import problems

SENT = dt.datetime(2025, 11, 14, 20, 0, tzinfo=dt.UTC)

# (sender, subject, text, expected fields) — date 2025-11-14 unless given.
CASES = [
    (
        "alerts@mycardbank.com",
        "Card alert",
        "Your card ending in 1234 was charged $45.67 at AMAZON.COM on 11/14/2025.",
        {"amount": "45.67", "currency": "USD", "direction": "debit",
         "account": "1234", "merchant": "AMAZON"},
    ),
    (
        "alerts@examplecu.org",
        "Purchase",
        "Alert: You've made a purchase of $23.50 at Shell using card ending 9988.",
        {"amount": "23.50", "currency": "USD", "direction": "debit",
         "account": "9988", "merchant": "Shell"},
    ),
    (
        "alerts@rbank.co.in",
        "Txn",
        "INR 2,500.00 spent on Credit Card x3344 on 14-Nov-2025 at SWIGGY. "
        "Avl limit: INR 1,23,456.00",
        {"amount": "2500.00", "currency": "INR", "direction": "debit",
         "account": "3344", "merchant": "SWIGGY"},
    ),
    (
        "alerts@rbank.co.in",
        "Txn",
        "Dear Customer, Rs.500 has been debited from your a/c **1234 on 14/11/25 "
        "for UPI txn to merchant@okaxis. UPI Ref: 123456789012.",
        {"amount": "500.00", "currency": "INR", "direction": "debit",
         "account": "1234", "merchant": "merchant@okaxis",
         "reference": "123456789012"},
    ),
    (
        "service@kartenbank.de",
        "Umsatz",
        "Transaction of EUR 12.99 at NETFLIX.COM approved on card ****5678 — "
        "14.11.2025 09:12",
        {"amount": "12.99", "currency": "EUR", "direction": "debit",
         "account": "5678", "merchant": "NETFLIX.COM", "time": "09:12"},
    ),
    (
        "alerts@rbank.co.in",
        "Credit",
        "You received ₹5,000.00 from Rahul Sharma (rahul@okhdfc) in A/c XX1234 on "
        "14-11-2025.",
        {"amount": "5000.00", "currency": "INR", "direction": "credit",
         "account": "1234", "merchant": "Rahul Sharma"},
    ),
    (
        "alerts@building-society.co.uk",
        "Money in",
        "Your account 12345678 was credited with £1,234.00 (BACS payment from ACME "
        "LTD) on 14 Nov 2025",
        {"amount": "1234.00", "currency": "GBP", "direction": "credit",
         "account": "5678", "merchant": "ACME"},
    ),
    (
        "alerts@bank.com.au",
        "Direct debit",
        "A$ 99.00 direct debit to TELSTRA from account ending 2233 on 14/11/2025",
        {"amount": "99.00", "currency": "AUD", "direction": "debit",
         "account": "2233", "merchant": "TELSTRA"},
    ),
    (
        "alerts@cardco.com",
        "Refund",
        "We've refunded $15.00 to your card ending 4321 from UBER EATS on Nov 14.",
        {"amount": "15.00", "currency": "USD", "direction": "credit",
         "account": "4321", "merchant": "UBER EATS"},
    ),
    (
        "alerts@gulfbank.ae",
        "ATM",
        "Withdrawal of AED 500.00 from ATM DUBAI MALL using Debit Card ending 9999 "
        "on 14/11/2025 16:30.",
        {"amount": "500.00", "currency": "AED", "direction": "debit",
         "account": "9999", "merchant": "ATM DUBAI MALL", "time": "16:30"},
    ),
    (
        "info@kartenbank.de",
        "Kartenzahlung",
        "Kartenzahlung über 12,34 € bei LIDL DIENSTLEISTUNG am 14.11.2025 mit Ihrer "
        "Karte ***1234.",
        {"amount": "12.34", "currency": "EUR", "direction": "debit",
         "account": "1234", "merchant": "LIDL"},
    ),
    (
        "alertes@banque.fr",
        "Carte",
        "Votre carte ****1234 a été débitée de 45,00 € chez CARREFOUR le 14/11/2025 "
        "à 18h30.",
        {"amount": "45.00", "currency": "EUR", "direction": "debit",
         "account": "1234", "merchant": "CARREFOUR", "time": "18:30"},
    ),
    (
        "avisos@banco.es",
        "Compra",
        "Compra de 23,45 EUR en MERCADONA con tarjeta ****6789 el 14/11/2025.",
        {"amount": "23.45", "currency": "EUR", "direction": "debit",
         "account": "6789", "merchant": "MERCADONA"},
    ),
    (
        "avvisi@banca.it",
        "Addebito",
        "Addebito di 15,00 € presso AUTOGRILL con la carta ****2222 il 14/11/2025",
        {"amount": "15.00", "currency": "EUR", "direction": "debit",
         "account": "2222", "merchant": "AUTOGRILL"},
    ),
    (
        "info@bank.nl",
        "Betaling",
        "Betaling van € 7,50 aan HEMA met pas eindigend op 3333 op 14-11-2025.",
        {"amount": "7.50", "currency": "EUR", "direction": "debit",
         "account": "3333", "merchant": "HEMA"},
    ),
    (
        "avisos@banco.com.br",
        "Compra aprovada",
        "Compra aprovada: R$ 150,00 em AMERICANAS, cartão final 4444, 14/11/2025 "
        "20:15.",
        {"amount": "150.00", "currency": "BRL", "direction": "debit",
         "account": "4444", "merchant": "AMERICANAS", "time": "20:15"},
    ),
    (
        "alerts@mybank.com",
        "Zelle",
        "You sent $200.00 to John Smith with Zelle on 11/14/2025.",
        {"amount": "200.00", "currency": "USD", "direction": "debit",
         "merchant": "John Smith"},
    ),
    (
        "venmo@venmo.com",
        "You paid",
        "You paid Jane Doe $25.00. Note: dinner",
        {"amount": "25.00", "currency": "USD", "direction": "debit",
         "merchant": "Jane Doe"},
    ),
    (
        "alerts@hkbank.com.hk",
        "Card",
        "HK$1,234.00 spent at PARKnSHOP with card ending 5555 on 14NOV2025",
        {"amount": "1234.00", "currency": "HKD", "direction": "debit",
         "account": "5555", "merchant": "PARKnSHOP"},
    ),
    (
        "alerts@rbank.co.in",
        "NACH",
        "Debit of INR 1,000.00 on A/c XX1234 for NACH-MUT FUND-ICICI PRUDENTIAL on "
        "14-11-2025",
        {"amount": "1000.00", "currency": "INR", "direction": "debit",
         "account": "1234", "merchant": "ICICI PRUDENTIAL"},
    ),
    (
        "alerts@cardco.com",
        "Pending",
        "A pending charge of $1.00 from APPLE.COM/BILL was made on card ending 7777 "
        "on Nov 14, 2025.",
        {"amount": "1.00", "currency": "USD", "direction": "debit",
         "account": "7777", "merchant": "APPLE.COM"},
    ),
    (
        "alerts@creditunion.ca",
        "Interac",
        "You've received $150.00 from MARY LEE via Interac e-Transfer on Nov 14, "
        "2025.",
        {"amount": "150.00", "currency": "CAD", "direction": "credit",
         "merchant": "MARY LEE"},
    ),
    (
        "alerts@bank.com.sg",
        "PayNow",
        "PayNow transfer of SGD 88.00 to LIM AH HUAT on 14 Nov 2025 was successful.",
        {"amount": "88.00", "currency": "SGD", "direction": "debit",
         "merchant": "LIM AH HUAT"},
    ),
    (
        "alerts@rbank.co.in",
        "IMPS",
        "IMPS of Rs 10,000.00 to SHARMA R, A/c XX5678 from your A/c XX1234 on "
        "14/11/2025. IMPS Ref 531812345678",
        {"amount": "10000.00", "currency": "INR", "direction": "debit",
         "account": "1234", "merchant": "SHARMA R", "reference": "531812345678"},
    ),
    (
        "alerts@rbank.co.in",
        "Reversal",
        "Transaction reversed: Rs 500 credited back to your account XX1234 on "
        "14-11-2025.",
        {"amount": "500.00", "currency": "INR", "direction": "credit",
         "account": "1234"},
    ),
    (
        "alerts@cardco.com",
        "Card",
        "Thursday, 14 November 2025 2:05 pm: Card xxxx-xxxx-xxxx-1234 used for USD "
        "1,234.56 (approx. INR 1,02,345.67) at BOOKING.COM",
        {"amount": "1234.56", "currency": "USD", "direction": "debit",
         "account": "1234", "merchant": "BOOKING", "time": "14:05"},
    ),
    (
        "alerts@cardco.com",
        "Credit",
        "$12.34 CR posted to card ending 5555 from AMAZON on 11/14/2025",
        {"amount": "12.34", "currency": "USD", "direction": "credit",
         "account": "5555", "merchant": "AMAZON"},
    ),
    (
        "info@card.co.jp",
        "カードご利用のお知らせ",
        "ご利用金額 3,500円 FAMILYMART 2025/11/14",
        {"amount": "3500", "currency": "JPY", "direction": "debit"},
    ),
    (
        "alerts@rbank.co.in",
        "Auto debit",
        "Auto-debit of Rs 999 scheduled on 15-11-2025 for NETFLIX from A/c XX1234.",
        {"ignored": "statement"},
    ),
    (
        "alerts@rbank.co.in",
        "Txn",
        "Transaction failed: Rs 500.00 at AMAZON on card XX1234.",
        {"ignored": "declined"},
    ),
    (
        "alerts@rbank.co.in",
        "Points",
        "500 reward points credited to your card XX1234.",
        {"ignored": "no_amount"},
    ),
    (
        "offers@cardco.com",
        "Cashback",
        "You could have earned $50.00 cashback! Shop now.",
        {"ignored": "marketing"},
    ),
    (
        "alerts@cardco.com",
        "Payment due",
        "Your minimum payment of $35.00 is due on Dec 5. Pay now to avoid late fees.",
        {"ignored": "statement"},
    ),
    (
        "noreply@cardco.com",
        "Balance",
        "Your account balance is $1,234.56 as of 11/14/2025.",
        {"ignored": "balance"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sender", "subject", "text", "expect"),
    CASES,
    ids=[f"{i + 1}-{case[0].split('@')[1]}" for i, case in enumerate(CASES)],
)
def test_phrasing_reads_right(
    sender: str, subject: str, text: str, expect: dict[str, str]
) -> None:
    alert = Alert(sender, "Alerts", subject, SENT, text, None)
    if "ignored" not in expect:
        expect = {"date": "2025-11-14", **expect}
    wrong = problems(extract(alert), expect, strict=False)
    assert not wrong, "\n".join(wrong) + "\n\n" + explain(alert)
