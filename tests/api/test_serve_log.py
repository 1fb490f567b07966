"""`kpi serve` logs each request as uvicorn formats it, written off the event loop
(kpi_api/http/log_queue.py), and nothing queued is lost when it stops."""

import signal
import subprocess

import httpx

from tests.api.test_no_stale_answers import KPI, _port


def test_the_access_log_is_written_whole_and_flushed_on_stop(tmp_path):
    port = _port()
    server = subprocess.Popen(
        [KPI, "serve", "--port", str(port), "--database", f"sqlite:///{tmp_path / 'kpi.sqlite3'}"],
        stdout=subprocess.PIPE,  # uvicorn writes the access log to stdout, the rest to stderr
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                subprocess.run(["sleep", "0.1"], check=True)
        for n in range(20):
            httpx.get(f"{base}/no-such-page-{n}", timeout=5)
    finally:
        server.send_signal(signal.SIGTERM)
        log = server.communicate(timeout=30)[0]
    assert "Logging error" not in log and "Traceback" not in log, log
    assert '"GET /healthz HTTP/1.1" 200' in log
    assert all(f'"GET /no-such-page-{n} HTTP/1.1" 404' in log for n in range(20)), log
    assert log.rstrip().endswith("Finished server process [" + str(server.pid) + "]")
