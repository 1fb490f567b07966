"""The GraphQL-over-HTTP specification's own audit suite (npm `graphql-http`, pinned in
scripts/ensure-node-tools.sh) against a real server: no MUST fails, no SHOULD warns.
The MAY notices are printed (run with -s to see them)."""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".cache" / "node" / "node_modules"
AUDIT = pathlib.Path(__file__).with_name("graphql_http_audit.mjs")


@pytest.fixture(scope="module")
def audit_results(server):
    if shutil.which("node") is None or not (NODE_MODULES / "graphql-http").is_dir():
        subprocess.run([str(ROOT / "scripts" / "ensure-node-tools.sh")], check=True)
    finished = subprocess.run(
        ["node", str(AUDIT), f"{server}/graphql"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        check=True,
    )
    return json.loads(finished.stdout)


def _failing(results, level: str, status: str) -> list[str]:
    return [
        f"{r['id']} {r['name']}: {r.get('reason')} (answer: {(r.get('body') or '')[:200]})"
        for r in results
        if r["name"].startswith(level) and r["status"] == status
    ]


def test_the_audit_ran(audit_results):
    assert len(audit_results) > 40  # graphql-http 1.23.1 has 60-odd audits
    assert any(r["status"] == "ok" for r in audit_results)


def test_no_must_audit_fails(audit_results):
    assert _failing(audit_results, "MUST", "error") == []


def test_no_should_audit_warns(audit_results):
    assert _failing(audit_results, "SHOULD", "warn") == []


def test_may_notices_are_listed(audit_results, capsys):
    notices = _failing(audit_results, "MAY", "notice")
    with capsys.disabled():
        print(f"\ngraphql-http MAY notices ({len(notices)}):", *notices, sep="\n  ")
