from __future__ import annotations

import base64
import resource
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from content.core.errors import InvalidInput, UnsupportedMedia
from content.media import thumbhash
from content.media.images import ProcessedImage, process_image
from content.media.profiles import IMAGE_PROFILES
from tests.content.media.webp import decode, webp_chunks

MAX_PIXELS = 64_000_000
_METADATA_FREE_CHUNKS = {"VP8 ", "VP8L", "VP8X", "ALPH"}


def _process(path: Path, image_format: str, max_pixels: int = MAX_PIXELS) -> ProcessedImage:
    return process_image(path, image_format, IMAGE_PROFILES, max_pixels=max_pixels)


def _variants(result: ProcessedImage) -> dict[str, Image.Image]:
    return {v.profile.name: decode(v.data) for v in result.variants}


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def test_phone_photo_is_turned_upright(fixtures_dir: Path) -> None:
    source = fixtures_dir / "images" / "phone-photo.jpg"
    result = _process(source, "JPEG")
    assert (result.width, result.height) == (3024, 4032)
    sizes = {v.profile.name: (v.width, v.height) for v in result.variants}
    assert sizes == {"screen": (960, 1280), "thumb": (240, 320)}
    screen = _variants(result)["screen"]
    assert screen.size == (960, 1280)
    # Orientation 6 means "rotate 90° clockwise to display": the variant must match that, not the reverse.
    with Image.open(source) as original:
        original.draft("RGB", (960, 960))
        upright = original.transpose(Image.Transpose.ROTATE_270).resize(screen.size)
        upside_down = original.transpose(Image.Transpose.ROTATE_90).resize(screen.size)
    assert _mean_difference(screen, upright) < 8
    assert _mean_difference(screen, upside_down) > 3 * _mean_difference(screen, upright)


def test_variants_carry_no_metadata(fixtures_dir: Path) -> None:
    source = fixtures_dir / "images" / "phone-photo.jpg"
    with Image.open(source) as original:
        assert original.getexif().get_ifd(0x8825)  # the fixture does hold GPS data to leak
    for variant in _process(source, "JPEG").variants:
        assert set(webp_chunks(variant.data)) <= _METADATA_FREE_CHUNKS
        for marker in (b"GPS", b"Fairphone", b"FP5", b"Exif", b"EXIF", b"XMP", b"ICCP"):
            assert marker not in variant.data
        image = decode(variant.data)
        assert len(image.getexif()) == 0
        assert not image.info.get("icc_profile")
        assert not image.info.get("exif")
        assert not image.info.get("xmp")


def test_cmyk_becomes_rgb_with_the_right_colours(fixtures_dir: Path) -> None:
    cmyk = _process(fixtures_dir / "images" / "cmyk.jpg", "JPEG")
    # cmyk.jpg is chelsea.png converted to CMYK: after conversion the two must look alike.
    rgb = _process(fixtures_dir / "images" / "chelsea.png", "PNG")
    for name, image in _variants(cmyk).items():
        assert image.mode == "RGB"
        assert _mean_difference(image, _variants(rgb)[name]) < 12
    assert cmyk.probe["mode"] == "CMYK"


def test_icc_profiled_png_is_converted_and_loses_its_profile(fixtures_dir: Path) -> None:
    result = _process(fixtures_dir / "images" / "chelsea.png", "PNG")
    assert result.probe["icc_profile"] is True
    for variant in result.variants:
        assert "ICCP" not in webp_chunks(variant.data)
        assert decode(variant.data).mode == "RGB"


def test_alpha_is_kept(fixtures_dir: Path) -> None:
    result = _process(fixtures_dir / "images" / "alpha.png", "PNG")
    for variant in result.variants:
        assert "ALPH" in webp_chunks(variant.data) or "VP8L" in webp_chunks(variant.data)
        image = decode(variant.data)
        assert image.mode == "RGBA"
        low, high = image.getchannel("A").getextrema()
        assert low < 16
        assert high == 255
    assert thumbhash.average_rgba(_placeholder_bytes(result))[3] < 1.0


def test_small_images_are_not_enlarged(fixtures_dir: Path) -> None:
    result = _process(fixtures_dir / "images" / "coffee.png", "PNG")
    sizes = {v.profile.name: (v.width, v.height) for v in result.variants}
    assert sizes == {"screen": (600, 400), "thumb": (320, 213)}
    assert (result.width, result.height) == (600, 400)


def test_placeholder_is_a_thumbhash_of_the_picture(fixtures_dir: Path) -> None:
    result = _process(fixtures_dir / "images" / "phone-photo.jpg", "JPEG")
    raw = _placeholder_bytes(result)
    assert len(result.placeholder) <= 40
    assert thumbhash.approximate_aspect_ratio(raw) < 1  # portrait, as displayed
    assert thumbhash.average_rgba(raw)[3] == 1.0


def _placeholder_bytes(result: ProcessedImage) -> bytes:
    return base64.b64decode(result.placeholder, validate=True)


def test_bomb_is_refused_before_decoding(fixtures_dir: Path) -> None:
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InvalidInput) as caught:
        _process(fixtures_dir / "bad" / "bomb.png", "PNG")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_kib
    assert not isinstance(caught.value, UnsupportedMedia)
    assert caught.value.errors[0].field == "file"
    assert "pixels" in caught.value.detail
    # Decoding 40000x40000 would need gigabytes; refusing from the header needs next to nothing.
    assert grown_kib < 64 * 1024


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))


def test_our_pixel_cap_applies_below_pillows(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    path.write_bytes(_png_header_only(9000, 8000))  # 72 Mpx: under Pillow's warning, over our 64 Mpx
    with pytest.raises(InvalidInput, match="9000x8000"):
        _process(path, "PNG")


def test_pillow_bomb_warning_becomes_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "warned.png"
    path.write_bytes(_png_header_only(10000, 10000))  # 100 Mpx: Pillow warns (an error under pytest)
    with pytest.raises(InvalidInput, match="refused before decoding"):
        _process(path, "PNG", max_pixels=150_000_000)


def test_truncated_png_is_unsupported(fixtures_dir: Path) -> None:
    with pytest.raises(UnsupportedMedia) as caught:
        _process(fixtures_dir / "bad" / "truncated.png", "PNG")
    assert caught.value.errors[0].field == "file"


def test_text_named_jpg_is_unsupported(fixtures_dir: Path) -> None:
    with pytest.raises(UnsupportedMedia):
        _process(fixtures_dir / "bad" / "not-an-image.jpg", "JPEG")
