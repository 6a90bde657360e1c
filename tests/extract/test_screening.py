"""Mail that is not a transaction is recognised; bank boilerplate never fools it."""

from __future__ import annotations

import datetime as dt

import pytest

from emailautomation.alert import Alert
from emailautomation.extract import CREDIT, DEBIT, extract

FOOTER = (
    "\n\nThis is a system-generated e-mail. Never share your OTP, PIN or CVV with "
    "anyone. If you did not make this transaction, call 1800 266 4332. In case of "
    "failed transactions the amount will be refunded within 5 working days. "
    "Interest rates from 3.5% p.a. Earn reward points on every spend. "
    "To unsubscribe from alerts, visit our website."
)


def alert(subject: str, text: str, sender: str = "alerts@examplebank.com") -> Alert:
    return Alert(
        sender=sender,
        sender_name="Example Bank",
        subject=subject,
        sent_at=dt.datetime(2025, 11, 14, 9, 30, tzinfo=dt.UTC),
        text=text,
        html=None,
    )


@pytest.mark.parametrize(
    ("subject", "text", "reason"),
    [
        ("Your OTP", "Use 123456 as your one time password to log in.", "otp"),
        (
            "Transaction verification",
            "771204 is the One Time Password for your online purchase of INR 649.00 "
            "at BOOKMYSHOW on card XX4004. Do not share it with anyone.",
            "otp",
        ),
        (
            "Verify your purchase",
            "The OTP for txn of INR 500.00 at AMAZON on card XX1234 is 448812. "
            "Valid for 10 mins.",
            "otp",
        ),
        ("Sicherheit", "Ihr Bestätigungscode lautet 482211.", "otp"),
        (
            "Card declined",
            "Your card ending 1234 was used at AMAZON for $20.00.",
            "declined",
        ),
        (
            "Transaction alert",
            "Your transaction of Rs 2,000.00 at CROMA on card XX1234 was declined "
            "due to incorrect PIN.",
            "declined",
        ),
        (
            "UPI payment",
            "Your UPI payment of Rs 500.00 to abc@ybl from A/c XX1234 has failed. "
            "Money, if debited, will be refunded.",
            "declined",
        ),
        (
            "Alert",
            "We declined a $120.00 transaction at NIKE.COM on your card ending in "
            "9012 because it exceeded your available credit.",
            "declined",
        ),
        (
            "Failed login attempt",
            "Someone tried to sign in to your account on 14/11/2025 at 10:15.",
            "sign_in",
        ),
        (
            "Security alert",
            "You have successfully logged in to Internet Banking on 14-11-2025 "
            "at 10:15.",
            "sign_in",
        ),
        (
            "November statement",
            "Your credit card statement for card ending 1234 is ready. Total amount "
            "due: $1,234.56. Minimum payment due: $25.00.",
            "statement",
        ),
        (
            "Reminder",
            "Your payment of $245.10 for card ending 1234 is due on Nov 20, 2025.",
            "statement",
        ),
        (
            "Balance alert",
            "Your available balance is INR 12,345.00 as on 14-11-2025 in A/c XX1234.",
            "balance",
        ),
        (
            "Exclusive for you",
            "Get 5% cashback on every purchase of $100 or more with your card ending "
            "1234. Apply now!",
            "marketing",
        ),
        (
            "Welcome bonus",
            "Earn $200 when you spend $1,000 in the first 3 months.",
            "marketing",
        ),
    ],
)
def test_non_transactions_give_their_reason(
    subject: str, text: str, reason: str
) -> None:
    result = extract(alert(subject, text + FOOTER))
    assert result.transaction is None
    assert result.reason == reason
    assert result.detail


@pytest.mark.parametrize(
    ("subject", "text", "amount", "direction"),
    [
        (
            "Transaction alert",
            "Rs 789.00 spent on card XX1234 at BIGBASKET on 13-11-2025.",
            "789.00",
            DEBIT,
        ),
        (
            "Payment received",
            "We have received your payment of $500.00 towards your card ending 1234. "
            "Total amount due: $0.00.",
            "500.00",
            CREDIT,
        ),
        (
            "Refund credited",
            "Refund of Rs 300.00 for your failed UPI transaction has been credited "
            "to your account XX1122 on 13-11-2025.",
            "300.00",
            CREDIT,
        ),
        (
            "Alert",
            "If a payment failed, call us. $25.00 was charged to your card ending "
            "4321 at SHELL on Nov 13, 2025.",
            "25.00",
            DEBIT,
        ),
        (
            "Balance update after your purchase",
            "A purchase of $12.00 at CVS was made on card ending 1111. Your available "
            "balance is $488.00.",
            "12.00",
            DEBIT,
        ),
    ],
)
def test_real_transactions_survive_footers_and_advice(
    subject: str, text: str, amount: str, direction: str
) -> None:
    result = extract(alert(subject, text + FOOTER))
    assert result.transaction is not None, result.detail
    assert str(result.transaction.amount) == amount
    assert result.transaction.direction == direction


def test_the_footer_alone_is_not_taken_for_anything() -> None:
    result = extract(alert("Important information", FOOTER))
    assert result.transaction is None
    assert result.reason in ("no_amount", "marketing")
