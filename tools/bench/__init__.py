"""Benchmarks: ``python -m tools.bench.<name>``, or ``python -m tools.bench all``. Each module has ``main()``
and prints its figures as ratios against a baseline measured in the same run. Benchmarks are not tests.
"""
