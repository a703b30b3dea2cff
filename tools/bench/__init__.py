"""Benchmarks, each runnable as ``python -m tools.bench.<name>``; figures are ratios within one run."""

from __future__ import annotations

__all__: list[str] = []
