"""Bounded caches: a server given many distinct queries does not keep growing.
`KPI_FUZZ_DISTINCT` distinct queries (`make fuzz`: 10,000; CI: a few hundred); RSS is
printed before and after for the record."""

import os
import re
from pathlib import Path

import httpx

from tests.api.test_no_stale_answers import _serve

DISTINCT = int(os.environ.get("KPI_FUZZ_DISTINCT", "300"))


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def test_distinct_queries_do_not_grow_memory_without_bound(tmp_path):
    server, base = _serve(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            def ask(i: int) -> None:
                query = '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { version } } x%d: areas(kind: REGION) { code name } }' % i
                assert client.post("/graphql", json={"query": query}).status_code == 200

            for i in range(300):  # warm up: fills the parser, validation and response caches
                ask(i)
            before = rss_mb(server.pid)
            for i in range(300, 300 + DISTINCT):
                ask(i)
            after = rss_mb(server.pid)
        print(f"\nRSS after warm-up {before:.0f} MB, after {DISTINCT} more distinct queries {after:.0f} MB")
        # Every cache is bounded (1,024 answers, 512 parsed and 512 validated documents), so
        # memory levels off; 64 MB of headroom covers allocator noise, not a leak per query.
        assert after - before < 64
    finally:
        server.kill()
        server.wait()
