"""Render the application icon's PNG sizes from ``resources/emailautomation.svg``.

Run after changing the SVG: ``python scripts/render_icons.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(RESOURCES / "emailautomation.svg"))
    if not renderer.isValid():
        print("emailautomation.svg could not be read", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = RESOURCES / f"emailautomation-{size}.png"
        if not image.save(str(target)):
            print(f"could not write {target}", file=sys.stderr)
            return 1
        print(target.relative_to(RESOURCES.parent))
    del app
    return write_platform_icons()


def write_platform_icons() -> int:
    """The Windows .ico and macOS .icns PyInstaller needs, from the PNG sizes.

    Needs Pillow (``pip install pillow``); it is a build tool, not a dependency.
    """
    try:
        from PIL import Image
    except ImportError:
        print("Pillow is not installed: .ico and .icns not written", file=sys.stderr)
        return 1
    largest = Image.open(RESOURCES / "emailautomation-512.png")
    ico = RESOURCES / "emailautomation.ico"
    largest.save(ico, sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    icns = RESOURCES / "emailautomation.icns"
    largest.save(icns)
    for target in (ico, icns):
        print(target.relative_to(RESOURCES.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
