"""Raw RFC 5322 bytes into an ``Alert``: headers, charsets and transfer encodings."""

from __future__ import annotations

import codecs
import datetime as dt
import email
import hashlib
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from emailautomation.alert import Alert
from emailautomation.errors import MalformedMessage

# compat32 parses about ten times faster than policy.default on alert-sized
# mail; we decode headers and bodies ourselves where it matters.
_POLICY = policy.compat32

_CORRUPT_BODY_DEFECTS = (
    "InvalidBase64CharactersDefect",
    "InvalidBase64PaddingDefect",
    "InvalidBase64LengthDefect",
)


def message_key(message_id: str | None, raw: bytes) -> str:
    """A message's identity: its normalised Message-ID, else a hash of its bytes."""
    normalised = normalise_message_id(message_id)
    if normalised:
        return normalised
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def normalise_message_id(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = "".join(value.split()).strip("<>")
    return cleaned[:500] or None


def _header(message: Message, name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except (UnicodeError, LookupError, ValueError):
        return str(value)


def _decode_bytes(payload: bytes, charset: str | None) -> str:
    charset = (charset or "utf-8").strip().strip('"').lower()
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    if charset in ("us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"):
        # Mail labelled ASCII or Latin-1 is very often really Windows-1252
        # (curly quotes, the euro sign); 1252 is a superset for printable text.
        charset = "windows-1252"
    try:
        return payload.decode(charset)
    except UnicodeDecodeError:
        return payload.decode(charset, errors="replace")


def _part_text(part: Message) -> str:
    known_defects = len(part.defects)
    payload = part.get_payload(decode=True)
    # Decoding registers a defect on the part when base64 is corrupt.
    new_defects = part.defects[known_defects:]
    if any(type(d).__name__ in _CORRUPT_BODY_DEFECTS for d in new_defects):
        encoding = str(part.get("Content-Transfer-Encoding", "")).strip()
        raise MalformedMessage(
            f"the {part.get_content_type()} body is not valid {encoding or 'base64'}"
        )
    if not isinstance(payload, bytes):
        return ""
    return _decode_bytes(payload, part.get_content_charset())


def _sent_at(message: Message) -> dt.datetime | None:
    value = message.get("Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def parse_alert(raw: bytes) -> Alert:
    """Decode one message. Raise ``MalformedMessage`` with the reason when it can't be.

    The first ``text/plain`` part becomes ``text`` and the first ``text/html``
    part ``html``; attachments are skipped.
    """
    if not raw or not raw.strip():
        raise MalformedMessage("the message is empty")
    message = email.message_from_bytes(raw, policy=_POLICY)
    if not message.keys():
        raise MalformedMessage("the message has no headers")

    message_id = normalise_message_id(message.get("Message-ID"))
    try:
        text, html = _bodies(message)
    except MalformedMessage as exc:
        raise MalformedMessage(str(exc), message_id) from None
    if text is None and html is None:
        raise MalformedMessage(
            f"the message has no text body (content type {message.get_content_type()})",
            message_id,
        )

    names = getaddresses([_header(message, "From")])
    sender_name, sender = names[0] if names else ("", "")
    return Alert(
        sender=sender.strip().lower(),
        sender_name=sender_name.strip(),
        subject=" ".join(_header(message, "Subject").split()),
        sent_at=_sent_at(message),
        text=text,
        html=html,
        message_id=message_id,
    )


def _bodies(message: Message) -> tuple[str | None, str | None]:
    """The first plain and the first HTML body that are not attachments."""
    text: str | None = None
    html: str | None = None
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_maintype() != "text":
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        if disposition.startswith("attachment"):
            continue
        subtype = part.get_content_subtype()
        if subtype == "plain" and text is None:
            text = _part_text(part)
        elif subtype == "html" and html is None:
            html = _part_text(part)
    return text, html
