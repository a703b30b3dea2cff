from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from packs.delta_file import DeltaInfo, decode_delta_info, encode_delta_info
from packs.errors import PackMalformed
from packs.manifest import ManifestEntry, build_manifest, decode_manifest, encode_manifest
from tests.packs.conftest import header

SHA_A = "3f" + "0" * 60 + "a1"
SHA_B = "b" * 64


def entries() -> list[ManifestEntry]:
    return [
        ManifestEntry(path="content/pack.json", sha256=SHA_B, size=812, type="application/json"),
        ManifestEntry(path=f"media/{SHA_A}.webp", sha256=SHA_A, size=48211, type="image/webp"),
    ]


def test_the_encoding_is_canonical_compact_json_in_the_documented_order() -> None:
    manifest = build_manifest(header(version=7), entries(), "2026-a")
    assert encode_manifest(manifest) == (
        b'{"format":1,"pack_id":"route:le-cheval-blanc","version":7,'
        b'"built_at":"2026-11-25T10:00:00Z","expires":"2027-05-24T10:00:00Z","key_id":"2026-a",'
        b'"languages":["fr","en"],"bbox":[0.76,48.29,0.88,48.35],"entries":['
        b'{"path":"content/pack.json","sha256":"'
        + SHA_B.encode()
        + b'","size":812,"type":"application/json"},'
        b'{"path":"media/' + SHA_A.encode() + b'.webp","sha256":"' + SHA_A.encode() + b'","size":48211,'
        b'"type":"image/webp"}]}'
    )


def test_the_same_content_gives_the_same_bytes_whatever_the_input_order_or_zone() -> None:
    shuffled = entries()
    random.Random(3).shuffle(shuffled)
    paris = timezone(timedelta(hours=1))
    local = header(built_at=datetime(2026, 11, 25, 11, 0, 0, 999_999, tzinfo=paris))
    expected = encode_manifest(build_manifest(header(), entries(), "2026-a"))
    assert encode_manifest(build_manifest(local, reversed(shuffled), "2026-a")) == expected


def test_the_bbox_is_rounded_to_six_decimals_without_negative_zero() -> None:
    manifest = build_manifest(header(bbox=(-0.0000001, 48.2900004, 0.8800006, 48.35)), entries(), "2026-a")
    assert manifest.bbox == (0.0, 48.29, 0.880001, 48.35)
    assert b'"bbox":[0.0,48.29,0.880001,48.35]' in encode_manifest(manifest)


def test_decoding_gives_back_the_manifest() -> None:
    manifest = build_manifest(header(), entries(), "2026-a")
    decoded = decode_manifest(encode_manifest(manifest))
    assert decoded == manifest
    assert decoded.built_at.tzinfo is UTC or decoded.built_at.utcoffset() == timedelta(0)


def test_fields_added_by_later_builds_are_ignored_by_this_reader() -> None:
    data = encode_manifest(build_manifest(header(), entries(), "2026-a"))
    later = data.replace(b'"format":1,', b'"format":1,"publisher":"PETR du Perche",').replace(
        b'"size":812,', b'"size":812,"lang":"fr",'
    )
    assert decode_manifest(later) == decode_manifest(data)


def _with(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"content/pack.json", b"../pack.json", "entries"),
        (b"content/pack.json", b"/etc/passwd", "entries"),
        (b"content/pack.json", b"manifest.sig", "reserved"),
        (b"content/pack.json", b"zz/pack.json", "sorted"),
        (b'"sha256":"bbbb', b'"sha256":"BBBB', "sha256"),
        (b'"size":812', b'"size":-1', "size"),
        (b"2026-11-25T10:00:00Z", b"2026-11-25T10:00:00", "UTC"),
        (b"2026-11-25T10:00:00Z", b"2026-11-25T10:00:00+01:00", "UTC"),
        (b"2027-05-24T10:00:00Z", b"2026-11-25T09:00:00Z", "expires"),
        (b'"languages":["fr","en"]', b'"languages":[]', "languages"),
        (b'"languages":["fr","en"]', b'"languages":["fr","fr"]', "languages"),
        (b"0.76,48.29,0.88", b"0.76,48.29,0.70", "bbox"),
        (b"route:le-cheval-blanc", b"tour:le-cheval-blanc", "pack_id"),
        (b'"key_id":"2026-a"', b'"key_id":"../../etc"', "key_id"),
        (b'"version":1', b'"version":0', "version"),
    ],
)
def test_a_bad_manifest_is_refused_naming_the_problem(old: bytes, new: bytes, message: str) -> None:
    data = encode_manifest(build_manifest(header(), entries(), "2026-a"))
    with pytest.raises(PackMalformed, match=message) as raised:
        decode_manifest(_with(data, old, new))
    assert raised.value.path == "manifest.json"


def test_building_refuses_what_decoding_refuses() -> None:
    with pytest.raises(ValueError, match="naive"):
        build_manifest(header(built_at=datetime(2026, 11, 25)), entries(), "2026-a")
    with pytest.raises(ValueError, match="key_id"):
        build_manifest(header(), entries(), "current")
    with pytest.raises(ValueError, match="not a BCP 47"):
        build_manifest(header(languages=("french",)), entries(), "2026-a")
    with pytest.raises(ValueError, match="sha256"):
        ManifestEntry(path="media/a.webp", sha256="abc", size=1, type="image/webp")
    with pytest.raises(ValueError, match="reserved"):
        ManifestEntry(path="delta.json", sha256=SHA_B, size=1, type="application/json")


def test_delta_json_uses_from_and_to() -> None:
    info = DeltaInfo(from_version=6, to_version=7, removed=("media/a.webp",))
    assert encode_delta_info(info) == b'{"from":6,"to":7,"removed":["media/a.webp"]}'
    assert decode_delta_info(b'{"from":6,"to":7,"removed":["media/a.webp"]}') == info
    with pytest.raises(PackMalformed, match=r"delta\.json"):
        decode_delta_info(b'{"from_version":6,"to":7}')
