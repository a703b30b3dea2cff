"""Audio: probe with mutagen, prove decodability by decoding every frame with PyAV, and transcode the
narration to the speech profile (AAC-LC mono in an .m4a whose ``moov`` index precedes the data, so phones
start playing and seek before the download ends).

Everything here blocks; callers run it in a worker thread.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import mutagen

from content.core.errors import UnsupportedMedia
from content.media.profiles import SpeechProfile

__all__ = ["AUDIO_FORMATS", "ProcessedAudio", "mp4_top_level_boxes", "probe_duration_s", "process_audio"]

# Sniffed format -> the FFmpeg demuxer we force, so no other demuxer ever gets to guess at the bytes.
AUDIO_FORMATS = {"mp3": "mp3", "mp4": "mp4", "ogg": "ogg", "wav": "wav", "flac": "flac", "aac": "aac"}
SPEECH_TYPE = "audio/mp4"


def _truncation_tolerance_s(declared_s: float) -> float:
    # Encoder delay and padding make decoded and declared lengths differ by a few frames, never by seconds.
    return max(0.5, 0.02 * declared_s)


def _output_tolerance_s(source_s: float) -> float:
    # AAC adds at most a frame or two (1024 samples each) once the edit list trims the priming.
    return max(0.1, 0.005 * source_s)


@dataclass(frozen=True, slots=True)
class ProcessedAudio:
    """The decoded source's length and facts, and the speech variant written to ``speech_path``."""

    duration_s: float
    speech_path: Path
    speech_duration_s: float
    probe: dict[str, Any] = field(default_factory=dict)


def process_audio(path: Path, audio_format: str, profile: SpeechProfile, speech_path: Path) -> ProcessedAudio:
    """Decode ``path`` entirely and write its speech variant to ``speech_path``.

    Raises ``UnsupportedMedia`` for anything mutagen cannot read, FFmpeg cannot decode to the end, or that
    decodes to much less than it declares (a cut-off file).
    """
    demuxer = AUDIO_FORMATS.get(audio_format)
    if demuxer is None:
        raise UnsupportedMedia.field("file", f"{audio_format} audio is not supported")
    try:
        return _process(path, demuxer, profile, speech_path)
    except BaseException:
        speech_path.unlink(missing_ok=True)
        raise


def _process(path: Path, demuxer: str, profile: SpeechProfile, speech_path: Path) -> ProcessedAudio:
    declared = _mutagen_facts(path)
    try:
        facts = _transcode(path, demuxer, profile, speech_path)
    except av.FFmpegError as exc:
        raise UnsupportedMedia.field("file", f"the audio cannot be decoded ({exc.strerror or exc})") from exc
    decoded_s = facts.pop("decoded_s")
    declared_s = declared.pop("duration_s", 0.0)
    if decoded_s <= 0:
        raise UnsupportedMedia.field("file", "the file holds no audio")
    if declared_s - decoded_s > _truncation_tolerance_s(declared_s):
        raise UnsupportedMedia.field(
            "file",
            f"the audio is cut off: it decodes to {decoded_s:.2f} s of the {declared_s:.2f} s it declares",
        )
    speech_s = probe_duration_s(speech_path)
    if abs(speech_s - decoded_s) > _output_tolerance_s(decoded_s):
        raise UnsupportedMedia.field(
            "file", f"the speech transcode lasts {speech_s:.2f} s instead of {decoded_s:.2f} s"
        )
    if mp4_top_level_boxes(speech_path)[:2] != ["ftyp", "moov"]:
        raise RuntimeError(f"speech variant {speech_path} does not start with its moov index")
    probe = {
        **declared,
        **{k: v for k, v in facts.items() if v is not None},
        "duration_s": round(decoded_s, 3),
    }
    return ProcessedAudio(
        duration_s=round(decoded_s, 3), speech_path=speech_path, speech_duration_s=speech_s, probe=probe
    )


def _mutagen_facts(path: Path) -> dict[str, Any]:
    try:
        tagged = mutagen.File(path)
    except Exception as exc:  # any parser failure on untrusted bytes means "not audio we can read"
        raise UnsupportedMedia.field("file", "not a readable audio file") from exc
    info = getattr(tagged, "info", None)
    if info is None:
        raise UnsupportedMedia.field("file", "not a readable audio file")
    facts = {
        "duration_s": float(getattr(info, "length", 0.0) or 0.0),
        "bitrate": getattr(info, "bitrate", None) or None,
        "channels": getattr(info, "channels", None) or None,
        "sample_rate": getattr(info, "sample_rate", None) or None,
    }
    return {k: v for k, v in facts.items() if v is not None}


def _transcode(path: Path, demuxer: str, profile: SpeechProfile, speech_path: Path) -> dict[str, Any]:
    with av.open(str(path), format=demuxer) as source:
        if not source.streams.audio:
            raise UnsupportedMedia.field("file", "the file has no audio stream")
        stream = source.streams.audio[0]
        context = stream.codec_context
        facts: dict[str, Any] = {
            "container": source.format.name,
            "codec": context.codec.canonical_name,
            "channels": context.channels,
            "sample_rate": context.sample_rate,
            "bitrate": stream.bit_rate or source.bit_rate or None,
        }
        decoded_samples = 0
        with av.open(str(speech_path), "w", format="ipod", options={"movflags": "+faststart"}) as sink:
            output = sink.add_stream("aac", rate=profile.sample_rate, layout="mono")
            output.bit_rate = profile.bitrate
            resampler = av.AudioResampler(format="fltp", layout="mono", rate=profile.sample_rate)
            for frame in _decoded(source, stream):
                decoded_samples += frame.samples
                for mono in resampler.resample(frame):
                    sink.mux(output.encode(mono))
            for mono in resampler.resample(None):
                sink.mux(output.encode(mono))
            sink.mux(output.encode(None))
        facts["decoded_s"] = decoded_samples / context.sample_rate if context.sample_rate else 0.0
    return facts


def _decoded(source: Any, stream: Any) -> Iterator[Any]:
    for packet in source.demux(stream):
        yield from packet.decode()


def probe_duration_s(path: Path) -> float:
    """An audio file's duration in seconds, from its first audio stream (or the container)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        return float(container.duration or 0) / av.time_base


def mp4_top_level_boxes(path: Path) -> list[str]:
    """The types of an MP4 file's top-level boxes, in order (``moov`` before ``mdat`` means faststart)."""
    boxes: list[str] = []
    with path.open("rb") as reader:
        size = path.stat().st_size
        offset = 0
        while offset + 8 <= size:
            reader.seek(offset)
            length, kind = struct.unpack(">I4s", reader.read(8))
            if length == 1:
                (length,) = struct.unpack(">Q", reader.read(8))
            elif length == 0:
                length = size - offset
            if length < 8:
                break
            boxes.append(kind.decode("latin-1"))
            offset += length
    return boxes
