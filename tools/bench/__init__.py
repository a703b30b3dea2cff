"""Benchmarks, each runnable as ``python -m tools.bench.<name>``; figures are ratios within one run."""
