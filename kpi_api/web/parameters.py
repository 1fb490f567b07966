"""What the web routes accept in a query, as patterns that the OpenAPI document states and
the routes check with the same text, so the document describes exactly what is accepted
(schemathesis holds the two together: tests/web/test_openapi_schemathesis.py)."""

import re

from kpi_api.web.assemble import MAX_COMPARE
from kpi_core.periods import PERIOD_PATTERNS, PeriodKind

# One of the core's canonical period forms (kpi_core.periods.PERIOD_PATTERNS).
PERIOD = "^(" + "|".join(PERIOD_PATTERNS[k].strip("^$") for k in PeriodKind) + ")$"
# A calendar date as YYYY-MM-DD only (date.fromisoformat also reads 20220101 and 2022-W01-1).
DATE = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
AREA = "[A-Za-z0-9]{1,10}"
COMPARE = f"^{AREA}(,{AREA}){{0,{MAX_COMPARE - 1}}}$"

_COMPILED = {pattern: re.compile(pattern) for pattern in (PERIOD, DATE, COMPARE)}


def matches(pattern: str, value: str) -> bool:
    # fullmatch, and no `$` before a final newline: "2022\n" is no period.
    return _COMPILED[pattern].fullmatch(value) is not None and not value.endswith("\n")
