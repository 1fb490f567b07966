"""schemathesis, as an integrator would run it, against a real server: every check it has
(`--checks all`: server errors, status codes, content types, headers and bodies as
documented, schema-valid requests accepted, schema-invalid ones rejected, …) over every
operation of /openapi.json, in all its phases (examples, coverage, fuzzing, stateful).
Bounded and repeatable: 20 examples per operation, deterministic generation (about
450 requests, under half a minute). `make fuzz` runs far more, in-process
(tests/fuzz/test_openapi_fuzz.py)."""

import subprocess
import sys
from pathlib import Path

EXAMPLES_PER_OPERATION = 20


def test_schemathesis_finds_nothing_with_all_checks(server, seeded, tmp_path):
    schemathesis = Path(sys.executable).parent / "schemathesis"
    run = subprocess.run(
        [
            str(schemathesis),
            "run",
            f"{server}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--generation-deterministic",
            "--request-timeout",
            "20",
            "--no-color",
        ],
        cwd=tmp_path,  # whatever it writes stays there
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    assert "No issues found" in report and "Tested: 7" in report, report[-3000:]
