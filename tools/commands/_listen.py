"""Before ``odyssee serve`` starts the app: a port in range and free, else one line saying what to do."""

from __future__ import annotations

import argparse
import errno
import socket

from tools.cli import CommandError

__all__ = ["check_port_free", "port_number"]


def port_number(value: str) -> int:
    """An ``argparse`` type: a TCP port, 1 to 65535."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1 to 65535)")
    return port


def check_port_free(host: str, port: int) -> None:
    """Bind ``host:port`` once, as uvicorn is about to, and let go: ``CommandError`` if it is taken."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise CommandError(f"cannot listen on {host!r}: no such address on this machine (--host)") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn does, so that a port a previous run left in TIME_WAIT counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"port {port} on {host} is already in use (another `odyssee serve` or `make run`?)."
                    f" Stop it, or choose another port: `odyssee serve --port 8741`, `ODYSSEE_PORT=8741`,"
                    f" or `make run PORT=8741`."
                ) from None
            if exc.errno == errno.EACCES:
                raise CommandError(
                    f"not allowed to listen on port {port} (ports below 1024 need root); choose another"
                    " with --port or ODYSSEE_PORT"
                ) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise CommandError(
                    f"cannot listen on {host}: not an address of this machine (--host)"
                ) from None
            raise
