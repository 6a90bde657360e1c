"""Compare extracted transactions with the corpus's expected.json entries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def mismatches(found: dict[str, Any], expected: dict[str, str]) -> list[str]:
    """Fields of ``found`` (CLI JSON shape) that disagree with ``expected``."""
    problems = []
    for name, want in expected.items():
        got = found.get(name)
        if name == "merchant":
            ok = got is not None and want.lower() in got.lower()
        elif name == "amount":
            ok = got is not None and Decimal(got) == Decimal(want)
        else:
            ok = got == want
        if not ok:
            problems.append(f"{name}: expected {want!r}, got {got!r}")
    return problems
