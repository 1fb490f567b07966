"""The README's service examples run as written, against a real server: the GraphQL
documents are valid, the curl recipes run through bash, the Python through the
interpreter, the JavaScript through node (the browser and its CORS rule:
tests/browser/test_readme_javascript.py), `make run PORT=… HOST=…` and the deployment
recipe start, and the configuration table lists exactly the settings there are.
(The core's Python examples: tests/core/test_readme_examples.py.)"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import attrs
import httpx
import pytest
from graphql import parse, validate

from kpi_api.bootstrap import open_services
from kpi_api.config import Settings
from kpi_api.graphql.schema import build_schema
from kpi_api.storage import tokens

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE_BASE = "http://127.0.0.1:8000"  # where the README's examples send their requests


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def block(language: str, containing: str) -> str:
    (found,) = [b for b in blocks(language) if containing in b]
    return found


def documents(output: str) -> list[dict]:
    """The JSON documents a recipe printed one after another."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(output.rstrip()):
        document, at = decoder.raw_decode(output, at)
        found.append(document)
        while at < len(output) and output[at].isspace():
            at += 1
    return found


def run_shell(recipe: str, cwd: Path, base: str) -> str:
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", recipe.replace(EXAMPLE_BASE, base)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and not run.stderr, run.stderr
    return run.stdout


# ── GraphQL documents ───────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("index", range(len(blocks("graphql"))))
def test_every_graphql_block_is_one_valid_document(index):
    document = parse(blocks("graphql")[index])
    assert validate(build_schema(Settings())._schema, document) == []


def test_the_mutations_run_by_their_operation_names(server, database_url):
    token, _ = tokens.create(open_services(database_url).engine, tokens.Scope.IMPORT, "README test")
    answer = httpx.post(
        f"{server}/graphql",
        json={"query": block("graphql", "CheckFigures"), "operationName": "CheckFigures"},
        headers={"authorization": f"Bearer {token}"},
    ).json()
    assert answer["data"]["importObservations"] == {
        "rows": 1,
        "added": 1,
        "unchanged": 0,
        "rejected": False,
        "problems": [],
    }


# ── curl, Python, JavaScript ──────────────────────────────────────────────────────────────
def test_the_one_query_recipes_send_the_query_file_as_written(server, seeded, tmp_path):
    (tmp_path / "query.graphql").write_text(blocks("graphql")[0], encoding="utf-8")
    posted, got = documents(run_shell(block("sh", "query.graphql"), tmp_path, server))
    assert posted["data"] == got["data"]
    data = posted["data"]
    second = next(f for f in data["strategy"]["revision"]["focusAreas"] if f["number"] == 2)
    assert second["goal"]["statement"] in README  # the answer the README shows
    assert second["keyFigure"]["target"]["description"] in README
    changes = {
        (c["kind"], (c["before"] or {}).get("id"), (c["after"] or {}).get("id"))
        for c in data["strategy"]["diff"]["changes"]
    }
    assert {
        ("ADDED", None, "O1"),
        ("REPLACED", "1.5a", "1.5b"),
        ("RESCOPED", "5.4", "5.4"),
        ("REMOVED", "5.5", None),
    } <= changes


def test_the_status_recipe_runs_as_written(server, seeded, tmp_path):
    (answer,) = documents(run_shell(block("sh", "status.graphql"), tmp_path, server))
    areas = answer["data"]["strategy"]["revision"]["focusAreas"]
    assert [a["number"] for a in areas] == [1, 2, 3, 4, 5]
    assert all(a["goal"]["evaluation"]["explanation"] for a in areas)
    assert (tmp_path / "status.graphql").exists()  # written by the recipe's here-doc


def test_the_python_example_prints_each_goals_status(server, seeded, capsys):
    code = block("python", "httpx.post").replace(EXAMPLE_BASE, server)
    exec(compile(code, "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2", "3", "4", "5"]
    statuses = {"ACHIEVED", "ON_TRACK", "OFF_TRACK", "MONITORING", "NO_DATA"}
    assert all(line.split()[1] in statuses for line in lines)


def test_the_javascript_example_runs_in_node(server, seeded, tmp_path):
    node = shutil.which("node")
    assert node, "node (v18 or later) is needed for the README's JavaScript example"
    script = tmp_path / "status.js"  # a classic CommonJS script: top-level await would not run
    script.write_text(block("javascript", "goalStatus").replace(EXAMPLE_BASE, server), encoding="utf-8")
    run = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and not run.stderr, run.stderr
    rows = [line for line in run.stdout.splitlines() if re.match(r"│\s+\d\s+│", line)]
    assert len(rows) == 5 and all("referenceLabel" not in r for r in rows), run.stdout
    assert "number" in run.stdout and "status" in run.stdout


# ── configuration ─────────────────────────────────────────────────────────────────────────
def readme_variables() -> set[str]:
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `KPI_"):
            names |= {n.strip().strip("`") for n in line.split("|")[1].split("/")}
    return names


def setting_variables() -> dict[str, attrs.Attribute]:
    return {f"KPI_{field.name.upper()}": field for field in attrs.fields(Settings)}


def test_the_configuration_table_lists_every_setting_and_nothing_else():
    documented, settings = readme_variables(), set(setting_variables())
    assert documented - settings == set(), "in the README's table but not a setting"
    assert settings - documented == set(), "a setting missing from the README's table"


SAMPLES = {
    "KPI_DATABASE_URL": "sqlite:///elsewhere.sqlite3",
    "KPI_FRAME_ANCESTORS": "'none'",
    "KPI_EMBED_FRAME_ANCESTORS": "https://intra.example.dk",
    "KPI_CORS_ORIGINS": "https://intra.example.dk",
    "KPI_PUBLIC_URL": "https://kpi.example.dk",
    "KPI_PUBLIC_READ_PATHS": "/figures/",
    "KPI_PERSISTED_QUERIES": "/etc/kpi/persisted",
    "KPI_MAPPINGS": "/etc/kpi/mappings",
    "KPI_STATBANK_URL": "https://statbank.example.dk/v1",
    "KPI_JOBINDSATS_URL": "https://jobindsats.example.dk/v3",
    "KPI_JOBINDSATS_KEY": "a-key",
}


@pytest.mark.parametrize("variable", sorted(setting_variables()))
def test_each_documented_variable_changes_its_setting(monkeypatch, variable):
    field = setting_variables()[variable]
    default = field.default
    if variable in SAMPLES:
        value = SAMPLES[variable]
    elif isinstance(default, bool):
        value = "0" if default else "1"
    elif isinstance(default, int | float):
        value = str(default + 1)
    else:
        raise AssertionError(f"no sample value for {variable}: add one to SAMPLES")
    for name in setting_variables():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)
    assert getattr(Settings.from_env(), field.name) != default


# ── make run, and the deployment recipe ──────────────────────────────────────────────────
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_health(base: str, process: subprocess.Popen, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}: {process.stdout.read()[-2000:]}")
        try:
            return httpx.get(f"{base}/healthz", timeout=2).json()
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError(f"{base}/healthz did not answer within {seconds} s")


def _stop(process: subprocess.Popen) -> None:
    # The recipe's own processes only: it was started in a session (process group) of its own.
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_make_run_serves_on_the_port_and_host_given(tmp_path):
    port = _free_port()
    env = {**os.environ, "KPI_DATABASE_URL": f"sqlite:///{tmp_path / 'kpi.sqlite3'}"}
    process = subprocess.Popen(
        ["make", "-C", str(ROOT), "run", f"PORT={port}", "HOST=127.0.0.1", "DEMO_ARGS=--from-year 2025"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert _wait_for_health(f"http://127.0.0.1:{port}", process)["status"] == "ok"
        page = httpx.get(f"http://127.0.0.1:{port}/figures/2.1/151.csv?lang=en")
        # The demo data, as DEMO_ARGS asked for: 2025 only.
        assert page.status_code == 200 and "own,own,151,2025-01," in page.text and ",2024-" not in page.text
    finally:
        _stop(process)


def test_the_deployment_recipe_starts_its_workers(postgres_url, tmp_path):
    import sqlalchemy as sa

    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql("DROP DATABASE IF EXISTS deployment_recipe")
        c.exec_driver_sql("CREATE DATABASE deployment_recipe")
    admin.dispose()
    url = postgres_url.rsplit("/", 1)[0] + "/deployment_recipe"
    port = _free_port()
    recipe = block("sh", "--workers").replace("\\\n", " ")
    recipe = re.sub(r"KPI_DATABASE_URL=\S+", f"KPI_DATABASE_URL={url}", recipe)
    recipe = recipe.replace("--port 8000", f"--port {port}").replace("--workers 4", "--workers 2")
    recipe = recipe.replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    process = subprocess.Popen(
        ["bash", "-eu", "-c", recipe],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for_health(base, process)["status"] == "ok"
        served = httpx.post(f"{base}/graphql", json={"query": "{ areas(kind: COUNTRY) { code } }"}).json()
        assert served["data"] == {"areas": [{"code": "DK"}]}
        # As the recipe configured it: introspection off, links on the public name.
        closed = httpx.post(f"{base}/graphql", json={"query": "{ __schema { queryType { name } } }"}).json()
        assert closed["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
        assert _children(process.pid) >= 2  # bash → kpi serve → its worker processes
    finally:
        _stop(process)


def _children(pid: int) -> int:
    """How many processes descend from `pid` (via /proc)."""
    found, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            kids = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found += len(kids)
        todo += [int(k) for k in kids]
    return found - 1  # not counting `kpi serve` itself
