"""The CLI says where it writes, and every command finds the same database wherever it
runs: the default is one file in the user's data folder (XDG_DATA_HOME here), not the
working folder. Real subprocesses, as an operator runs them; a real `kpi serve`."""

import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.recorded_apis import Recorded, served, statbank_app

KPI = str(Path(sys.executable).with_name("kpi"))


@pytest.fixture
def home(tmp_path):
    """An environment with no KPI_DATABASE_URL and the user's data folder in tmp_path."""
    env = {k: v for k, v in os.environ.items() if k != "KPI_DATABASE_URL"}
    env.update(COLUMNS="300", XDG_DATA_HOME=str(tmp_path / "data"))
    folders = [tmp_path / name for name in ("a", "b", "c")]
    for folder in folders:
        folder.mkdir()
    return env, folders, tmp_path / "data" / "kommune-kpi" / "kpi.sqlite3"


def kpi(env, cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KPI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_a_dry_run_on_a_new_machine_creates_no_file(home):
    env, (a, _, _), database = home
    (a / "figures.csv").write_text("indicator,area,period,value\n2.2,151,2022-12,30.5\n", encoding="utf-8")
    result = kpi(env, a, "import", "--dry-run", "figures.csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"database: sqlite:///{database} does not exist; the dry run checks against a new, empty one in memory"
    )
    assert "new figures (vintages) that would be stored │ 1" in result.stdout
    assert sorted(p.name for p in a.iterdir()) == ["figures.csv"] and not database.parent.exists()


def test_a_dry_run_fetch_on_a_new_machine_creates_no_file(home):
    # Statbank as a real HTTP server (recorded shapes, synthetic numbers), `kpi fetch` as a
    # subprocess: it fetches, checks and counts, and leaves no database behind, anywhere.
    env, (a, _, _), database = home
    with served(statbank_app(Recorded())) as statbank:
        env = {**env, "KPI_STATBANK_URL": f"{statbank}/v1", "KPI_MAPPINGS": ""}
        result = kpi(env, a, "fetch", "--table", "AUP01", "--since", "2026-09", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"database: sqlite:///{database} does not exist; the dry run checks against a new, empty one in memory"
    )
    assert "Dry run: fetched into" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.strip().startswith("AUP01"))
    # 3 areas × 3 ages × 2 months, every one new, none stored.
    assert [cell.strip() for cell in row.split("│")][2:5] == ["18", "18", "0"]
    assert list(a.iterdir()) == [] and not database.parent.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_import_and_token_from_different_folders_use_one_database(home):
    env, (a, b, c), database = home
    (a / "figures.csv").write_text(
        "indicator,area,period,value,published\n2.2,151,2022-12,30.5,2023-01-10\n", encoding="utf-8"
    )
    imported = kpi(env, a, "import", "figures.csv")
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr.splitlines()[0] == f"database: sqlite:///{database}"
    made = kpi(env, b, "token", "create", "--scope", "import", "--name", "test")
    assert made.returncode == 0 and made.stderr.splitlines()[0] == f"database: sqlite:///{database}"
    token = made.stdout.strip()  # stdout holds the token alone: `kpi token create … > token.txt`
    assert token.startswith("kpi_") and "\n" not in token
    port = _free_port()
    server = subprocess.Popen(
        [KPI, "serve", "--port", str(port)],
        cwd=c,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "kpi serve did not start"
            time.sleep(0.2)
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ importBatches { fileName rows added } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        assert answer["data"]["importBatches"][0] == {"fileName": "figures.csv", "rows": 1, "added": 1}
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert stderr.splitlines()[0] == f"database: sqlite:///{database}"
    # Nothing was written to any working folder.
    assert [sorted(p.name for p in f.iterdir()) for f in (a, b, c)] == [["figures.csv"], [], []]


def test_batches_are_listed_and_one_is_taken_back(home):
    env, (a, b, _), database = home
    (a / "wrong.csv").write_text(
        "indicator,area,period,value,published\n2.2,151,2022-12,30.5,2023-01-10\n2.2,DK,2022-12,28,2023-01-10\n",
        encoding="utf-8",
    )
    assert kpi(env, a, "import", "wrong.csv").returncode == 0
    listed = kpi(env, b, "batches")
    assert listed.returncode == 0 and listed.stderr.splitlines() == [f"database: sqlite:///{database}"]
    line = next(line for line in listed.stdout.splitlines() if "wrong.csv" in line)
    cells = [cell.strip() for cell in line.split("│")[1:-1]]
    batch_id, file, format, rows, added, by = cells[:6]
    assert (file, format, rows, added) == ("wrong.csv", "csv", "2", "2") and by.endswith("(kpi import)")
    assert cells[7] == ""  # not retracted
    retracted = kpi(env, b, "batches", "retract", batch_id)
    today = datetime.date.today()
    assert retracted.returncode == 0, retracted.stderr
    assert retracted.stdout.strip() == (
        f"Retracted batch {batch_id} (wrong.csv, 2 figure(s) stored): from {today} its figures leave the views; "
        f"a replay as of {today - datetime.timedelta(days=1)} or earlier still shows them."
    )
    again = kpi(env, b, "batches", "retract", batch_id)
    assert again.returncode == 1 and f"batch {batch_id} (wrong.csv) was already retracted on" in again.stderr
    unknown = kpi(env, b, "batches", "retract", "[/x]")  # text from the user: printed as text
    assert unknown.returncode == 1 and "there is no batch '[/x]'; `kpi batches` lists them" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    after = next(line for line in kpi(env, b, "batches").stdout.splitlines() if "wrong.csv" in line)
    assert f"from {today} by " in after and "(kpi batches retract)" in after


def test_a_template_is_a_file_kpi_import_takes(home):
    env, (a, _, _), database = home
    result = kpi(env, a, "template", "1.2")
    today = datetime.date.today()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "indicator,area,period,value,unit,numerator,denominator,published,source,flag\n"
        f"1.2,151,{last_month:%Y-%m},85.0,percent,,,,,\n"
    )
    assert "replace it with your figures" in result.stderr and not database.parent.exists()  # no database
    (a / "1.2.csv").write_text(result.stdout, encoding="utf-8")
    imported = kpi(env, a, "import", "1.2.csv")
    assert imported.returncode == 0, imported.stderr
    assert "new figures (vintages) stored │ 1" in imported.stdout
    unknown = kpi(env, a, "template", "9.9")
    assert unknown.returncode == 1 and unknown.stderr.startswith(
        "`9.9` is not an indicator of the catalogue; known ids: C1"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("template", "1.2"),
        ("mapping", "check", str(Path(__file__).parents[2] / "kpi_api/importing/mappings/statbank.toml")),
    ],
    ids=["template", "mapping-check"],
)
def test_a_command_that_only_reads_refuses_a_missing_database_and_creates_none(home, command):
    env, (a, _, _), _ = home
    missing = a / "typo.sqlite3"
    if command[0] == "mapping":
        assert Path(command[-1]).is_file()  # refused for the database, not for a missing mapping
    result = kpi(env, a, *command, "--database", f"sqlite:///{missing}")
    assert result.returncode == 1, result.stdout
    assert (
        f"database: sqlite:///{missing} does not exist, and this command only reads, so it creates none"
        in result.stderr
    )
    assert "Fix: name an existing database with --database" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert list(a.iterdir()) == []


def test_a_command_that_only_reads_uses_an_existing_database(home):
    env, (a, _, _), database = home
    made = kpi(env, a, "token", "list")  # any command that opens the default database makes it
    assert made.returncode == 0, made.stderr
    assert database.exists()
    result = kpi(env, a, "template", "1.2", "--database", f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"database: sqlite:///{database}"
    assert result.stdout.startswith("indicator,area,period,value,")
