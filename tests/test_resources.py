"""Resources are found the same way from a checkout, an installed wheel and a bundle."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from emailautomation import resources

ROOT = Path(__file__).resolve().parents[1]


def test_checkout_finds_the_top_level_resources_folder():
    assert resources.resources_dir() == ROOT / "resources"
    assert resources.resource_path("emailautomation.desktop").is_file()


def test_a_missing_resource_is_named_in_the_error():
    with pytest.raises(FileNotFoundError, match=r"'no-such\.png'"):
        resources.resource_path("no-such.png")


def test_bundle_layout_is_preferred_when_frozen(monkeypatch, tmp_path):
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"


def test_pyproject_lists_every_package_under_src():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT / "src").parts)
        for init in (ROOT / "src").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found | {"emailautomation.assets"} == listed


def test_wheel_carries_resources_migrations_and_bank_formats(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("emailautomation-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "emailautomation/assets/emailautomation.desktop" in names
    assert "emailautomation/assets/emailautomation.svg" in names
    assert any(
        n.startswith("emailautomation/store/migrations/versions/0001_") for n in names
    )
    assert any(n.startswith("emailautomation/extract/formats/") for n in names)
