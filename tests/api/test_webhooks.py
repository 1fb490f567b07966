"""Webhooks: the change feed POSTed to a real local receiver by a real server, signed,
at least once, retried after a failure, with the failure visible in `kpi webhook list`."""

import hashlib
import hmac
import http.server
import json
import threading
import time

from typer.testing import CliRunner

from kpi_api.bootstrap import open_services
from kpi_api.cli import app
from kpi_api.importing.service import import_bytes
from tests.service import UNLIMITED_ADDRESSES, serving
from tests.synthetic import CAPITAL, seed

SECRET = "a-secret-of-the-intranet-team"
runner = CliRunner()


class Receiver:
    """An HTTP server on a loopback port that records every POST and answers with the
    statuses given, in turn (the last one from then on)."""

    def __init__(self, statuses: list[int]) -> None:
        self.received: list[tuple[dict, bytes, int]] = []
        statuses_left = list(statuses)
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = statuses_left.pop(0) if len(statuses_left) > 1 else statuses_left[0]
                received.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/kpi-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, status: int, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not any(s == status for *_, s in self.received):
            assert time.monotonic() < deadline, f"no delivery answered {status} within {seconds:.0f} s"
            time.sleep(0.1)

    def close(self) -> None:
        self.server.shutdown()


def test_a_status_change_reaches_the_receiver_signed_and_again_after_a_failure(tmp_path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    services = open_services(url)
    seed(services)
    services.upkeep.drain()
    receiver = Receiver([500, 200])
    try:
        added = runner.invoke(
            app,
            ["webhook", "add", receiver.url, "--secret", SECRET, "--filter", "area=151", "--database", url],
        )
        assert added.exit_code == 0, added.output
        with serving(url, **UNLIMITED_ADDRESSES):
            # Nine capital municipalities below 151 in 2022-09: 151's rank target is no longer met.
            peers = [c for c in CAPITAL if c != "151"][-9:]
            text = "indicator,area,period,value,published,source\n" + "".join(
                f"2.1,{c},2022-09,1.0,2022-11-15,SYNTETISK\n" for c in peers
            )
            report = import_bytes(
                text.encode(), "peers.csv", services.observations, services.strategies, services.areas
            )
            assert not report.rejected
            receiver.wait_for(500)
            listed = runner.invoke(app, ["webhook", "list", "--database", url])
            assert "HTTP 500 from the receiver" in listed.output, listed.output
            receiver.wait_for(200)  # retried after the back-off
        first, retried = receiver.received[0], receiver.received[-1]
        for headers, body, _ in (first, retried):
            expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            assert headers["X-KPI-Signature"] == expected
            assert "Authorization" not in headers and "Cookie" not in headers
        assert first[0]["X-KPI-Delivery"] == retried[0]["X-KPI-Delivery"]  # the same changes, the same id
        delivered = json.loads(retried[1])
        assert delivered["id"] == retried[0]["X-KPI-Delivery"]
        assert {c["area"] for c in delivered["changes"]} == {"151"}  # its filter
        change = next(c for c in delivered["changes"] if (c["indicatorId"], c["version"]) == ("2.1", "2022"))
        assert (
            change["batches"] == [report.batch]
            and change["asOf"] == "2022-11-15"
            and change["from"] == "ACHIEVED"
        )
        listed = runner.invoke(app, ["webhook", "list", "--database", url])
        assert "HTTP 500" not in listed.output
        (hook,) = open_services(url).webhooks.listed()
        assert hook.delivered == len(delivered["changes"]) and hook.failures == 0
    finally:
        receiver.close()


def test_a_webhook_must_be_http_with_a_host_and_a_real_secret(tmp_path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    for target, secret, says in (
        ("ftp://example.dk/x", SECRET, "must be http:// or https://"),
        ("https://user:pw@example.dk/x", SECRET, "must not carry a user name or password"),
        ("https://example.dk/x", "short", "must be 16–200 characters"),
    ):
        result = runner.invoke(app, ["webhook", "add", target, "--secret", secret, "--database", url])
        assert result.exit_code == 2 and says in result.output, result.output
    bad_filter = runner.invoke(
        app,
        [
            "webhook",
            "add",
            "https://example.dk/x",
            "--secret",
            SECRET,
            "--filter",
            "colour=red",
            "--database",
            url,
        ],
    )
    assert bad_filter.exit_code == 2 and "strategy=…, area=…, indicator=…" in bad_filter.output
    assert runner.invoke(app, ["webhook", "remove", "wh_nothing", "--database", url]).exit_code == 1
    assert open_services(url).webhooks.listed() == []
