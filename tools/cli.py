"""``odyssee``: the operator's command line. Settings come from ``ODYSSEE_*``; flags override them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any

from content.settings import Settings, load_settings
from tools.logs import configure_logging

__all__ = ["add_common", "main", "settings_from"]

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
)


def add_common(parser: argparse.ArgumentParser) -> None:
    """Flags every command that touches the store accepts."""
    parser.add_argument("--data-dir", help="data directory (env ODYSSEE_DATA_DIR, default ./data)")


def settings_from(args: argparse.Namespace, **extra: Any) -> Settings:
    return load_settings(data_dir=getattr(args, "data_dir", None), **extra)


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
        result = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except ValueError as exc:  # settings and argument errors
        print(f"odyssee: error: {exc}", file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
