"""Comparing an extraction with a sample's expected fields (``expected.json`` shape)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from emailautomation.extract import Extraction

# Fields a sample leaves out must come back empty: a made-up merchant or
# reference is as wrong as a missing one.
OPTIONAL = ("merchant", "reference", "time", "balance", "account")


def problems(
    result: Extraction, expect: Mapping[str, str], *, strict: bool = True
) -> list[str]:
    """What differs between ``result`` and ``expect``; empty when it reads right.

    ``expect`` holds the transaction's fields as strings (merchant: a
    case-insensitive part of ours), or ``{"ignored": reason}``. ``strict``
    also requires the optional fields ``expect`` leaves out to be empty.
    """
    fields = result.transaction
    if "ignored" in expect:
        if fields is not None:
            return [f"expected no transaction ({expect['ignored']}), got {fields}"]
        if result.reason != expect["ignored"]:
            want = expect["ignored"]
            return [f"reason {result.reason!r} ({result.detail}), want {want!r}"]
        return []
    if fields is None:
        return [f"no transaction: {result.reason}: {result.detail}"]

    found = fields.as_json()
    wrong = []
    for name, want in expect.items():
        if name == "format":
            got: object = fields.format
            ok = got == want
        elif name in ("amount", "balance"):
            got = getattr(fields, name)
            ok = got is not None and got == Decimal(want)
        elif name == "merchant":
            got = found["merchant"]
            ok = got is not None and want.lower() in got.lower()
        else:
            got = found.get(name)
            ok = got == want
        if not ok:
            wrong.append(f"{name}: got {got!r}, want {want!r}")
    for name in OPTIONAL if strict else ():
        if name not in expect and found.get(name) is not None:
            wrong.append(f"{name}: got {found[name]!r}, want none")
    return wrong
