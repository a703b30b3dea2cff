"""Anonymous usage figures: daily counters checked against published content, rolled up to months
past the retention horizon, read back per scope with small numbers suppressed."""
