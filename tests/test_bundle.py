"""Smoke test of the PyInstaller bundle: the packaged app is the same program."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from emailautomation import __version__
from support.corpus import mismatches

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.bundle


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Iterator[Path]:
    """Build the bundle with scripts/build-bundle, or use $EMAILAUTOMATION_BUNDLE."""
    prebuilt = os.environ.get("EMAILAUTOMATION_BUNDLE")
    if prebuilt:
        yield Path(prebuilt)
        return
    work = tmp_path_factory.mktemp("bundle")
    env = dict(
        os.environ,
        DIST_DIR=str(work / "dist"),
        WORK_DIR=str(work / "build"),
        BUILD_VENV=str(work / "venv"),
    )
    result = subprocess.run(
        [str(ROOT / "scripts" / "build-bundle")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    yield work / "dist" / "emailautomation"


def run(bundle: Path, *args: str, stdin: str | None = None, **env: str):
    environment = dict(os.environ, **env)
    # The bundle must not lean on the test tree or the source checkout.
    environment.pop("PYTHONPATH", None)
    environment["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    return subprocess.run(
        [str(bundle / "emailautomation"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        cwd=bundle.parent,
    )


def test_bundle_reports_its_version(bundle):
    result = run(bundle, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"emailautomation {__version__}"


def test_bundle_carries_resources_and_migrations(bundle):
    internal = bundle / "_internal"
    assert any((internal / "resources").iterdir())
    versions = internal / "emailautomation" / "store" / "migrations" / "versions"
    assert list(versions.glob("0001_*.py"))


def test_bundle_parses_a_sample_alert(bundle, tmp_path, corpus, corpus_files):
    sample = corpus_files[0]
    result = run(
        bundle, "--db", f"sqlite:///{tmp_path / 'b.db'}", "parse", "--json", str(sample)
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert mismatches(line["transaction"], corpus[sample.name]) == []


@pytest.mark.imap
def test_bundle_processes_a_mailbox_into_sqlite(
    bundle, tmp_path, mailbox, corpus, corpus_files
):
    mailbox.deliver_files(corpus_files)
    db = f"sqlite:///{tmp_path / 'bundle.sqlite3'}"
    added = run(
        bundle,
        *mailbox.account_add_args(db, "Bundle"),
        stdin=mailbox.password + "\n",
    )
    assert added.returncode == 0, added.stderr

    processed = run(bundle, "--db", db, "process")

    assert processed.returncode == 0, processed.stderr
    stored = sum(1 for e in corpus.values() if e is not None)
    assert f"{stored} stored" in processed.stdout
    listed = run(bundle, "--db", db, "transactions", "--json")
    assert len(listed.stdout.splitlines()) == stored


def test_bundle_opens_the_window_and_closes_it(bundle, tmp_path):
    result = run(
        bundle,
        "--db",
        f"sqlite:///{tmp_path / 'gui.sqlite3'}",
        "gui",
        "--self-test",
        QT_QPA_PLATFORM="offscreen",
    )
    assert result.returncode == 0, result.stderr
    assert "window opened and closed" in result.stdout


def test_bundle_leaves_out_unused_qt_modules(bundle):
    pyside = bundle / "_internal" / "PySide6"
    assert (pyside / "QtWidgets.abi3.so").exists() or list(pyside.glob("QtWidgets*"))
    for unused in ("QtWebEngineCore", "QtQml", "QtQuick", "QtPdf", "Qt3DCore"):
        assert not list(pyside.glob(f"{unused}*")), unused
