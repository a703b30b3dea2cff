"""One logging setup for every ``odyssee`` command, the server included.

``ODYSSEE_LOG_LEVEL`` (or ``odyssee --log-level``) sets the level of everything: our loggers
(``odyssee.*``: ``odyssee.access`` for the access log, ``odyssee.packs``, ``odyssee.service`` …) and
uvicorn's. ``ODYSSEE_LOG_FORMAT`` is ``auto`` (JSON lines when stderr is not a terminal, readable text
when it is), ``json`` or ``text``. A JSON line holds ``time``, ``level``, ``logger``, ``message``, the
structured fields of the record (an access line: ``request_id``, ``method``, ``path``, ``query`` with
secrets redacted, ``route``, ``status``, ``duration_ms``, ``bytes``, ``client``) and ``exception``.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

__all__ = ["JSONFormatter", "configure_logging"]

_LEVELS = {"critical", "error", "warning", "info", "debug"}
_TEXT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _OursHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module installed, so that configuring twice replaces it. Without an
    explicit stream it writes to whatever ``sys.stderr`` is when a record comes (a test runner swaps and
    closes stderr between tests; a handler holding the old one would fail on a closed file)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._follows_stderr = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self._follows_stderr:
            self.stream = sys.stderr
        super().emit(record)


def configure_logging(level: str = "info", fmt: str = "auto", stream: TextIO | None = None) -> None:
    """Send every record at ``level`` or above to ``stream`` (stderr), as JSON or text."""
    level = level.lower()
    if level not in _LEVELS:
        raise ValueError(f"log_level: {level!r} is not one of {', '.join(sorted(_LEVELS))}")
    if fmt not in {"auto", "json", "text"}:
        raise ValueError(f"log_format: {fmt!r} is not auto, json or text")
    if fmt == "auto":
        fmt = "text" if (stream or sys.stderr).isatty() else "json"
    handler = _OursHandler(stream)
    handler.setFormatter(JSONFormatter() if fmt == "json" else logging.Formatter(_TEXT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OursHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's own loggers go through the same handler; its access log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
        uvicorn_logger.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True
