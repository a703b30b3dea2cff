"""One module per ``odyssee`` sub-command group; each exposes ``register(subparsers)``."""
