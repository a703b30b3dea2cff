"""A picture server on 127.0.0.1 (a free port) for importer tests: serves the shared fixture images,
a slow answer, a text file posing as a JPEG, and 404s; counts requests per path."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["PictureServer", "picture_server"]


class PictureServer:
    def __init__(self, images: Path) -> None:
        self.images = images
        self.requests: Counter[str] = Counter()
        self.hold = threading.Event()  # set: requests for /held/… wait until released
        self.release = threading.Event()
        self.base_url = ""
        self.files: dict[str, bytes] = {}  # other paths to serve (feeds)

    def feed(self, path: Path) -> bytes:
        """A feed file with its ``http://PICTURES/`` URLs pointing at this server."""
        return path.read_bytes().replace(b"http://PICTURES/", f"{self.base_url}/".encode())


def _handler(server: PictureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            name = self.path.lstrip("/")
            server.requests[name] += 1
            if name.startswith("slow/"):
                time.sleep(3)
                name = name.removeprefix("slow/")
            if name.startswith("held/"):
                server.hold.set()
                server.release.wait(30)
                name = name.removeprefix("held/")
            if name in server.files:
                self._send(server.files[name], "application/json")
                return
            if name == "fake.jpg":
                self._send(b"this is not a picture at all", "image/jpeg")
                return
            path = server.images / name
            if "/" in name or not path.is_file():
                self.send_error(404)
                return
            self._send(path.read_bytes(), "application/octet-stream")

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The importer may stop reading (too big): that is the point, not an error.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler


@contextmanager
def picture_server(images: Path) -> Iterator[PictureServer]:
    state = PictureServer(images)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
