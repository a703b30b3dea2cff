"""A phone's pack folder, modelled for tests and the CLI: install a full pack, apply a delta, switch.

Under ``root``: one directory per version (``v7-<random>/`` holding ``manifest.json``, ``manifest.sig``
and the entries at their paths) and ``current``, a symlink to the version in use. A new version is
assembled and verified in its own directory; replacing the symlink is the one-step switch, so until
then the old version stays in use, and a failure leaves it untouched.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from io import BufferedWriter
from pathlib import Path

from packs.delta_file import decode_delta_info, plan_delta
from packs.errors import DeltaMismatch, EntryMissing
from packs.manifest import Manifest, SignedManifest
from packs.paths import DELTA_NAME, MANIFEST_NAME, SIGNATURE_NAME, validate_entry_path
from packs.verify import MAX_MANIFEST_BYTES, PackReader, PublicKeys, check_file, verify_manifest

__all__ = ["CURRENT", "InstalledPack", "apply_delta", "install_pack", "installed_pack"]

CURRENT = "current"
_VERSION_DIR = re.compile(r"v[0-9]+-[A-Za-z0-9_]+")


@dataclass(frozen=True)
class InstalledPack:
    directory: Path
    signed: SignedManifest

    @property
    def manifest(self) -> Manifest:
        return self.signed.manifest

    def file(self, path: str) -> Path:
        return self.directory / validate_entry_path(path)

    def files(self) -> dict[str, Path]:
        """Every entry of the manifest → its file."""
        return {entry.path: self.file(entry.path) for entry in self.manifest.entries}


def installed_pack(root: Path) -> InstalledPack | None:
    """The version in use under ``root``, or None if nothing is installed."""
    link = root / CURRENT
    if not link.is_symlink():
        return None
    directory = root / os.readlink(link)
    signed = SignedManifest(
        (directory / MANIFEST_NAME).read_bytes(), (directory / SIGNATURE_NAME).read_bytes()
    )
    return InstalledPack(directory, signed)


def install_pack(root: Path, pack_zip: Path, public_keys: PublicKeys) -> InstalledPack:
    """Verify ``pack_zip`` and make it the version in use; raises a ``PackInvalid`` and changes nothing."""
    current = installed_pack(root)
    with PackReader(pack_zip) as reader:
        signed = reader.signed_manifest()
        manifest = verify_manifest(
            signed,
            public_keys,
            installed_version=current.manifest.version if current else None,
            pack_id=current.manifest.pack_id if current else None,
        )
        reader.check_names({entry.path for entry in manifest.entries} | {MANIFEST_NAME, SIGNATURE_NAME})
        with _staging(root, manifest.version) as staging:
            for entry in manifest.entries:
                with _create(staging / entry.path) as sink:
                    reader.copy_entry(entry, sink)
            return _switch(root, staging, signed)


def apply_delta(root: Path, delta_zip: Path, public_keys: PublicKeys) -> InstalledPack:
    """Apply a delta to the installed version, in PACK_FORMAT.md's order; on any failure N stays."""
    current = installed_pack(root)
    if current is None:
        raise ValueError(f"no pack installed under {root} to apply a delta to")
    old = current.manifest
    with PackReader(delta_zip) as reader:
        # 1. Verify the new manifest.
        signed = reader.signed_manifest()
        new = verify_manifest(signed, public_keys, installed_version=old.version, pack_id=old.pack_id)
        info = decode_delta_info(reader.read_small(DELTA_NAME, MAX_MANIFEST_BYTES))
        if not info.from_version == old.version < new.version == info.to_version:
            detail = f"from {info.from_version} to {info.to_version}, for {old.version} → {new.version}"
            raise DeltaMismatch(detail, DELTA_NAME)
        expected, shipped = plan_delta(old, new)
        if set(info.removed) != set(expected.removed):
            raise DeltaMismatch("removed paths disagree with the two manifests", DELTA_NAME)
        reader.check_names({entry.path for entry in shipped} | {MANIFEST_NAME, SIGNATURE_NAME, DELTA_NAME})
        kept = {(entry.path, entry.sha256) for entry in old.entries}
        with _staging(root, new.version) as staging:
            for entry in new.entries:
                target = staging / entry.path
                if (entry.path, entry.sha256) in kept:
                    _keep(current.file(entry.path), target, entry.path)  # 2. N's files that M lists unchanged
                else:
                    with _create(target) as sink:  # 3. the delta's files
                        reader.copy_entry(entry, sink)
            # 4. The removed paths are simply not carried over into M's directory.
            for entry in new.entries:  # 5. every entry of M, kept files included
                check_file(staging / entry.path, entry)
            return _switch(root, staging, signed)  # 6.


@contextmanager
def _staging(root: Path, version: int) -> Iterator[Path]:
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=f"v{version}-"))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _create(path: Path) -> BufferedWriter:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("xb")


def _keep(source: Path, target: Path, path: str) -> None:
    if not source.is_file():
        raise EntryMissing("not in the installed version", path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)  # entries are immutable: sharing the inode costs no space or time
    except OSError:
        shutil.copyfile(source, target)


def _switch(root: Path, staging: Path, signed: SignedManifest) -> InstalledPack:
    (staging / MANIFEST_NAME).write_bytes(signed.manifest_bytes)
    (staging / SIGNATURE_NAME).write_bytes(signed.signature)
    link = root / f".{CURRENT}-{staging.name}"
    os.symlink(staging.name, link)
    os.replace(link, root / CURRENT)
    for child in root.iterdir():
        if child.name != staging.name and _VERSION_DIR.fullmatch(child.name) and child.is_dir():
            with suppress(OSError):
                shutil.rmtree(child)
    return InstalledPack(staging, signed)
