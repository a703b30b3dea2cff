"""``odyssee serve``: run the HTTP service with uvicorn (several worker processes: ``tools.workers``)."""

from __future__ import annotations

import argparse

import uvicorn

from tools.cli import add_common, require_store, settings_from
from tools.commands._listen import check_port_free, port_number
from tools.serving import server_config, server_options
from tools.workers import serve_workers, worker_count

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the HTTP service", description="Run the HTTP service.")
    add_common(parser, store="none")
    parser.add_argument("--host", help="address to bind (env ODYSSEE_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=port_number, help="port (env ODYSSEE_PORT, default 8000)")
    parser.add_argument(
        "--init", action="store_true", help="create an empty store in the data directory if there is none"
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="server processes (env ODYSSEE_WORKERS; default 0: one per core)",
    )
    parser.add_argument(
        "--replicate",
        metavar="S3_URL",
        help="stream the database to s3://BUCKET/PATH with Litestream while serving (tools/replication.py)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not getattr(args, "replicate", None):
        return _serve(args)
    from content.core.db import prepare_file
    from tools.replication import start_replication

    settings = settings_from(args)
    prepare_file(settings.db_path)
    replicator = start_replication(settings, args.replicate)
    try:
        return _serve(args)
    finally:
        replicator.terminate()
        replicator.wait(timeout=30)


def _serve(args: argparse.Namespace) -> int:
    settings = settings_from(args, host=args.host, port=args.port, workers=args.workers)
    if not args.init:
        require_store(settings)
    check_port_free(settings.host, settings.port)
    workers = worker_count(settings.workers)
    if workers > 1:
        # Same timeouts, limits and logging in every worker: tools/serving.py.
        serve_workers(settings, workers, **server_options(settings))
        return 0
    from service.app import create_app

    app = create_app(settings)
    # Timeouts, connection limit, no forwarded headers, our logging: tools/serving.py.
    uvicorn.Server(server_config(app, settings)).run()
    return 0
