"""ThumbHash (Evan Wallace's compact image placeholder), encoder and decoder in pure Python.

A hash is ~25 bytes holding a 2-D DCT of the image's luminance, two chroma channels and alpha, plus its
aspect ratio; phones decode it into a blurred preview while the real picture downloads. This follows the
reference implementation bit for bit (including JavaScript's round-half-up), so any ThumbHash decoder on
iOS, Android or the web reads what this writes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["MAX_SIDE", "approximate_aspect_ratio", "average_rgba", "decode_rgba", "encode_rgba"]

MAX_SIDE = 100


def _round(value: float) -> int:
    # JavaScript's Math.round: halves go up, unlike Python's round-half-even.
    return math.floor(value + 0.5)


def _encode_channel(
    channel: Sequence[float], width: int, height: int, nx: int, ny: int
) -> tuple[float, list[float], float]:
    cos_x = [[math.cos(math.pi / width * cx * (x + 0.5)) for x in range(width)] for cx in range(nx)]
    cos_y = [[math.cos(math.pi / height * cy * (y + 0.5)) for y in range(height)] for cy in range(ny)]
    rows = [channel[y * width : (y + 1) * width] for y in range(height)]
    # The DCT is separable: project each row on every horizontal frequency once, then combine per row.
    projected = [
        [math.fsum(v * c for v, c in zip(row, cos_x[cx], strict=True)) for row in rows] for cx in range(nx)
    ]
    dc, ac, scale = 0.0, [], 0.0
    for cy in range(ny):
        cx = 0
        while cx * ny < nx * (ny - cy):
            f = math.fsum(p * c for p, c in zip(projected[cx], cos_y[cy], strict=True)) / (width * height)
            if cx or cy:
                ac.append(f)
                scale = max(scale, abs(f))
            else:
                dc = f
            cx += 1
    if scale:
        ac = [0.5 + 0.5 / scale * f for f in ac]
    return dc, ac, scale


def encode_rgba(width: int, height: int, rgba: bytes) -> bytes:
    """The ThumbHash of an image given as straight (not premultiplied) RGBA bytes, at most 100x100."""
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ValueError(f"{width}x{height} does not fit in {MAX_SIDE}x{MAX_SIDE}")
    if len(rgba) != width * height * 4:
        raise ValueError(f"expected {width * height * 4} RGBA bytes, got {len(rgba)}")
    pixels = width * height
    avg_r = avg_g = avg_b = avg_a = 0.0
    for i in range(0, pixels * 4, 4):
        alpha = rgba[i + 3] / 255
        avg_r += alpha / 255 * rgba[i]
        avg_g += alpha / 255 * rgba[i + 1]
        avg_b += alpha / 255 * rgba[i + 2]
        avg_a += alpha
    if avg_a:
        avg_r, avg_g, avg_b = avg_r / avg_a, avg_g / avg_a, avg_b / avg_a

    has_alpha = avg_a < pixels
    l_limit = 5 if has_alpha else 7  # fewer luminance coefficients when alpha needs the room
    lx = max(1, _round(l_limit * width / max(width, height)))
    ly = max(1, _round(l_limit * height / max(width, height)))
    lum: list[float] = []
    p_chan: list[float] = []
    q_chan: list[float] = []
    a_chan: list[float] = []
    # RGBA to LPQA, composited over the average colour so transparent pixels do not drag colours to black.
    for i in range(0, pixels * 4, 4):
        alpha = rgba[i + 3] / 255
        r = avg_r * (1 - alpha) + alpha / 255 * rgba[i]
        g = avg_g * (1 - alpha) + alpha / 255 * rgba[i + 1]
        b = avg_b * (1 - alpha) + alpha / 255 * rgba[i + 2]
        lum.append((r + g + b) / 3)
        p_chan.append((r + g) / 2 - b)
        q_chan.append(r - g)
        a_chan.append(alpha)

    l_dc, l_ac, l_scale = _encode_channel(lum, width, height, max(3, lx), max(3, ly))
    p_dc, p_ac, p_scale = _encode_channel(p_chan, width, height, 3, 3)
    q_dc, q_ac, q_scale = _encode_channel(q_chan, width, height, 3, 3)
    if has_alpha:
        a_dc, a_ac, a_scale = _encode_channel(a_chan, width, height, 5, 5)

    is_landscape = width > height
    header24 = (
        _round(63 * l_dc)
        | (_round(31.5 + 31.5 * p_dc) << 6)
        | (_round(31.5 + 31.5 * q_dc) << 12)
        | (_round(31 * l_scale) << 18)
        | (int(has_alpha) << 23)
    )
    header16 = (
        (ly if is_landscape else lx)
        | (_round(63 * p_scale) << 3)
        | (_round(63 * q_scale) << 9)
        | (int(is_landscape) << 15)
    )
    out = [header24 & 255, (header24 >> 8) & 255, header24 >> 16, header16 & 255, header16 >> 8]
    if has_alpha:
        out.append(_round(15 * a_dc) | (_round(15 * a_scale) << 4))
    channels = [l_ac, p_ac, q_ac, a_ac] if has_alpha else [l_ac, p_ac, q_ac]
    ac_start = len(out)
    factors = [f for ac in channels for f in ac]
    out.extend([0] * ((len(factors) + 1) // 2))
    for index, f in enumerate(factors):
        out[ac_start + (index >> 1)] |= _round(15 * f) << ((index & 1) << 2)
    return bytes(out)


def approximate_aspect_ratio(thumbhash: bytes) -> float:
    """Width over height, as far as the hash records it (from its luminance grid)."""
    has_alpha = thumbhash[2] & 0x80
    is_landscape = thumbhash[4] & 0x80
    lx = (5 if has_alpha else 7) if is_landscape else thumbhash[3] & 7
    ly = thumbhash[3] & 7 if is_landscape else (5 if has_alpha else 7)
    return lx / ly


def average_rgba(thumbhash: bytes) -> tuple[float, float, float, float]:
    """The image's average colour, each channel in [0, 1]."""
    header = thumbhash[0] | (thumbhash[1] << 8) | (thumbhash[2] << 16)
    lum = (header & 63) / 63
    p = ((header >> 6) & 63) / 31.5 - 1
    q = ((header >> 12) & 63) / 31.5 - 1
    alpha = (thumbhash[5] & 15) / 15 if header >> 23 else 1.0
    b = lum - 2 / 3 * p
    r = (3 * lum - b + q) / 2
    g = r - q
    return (max(0.0, min(1.0, r)), max(0.0, min(1.0, g)), max(0.0, min(1.0, b)), alpha)


def decode_rgba(thumbhash: bytes) -> tuple[int, int, bytes]:
    """Render a hash as a small RGBA image (at most 32 px on the long side): ``(width, height, rgba)``."""
    if len(thumbhash) < 5:
        raise ValueError("a ThumbHash has at least 5 bytes")
    header24 = thumbhash[0] | (thumbhash[1] << 8) | (thumbhash[2] << 16)
    header16 = thumbhash[3] | (thumbhash[4] << 8)
    l_dc = (header24 & 63) / 63
    p_dc = ((header24 >> 6) & 63) / 31.5 - 1
    q_dc = ((header24 >> 12) & 63) / 31.5 - 1
    l_scale = ((header24 >> 18) & 31) / 31
    has_alpha = bool(header24 >> 23)
    p_scale = ((header16 >> 3) & 63) / 63
    q_scale = ((header16 >> 9) & 63) / 63
    is_landscape = bool(header16 >> 15)
    lx = max(3, (5 if has_alpha else 7) if is_landscape else header16 & 7)
    ly = max(3, header16 & 7 if is_landscape else (5 if has_alpha else 7))
    a_dc = (thumbhash[5] & 15) / 15 if has_alpha else 1.0
    a_scale = (thumbhash[5] >> 4) / 15 if has_alpha else 0.0

    ac_start = 6 if has_alpha else 5
    ac_index = 0

    def decode_channel(nx: int, ny: int, scale: float) -> list[float]:
        nonlocal ac_index
        ac = []
        for cy in range(ny):
            cx = 0 if cy else 1
            while cx * ny < nx * (ny - cy):
                nibble = (thumbhash[ac_start + (ac_index >> 1)] >> ((ac_index & 1) << 2)) & 15
                ac.append((nibble / 7.5 - 1) * scale)
                ac_index += 1
                cx += 1
        return ac

    # Chroma is boosted by 1.25 to make up for the saturation that quantisation takes away.
    l_ac = decode_channel(lx, ly, l_scale)
    p_ac = decode_channel(3, 3, p_scale * 1.25)
    q_ac = decode_channel(3, 3, q_scale * 1.25)
    a_ac = decode_channel(5, 5, a_scale) if has_alpha else []

    ratio = approximate_aspect_ratio(thumbhash)
    width = _round(32 if ratio > 1 else 32 * ratio)
    height = _round(32 / ratio if ratio > 1 else 32)
    out = bytearray(width * height * 4)
    n_x = max(lx, 5 if has_alpha else 3)
    n_y = max(ly, 5 if has_alpha else 3)
    i = 0
    for y in range(height):
        fy = [math.cos(math.pi / height * (y + 0.5) * cy) for cy in range(n_y)]
        for x in range(width):
            fx = [math.cos(math.pi / width * (x + 0.5) * cx) for cx in range(n_x)]
            lum, p, q, a = l_dc, p_dc, q_dc, a_dc
            j = 0
            for cy in range(ly):
                cx, fy2 = (0 if cy else 1), fy[cy] * 2
                while cx * ly < lx * (ly - cy):
                    lum += l_ac[j] * fx[cx] * fy2
                    j += 1
                    cx += 1
            j = 0
            for cy in range(3):
                cx, fy2 = (0 if cy else 1), fy[cy] * 2
                while cx < 3 - cy:
                    f = fx[cx] * fy2
                    p += p_ac[j] * f
                    q += q_ac[j] * f
                    j += 1
                    cx += 1
            if has_alpha:
                j = 0
                for cy in range(5):
                    cx, fy2 = (0 if cy else 1), fy[cy] * 2
                    while cx < 5 - cy:
                        a += a_ac[j] * fx[cx] * fy2
                        j += 1
                        cx += 1
            b = lum - 2 / 3 * p
            r = (3 * lum - b + q) / 2
            g = r - q
            out[i] = int(max(0.0, 255 * min(1.0, r)))
            out[i + 1] = int(max(0.0, 255 * min(1.0, g)))
            out[i + 2] = int(max(0.0, 255 * min(1.0, b)))
            out[i + 3] = int(max(0.0, 255 * min(1.0, a)))
            i += 4
    return width, height, bytes(out)
