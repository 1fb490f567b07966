"""Every caller is rate-limited: anonymous ones and invalid tokens per client address (web
routes too), X-Forwarded-For believed only from KPI_TRUSTED_PROXIES proxies; and a
connection that sends its headers slowly is closed (slowloris). Real servers over HTTP."""

import socket
import time

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.http.limits import RateLimiter
from kpi_api.http.request_limits import client_address
from kpi_api.storage import tokens
from tests.conftest import serving

QUERY = {"query": "{ areas(kind: REGION) { code } }"}


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('callers') / 'kpi.sqlite3'}"


def test_anonymous_callers_are_limited_per_address_on_graphql_and_web_routes(url):
    with (
        serving(url, anonymous_rate=0.1, anonymous_burst=3) as base,
        httpx.Client(base_url=base, timeout=10) as client,
    ):
        answers = [client.post("/graphql", json=QUERY) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        limited = client.post("/graphql", json=QUERY)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert "127.0.0.1" in limited.json()["errors"][0]["message"]
        figure = client.get("/figures/2.1/151.svg")
        assert figure.status_code == 429 and figure.headers["content-type"] == "application/problem+json"
        assert figure.json()["code"] == "RATE_LIMITED" and int(figure.headers["retry-after"]) >= 1
        # Without trusted proxies, X-Forwarded-For is the client's own say and changes nothing.
        assert (
            client.post("/graphql", json=QUERY, headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429
        )
        # An Authorization header on a web route (which checks none) is no way around it.
        assert client.get("/api/strategies", headers={"Authorization": "Bearer x"}).status_code == 429
        # The health check is never limited.
        assert client.get("/healthz").status_code == 200


def test_x_forwarded_for_is_believed_from_the_trusted_proxies_only(url):
    with (
        serving(url, anonymous_rate=0.1, anonymous_burst=1, trusted_proxies=1) as base,
        httpx.Client(base_url=base, timeout=10) as client,
    ):
        # One proxy: its entry (the rightmost) is the client; entries left of it are the client's own say.
        for n in range(3):
            assert (
                client.post(
                    "/graphql", json=QUERY, headers={"X-Forwarded-For": f"198.51.100.{n}"}
                ).status_code
                == 200
            )
        assert (
            client.post(
                "/graphql", json=QUERY, headers={"X-Forwarded-For": "203.0.113.1, 198.51.100.1"}
            ).status_code
            == 429
        )
        assert (
            client.post(
                "/graphql", json=QUERY, headers={"X-Forwarded-For": "203.0.113.2, 198.51.100.1"}
            ).status_code
            == 429
        )


def test_invalid_tokens_are_limited_per_address_and_valid_ones_per_token(url):
    token, _ = tokens.create(open_services(url).engine, tokens.Scope.READ, "caller limits")
    with (
        serving(url, anonymous_rate=0.1, anonymous_burst=3) as base,
        httpx.Client(base_url=base, timeout=10) as client,
    ):
        valid = [
            client.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"})
            for _ in range(6)
        ]
        assert all(a.status_code == 200 for a in valid), "a valid token is counted per token, not per address"
        guesses = [
            client.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer kpi_guess{n}"})
            for n in range(5)
        ]
        assert [g.json()["errors"][0]["extensions"]["code"] for g in guesses[:3]] == ["UNAUTHENTICATED"] * 3
        assert [g.status_code for g in guesses[3:]] == [429, 429]
        assert int(guesses[3].headers["retry-after"]) >= 1
        assert guesses[3].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert "invalid tokens" in guesses[3].json()["errors"][0]["message"]
        # Guesses have a bucket of their own: the address's anonymous reads still go ahead.
        assert client.post("/graphql", json=QUERY).status_code == 200


def test_the_buckets_memory_is_bounded():
    limiter = RateLimiter(rate=1.0, burst=2, max_keys=100)
    for n in range(10_000):
        limiter.wait_needed(f"10.0.{n // 256}.{n % 256}", now=0.0)
    assert len(limiter._buckets) == 100
    assert (
        limiter.wait_needed("10.0.39.15", now=0.0) == 0.0 and limiter.wait_needed("10.0.39.15", now=0.0) > 0
    )  # the newest kept


def test_client_addresses():
    def scope(peer: str, forwarded: str | None = None) -> dict:
        return {
            "client": (peer, 1),
            "headers": [(b"x-forwarded-for", forwarded.encode())] if forwarded else [],
        }

    assert client_address(scope("192.0.2.7", "203.0.113.1"), 0) == "192.0.2.7"
    assert client_address(scope("192.0.2.7", "203.0.113.1, 198.51.100.4"), 1) == "198.51.100.4"
    assert client_address(scope("192.0.2.7", "203.0.113.1, 198.51.100.4, 10.0.0.2"), 2) == "198.51.100.4"
    assert client_address(scope("192.0.2.7", "not an address"), 1) == "192.0.2.7"
    # An IPv6 subscriber gets a /64: one bucket for the block, not one per address in it.
    assert (
        client_address(scope("2001:db8:1:2::5"), 0)
        == client_address(scope("2001:db8:1:2:ffff::9"), 0)
        == "2001:db8:1:2::/64"
    )
    assert client_address(scope("::ffff:192.0.2.7"), 0) == "192.0.2.7"


def seconds_until_closed(port: int, data: bytes, at_once: bytes = b"") -> float | None:
    """Send `at_once`, then `data` a byte every 0.2 s; when the server closes the
    connection, how long it took (None: it never did)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        started = time.monotonic()
        connection.sendall(at_once)
        for byte in data:
            try:
                connection.sendall(bytes([byte]))
                time.sleep(0.2)
                connection.setblocking(False)
                try:
                    while chunk := connection.recv(65536):  # an answer may come first
                        del chunk
                    return time.monotonic() - started
                except BlockingIOError:
                    pass
                finally:
                    connection.setblocking(True)
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - started
    return None


def test_a_connection_sending_its_headers_slowly_is_closed(url):
    with serving(url, header_timeout=1.0) as base:
        port = int(base.rsplit(":", 1)[1])
        # One byte of an endless header every 0.2 s: each byte used to reset uvicorn's only timer.
        closed_after = seconds_until_closed(
            port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
        )
        print(f"\nslow headers: closed after {closed_after} s (limit 1 s)")
        assert closed_after is not None, "the server kept a connection open for 40 s of headers"
        # The same for a body sent on slowly after the answer (the route reads none).
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
        closed_after = seconds_until_closed(port, b"b" * 200, at_once=head)
        print(f"slow body after the answer: closed after {closed_after} s")
        assert closed_after is not None, "the server kept a connection open for 40 s of body"
        # A client sending its request at once is served as before, again on the same connection.
        with httpx.Client(base_url=base, timeout=10) as client:
            assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
