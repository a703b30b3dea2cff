"""Errors of pack building and verification. Not HTTP errors: a broken pack on the server is a bug."""

from __future__ import annotations

__all__ = [
    "DeltaMismatch",
    "EntryCorrupt",
    "EntryMismatch",
    "EntryMissing",
    "EntryUnexpected",
    "InvalidEntryPath",
    "KeyringError",
    "PackInvalid",
    "PackMalformed",
    "SignatureInvalid",
    "UnknownKey",
    "VersionDowngrade",
]


class InvalidEntryPath(ValueError):
    """A ZIP entry name that breaks the path rules (the guard against zip-slip names)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"invalid entry path {path!r}: {reason}")
        self.path = path
        self.reason = reason


class EntryMismatch(ValueError):
    """While building: a source gave other bytes than the size or SHA-256 declared for its entry."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"entry {path!r}: {reason}")
        self.path = path
        self.reason = reason


class KeyringError(RuntimeError):
    """The signing key directory holds something unusable."""


class PackInvalid(Exception):
    """A pack or delta that a phone must refuse. ``path`` names the file at fault, when there is one."""

    def __init__(self, detail: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {detail}" if path else detail)
        self.detail = detail
        self.path = path


class PackMalformed(PackInvalid):
    """Not a readable pack: not a ZIP, a container rule broken, or a manifest that does not decode."""


class UnknownKey(PackInvalid):
    """The manifest names a ``key_id`` that is not among the pinned public keys."""


class SignatureInvalid(PackInvalid):
    """``manifest.sig`` does not verify the exact bytes of ``manifest.json``."""


class VersionDowngrade(PackInvalid):
    """A manifest older than the installed one (a replayed pack)."""


class EntryMissing(PackInvalid):
    """A file the manifest lists is not in the ZIP."""


class EntryUnexpected(PackInvalid):
    """A file in the ZIP that the manifest does not list."""


class EntryCorrupt(PackInvalid):
    """An entry whose size, CRC or SHA-256 differs from the manifest."""


class DeltaMismatch(PackInvalid):
    """A delta that does not lead from the installed version to its manifest's version."""
