"""Settings, read from the environment once; the CLI layers its flags on top."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

__all__ = ["ENV_PREFIX", "Settings", "load_settings"]

ENV_PREFIX = "ODYSSEE_"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Every setting, with its environment variable ``ODYSSEE_<NAME>`` (documented in the README)."""

    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: Annotated[int, msgspec.Meta(ge=0, le=65535)] = 8000
    workers: Annotated[int, msgspec.Meta(ge=0)] = 0
    default_lang: str = "fr"
    db_readers: int = 4
    max_upload_bytes: int = 200 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    max_image_pixels: int = 64_000_000
    speech_bitrate: int = 48_000
    speech_sample_rate: int = 44_100
    storage: Literal["local", "s3"] = "local"
    s3_endpoint_url: str | None = None
    s3_bucket: str = "odyssee"
    s3_region: str = "us-east-1"
    s3_prefix: str = ""
    s3_public_base_url: str | None = None
    s3_redirect: bool = False
    pack_rebuild_delay_s: float = 2.0
    pack_rebuild_max_wait_s: float = 60.0
    pack_expiry_days: int = 180
    pack_history_days: int = 90
    token_ttl_s: int = 12 * 3600
    log_level: str = "info"
    # Operations (README "Operating it"): logs, metrics, proxies, the server's timeouts and limits.
    log_format: Literal["auto", "json", "text"] = "auto"
    metrics_token: str | None = None
    trusted_proxies: str = ""
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    keep_alive_s: float = 5.0
    max_connections: int = 1000
    # `odyssee serve` (tools/serving.py): httptools on uvloop when installed, or h11 on asyncio.
    http_parser: Literal["auto", "httptools", "h11"] = "auto"
    sweep_grace_s: int = 6 * 3600
    analytics_retention_months: int = 25
    analytics_figure_budget: int = 20
    analytics_daily_budget: int = 2000
    analytics_flush_s: float = 5.0
    analytics_cache_rows: int = 100_000
    # The offline basemap (PMTiles v3): a file path or a blob key; unset, the one `odyssee basemap set`
    # recorded (if any) is used. The style directory is for vector basemaps.
    basemap: str | None = None
    basemap_style: Path | None = None
    # Route packs: the line's box grown by `basemap_buffer_m` up to zoom `basemap_box_maxzoom`, and a
    # corridor of `basemap_corridor_m` around the line up to `basemap_corridor_maxzoom`; area packs: the box.
    basemap_buffer_m: float = 2000.0
    basemap_box_maxzoom: int = 14
    basemap_corridor_m: float = 500.0
    basemap_corridor_maxzoom: int = 16

    @property
    def db_path(self) -> Path:
        return self.data_dir / "odyssee.sqlite3"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from ``ODYSSEE_*`` variables, then explicit overrides (CLI flags) that are not None."""
    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    for name in Settings.__struct_fields__:
        value = env.get(ENV_PREFIX + name.upper())
        if value is not None and value != "":
            raw[name] = value
    raw.update({k: v for k, v in overrides.items() if v is not None})
    # Environment values are strings; msgspec converts them to the declared types or says which is wrong.
    try:
        return msgspec.convert(raw, Settings, strict=False, dec_hook=_decode_path)
    except msgspec.ValidationError as exc:
        # "Expected `int` <= 65535 - at `$.port`" → name the variable (or flag) the value came from.
        found = re.fullmatch(r"(.*) - at `\$\.(\w+)`", str(exc))
        if found is None:
            raise ValueError(f"invalid setting: {exc}") from exc
        name = found[2]
        source = (
            f"--{name.replace('_', '-')}" if overrides.get(name) is not None else ENV_PREFIX + name.upper()
        )
        raise ValueError(f"invalid setting {source}={raw[name]!r}: {found[1]}") from exc


def _decode_path(type_: type, obj: Any) -> Any:
    if type_ is Path and isinstance(obj, str | os.PathLike):
        return Path(obj)
    raise TypeError(f"cannot read {type_!r} from {obj!r}")
