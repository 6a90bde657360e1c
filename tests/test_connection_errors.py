"""Wrong password, closed port, TLS trouble: each ends a run with its own error."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from emailautomation.jobs import process_account
from emailautomation.store import Database, MailAccount, Run
from support.dovecot import Dovecot, DovecotUnavailable, free_port
from support.servers import missing_server

pytestmark = pytest.mark.imap

SECRET = "correct-horse-battery-staple-9"


@pytest.fixture(scope="session")
def tls_dovecot(tmp_path_factory) -> Iterator[tuple[Dovecot, Path]]:
    """A Dovecot with a certificate from a throw-away CA; yields it and the CA file."""
    trustme = pytest.importorskip("trustme")
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert_file, key_file, ca_file = (
        folder / "cert.pem",
        folder / "key.pem",
        folder / "ca.pem",
    )
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    server = Dovecot()
    server.root.joinpath("tls").mkdir()
    for source in (cert_file, key_file):
        target = server.root / "tls" / source.name
        target.write_bytes(source.read_bytes())
    server.tls_cert = server.root / "tls" / "cert.pem"
    server.tls_key = server.root / "tls" / "key.pem"
    try:
        server.start()
    except DovecotUnavailable as exc:
        missing_server(f"no Dovecot test server with TLS: {exc}")
    yield server, ca_file
    server.stop()


def run_failure(db_url: str, account_id: int) -> tuple[str, str, MailAccount]:
    summary = process_account(account_id, db_url)
    assert summary.status == "failed"
    database = Database(db_url)
    try:
        with database.session() as session:
            account = session.get(MailAccount, account_id)
            run = session.scalar(select(Run).where(Run.account_id == account_id))
            assert run.status == "failed"
            assert run.error == summary.error == account.last_error
            return summary.error_kind, summary.error, account
    finally:
        database.close()


def assert_secret_nowhere(db_file: Path, caplog, *texts: str) -> None:
    assert SECRET.encode() not in db_file.read_bytes()
    for extra in db_file.parent.glob(db_file.name + "-*"):  # WAL and SHM files
        assert SECRET.encode() not in extra.read_bytes()
    assert SECRET not in caplog.text
    for text in texts:
        assert SECRET not in text


def test_wrong_password(sqlite_url, mailbox, make_account, caplog):
    caplog.set_level(logging.DEBUG)
    account_id = make_account(sqlite_url, mailbox, password=SECRET)

    kind, error, account = run_failure(sqlite_url, account_id)

    assert kind == "AuthenticationFailed"
    assert "refused the login" in error
    assert repr(mailbox.user) in error
    assert account.last_check_at is not None
    assert_secret_nowhere(Path(sqlite_url.removeprefix("sqlite:///")), caplog, error)


def test_closed_port(sqlite_url, make_account, caplog):
    caplog.set_level(logging.DEBUG)
    port = free_port()
    account_id = make_account(sqlite_url, port=port, password=SECRET)

    kind, error, _ = run_failure(sqlite_url, account_id)

    assert kind == "ConnectionFailed"
    assert f"127.0.0.1:{port} refused the connection" in error
    assert_secret_nowhere(Path(sqlite_url.removeprefix("sqlite:///")), caplog, error)


def test_tls_to_a_plain_port(sqlite_url, mailbox, make_account, caplog):
    caplog.set_level(logging.DEBUG)
    account_id = make_account(sqlite_url, mailbox, security="ssl", password=SECRET)

    kind, error, _ = run_failure(sqlite_url, account_id)

    assert kind == "TLSFailed"
    assert "secure connection" in error
    assert "STARTTLS or plain IMAP" in error
    assert_secret_nowhere(Path(sqlite_url.removeprefix("sqlite:///")), caplog, error)


def test_unknown_certificate_authority_is_refused(
    sqlite_url, tls_dovecot, make_account
):
    server, _ca = tls_dovecot
    user, password = server.add_user()
    account_id = make_account(
        sqlite_url,
        host="localhost",
        port=server.tls_port,
        security="ssl",
        username=user,
        password=password,
    )

    kind, error, _ = run_failure(sqlite_url, account_id)

    assert kind == "TLSFailed"
    assert "certificate" in error and "could not be verified" in error


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_verified_tls_and_starttls_connect(
    sqlite_url, tls_dovecot, make_account, monkeypatch, corpus_files, security
):
    server, ca_file = tls_dovecot
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    user, password = server.add_user()
    server.deliver(user, [corpus_files[0].read_bytes()])
    account_id = make_account(
        sqlite_url,
        host="localhost",
        port=server.tls_port if security == "ssl" else server.port,
        security=security,
        username=user,
        password=password,
    )

    summary = process_account(account_id, sqlite_url)

    assert summary.status == "succeeded", summary.error
    assert summary.found == 1


def test_missing_folder(sqlite_url, mailbox, make_account):
    account_id = make_account(sqlite_url, mailbox, folder="Banking/Alerts")

    kind, error, _ = run_failure(sqlite_url, account_id)

    assert kind == "FolderNotFound"
    assert "'Banking/Alerts' does not exist" in error
