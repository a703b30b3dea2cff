from __future__ import annotations

import random

import pytest

from content.media.thumbhash import approximate_aspect_ratio, average_rgba, decode_rgba, encode_rgba


def _noise(seed: int, width: int, height: int, *, opaque: bool) -> bytes:
    rnd = random.Random(seed)
    data = bytearray(rnd.randrange(256) for _ in range(width * height * 4))
    if opaque:
        data[3::4] = b"\xff" * (width * height)
    return bytes(data)


def _solid(width: int, height: int, rgba: tuple[int, int, int, int]) -> bytes:
    return bytes(rgba) * (width * height)


# Hashes of seeded noise images, checked against an independent ThumbHash implementation
# (the thumbhash-python port); noise avoids rounding ties, where ports that round half-even differ.
@pytest.mark.parametrize(
    ("seed", "width", "height", "opaque", "expected"),
    [
        (1, 64, 64, True, "e007020700266e98a246bb4d5b036b49b66723980aacbf0b"),
        (2, 40, 90, True, "e0f7010b0294ab948d53340c485f765c7f"),
        (3, 90, 40, False, "e0f78102800883082c08a9e570d78670da247d3bfabcc5"),
    ],
)
def test_matches_reference_vectors(seed: int, width: int, height: int, opaque: bool, expected: str) -> None:
    assert encode_rgba(width, height, _noise(seed, width, height, opaque=opaque)).hex() == expected


def test_rounds_halves_up_like_the_reference() -> None:
    # 100x50 with alpha: luminance rows = 5 * 50 / 100 = 2.5, which the JS and Rust references round to 3.
    rgba = bytearray(_solid(100, 50, (200, 100, 50, 255)))
    rgba[3] = 0
    thumbhash = encode_rgba(100, 50, bytes(rgba))
    assert thumbhash[2] & 0x80  # has alpha
    assert thumbhash[4] & 0x80  # landscape
    assert thumbhash[3] & 7 == 3


@pytest.mark.parametrize(
    "colour",
    [(255, 0, 0, 255), (0, 255, 0, 255), (0, 0, 255, 255), (128, 128, 128, 255), (250, 200, 20, 255)],
)
def test_solid_colour_survives_as_the_average(colour: tuple[int, int, int, int]) -> None:
    thumbhash = encode_rgba(16, 12, _solid(16, 12, colour))
    r, g, b, a = average_rgba(thumbhash)
    assert a == 1.0
    for got, want in zip((r, g, b), colour[:3], strict=True):
        assert abs(got * 255 - want) <= 8
    width, height, pixels = decode_rgba(thumbhash)
    assert width == 32
    assert height == round(32 / approximate_aspect_ratio(thumbhash))
    assert len(pixels) == width * height * 4
    centre = (height // 2 * width + width // 2) * 4
    for got, want in zip(pixels[centre : centre + 3], colour[:3], strict=True):
        assert abs(got - want) <= 10


@pytest.mark.parametrize(("width", "height"), [(100, 25), (100, 75), (60, 60), (30, 100), (75, 100)])
def test_aspect_ratio_and_orientation_survive(width: int, height: int) -> None:
    thumbhash = encode_rgba(width, height, _noise(5, width, height, opaque=True))
    ratio = approximate_aspect_ratio(thumbhash)
    assert abs(ratio - width / height) / (width / height) < 0.3
    decoded_width, decoded_height, _ = decode_rgba(thumbhash)
    assert max(decoded_width, decoded_height) == 32
    assert (decoded_width >= decoded_height) == (width >= height)


def test_alpha_is_flagged_and_decoded() -> None:
    width, height = 40, 40
    rgba = bytearray()
    for _y in range(height):
        for x in range(width):
            rgba += bytes((20, 160, 60, 255 if x < width // 2 else 0))
    thumbhash = encode_rgba(width, height, bytes(rgba))
    assert thumbhash[2] & 0x80
    assert 0.3 < average_rgba(thumbhash)[3] < 0.7
    decoded_width, _, pixels = decode_rgba(thumbhash)
    row = 16 * decoded_width * 4
    left_alpha = pixels[row + 2 * 4 + 3]
    right_alpha = pixels[row + (decoded_width - 3) * 4 + 3]
    assert left_alpha > 200
    assert right_alpha < 80
    opaque = encode_rgba(width, height, _solid(width, height, (20, 160, 60, 255)))
    assert not opaque[2] & 0x80


def test_light_and_dark_halves_stay_apart() -> None:
    width, height = 50, 20
    rgba = bytearray()
    for _y in range(height):
        for x in range(width):
            value = 0 if x < width // 2 else 255
            rgba += bytes((value, value, value, 255))
    decoded_width, _, pixels = decode_rgba(encode_rgba(width, height, bytes(rgba)))
    row = 5 * decoded_width * 4
    assert pixels[row + 4] < 60
    assert pixels[row + (decoded_width - 2) * 4] > 195


def test_is_compact() -> None:
    assert len(encode_rgba(100, 100, _noise(9, 100, 100, opaque=True))) <= 25
    assert len(encode_rgba(100, 100, _noise(9, 100, 100, opaque=False))) <= 30


@pytest.mark.parametrize(("width", "height", "size"), [(101, 10, 101 * 10 * 4), (0, 10, 0), (10, 10, 399)])
def test_rejects_oversized_or_inconsistent_input(width: int, height: int, size: int) -> None:
    with pytest.raises(ValueError, match=r"fit|expected"):
        encode_rgba(width, height, bytes(size))


def test_decode_rejects_short_hash() -> None:
    with pytest.raises(ValueError, match="5 bytes"):
        decode_rgba(b"\x00\x01")
