"""The JSON readers, fuzzed directly (no HTTP, so many more examples per second): a real
answer of Statbank or Jobindsats with values replaced or keys dropped is either imported
or refused with problems that name their place; never an exception.

The HTTP write fuzzing found the first of these (a list as JSON-stat `role` was an
AttributeError); this reaches such shapes ~100× faster."""

import traceback
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from kpi_api.importing.service import import_bytes
from kpi_core import shipped_areas, shipped_strategies
from kpi_core.memory import InMemoryRepository
from tests.fuzz._support import EXAMPLES, fuzz_settings
from tests.fuzz.test_graphql_fuzz import mutated_json

SOURCES = [("JSONSTAT", "statbank_aul01.jsonstat.json"), ("JOBINDSATS", "jobindsats_y01a02.json")]


def test_mutated_source_files_are_imported_or_refused_with_located_problems():
    strategies, areas = shipped_strategies(), shipped_areas()
    outcomes: Counter = Counter()
    defects: dict[str, str] = {}  # where it failed -> the shortest document that did it

    @fuzz_settings(EXAMPLES * 3)
    @given(st.sampled_from(SOURCES).flatmap(lambda s: st.tuples(st.just(s), mutated_json(s[1]))))
    def run(case):
        (fmt, name), text = case
        try:
            report = import_bytes(
                text.encode(), name, InMemoryRepository(), strategies, areas, fmt=fmt.lower(), dry_run=True
            )
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{type(exc).__name__} at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}: {exc}"
            if where not in defects or len(text) < len(defects[where]):
                defects[where] = text
            outcomes[f"{fmt} exception"] += 1
            return
        assert all(p.location and p.message for p in report.problems)
        outcomes[f"{fmt} {'refused' if report.problems else 'imported'}"] += 1

    run()
    print(
        f"\nreader fuzz: {sum(outcomes.values())} documents: {dict(sorted(outcomes.items()))}; {len(defects)} defect(s)"
    )
    assert not defects, "\n\n".join(f"{where}\n  document: {text[:2000]}" for where, text in defects.items())
