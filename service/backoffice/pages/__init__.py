"""The back-office pages, one module per area."""
