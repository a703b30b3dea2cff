"""Images: refuse bombs, decode fully, apply EXIF orientation, convert to sRGB, and encode WebP variants
that carry no metadata at all (no EXIF, GPS, XMP or ICC: WebP without a profile means sRGB).

Everything here blocks on the CPU; callers run it in a worker thread.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from content.core.errors import InvalidInput, UnsupportedMedia
from content.media import thumbhash
from content.media.profiles import ImageProfile

__all__ = ["IMAGE_FORMATS", "ImageVariant", "ProcessedImage", "process_image"]

# Pillow decoders we accept; anything else is refused before a decoder sees it.
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "AVIF")
_ORIENTATION_TAG = 0x0112
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)
_ICC_MODES = {"RGB ": "RGB", "GRAY": "L", "CMYK": "CMYK"}


@dataclass(frozen=True, slots=True)
class ImageVariant:
    profile: ImageProfile
    data: bytes
    width: int
    height: int
    type: str = "image/webp"


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """The picture as displayed (after orientation), its placeholder, and its variants."""

    width: int
    height: int
    placeholder: str
    variants: tuple[ImageVariant, ...]
    probe: dict[str, Any] = field(default_factory=dict)


def process_image(
    path: Path, image_format: str, profiles: Sequence[ImageProfile], *, max_pixels: int
) -> ProcessedImage:
    """Decode ``path`` as ``image_format`` and make one WebP per profile (largest first).

    Raises ``InvalidInput`` for a picture over ``max_pixels`` (checked from the header, before any
    decoding), and ``UnsupportedMedia`` for anything that is not a whole, decodable image.
    """
    if image_format not in IMAGE_FORMATS:
        raise UnsupportedMedia.field("file", f"{image_format} images are not supported")
    with _open(path, image_format, max_pixels) as image:
        source_width, source_height = image.size
        orientation = _orientation(image)
        if image_format == "JPEG" and profiles:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the largest variant needs no more.
            largest = max(p.max_side_px for p in profiles)
            image.draft(None, (largest, largest))
        try:
            image.load()
        except _DECODE_ERRORS as exc:
            raise UnsupportedMedia.field("file", f"the {image_format} image is truncated or corrupt") from exc
        probe: dict[str, Any] = {
            "format": image_format,
            "mode": image.mode,
            "width": source_width,
            "height": source_height,
            "orientation": orientation,
            "icc_profile": bool(image.info.get("icc_profile")),
            "frames": getattr(image, "n_frames", 1),
        }
        picture = _to_srgb(_oriented(image))
    if orientation in (5, 6, 7, 8):
        source_width, source_height = source_height, source_width

    variants: list[ImageVariant] = []
    current = picture
    for profile in sorted(profiles, key=lambda p: p.max_side_px, reverse=True):
        current = _fit(current, profile.max_side_px)
        variants.append(_encode_webp(current, profile))
    return ProcessedImage(
        width=source_width,
        height=source_height,
        placeholder=_placeholder(current),
        variants=tuple(variants),
        probe=probe,
    )


def _open(path: Path, image_format: str, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(path, formats=[image_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard (or its warning, which the tests turn into an error) caught a huge header.
        raise InvalidInput.field(
            "file", f"the image declares more than {max_pixels} pixels; refused before decoding"
        ) from exc
    except (UnidentifiedImageError, *_DECODE_ERRORS) as exc:
        raise UnsupportedMedia.field("file", f"not a readable {image_format} image") from exc
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        image.close()
        raise InvalidInput.field(
            "file", f"image of {width}x{height} pixels is over the limit of {max_pixels} pixels"
        )
    return image


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # broken EXIF only costs us the orientation, not the picture
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _oriented(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # an unreadable EXIF block means "as stored"
        return image.copy()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB or RGBA in sRGB. Alpha is kept only if some pixel is not fully opaque."""
    base = image
    alpha: Image.Image | None = None
    if _has_alpha(image):
        # Palette and grey images with transparency go through RGBA, the one lossless way to split alpha.
        base = image.convert("RGBA")
        alpha = base.getchannel("A")
        if alpha.getextrema()[0] == 255:
            alpha = None
    icc = image.info.get("icc_profile")
    rgb = _icc_to_srgb(base, icc) if icc else None
    if rgb is None:
        rgb = base.convert("RGB")
    if alpha is not None:
        rgb.putalpha(alpha)
    rgb.info.clear()
    return rgb


def _icc_to_srgb(image: Image.Image, icc: bytes) -> Image.Image | None:
    """Convert through the embedded profile; None if the profile is unusable (then plain conversion)."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = _ICC_MODES.get(source.profile.xcolor_space)
        if mode is None:
            return None
        if image.mode != mode:
            if mode == "CMYK" or image.mode == "CMYK":
                return None  # a profile that does not describe the pixels is ignored
            image = image.convert(mode)
        # A fresh sRGB profile per call: LittleCMS profile handles are not documented as thread-safe.
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        converted = ImageCms.profileToProfile(
            image, source, srgb, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    return converted


def _fit(image: Image.Image, max_side_px: int) -> Image.Image:
    width, height = image.size
    scale = max_side_px / max(width, height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode_webp(image: Image.Image, profile: ImageProfile) -> ImageVariant:
    buffer = io.BytesIO()
    # Only what is passed here is written: no exif, xmp or icc_profile argument means none in the file.
    image.save(buffer, "WEBP", quality=profile.quality, method=profile.method)
    return ImageVariant(profile=profile, data=buffer.getvalue(), width=image.width, height=image.height)


def _placeholder(image: Image.Image) -> str:
    small = image.convert("RGBA")
    small.thumbnail((thumbhash.MAX_SIDE, thumbhash.MAX_SIDE), Image.Resampling.BILINEAR)
    return base64.b64encode(thumbhash.encode_rgba(small.width, small.height, small.tobytes())).decode("ascii")
