"""The readers a run tries before the built-in formats: learned templates."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.orm import Session

from emailautomation.extract.model import Reader
from emailautomation.extract.templates import readers_from_rows
from emailautomation.store.models import Template, utcnow


def load_readers(session: Session) -> list[Reader]:
    """Readers from the database, loaded once per run (and per ``parse``).

    Every learned template becomes one; a template whose spec cannot be
    read is left out with a warning in the log, so one bad row never stops
    a run.
    """
    return list(readers_from_rows(session.query(Template).all()))


def mark_templates_used(session: Session, template_ids: Iterable[int | None]) -> None:
    """Set ``last_used_at`` of the templates that just produced transactions.

    One UPDATE for a batch, in the caller's transaction, and none at all when
    no template read anything.
    """
    used = {template_id for template_id in template_ids if template_id is not None}
    if not used:
        return
    session.execute(
        update(Template).where(Template.id.in_(used)).values(last_used_at=utcnow())
    )
