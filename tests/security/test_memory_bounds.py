"""Bounded caches: a server given many distinct queries does not keep growing.
`KPI_FUZZ_DISTINCT` distinct queries (`make fuzz`: 10,000; CI: a few hundred); RSS is
printed before and after for the record."""

import os

import httpx

from tests.api.test_no_stale_answers import _serve
from tests.security.load_probe import rss_mb

DISTINCT = int(os.environ.get("KPI_FUZZ_DISTINCT", "400"))
WARM_UP = 1_100


def test_distinct_queries_do_not_grow_memory_without_bound(tmp_path):
    server, base = _serve(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    try:
        with httpx.Client(base_url=base, timeout=10) as client:

            def ask(i: int) -> None:
                query = (
                    '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { version } } '
                    f"x{i}: areas(kind: REGION) {{ code name }} }}"
                )
                assert client.post("/graphql", json={"query": query}).status_code == 200

            # Warm up past every cache's size (1,024 answers, 512 parsed and 512 validated
            # documents) so what follows measures growth beyond full caches.
            for i in range(WARM_UP):
                ask(i)
            before = rss_mb(server.pid)
            samples = []
            for i in range(WARM_UP, WARM_UP + DISTINCT):
                ask(i)
                if (i - WARM_UP + 1) % (DISTINCT // 4) == 0:
                    samples.append(rss_mb(server.pid))
        after = samples[-1]
        print(
            f"\nRSS after {WARM_UP} warm-up queries {before:.0f} MB; after each quarter of "
            f"{DISTINCT} more distinct queries: {', '.join(f'{s:.0f}' for s in samples)} MB"
        )
        # Bounded caches level off: the last half adds little (allocator noise, not a
        # leak per query), and all of it stays well inside the documented 300 MB.
        assert after - samples[1] < 16
        assert after - before < 64
    finally:
        server.kill()
        server.wait()
