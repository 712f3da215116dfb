"""Cold start: time from exec of `hocvuso serve` (fresh data folder, first migration included, and an existing
database) to the first 200 of /healthz. Five runs each; prints the median and the worst."""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

binary, work = sys.argv[1], sys.argv[2]


def first_200(port):
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(request)
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(0.001)


def run(data, port):
    started = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}"], env={**os.environ, "HOCVUSO_DATA": data},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first_200(port)
    elapsed = time.perf_counter() - started
    proc.terminate()
    proc.wait(timeout=10)
    return elapsed


fresh, existing = [], []
for attempt in range(5):
    data = os.path.join(work, f"fresh{attempt}")
    fresh.append(run(data, 18090 + attempt))
    existing.append(run(data, 18090 + attempt))
    shutil.rmtree(data, ignore_errors=True)
for label, times in (("new database (migrations + unit lists)", fresh), ("existing database", existing)):
    print(f"cold start to first 200, {label}: median {statistics.median(times)*1000:.0f} ms, worst {max(times)*1000:.0f} ms")
