"""HTML and plain bodies become one clean, readable text."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from emailautomation.alert import Alert
from emailautomation.extract import normalise
from emailautomation.extract.text import html_to_text, plain_to_text


def alert(text: str | None = None, html: str | None = None) -> Alert:
    return Alert(
        sender="alerts@bank.example",
        sender_name="Bank",
        subject="Alert",
        sent_at=dt.datetime(2025, 11, 3, tzinfo=dt.UTC),
        text=text,
        html=html,
    )


def test_table_rows_become_label_value_lines() -> None:
    html = """<table><tr><td>Amount</td><td>$48.17</td></tr>
    <tr><th>Merchant</th><td></td><td> STARBUCKS </td></tr></table>"""
    assert html_to_text(html) == "Amount | $48.17\nMerchant | STARBUCKS"


def test_nested_tables_keep_inner_rows_apart() -> None:
    html = (
        "<table><tr><td>Dear Customer,</td></tr><tr><td><table>"
        "<tr><td>Card No.</td><td>XX7007</td></tr>"
        "<tr><td>Date</td><td>07-11-2025</td></tr></table></td></tr></table>"
    )
    assert html_to_text(html).splitlines() == [
        "Dear Customer,",
        "Card No. | XX7007",
        "Date | 07-11-2025",
    ]


def test_hidden_head_style_and_script_are_dropped() -> None:
    html = """<html><head><title>Promo title</title>
    <style>.pre { display:none } .shown { color: red }</style>
    <script>var x = "INR 999.00";</script></head><body>
    <span style="display: none; max-height:0">Save $50 today</span>
    <div class="pre">hidden by class</div>
    <div style="visibility:hidden">hidden too</div>
    <p hidden>hidden attribute</p>
    <p class="shown">Rs 120.00 spent</p></body></html>"""
    assert html_to_text(html) == "Rs 120.00 spent"


def test_entities_nbsp_and_breaks_fold() -> None:
    html = "<p>We&#x27;ve&nbsp;charged&amp;noted<br>INR&nbsp;1,250.00\n\n   on   it</p>"
    assert html_to_text(html) == "We've charged&noted\nINR 1,250.00 on it"


def test_invisible_characters_disappear() -> None:
    assert html_to_text("<p>Rs\u200b 50\u00ad0.00\ufeff</p>") == "Rs 500.00"


def test_plain_text_soft_breaks_are_joined() -> None:
    wrapped = (
        "Thank you for using your Bank Credit Card ending 1234 for Rs 789.00 at\n"
        "BIGBASKET on 03-11-2025.\n"
        "\n\n\n"
        "Amount: Rs 789.00\n"
        "Merchant: BIGBASKET\n"
    )
    assert plain_to_text(wrapped).splitlines() == [
        "Thank you for using your Bank Credit Card ending 1234 for Rs 789.00 at "
        "BIGBASKET on 03-11-2025.",
        "",
        "Amount: Rs 789.00",
        "Merchant: BIGBASKET",
    ]


def test_format_flowed_trailing_space_continues_the_line() -> None:
    assert (
        plain_to_text("You paid £4.85 \nto Pret.\nBye")
        == "You paid £4.85 to Pret.\nBye"
    )


def test_plain_part_that_is_really_html_is_converted() -> None:
    body = "<html><body><table><tr><td>Amount</td><td>$5.00</td></tr></table></html>"
    assert plain_to_text(body) == "Amount | $5.00"


def test_normalise_prefers_plain_but_not_a_stub() -> None:
    html = "<p>A purchase of $18.00 at UBER</p>"
    assert normalise(alert("Rs 500.00 debited", html)) == "Rs 500.00 debited"
    assert normalise(alert("View this email in your browser.", html)) == (
        "A purchase of $18.00 at UBER"
    )
    assert normalise(alert(None, html)) == "A purchase of $18.00 at UBER"
    assert normalise(alert(None, None)) == ""


def test_full_width_digits_are_folded() -> None:
    assert normalise(alert("ＩＮＲ １２０.００ debited")) == "INR 120.00 debited"


@given(st.text(), st.text())
def test_arbitrary_bodies_never_raise(plain: str, html: str) -> None:
    normalise(alert(plain or None, html or None))
    html_to_text("<table><tr><td>" + html + "</td><td>" + plain + "</td></tr>")
