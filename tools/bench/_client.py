"""A load client for machines without wrk: ``python -m tools.bench._client PORT PATH SECONDS CONNECTIONS
[HEADER ...]`` prints bytes per second and requests per second. Bounded by SECONDS."""

from __future__ import annotations

import http.client
import sys
import threading
import time


def main(argv: list[str]) -> int:
    port, path, seconds, connections = int(argv[0]), argv[1], float(argv[2]), int(argv[3])
    headers = dict(h.split(": ", 1) for h in argv[4:])
    deadline = time.monotonic() + seconds
    totals = [0, 0]
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        buffer = bytearray(1024 * 1024)
        while time.monotonic() < deadline:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            received = 0
            while count := response.readinto(buffer):
                received += count
            with lock:
                totals[0] += received
                totals[1] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(totals[0] / elapsed, totals[1] / elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
