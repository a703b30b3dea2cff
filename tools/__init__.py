"""The ``odyssee`` command line, demo data and benchmarks."""
