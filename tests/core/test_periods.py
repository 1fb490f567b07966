"""kpi_core.periods: the published patterns describe exactly what parse_period reads."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_core import PeriodKind, parse_period
from kpi_core.errors import PeriodError
from kpi_core.periods import PERIOD_PATTERNS

ANY_PATTERN = [re.compile(p) for p in PERIOD_PATTERNS.values()]
PERIOD_LIKE = st.from_regex(r"\A\s?[0-9٠-٩]{3,5}([Qq][0-9]|-[0-9]{1,2})?\s?\Z") | st.text(max_size=12)


def described(text: str) -> bool:
    stripped = text.strip()
    return any(p.fullmatch(stripped) for p in ANY_PATTERN) and not stripped.endswith("\n")


@given(PERIOD_LIKE)
def test_a_text_parses_exactly_when_a_pattern_describes_it(text):
    try:
        parse_period(text)
    except PeriodError:
        assert not described(text)
    else:
        assert described(text)


@pytest.mark.parametrize("kind", list(PeriodKind))
@given(data=st.data())
def test_every_text_a_pattern_describes_parses_as_its_kind_and_prints_canonically(kind, data):
    text = data.draw(st.from_regex(PERIOD_PATTERNS[kind].rstrip("$") + r"\Z"))
    period = parse_period(text)
    assert period.kind is kind and str(period) == text.upper()


@pytest.mark.parametrize("text", ["٢٠٢٢", "٢٠٢٢-٠٩", "２０２２", "0999", "2022Q0", "2022-00"])
def test_other_digits_and_years_before_1000_are_no_period(text):
    with pytest.raises(PeriodError):
        parse_period(text)
