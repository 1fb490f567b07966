"""The README's Python examples run and print what it says."""

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_evaluation_example_prints_what_the_readme_says(capsys):
    block = next(b for b in BLOCKS if "evaluate(indicator" in b)
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ON_TRACK 2.5 IMPROVING"
    assert (
        out[1]
        == "2.2, 2022-09: 30,5 % mod 28,0 % (sammenlignet med: Hele landet); målet er ikke nået; afstanden til målet er mindsket siden 2021-09 (4,0 procentpoint)."
    )


def test_property_test_example_passes():
    block = next(b for b in BLOCKS if "test_no_status_without_both_figures" in b)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    namespace["test_no_status_without_both_figures"]()


def test_diff_example_runs(capsys):
    block = next(b for b in BLOCKS if "diff(strategy" in b)
    exec(compile(block, "README.md", "exec"), {})
    assert "REPLACED 1.5a DROPPED / REPLACED BY" in capsys.readouterr().out
