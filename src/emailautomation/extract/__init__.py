"""Extraction: pure functions from an ``Alert`` to transaction fields, or a reason.

Nothing here imports Qt, the database or the network.
"""

from emailautomation.extract.engine import explain, extract, normalise
from emailautomation.extract.model import (
    CREDIT,
    DEBIT,
    Extraction,
    Reader,
    TransactionFields,
)

__all__ = [
    "CREDIT",
    "DEBIT",
    "Extraction",
    "Reader",
    "TransactionFields",
    "explain",
    "extract",
    "normalise",
]
