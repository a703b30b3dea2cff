"""``python -m tools.bench [all | NAME ...]``: run every benchmark here, or the named ones."""

from __future__ import annotations

import pkgutil
import sys
from importlib import import_module

import tools.bench


def _names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(tools.bench.__path__) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    wanted = _names() if not argv or argv == ["all"] else argv
    unknown = sorted(set(wanted) - set(_names()))
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(_names())}", file=sys.stderr
        )
        return 2
    status = 0
    for name in wanted:
        print(f"== tools.bench.{name}", flush=True)
        status |= int(import_module(f"tools.bench.{name}").main() or 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
