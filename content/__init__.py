"""Domain model, validation, SQLite store and media pipeline. Knows nothing of HTTP."""
