from __future__ import annotations

import base64
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from packs.errors import PackMalformed, UnknownKey
from packs.signing import KeyRing, decode_signature, encode_signature, verification_keys_from
from tests.packs.conftest import Clock


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_first_use_creates_a_private_key_only_its_owner_can_read(keyring: KeyRing) -> None:
    assert keyring.kids() == []
    key = keyring.active()
    assert key.kid == "2026-a"
    assert mode(keyring.keys_dir) == 0o700
    assert mode(keyring.keys_dir / "2026-a.pem") == 0o600
    assert (keyring.keys_dir / "2026-a.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    # Another ring on the same directory (another process) uses the same key.
    assert KeyRing(keyring.keys_dir).active().public_info() == key.public_info()
    assert keyring.kids() == ["2026-a"]


def test_a_loose_keys_directory_is_tightened(tmp_path: Path, clock: Clock) -> None:
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir(mode=0o755)
    KeyRing(keys_dir, clock=clock).active()
    assert mode(keys_dir) == 0o700


def test_rotation_adds_an_active_key_and_keeps_the_old_ones(keyring: KeyRing, clock: Clock) -> None:
    first = keyring.active()
    second = keyring.rotate()
    assert second.kid == "2026-b"
    assert keyring.active().kid == "2026-b"
    signature = first.sign(b"manifest")
    keyring.verification_keys()["2026-a"].verify(signature, b"manifest")  # raises if it does not verify
    clock.now = datetime(2027, 1, 2, tzinfo=UTC)
    assert keyring.rotate().kid == "2027-a"
    assert keyring.kids() == ["2026-a", "2026-b", "2027-a"]


def test_kids_stay_unique_and_ordered_past_z(keyring: KeyRing) -> None:
    for _ in range(27):
        keyring.rotate()
    kids = keyring.kids()
    assert kids[:2] == ["2026-a", "2026-b"]
    assert kids[-3:] == ["2026-y", "2026-z", "2026-aa"]
    assert len(set(kids)) == 27
    assert keyring.active().kid == "2026-aa"


def test_the_public_listing_gives_raw_base64_ed25519_keys(keyring: KeyRing) -> None:
    keyring.active()
    keyring.rotate()
    listing = keyring.public_keys()
    assert [(key.kid, key.alg) for key in listing.keys] == [("2026-a", "Ed25519"), ("2026-b", "Ed25519")]
    assert all(len(base64.b64decode(key.public_key, validate=True)) == 32 for key in listing.keys)
    pinned = verification_keys_from(listing)
    signature = keyring.key("2026-a").sign(b"bytes of a manifest")
    pinned["2026-a"].verify(signature, b"bytes of a manifest")


def test_the_public_listing_creates_the_first_key(keyring: KeyRing) -> None:
    assert [key.kid for key in keyring.public_keys().keys] == ["2026-a"]


def test_an_unknown_or_malformed_kid_is_refused(keyring: KeyRing) -> None:
    keyring.active()
    with pytest.raises(UnknownKey):
        keyring.key("2026-b")
    with pytest.raises(UnknownKey):
        keyring.key("../2026-a")


def test_signature_files_are_one_line_of_base64_without_newline(keyring: KeyRing) -> None:
    signature = keyring.active().sign(b"{}")
    encoded = encode_signature(signature)
    assert len(encoded) == 88
    assert b"\n" not in encoded
    assert decode_signature(encoded) == signature
    assert keyring.active().sign(b"{}") == signature  # Ed25519 is deterministic: packs stay reproducible
    for bad in (encoded + b"\n", b" " + encoded, encoded[:-4], b"!" * 88):
        with pytest.raises(PackMalformed, match=r"manifest\.sig"):
            decode_signature(bad)
