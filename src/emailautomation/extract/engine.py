"""The extraction engine: learned readers, screening, bank formats, generic reading."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from emailautomation.alert import Alert
from emailautomation.extract.amounts import Money, find_money
from emailautomation.extract.banks import format_for
from emailautomation.extract.fields import AMOUNT, Finding, classify_money
from emailautomation.extract.generic import focus, read_fields, sender_context
from emailautomation.extract.model import Extraction, Reader, format_time
from emailautomation.extract.screening import screen
from emailautomation.extract.text import fold_unicode, html_to_text, plain_to_text

log = logging.getLogger(__name__)

_STUB_PLAIN = re.compile(
    r"view (?:this|it) (?:e-?mail|message) (?:in|on) (?:your|a) (?:web )?browser|"
    r"(?:does not|doesn't|cannot|can't) (?:support|display) html|html version",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"[0-9]")
_FIELD_ORDER = (
    "amount",
    "direction",
    "account",
    "merchant",
    "date",
    "time",
    "balance",
    "reference",
    "bank",
)


def normalise(alert: Alert) -> str:
    """One clean text from the alert's bodies (see ``extract.text``).

    The plain part is used unless it is missing or a stub ("view this e-mail
    in your browser", no figures at all) and an HTML part exists.
    """
    plain = alert.text or ""
    use_html = bool(alert.html) and (
        not plain.strip()
        or _DIGIT.search(plain) is None
        or (len(plain) < 400 and _STUB_PLAIN.search(plain) is not None)
    )
    text = html_to_text(alert.html or "") if use_html else plain_to_text(plain)
    return fold_unicode(text)


@dataclass
class _Trace:
    """What happened while reading one alert, for ``explain``."""

    text: str = ""
    steps: list[str] = field(default_factory=list)
    findings: dict[str, Finding[Any]] = field(default_factory=dict)


def extract(alert: Alert, readers: Sequence[Reader] = ()) -> Extraction:
    """Read one alert: a transaction's fields, or the reason there is none.

    Learned ``readers`` that apply to the sender go first; then messages that
    are not transactions are recognised (``otp``, ``declined``, ``statement``,
    ``marketing``…); then the sender's bank format, else the generic reader.
    Never raises: an unexpected failure comes back as reason ``error``.
    """
    return _extract(alert, readers, None)


def _extract(
    alert: Alert, readers: Sequence[Reader], trace: _Trace | None
) -> Extraction:
    try:
        return _read(alert, readers, trace)
    except Exception as exc:  # a bug here must not stop a run; it is logged
        log.exception("extraction failed for a message from %s", alert.sender_domain)
        if trace is not None:
            trace.steps.append(f"error: {type(exc).__name__}: {exc}")
        return Extraction.ignored("error", f"{type(exc).__name__}: {exc}")


# TODO: a digest mail that lists several transactions gives only the one
# nearest its first amount; splitting digests needs samples of real ones.
def _read(alert: Alert, readers: Sequence[Reader], trace: _Trace | None) -> Extraction:
    text = normalise(alert)
    if trace is not None:
        trace.text = text

    for reader in readers:
        try:
            if not reader.applies_to(alert):
                continue
            result = reader.read(alert, text)
        except Exception:
            log.exception("reader %s failed; trying the built-in formats", reader.name)
            if trace is not None:
                trace.steps.append(f"reader {reader.name}: raised, skipped")
            continue
        if result is not None:
            if trace is not None:
                trace.steps.append(f"reader {reader.name}: read it")
            return result
        if trace is not None:
            trace.steps.append(f"reader {reader.name}: applies, but did not match")

    bank_format = format_for(alert)
    context = bank_format.context(alert) if bank_format else sender_context(alert)
    if trace is not None:
        if bank_format is not None:
            trace.steps.append(
                f"sender {alert.sender_domain}: {bank_format.name} ({bank_format.bank})"
            )
        else:
            trace.steps.append(
                f"sender {alert.sender_domain}: no bank format, generic reader "
                f"(country {context.country or 'unknown'}, "
                f"currency {context.currency or 'unknown'})"
            )
    money: list[Money] = find_money(
        text, country=context.country, decimal_mark=context.decimal_mark
    )

    # Roles are read on the focused text (same lines, so the same roles) and
    # carried back to the mentions in the whole text, which screening reads.
    focused, placed = focus(text, money)
    roled = classify_money(focused, placed)
    possible = [m for m, r in zip(money, roled, strict=True) if r.role == AMOUNT]
    screening = bank_format.screen(alert.subject, text) if bank_format else None
    if screening is None:
        screening = screen(alert.subject, text, possible)
    if screening is not None:
        if trace is not None:
            trace.steps.append(
                f"not a transaction: {screening.reason} ({screening.detail})"
            )
        return Extraction.ignored(screening.reason, screening.detail)
    if trace is not None:
        trace.steps.append("screening: no sign of an OTP, decline, statement, offer…")

    if focused is not text and trace is not None:
        left_out = text.count("\n") - focused.count("\n")
        trace.steps.append(
            f"fields read without {left_out} long line(s) that hold no amount"
        )
    preset: dict[str, Finding[Any]] = {}
    if bank_format is not None:
        preset, pattern = bank_format.preset(focused, context)
        if trace is not None:
            trace.steps.append(
                f"{bank_format.name} pattern “{pattern}” matched"
                if pattern
                else f"{bank_format.name}: no specific pattern matched, generic rules"
            )
    extraction, findings = read_fields(alert, focused, roled, context, preset)
    if trace is not None:
        trace.findings = findings
    return extraction


def explain(alert: Alert, readers: Sequence[Reader] = ()) -> str:
    """A report for someone adding a bank: the normalised text, the steps taken
    and, for every field, its value and the rule or format that found it."""
    trace = _Trace()
    extraction = _extract(alert, readers, trace)
    lines = [
        f"From:    {alert.sender_name} <{alert.sender}>",
        f"Subject: {alert.subject}",
        f"Date:    {alert.sent_at.isoformat() if alert.sent_at else '(none)'}",
        "",
        "── normalised text " + "─" * 40,
        trace.text,
        "── reading " + "─" * 48,
        *trace.steps,
        "",
    ]
    fields = extraction.transaction
    if fields is None:
        lines.append(
            f"result:  no transaction — {extraction.reason}: {extraction.detail}"
        )
        return "\n".join(lines)
    lines.append(f"result:  transaction, format {fields.format}")
    values = fields.as_json()
    for name in _FIELD_ORDER:
        value = values.get(name)
        if name == "amount":
            value = f"{fields.amount} {fields.currency}"
        elif name == "time":
            value = format_time(fields.time)
        finding = trace.findings.get(name)
        how = finding.rule if finding else "not found"
        if finding and finding.evidence:
            how += f" — “{finding.evidence}”"
        lines.append(f"  {name:<10} {value if value is not None else '—':<24} {how}")
    return "\n".join(lines)
