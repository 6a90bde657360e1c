"""The readers a run tries before the built-in formats: learned templates."""

from __future__ import annotations

from sqlalchemy.orm import Session

from emailautomation.extract.model import Reader


def load_readers(session: Session) -> list[Reader]:
    """Readers from the database, loaded once per run.

    Learned templates plug in here (``extract.templates``); until one is
    taught the list is empty and the built-in formats read everything.
    """
    try:
        from emailautomation.extract.templates import readers_from_rows
    except ImportError:
        return []
    from emailautomation.store.models import Template

    return list(readers_from_rows(session.query(Template).all()))
