"""The load run's ordinary caller, in a process of its own (so the crowd's client work
cannot delay its measurements): asks `/healthz` and a cheap cached query every 50 ms for
a given time, samples the server's RSS, and prints the timings as JSON.

    python -m tests.security.load_probe BASE SERVER_PID SECONDS
"""

import json
import os
import re
import sys
import time
from pathlib import Path

import httpx

CHEAP = {"query": "{ areas(kind: REGION) { code name } }"}


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    return int(re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024


def probe(base: str, pid: int, seconds: float) -> dict:
    record: dict = {"healthz": [], "cheap": [], "rss": []}
    until = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=30, headers={"x-forwarded-for": "192.0.2.1"}) as client:
        while time.monotonic() < until:
            for name, method, arguments in (
                ("healthz", "GET", {"url": "/healthz"}),
                ("cheap", "POST", {"url": "/graphql", "json": CHEAP}),
            ):
                start = time.perf_counter()
                try:
                    status = client.request(method, **arguments).status_code
                except httpx.TimeoutException:
                    status = 0  # no answer within 30 s: the service froze
                record[name].append((time.perf_counter() - start, status))
            record["rss"].append(rss_mb(pid))
            time.sleep(0.05)
    return record


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))))
