"""Running the service: backups and their verification, deep health probes, sweeping crash leftovers."""
