from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from content.accounts.login import login
from content.core.clock import utc_now
from content.core.db import Database
from content.core.errors import Unauthenticated
from tests.tools.stores import empty_store
from tools.cli import main

PASSWORD = "correct horse battery staple"


@pytest.fixture
def data(tmp_path: Path) -> list[str]:
    args = ["--data-dir", str(empty_store(tmp_path))]
    assert main(["offices", "add", "ot-perche", "Perche", *args]) == 0
    return args


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def sign_in(args: list[str], email: str, password: str) -> str:
    async def attempt() -> str:
        async with Database(Path(args[1]) / "odyssee.sqlite3") as db:
            signed = await login(
                db, email=email, password=password, address="cli-test", now=utc_now(), ttl_s=60
            )
            return signed.user.role

    return asyncio.run(attempt())


def listed(capsys: pytest.CaptureFixture[str], args: list[str]) -> list[list[str]]:
    capsys.readouterr()
    assert main(["users", "list", *args]) == 0
    return [line.split("\t")[:5] for line in capsys.readouterr().out.splitlines()[1:]]


def test_add_reads_the_password_from_stdin(
    data: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "add", "Guide@Perche.example", "--role", "staff", "--office", "ot-perche",
                 "--password-stdin", *data]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "guide@perche.example" in out
    assert PASSWORD not in out
    assert sign_in(data, "guide@perche.example", PASSWORD) == "staff"
    assert listed(capsys, data) == [["guide@perche.example", "staff", "ot-perche", "-", "active"]]


def test_add_without_password_stdin_and_no_terminal_is_refused(
    data: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, PASSWORD + "\n")  # not a terminal: never read without --password-stdin
    assert main(["users", "add", "admin@perche.example", "--role", "admin", *data]) == 2
    assert "--password-stdin" in capsys.readouterr().err
    assert listed(capsys, data) == []


def test_add_prompts_at_a_terminal(
    data: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["users", "add", "admin@perche.example", "--role", "admin", *data]) == 0
    assert sign_in(data, "admin@perche.example", PASSWORD) == "admin"
    mismatched = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(mismatched))
    assert main(["users", "add", "other@perche.example", "--role", "admin", *data]) == 2
    assert "differ" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["users", "add", "s@perche.example", "--role", "staff"], "office_id"),
        (["users", "add", "s@perche.example", "--role", "staff", "--office", "ot-nowhere"], "office_id"),
        (["users", "add", "p@perche.example", "--role", "producer"], "producer_id"),
        (["users", "add", "not-an-email", "--role", "admin"], "email"),
    ],
)
def test_invalid_accounts_are_refused_naming_the_field(
    data: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    assert main([*argv, "--password-stdin", *data]) == 2
    assert message in capsys.readouterr().err
    assert listed(capsys, data) == []


def test_short_password_is_refused(
    data: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, "short\n")
    assert main(["users", "add", "a@perche.example", "--role", "admin", "--password-stdin", *data]) == 2
    assert "password" in capsys.readouterr().err


def test_disable_enable_and_passwd(
    data: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "add", "a@perche.example", "--role", "admin", "--password-stdin", *data]) == 0
    stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "add", "b@perche.example", "--role", "admin", "--password-stdin", *data]) == 0

    assert main(["users", "disable", "B@perche.example", *data]) == 0
    assert ["b@perche.example", "admin", "-", "-", "disabled"] in listed(capsys, data)
    with pytest.raises(Unauthenticated):
        sign_in(data, "b@perche.example", PASSWORD)
    assert main(["users", "enable", "b@perche.example", *data]) == 0
    assert sign_in(data, "b@perche.example", PASSWORD) == "admin"

    stdin(monkeypatch, "a whole new passphrase\r\n")
    assert main(["users", "passwd", "a@perche.example", "--password-stdin", *data]) == 0
    assert sign_in(data, "a@perche.example", "a whole new passphrase") == "admin"
    with pytest.raises(Unauthenticated):
        sign_in(data, "a@perche.example", PASSWORD)

    assert main(["users", "disable", "nobody@perche.example", *data]) == 1
    assert "nobody@perche.example" in capsys.readouterr().err


def test_the_last_admin_cannot_be_disabled(
    data: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "add", "a@perche.example", "--role", "admin", "--password-stdin", *data]) == 0
    assert main(["users", "disable", "a@perche.example", *data]) == 1
    assert "last active admin" in capsys.readouterr().err
    assert listed(capsys, data) == [["a@perche.example", "admin", "-", "-", "active"]]


def test_every_users_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for action in ("add", "list", "disable", "enable", "passwd"):
        with pytest.raises(SystemExit) as exited:
            main(["users", action, "--help"])
        assert exited.value.code == 0
    assert "--password-stdin" in capsys.readouterr().out
