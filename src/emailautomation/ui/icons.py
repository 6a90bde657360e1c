"""Icons from ``resources/``, found the same way in a checkout, a wheel and a bundle."""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtGui import QIcon

from emailautomation.resources import resource_path

log = logging.getLogger(__name__)

APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


@cache
def icon(name: str) -> QIcon:
    """``icon("process")`` loads ``resources/icons/process.svg``; empty if missing.

    A missing icon costs a picture, never the window.
    """
    try:
        return QIcon(str(resource_path(f"icons/{name}.svg")))
    except FileNotFoundError as exc:
        log.warning("icon %r is missing: %s", name, exc)
        return QIcon()


@cache
def app_icon() -> QIcon:
    """The application icon at every size we ship (PNG, plus the SVG)."""
    result = QIcon()
    for size in APP_ICON_SIZES:
        try:
            result.addFile(str(resource_path(f"emailautomation-{size}.png")))
        except FileNotFoundError:
            continue
    try:
        result.addFile(str(resource_path("emailautomation.svg")))
    except FileNotFoundError as exc:
        log.warning("the application icon is missing: %s", exc)
    return result
