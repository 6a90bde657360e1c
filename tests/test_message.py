"""MIME decoding: charsets, transfer encodings, HTML-only and multipart mail."""

from __future__ import annotations

import base64
import quopri
from email.message import EmailMessage

import pytest

from emailautomation.errors import MalformedMessage
from emailautomation.mail.message import message_key, parse_alert


def raw_message(
    body: bytes, *, ctype: str, charset: str, cte: str, headers: str = ""
) -> bytes:
    head = (
        "From: =?utf-8?q?Caf=C3=A9_Bank?= <Alerts@Bank.Example>\r\n"
        "To: pat@example.org\r\n"
        "Subject: =?utf-8?b?RMOpYml0IGFsZXJ0?=\r\n"
        "Date: Tue, 04 Nov 2025 10:00:00 +0530\r\n"
        "Message-ID: < abc.123@bank.example >\r\n"
        f"{headers}"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: {ctype}; charset="{charset}"\r\n'
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    )
    return head.encode() + body


def test_headers_are_decoded_and_normalised():
    alert = parse_alert(
        raw_message(b"hi", ctype="text/plain", charset="utf-8", cte="7bit")
    )
    assert alert.sender == "alerts@bank.example"
    assert alert.sender_name == "Café Bank"
    assert alert.subject == "Débit alert"
    assert alert.sent_at.isoformat() == "2025-11-04T10:00:00+05:30"
    assert alert.message_id == "abc.123@bank.example"


@pytest.mark.parametrize(
    ("charset", "cte", "encode"),
    [
        ("utf-8", "quoted-printable", quopri.encodestring),
        ("utf-8", "base64", base64.encodebytes),
        ("utf-8", "8bit", lambda b: b),
        ("iso-8859-15", "quoted-printable", quopri.encodestring),
        ("windows-1252", "base64", base64.encodebytes),
        ("iso-8859-1", "8bit", lambda b: b),
    ],
)
def test_plain_bodies_in_any_charset_and_encoding(charset, cte, encode):
    text = "Débit de 45,90 € chez CAFÉ DU MONDE le 12/11/2025"
    source = text if charset != "iso-8859-1" else text.replace("€", "EUR")
    body = encode(source.encode(charset))
    alert = parse_alert(raw_message(body, ctype="text/plain", charset=charset, cte=cte))
    assert alert.text.strip() == source
    assert alert.html is None


def test_latin1_label_with_windows_1252_bytes_keeps_the_euro_sign():
    body = "Betrag: 12,00 \x80".encode("latin-1")
    alert = parse_alert(
        raw_message(body, ctype="text/plain", charset="iso-8859-1", cte="8bit")
    )
    assert alert.text == "Betrag: 12,00 €"


def test_unknown_charset_falls_back_to_utf8():
    body = "₹450 spent".encode()
    alert = parse_alert(
        raw_message(body, ctype="text/plain", charset="x-no-such", cte="8bit")
    )
    assert alert.text == "₹450 spent"


def test_html_only_message_keeps_html():
    html = b"<html><body><table><tr><td>Amount</td><td>$48.17</td></tr></table>"
    alert = parse_alert(
        raw_message(html, ctype="text/html", charset="utf-8", cte="8bit")
    )
    assert alert.text is None
    assert "$48.17" in alert.html


def test_multipart_alternative_gives_both_parts_and_skips_attachments():
    message = EmailMessage()
    message["From"] = "alerts@bank.example"
    message["Subject"] = "Alert"
    message["Message-ID"] = "<m1@bank.example>"
    message.set_content("Plain: spent £3.20 at PRET")
    message.add_alternative("<p>HTML: spent &pound;3.20 at PRET</p>", subtype="html")
    message.add_attachment(
        b"attached text that is not the body",
        maintype="text",
        subtype="plain",
        filename="statement.txt",
    )
    alert = parse_alert(message.as_bytes())
    assert alert.text.strip() == "Plain: spent £3.20 at PRET"
    assert "&pound;3.20" in alert.html


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\x00\x01\x02 binary junk without headers", "no headers"),
        (
            b"From: a@b.example\r\nContent-Type: image/png\r\n\r\n\x89PNG",
            "no text body",
        ),
        (
            b"From: a@b.example\r\nMessage-ID: <x@y>\r\nContent-Type: text/plain\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n!!not*base64!!\r\n",
            "not valid base64",
        ),
    ],
)
def test_malformed_messages_raise_with_a_reason(raw, reason):
    with pytest.raises(MalformedMessage, match=reason):
        parse_alert(raw)


def test_malformed_message_still_reports_its_message_id():
    raw = (
        b"From: a@b.example\r\nMessage-ID: <x@y.example>\r\n"
        b"Content-Type: text/plain\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!not*base64!!\r\n"
    )
    with pytest.raises(MalformedMessage) as info:
        parse_alert(raw)
    assert info.value.message_id == "x@y.example"


def test_message_key_prefers_message_id_and_falls_back_to_a_hash():
    assert message_key(" <A.1@x> ", b"raw") == "A.1@x"
    hashed = message_key(None, b"raw bytes")
    assert hashed.startswith("sha256:") and len(hashed) == 7 + 64
    assert hashed == message_key("", b"raw bytes") != message_key(None, b"other")
