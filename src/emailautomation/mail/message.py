"""Raw RFC 5322 bytes into an ``Alert``: headers, charsets and transfer encodings."""

from __future__ import annotations

import codecs
import datetime as dt
import email
import hashlib
import io
import re
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from emailautomation.alert import Alert
from emailautomation.errors import MalformedMessage

# compat32 parses about ten times faster than policy.default on alert-sized
# mail; we decode headers and bodies ourselves where it matters.
_POLICY = policy.compat32

# "Bank Alerts <alerts@bank.example>" or a bare address: the shapes nearly
# every alert's From header has, read without the full address parser. A
# name may not hold specials (quotes, commas, comments…), an address only
# dot-separated atoms; anything else goes to ``getaddresses``.
_ATOM = r'[^()<>@,:;."\[\]\\\s]+'
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*"
_SIMPLE_FROM = re.compile(
    rf'[ \t]*(?:([^()<>@,:;"\[\]\\\r\n]*)<({_ADDRESS})>|({_ADDRESS}))[ \t]*'
)
_NAME_SPACE = re.compile(r"[ \t]+")

# What the feed parser takes for a header line, and for the rest of a
# boundary line after "--boundary" ("--" closes the multipart).
_HEADER_NAME = re.compile(r"[\041-\071\073-\176]+:")
_BOUNDARY_TAIL = re.compile(r"(--)?[ \t]*(?:\r\n|\r|\n)?")


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
    text = str(value)
    if "=?" not in text:
        return text  # no encoded words: decoding would return it unchanged
    try:
        return str(make_header(decode_header(text)))
    except (UnicodeError, LookupError, ValueError):
        return text


def _sender(from_header: str) -> tuple[str, str]:
    """The display name and address of a From header, as ``getaddresses`` reads it."""
    simple = _SIMPLE_FROM.fullmatch(from_header)
    if simple is not None:
        name, address, bare = simple.groups()
        if bare is not None:
            return "", bare
        # getaddresses joins the words of a name with single spaces.
        return " ".join(w for w in _NAME_SPACE.split(name) if w), address
    names = getaddresses([from_header])
    return names[0] if names else ("", "")


def _read_message(raw: bytes) -> Message:
    """``email.message_from_bytes(raw, policy=compat32)``, only faster.

    A message or part of the usual shapes (clean header lines, a single part
    or one level of parts) is split here without the feed parser, giving the
    same headers, payloads and parts the feed parser would; anything else
    (nesting, ``message/*``, header defects, lone CRs…) is left to it.
    Preambles and epilogues, which no caller reads, are not kept.
    """
    text = raw.decode("ascii", "surrogateescape")
    message = _read_entity(text, in_multipart=False)
    if message is None:
        message = email.message_from_string(text, policy=_POLICY)
    return message


def _read_entity(text: str, *, in_multipart: bool) -> Message | None:
    """One message or body part, or None when the feed parser should judge it."""
    split = _blank_line(text)
    if split is None:
        return None
    head_end, body_start = split
    head = text[:head_end]
    if head.count("\r") != head.count("\r\n"):
        return None  # a lone CR ends a line for the feed parser
    message = _parse_head(head)
    if message is None:
        return None
    body = text[body_start:]
    content_type = message.get_content_type()
    if content_type.startswith("message/"):
        return None
    if not content_type.startswith("multipart/"):
        if in_multipart:
            # The line break before a boundary belongs to the boundary.
            body = _without_last_line_break(body)
        message.set_payload(body)
        return message
    if in_multipart or content_type == "multipart/digest":
        return None
    boundary = message.get_boundary()
    if boundary is None:
        return None
    parts = _split_parts(body, "--" + boundary)
    if parts is None:
        return None
    for part_text in parts:
        part = _read_entity(part_text, in_multipart=True)
        if part is None:
            return None
        message.attach(part)
    return message


def _without_last_line_break(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith(("\r", "\n")):
        return text[:-1]
    return text


def _blank_line(text: str) -> tuple[int, int] | None:
    """Where the headers end and the body starts: at the first empty line."""
    if text.startswith("\n"):
        return 0, 1
    if text.startswith("\r\n"):
        return 0, 2
    ends = []
    lf = text.find("\n\n")
    if lf >= 0:
        ends.append((lf + 1, lf + 2))
    crlf = text.find("\n\r\n")
    if crlf >= 0:
        ends.append((crlf + 1, crlf + 3))
    return min(ends) if ends else None


def _parse_head(head: str) -> Message | None:
    """Header lines (LF or CRLF ended) into a message, as the feed parser stores
    them; None for anything it would flag as a defect."""
    message = Message(policy=_POLICY)
    field: list[str] = []
    for bare in head[:-1].split("\n") if head else ():
        line = bare + "\n"
        if line[0] in " \t":
            if not field:
                return None  # a first line that continues nothing
            field.append(line)
            continue
        if field:
            message.set_raw(*_POLICY.header_source_parse(field))
        if _HEADER_NAME.match(line) is None:
            return None  # not a header: a defect, or an envelope "From " line
        field = [line]
    if field:
        message.set_raw(*_POLICY.header_source_parse(field))
    return message


def _split_parts(body: str, separator: str) -> list[str] | None:
    """The texts between the boundary lines of a multipart body, or None if the
    boundaries are anything but plain (missing, doubled, closing at once)."""
    # The feed parser cuts lines at LF, CR and CRLF, as universal newlines do.
    lines = io.StringIO(body, newline="").readlines()
    parts: list[str] = []
    current: list[str] | None = None
    for line in lines:
        if line.startswith(separator):
            tail = _BOUNDARY_TAIL.fullmatch(line, len(separator))
            if tail is not None:
                if current is not None:
                    if not current:
                        return None
                    parts.append("".join(current))
                if tail.group(1):
                    return parts or None
                current = []
                continue
        if current is not None:
            current.append(line)
    if not current:
        return None
    # No closing boundary: the feed parser lets the last part run to the end.
    parts.append("".join(current))
    return parts


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
    message = _read_message(raw)
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

    sender_name, sender = _sender(_header(message, "From"))
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
