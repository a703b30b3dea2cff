"""Helpers for benchmarks that run servers: free loopback ports, ``odyssee serve`` and nginx as children,
and a throughput client (wrk when installed, else a Python client in its own process).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Throughput", "fetch", "free_port", "measure", "nginx", "odyssee_serve"]

_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, path: str, process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        with contextlib.suppress(OSError):
            status, _, _ = fetch(port, path, method="HEAD")
            if status < 500:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not come up in {timeout_s} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def odyssee_serve(
    data_dir: Path, port: int, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``odyssee serve`` with ``workers`` processes (one by default: nginx here runs one worker too)."""
    env = {**os.environ, "ODYSSEE_LOG_LEVEL": "warning", **(env or {})}
    command = [sys.executable, "-m", "tools.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        _wait_until_up(port, "/api/v1/health", process)
        yield process
    finally:
        _stop(process)


@contextlib.contextmanager
def nginx(work_dir: Path, file: Path, port: int, location: str) -> Iterator[subprocess.Popen[bytes]]:
    """nginx serving ``file`` at ``location`` (sendfile on), every path in ``work_dir`` (no root needed)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = work_dir / "nginx"
    prefix.mkdir()
    temp_paths = "\n".join(
        f"    {name}_temp_path {prefix / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = prefix / "nginx.conf"
    config.write_text(
        f"""worker_processes 1;
daemon off;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp_paths}
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        location = {location} {{ alias {file}; default_type application/octet-stream; etag on; }}
    }}
}}
""",
        encoding="utf-8",
    )
    command = [binary, "-c", str(config), "-p", str(prefix), "-e", str(prefix / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        _wait_until_up(port, location, process)
        yield process
    finally:
        _stop(process)


def fetch(
    port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class Throughput:
    bytes_per_s: float
    requests_per_s: float
    tool: str


def measure(
    port: int,
    path: str,
    *,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> Throughput:
    """Load ``path`` for ``seconds`` from a separate process; wrk if installed, else a Python client.

    ``script`` is a wrk Lua script (varied requests); it needs wrk, and any non-2xx/3xx answer is an error.
    """
    wrk = shutil.which("wrk")
    if script is not None and not wrk:
        raise RuntimeError("a wrk script needs wrk (apt-get install wrk)")
    if wrk:
        command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        if script is not None:
            command += ["-s", str(script)]
        output = subprocess.run(
            [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
        ).stdout
        transfer = re.search(r"Transfer/sec:\s+([\d.]+)([KMGT]?B)", output)
        requests = re.search(r"Requests/sec:\s+([\d.]+)", output)
        if transfer is None or requests is None:
            raise RuntimeError(f"cannot read wrk output:\n{output}")
        if script is not None and "Non-2xx or 3xx responses" in output:
            raise RuntimeError(f"port {port} answered errors under load:\n{output}")
        return Throughput(
            float(transfer.group(1)) * _UNITS[transfer.group(2)], float(requests.group(1)), "wrk"
        )
    command = [sys.executable, "-m", "tools.bench._client", str(port), path, str(seconds), str(connections)]
    for name, value in (headers or {}).items():
        command.append(f"{name}: {value}")
    figures = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return Throughput(float(figures[0]), float(figures[1]), "python http.client")
