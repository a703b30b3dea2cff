"""``odyssee``: the operator's command line. Settings come from ``ODYSSEE_*``; flags override them.

Errors end in one line on stderr and a non-zero exit status, never a traceback: 2 for a bad argument or
setting, 1 for anything else (a missing store, a file that cannot be read or written, a busy port).
Commands work on an existing store; only ``demo``, ``import``, ``users add`` and ``serve --init`` may
create one (a typo in ``--data-dir`` must not leave an empty database behind).
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

from content.core.settings import Settings, load_settings
from tools.logs import configure_logging

__all__ = [
    "CommandError",
    "StoreUse",
    "add_common",
    "input_file",
    "main",
    "output_file",
    "require_store",
    "settings_from",
]

# Sub-command modules under tools/commands, in --help order.
_COMMANDS = (
    "serve",
    "demo",
    "importing",
    "geojson_io",
    "offices",
    "users",
    "media",
    "storage",
    "producers",
    "packs",
    "backup",
    "analytics",
    "basemap",
)


# What a command does with the store: "opens" an existing one (refused when there is none), "creates" it
# when missing, or "none" (does not use the database).
StoreUse = Literal["opens", "creates", "none"]


class CommandError(Exception):
    """A failure to report as one line, ``odyssee: error: <message>``, with exit status ``status``."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def add_common(parser: argparse.ArgumentParser, *, store: StoreUse = "opens") -> None:
    """Flags every command that touches the store accepts, and how it uses the store."""
    parser.add_argument("--data-dir", help="data directory (env ODYSSEE_DATA_DIR, default ./data)")
    parser.set_defaults(store_use=store)


def settings_from(args: argparse.Namespace, **extra: Any) -> Settings:
    return load_settings(data_dir=getattr(args, "data_dir", None), **extra)


def require_store(settings: Settings) -> None:
    """Refuse to go on unless the data directory holds a store (``CommandError`` saying what to do)."""
    if settings.db_path.is_file():
        return
    raise CommandError(
        f"no Odyssée store in {settings.data_dir.resolve()} ({settings.db_path.name} is not there). Run"
        " the command from the folder that holds data/, or give the right --data-dir (or ODYSSEE_DATA_DIR);"
        " `odyssee demo` makes a demo store, `odyssee serve --init` an empty one."
    )


def input_file(value: str) -> Path:
    """An ``argparse`` type: a file that exists and can be read."""
    path = Path(value)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a folder, not a file")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{value}: no such file")
    return path


def output_file(value: str) -> Path:
    """An ``argparse`` type: a file to write, in a folder that exists."""
    path = Path(value)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {value}: there is no folder {folder}")
    return path


_OS_ERRORS = {
    errno.ENOENT: "no such file or folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
}


def _describe(exc: OSError) -> str:
    reason = _OS_ERRORS.get(exc.errno or 0) or exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="odyssee",
        description="Odyssée: stories, POIs, producers and offline packs for rural territories.",
    )
    parser.add_argument(
        "--log-level", help="critical, error, warning, info or debug (env ODYSSEE_LOG_LEVEL, default info)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        import_module(f"tools.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        logged = load_settings(log_level=args.log_level)
        configure_logging(logged.log_level, logged.log_format)
        if getattr(args, "store_use", "none") == "opens":
            require_store(settings_from(args))
        result = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except CommandError as exc:
        print(f"odyssee: error: {exc.message}", file=sys.stderr)
        return exc.status
    except ValueError as exc:  # settings and argument errors
        print(f"odyssee: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file that cannot be read or written, found only once at work
        print(f"odyssee: error: {_describe(exc)}", file=sys.stderr)
        return 1
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
