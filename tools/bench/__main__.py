"""``python -m tools.bench [all | NAME ...] [--json PATH]``: run every benchmark here, or the named ones,
then print one table of every figure (ratio, goal, met or not) and write it as JSON (``bench.json``)."""

from __future__ import annotations

import argparse
import pkgutil
import sys
from importlib import import_module
from pathlib import Path

import tools.bench
from tools.bench._report import figures, machine, table, write_json


def _names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(tools.bench.__path__) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--json", type=Path, default=Path("bench.json"), help="where to write the figures")
    args = parser.parse_args(argv)
    wanted = _names() if not args.names or args.names == ["all"] else args.names
    unknown = sorted(set(wanted) - set(_names()))
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(_names())}", file=sys.stderr
        )
        return 2
    before = machine()
    status = 0
    for name in wanted:
        print(f"== tools.bench.{name}", flush=True)
        try:
            status |= int(import_module(f"tools.bench.{name}").main([]) or 0)
        except Exception as exc:  # one failing benchmark does not hide the others' figures
            print(f"tools.bench.{name} failed: {exc!r}", file=sys.stderr)
            status |= 1
    found = figures()
    print(f"\n== every figure (load average before {before['load_average']}, {before['cores']} cores)")
    print(table(found))
    write_json(args.json, found, before)
    print(f"written to {args.json}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
