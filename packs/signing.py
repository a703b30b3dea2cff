"""Ed25519 pack signing keys: a ring of key files in ``settings.keys_dir``; the newest signs, all verify.

Layout: ``<kid>.pem`` (PKCS#8, unencrypted, mode 0600) per key, ``active`` holding the signing kid, and
``.lock`` serialising creation between processes; the directory is mode 0700. A kid is the UTC year of
its creation and a letter sequence (``2026-a``, ``2026-b``, … ``2026-z``, ``2026-aa``). Blocking file I/O:
async callers run these methods in a worker thread.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from content.core.settings import Settings
from packs.errors import KeyringError, PackMalformed, UnknownKey
from packs.paths import SIGNATURE_NAME

__all__ = [
    "KeyRing",
    "PackKey",
    "PackKeys",
    "SigningKey",
    "decode_signature",
    "encode_signature",
    "public_key_from_base64",
    "verification_keys_from",
]

_KID = re.compile(r"([0-9]{4})-([a-z]+)")
_ACTIVE = "active"
_LOCK = ".lock"
_PEM = ".pem"
_SIGNATURE_LENGTH = 64


class PackKey(msgspec.Struct, frozen=True):
    """A public key as ``/api/v1/packs/keys`` lists it: the raw 32-byte Ed25519 key, standard base64."""

    kid: str
    alg: Literal["Ed25519"]
    public_key: str


class PackKeys(msgspec.Struct, frozen=True):
    """The body of ``/api/v1/packs/keys``: every key that verifies a pack still served, oldest first."""

    keys: list[PackKey]


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey

    def sign(self, data: bytes) -> bytes:
        """The 64-byte signature; Ed25519 is deterministic, so the same bytes always sign the same."""
        return self.private_key.sign(data)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def public_info(self) -> PackKey:
        raw = self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PackKey(kid=self.kid, alg="Ed25519", public_key=base64.b64encode(raw).decode("ascii"))


def _utc_now() -> datetime:
    return datetime.now(UTC)


class KeyRing:
    """The server's signing keys. The first use creates a key; ``rotate()`` adds one and makes it active."""

    def __init__(self, keys_dir: Path, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.keys_dir = keys_dir
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        return cls(settings.keys_dir)

    def active(self) -> SigningKey:
        """The key that signs new packs, created on first use."""
        kid = self._read_active()
        if kid is None:
            with self._locked():
                kid = self._read_active() or self._create_key()
        return self.key(kid)

    def rotate(self) -> SigningKey:
        """Create a new key and make it the signing key; older keys keep verifying what they signed."""
        with self._locked():
            return self.key(self._create_key())

    def key(self, kid: str) -> SigningKey:
        """The key named ``kid``; ``UnknownKey`` if the ring has none by that name."""
        if not _KID.fullmatch(kid):
            raise UnknownKey(f"not a key id: {kid!r}")
        try:
            data = (self.keys_dir / f"{kid}{_PEM}").read_bytes()
        except FileNotFoundError:
            raise UnknownKey(f"no signing key {kid!r} in {self.keys_dir}") from None
        private_key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise KeyringError(f"{kid}{_PEM} is not an Ed25519 private key")
        return SigningKey(kid, private_key)

    def kids(self) -> list[str]:
        """Every key id in the ring, oldest first."""
        if not self.keys_dir.is_dir():
            return []
        found = [p.name.removesuffix(_PEM) for p in self.keys_dir.glob(f"*{_PEM}")]
        return sorted((kid for kid in found if _KID.fullmatch(kid)), key=_kid_order)

    def public_keys(self) -> PackKeys:
        """The listing for ``/api/v1/packs/keys`` (creating the first key if there is none yet)."""
        self.active()
        return PackKeys(keys=[self.key(kid).public_info() for kid in self.kids()])

    def verification_keys(self) -> dict[str, Ed25519PublicKey]:
        return {kid: self.key(kid).public_key for kid in self.kids()}

    def _read_active(self) -> str | None:
        try:
            kid = (self.keys_dir / _ACTIVE).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        if not _KID.fullmatch(kid):
            raise KeyringError(f"{self.keys_dir / _ACTIVE} does not hold a key id")
        return kid

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.keys_dir, 0o700)
        fd = os.open(self.keys_dir / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _create_key(self) -> str:
        """Write a new key under the next free kid of this year and make it active. Call under the lock."""
        year = self._clock().astimezone(UTC).year
        used = [_kid_order(kid)[1] for kid in self.kids() if kid.startswith(f"{year}-")]
        kid = f"{year}-{_letters(max(used, default=0) + 1)}"
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # link() publishes the complete file under its final name, and fails rather than overwrite a key.
        _write_then(self.keys_dir, pem, lambda tmp: os.link(tmp, self.keys_dir / f"{kid}{_PEM}"))
        _write_then(
            self.keys_dir, f"{kid}\n".encode("ascii"), lambda tmp: os.replace(tmp, self.keys_dir / _ACTIVE)
        )
        _fsync_dir(self.keys_dir)
        return kid


def encode_signature(signature: bytes) -> bytes:
    """The content of ``manifest.sig``: standard base64 of the 64-byte signature, one line, no newline."""
    if len(signature) != _SIGNATURE_LENGTH:
        raise ValueError("an Ed25519 signature is 64 bytes")
    return base64.b64encode(signature)


def decode_signature(data: bytes) -> bytes:
    """Read ``manifest.sig`` strictly: exactly 88 base64 characters, nothing before or after."""
    try:
        signature = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise PackMalformed("not base64", SIGNATURE_NAME) from None
    if len(signature) != _SIGNATURE_LENGTH:
        raise PackMalformed("not a 64-byte Ed25519 signature", SIGNATURE_NAME)
    return signature


def public_key_from_base64(text: str) -> Ed25519PublicKey:
    """A public key from the ``public_key`` of the keys listing (raw 32 bytes, base64)."""
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not a base64 Ed25519 public key: {exc}") from None


def verification_keys_from(keys: PackKeys | Iterable[PackKey]) -> dict[str, Ed25519PublicKey]:
    """What a phone pins: kid → public key, from the keys listing."""
    listing = keys.keys if isinstance(keys, PackKeys) else keys
    return {key.kid: public_key_from_base64(key.public_key) for key in listing}


def _kid_order(kid: str) -> tuple[int, int]:
    match = _KID.fullmatch(kid)
    assert match is not None
    number = 0
    for letter in match.group(2):
        number = number * 26 + (ord(letter) - ord("a") + 1)
    return int(match.group(1)), number


def _letters(number: int) -> str:
    """1 → a, 26 → z, 27 → aa (bijective base 26)."""
    letters = []
    while number:
        number, rest = divmod(number - 1, 26)
        letters.append(chr(ord("a") + rest))
    return "".join(reversed(letters))


def _write_then(directory: Path, data: bytes, publish: Callable[[str], None]) -> None:
    # mkstemp creates the file with mode 0600, so a private key is never readable by others, even briefly.
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        publish(tmp)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(tmp)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
