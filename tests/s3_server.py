"""A real S3-compatible server for the tests: moto's standalone server, as a separate process on loopback.

The S3 backend talks to it through boto3 over HTTP exactly as it would to MinIO or AWS; nothing in the test
process is patched. ``tests/conftest.py`` starts one per session (fixture ``s3_endpoint``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

__all__ = ["DUMMY_CREDENTIALS", "moto_server"]

# Only ever sent to the loopback moto server; boto3 needs some credentials to sign requests.
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "odyssee-test",
    "AWS_SECRET_ACCESS_KEY": "odyssee-test-secret",
}
_START_TIMEOUT_S = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def moto_server(module: str = "moto.server") -> Iterator[str]:
    """Start ``python -m moto.server`` on a free 127.0.0.1 port; yield its endpoint URL; stop it.

    Raises ``RuntimeError`` naming the cause (moto missing, the process dying, no answer in time).
    """
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, **DUMMY_CREDENTIALS, "PYTHONWARNINGS": "ignore"}
    with tempfile.TemporaryFile() as log:
        command = [sys.executable, "-m", module, "-H", "127.0.0.1", "-p", str(port)]
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + _START_TIMEOUT_S
            while not _answers(endpoint):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-2000:]
                    state = f"exited with {process.returncode}" if process.poll() is not None else "timed out"
                    raise RuntimeError(
                        f"moto S3 server ({' '.join(command)}) {state}; is `moto[server]` installed "
                        f"(pip install -e '.[test]')?\n{output}"
                    )
                time.sleep(0.1)
            yield endpoint
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
