"""Media pipeline figures: what a phone downloads against what was uploaded, ingest and cached re-ingest
times, and WebP against AVIF for the ``screen`` variant (size, encode time, fidelity).

Run: ``python -m tools.bench.media``. Uses the shared fixtures; the 3-minute narration is made here by
repeating narration-fr.mp3 (decoded and re-encoded to a 192 kbps stereo MP3, like the original).
"""

from __future__ import annotations

import asyncio
import io
import math
import tempfile
import time
from pathlib import Path

import av
from PIL import Image, ImageChops, ImageOps, ImageStat

from content.blobs import LocalBlobStore
from content.core.db import Database
from content.core.model import MediaRef
from content.core.settings import Settings, load_settings
from content.media import ingest
from tools.bench._report import record

__all__ = ["main"]

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
NARRATION_S = 180.0


def _long_narration(source: Path, target: Path, seconds: float) -> Path:
    """``source`` repeated until ``seconds`` long, as an MP3 like the original (192 kbps stereo)."""
    with av.open(str(target), "w", format="mp3") as sink:
        stream = sink.add_stream("libmp3lame", rate=44_100, layout="stereo")
        stream.bit_rate = 192_000
        resampler = av.AudioResampler(format="s16p", layout="stereo", rate=44_100)
        written = 0
        while written < seconds * 44_100:
            with av.open(str(source)) as container:
                for frame in container.decode(audio=0):
                    for converted in resampler.resample(frame):
                        converted.pts = None
                        sink.mux(stream.encode(converted))
                        written += converted.samples
                    if written >= seconds * 44_100:
                        break
        sink.mux(stream.encode(None))
    return target


async def _timed_ingest(
    db: Database, store: LocalBlobStore, settings: Settings, path: Path
) -> tuple[MediaRef, float]:
    started = time.perf_counter()
    ref = await ingest(db, store, settings, path, credit="bench")
    return ref, time.perf_counter() - started


async def _ingest_all(work: Path, files: list[Path]) -> list[tuple[str, int, MediaRef, float, float]]:
    """``(name, uploaded bytes, ref, first ingest s, cached re-ingest s)`` per file."""
    settings = load_settings(env={}, data_dir=work / "data")
    store = LocalBlobStore(settings.blob_dir)
    results = []
    async with Database(settings.db_path) as db:
        for path in files:
            ref, first_s = await _timed_ingest(db, store, settings, path)
            again, cached_s = await _timed_ingest(db, store, settings, path)
            if again != ref:
                raise RuntimeError(f"re-ingesting {path.name} gave another ref")
            results.append((path.name, path.stat().st_size, ref, first_s, cached_s))
    return results


def _psnr(a: Image.Image, b: Image.Image) -> float:
    squares = ImageStat.Stat(ImageChops.difference(a, b).point(lambda v: v * v)).mean
    mse = sum(squares) / len(squares)
    return 99.0 if mse == 0 else 10 * math.log10(255**2 / mse)


def _encode(image: Image.Image, fmt: str, **options: int) -> tuple[int, float, float]:
    best_s = math.inf
    for _ in range(3):
        buffer = io.BytesIO()
        started = time.perf_counter()
        image.save(buffer, fmt, **options)
        best_s = min(best_s, time.perf_counter() - started)
    decoded = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return len(buffer.getvalue()), best_s, _psnr(image, decoded)


def _webp_vs_avif(photo: Path) -> None:
    with Image.open(photo) as original:
        screen = ImageOps.exif_transpose(original).convert("RGB")
    screen.thumbnail((1280, 1280), Image.Resampling.LANCZOS)
    webp_bytes, webp_s, webp_db = _encode(screen, "WEBP", quality=80, method=4)
    print(f"screen {screen.width}x{screen.height} of {photo.name}: format, bytes, encode time, PSNR")
    print(f"  WebP q80 m4 (used)  {webp_bytes:8d} B  {webp_s * 1000:7.1f} ms  {webp_db:5.2f} dB  (baseline)")
    for quality, speed in ((80, 6), (75, 6), (70, 6), (60, 6), (75, 8)):
        size, seconds, psnr = _encode(screen, "AVIF", quality=quality, speed=speed)
        print(
            f"  AVIF q{quality} speed {speed}  {size:8d} B  {seconds * 1000:7.1f} ms  {psnr:5.2f} dB"
            f"  size x{size / webp_bytes:.2f}, encode time x{seconds / webp_s:.1f} of WebP"
        )


def main(argv: list[str] | None = None) -> int:
    photo = FIXTURES / "images" / "phone-photo.jpg"
    with tempfile.TemporaryDirectory(prefix="odyssee-bench-media-") as tmp:
        work = Path(tmp)
        narration = _long_narration(
            FIXTURES / "audio" / "narration-fr.mp3", work / "narration-3min.mp3", NARRATION_S
        )
        results = asyncio.run(_ingest_all(work, [photo, narration]))
    uploaded = downloaded = 0
    print("file: uploaded bytes -> bytes a phone downloads (variants); ingest time; cached re-ingest time")
    for name, size, ref, first_s, cached_s in results:
        variant_bytes = sum(v.size for v in ref.variants.values())
        uploaded += size
        downloaded += variant_bytes
        speed = (
            f" ({ref.duration_s:.0f} s of audio, {ref.duration_s / first_s:.0f}x real time)"
            if ref.duration_s
            else ""
        )
        kinds = ", ".join(ref.variants)
        print(f"  {name:<20} {size:9d} B -> {variant_bytes:8d} B ({variant_bytes / size:.3f}) [{kinds}]")
        print(
            f"  {'':<20} ingest {first_s:6.2f} s{speed}; cached {cached_s * 1000:6.1f} ms"
            f" = {cached_s / first_s:.4f} of the first"
        )
    print(f"phone downloads / uploaded originals: {downloaded / uploaded:.3f} (target <= 0.25)")
    record("media", "phone downloads / uploaded originals", downloaded / uploaded, at_most=0.25)
    _webp_vs_avif(photo)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
