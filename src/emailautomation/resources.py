"""Locate bundled non-code files the same way in a checkout, a wheel and a bundle."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """Return the folder holding icons, the desktop entry and other assets.

    A PyInstaller bundle unpacks data under ``sys._MEIPASS``; an installed
    wheel carries them inside the package as ``emailautomation/assets``; a
    source checkout (and an editable install) has them at the top of the
    repository.
    """
    candidates = []
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        candidates.append(Path(bundle_root) / "resources")
    candidates.append(_PACKAGE_DIR / "assets")
    candidates.append(_PACKAGE_DIR.parents[1] / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"resources folder not found (looked in {searched})")


def resource_path(name: str) -> Path:
    """Return the path of one resource file, raising if it is missing."""
    path = resources_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"resource {name!r} not found in {path.parent}")
    return path
