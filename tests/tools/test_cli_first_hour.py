"""What a new user trips on at the command line, through the installed ``odyssee`` command: one-line
errors in their words and a non-zero exit instead of tracebacks or hangs, no store made by a typo, the
port taken from ``--port``, ``ODYSSEE_PORT`` or ``make run PORT=…``, and a hint when it is busy."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.tools.stores import empty_store

ROOT = Path(__file__).resolve().parents[2]
ODYSSEE = Path(sys.executable).parent / "odyssee"


def _env(**extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("ODYSSEE_")}
    return {**env, **extra}


def odyssee(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    assert ODYSSEE.exists(), f"the odyssee command is not installed next to {sys.executable}"
    return subprocess.run(
        [str(ODYSSEE), *args],
        cwd=cwd,
        env=env or _env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return empty_store(tmp_path / "data")


# 4. Tracebacks instead of errors; a port out of range hung forever.


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--out", "/nonexistent/dir/x.geojson"],
        ["producers", "export", "--format", "dfc", "--out", "/nonexistent/dir/c.jsonld"],
    ],
)
def test_writing_into_a_missing_folder_says_so(store: Path, args: list[str]) -> None:
    result = odyssee(*args, "--data-dir", str(store), cwd=store.parent)
    assert_clean_error(result, "cannot write", "there is no folder /nonexistent/dir")
    assert result.returncode == 2


def test_a_missing_demo_file_says_so(tmp_path: Path) -> None:
    result = odyssee("demo", "--file", "nope.json", cwd=tmp_path)
    assert_clean_error(result, "nope.json: no such file")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("env", [{}, {"ODYSSEE_PORT": "99999"}])
def test_a_port_out_of_range_exits_at_once(store: Path, env: dict[str, str]) -> None:
    args = ["serve", "--data-dir", str(store)] + ([] if env else ["--port", "99999"])
    started = time.monotonic()
    result = odyssee(*args, cwd=store.parent, env=_env(**env), timeout=60)
    assert_clean_error(result, "99999")
    assert result.returncode == 2
    assert "port" in result.stderr.lower()
    assert time.monotonic() - started < 60


# 5. A data directory with no store is refused, not filled with an empty database.


@pytest.mark.parametrize(
    "args",
    [
        ["packs", "list"],
        ["offices", "list"],
        ["offices", "add", "ot-perche", "Perche"],
        ["users", "list"],
        ["export"],
        ["producers", "expiring"],
        ["areas", "add", "perche", "--title", "Perche", "--bbox", "0.4,48.2,1.2,48.6"],
        ["serve"],
    ],
)
def test_no_store_is_created_by_a_typo(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "typo"
    result = odyssee(*args, "--data-dir", str(typo), cwd=tmp_path, timeout=60)
    assert_clean_error(result, "no Odyssée store in", "--data-dir")
    assert result.returncode == 1
    assert not typo.exists()


def test_a_local_storage_check_makes_no_folder(tmp_path: Path) -> None:
    typo = tmp_path / "typo"
    result = odyssee("storage", "check", "--data-dir", str(typo), cwd=tmp_path)
    assert_clean_error(result, "storage init")
    assert not typo.exists()


def test_the_default_data_folder_is_not_created_either(tmp_path: Path) -> None:
    result = odyssee("packs", "list", cwd=tmp_path)
    assert_clean_error(result, f"no Odyssée store in {tmp_path / 'data'}")
    assert list(tmp_path.iterdir()) == []


def test_media_import_needs_a_store(tmp_path: Path, fixtures_dir: Path) -> None:
    result = odyssee("media", "import", str(fixtures_dir / "images" / "alpha.png"), cwd=tmp_path)
    assert_clean_error(result, "no Odyssée store")
    assert not (tmp_path / "data").exists()


def test_users_add_may_create_the_first_store(tmp_path: Path) -> None:
    args = ["users", "add", "admin@example.org", "--role", "admin", "--password-stdin"]
    result = odyssee(*args, cwd=tmp_path, stdin="a long enough password\n")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "odyssee.sqlite3").is_file()
    listed = odyssee("users", "list", cwd=tmp_path)
    assert listed.returncode == 0
    assert "admin@example.org" in listed.stdout


def test_import_may_create_the_store(tmp_path: Path) -> None:
    poi = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [0.56, 48.37]},
        "properties": {"id": "lavoir", "name": {"fr": "Lavoir"}, "category": "heritage"},
    }
    path = tmp_path / "pois.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [poi]}), encoding="utf-8")
    result = odyssee("import", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "odyssee.sqlite3").is_file()


# 6. Errors in the user's words.


def test_a_missing_media_file_is_named_as_missing(store: Path) -> None:
    result = odyssee("media", "import", "nope.jpg", "--data-dir", str(store), cwd=store.parent)
    assert_clean_error(result, "nope.jpg: no such file")
    assert "regular file" not in result.stderr


def test_importing_a_file_that_is_not_json_names_the_file(store: Path) -> None:
    readme = ROOT / "README.md"
    result = odyssee("import", str(readme), "--data-dir", str(store), cwd=store.parent)
    assert_clean_error(result, f"{readme} is not a JSON file", "GeoJSON FeatureCollection")
    assert "body" not in result.stderr


# 7. The port: ODYSSEE_PORT and make run PORT=…, and a busy port.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_busy_port_ends_with_a_hint(store: Path, busy_port: int, how: str) -> None:
    args = ["serve", "--data-dir", str(store)]
    if how == "flag":
        result = odyssee(*args, "--port", str(busy_port), cwd=store.parent, timeout=60)
    else:
        result = odyssee(*args, cwd=store.parent, env=_env(ODYSSEE_PORT=str(busy_port)), timeout=60)
    assert_clean_error(result, f"port {busy_port} on 127.0.0.1 is already in use", "--port", "PORT=")
    assert "Errno" not in result.stderr


def test_serve_listens_on_odyssee_port_and_init_makes_an_empty_store(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [str(ODYSSEE), "serve", "--init"],
        cwd=tmp_path,
        env=_env(ODYSSEE_PORT=str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "odyssee serve did not answer on ODYSSEE_PORT"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert (tmp_path / "data" / "odyssee.sqlite3").is_file()


def _make_run(args: Sequence[str], extra_env: dict[str, str]) -> str:
    env = {name: value for name, value in _env().items() if name not in {"DATA", "HOST", "PORT"}}
    env.update(extra_env)
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "-C", str(ROOT), "run", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [(["PORT=8741"], {}), ([], {"ODYSSEE_PORT": "8741"}), ([], {"PORT": "8741"})],
    ids=["make-variable", "odyssee-port", "port-variable"],
)
def test_make_run_takes_the_port_either_way(args: list[str], env: dict[str, str]) -> None:
    commands = _make_run(args, env)
    [serve] = [line for line in commands.splitlines() if " serve " in line]
    assert serve.rstrip().endswith("--port 8741")
    [demo] = [line for line in commands.splitlines() if " demo " in line]
    assert "ODYSSEE_PORT=8741" in demo


def test_make_run_defaults_to_port_8000() -> None:
    commands = _make_run([], {})
    assert any(line.rstrip().endswith("--port 8000") for line in commands.splitlines())
