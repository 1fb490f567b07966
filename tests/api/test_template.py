"""`kpi template`: the example row fits its indicator (area, frequency, unit, breakdowns)
and is valid for `kpi import` as it stands, for every indicator of the catalogue."""

import datetime

import pytest

from kpi_api.importing.service import import_bytes
from kpi_api.template import NoSuchIndicator, template
from kpi_core import shipped_areas, shipped_strategies
from kpi_core.memory import InMemoryRepository

STRATEGIES = tuple(shipped_strategies())
TODAY = datetime.date(2023, 1, 15)
ALL_IDS = sorted({i.id for s in STRATEGIES for r in s.revisions for i in r.indicators})


@pytest.mark.parametrize(
    ("indicator", "text"),
    [
        # monthly, a share (the demo's level for it), no breakdowns
        (
            "1.2",
            "indicator,area,period,value,unit,numerator,denominator,published,source,flag\n1.2,151,2022-12,85.0,percent,,,,,\n",
        ),
        # quarterly, as the catalogue declares it (the demo has 1.1 monthly): the last whole quarter
        (
            "1.1",
            "indicator,area,period,value,unit,numerator,denominator,published,source,flag\n1.1,151,2022Q4,35.0,percent,,,,,\n",
        ),
        # yearly (education statistics)
        (
            "4.1",
            "indicator,area,period,value,unit,numerator,denominator,published,source,flag\n4.1,151,2022,72.0,percent,,,,,\n",
        ),
        # its breakdown columns, left empty: the total
        (
            "5.1",
            "indicator,area,period,value,unit,numerator,denominator,published,source,flag,origin,target_group\n"
            "5.1,151,2022-12,16.5,percent,,,,,,,\n",
        ),
    ],
)
def test_the_template_of_an_indicator(indicator, text):
    assert template(indicator, STRATEGIES, TODAY).text == text


@pytest.mark.parametrize("indicator", ALL_IDS)
def test_every_template_imports_as_it_stands(indicator):
    made = template(indicator, STRATEGIES, TODAY)
    report = import_bytes(
        made.text.encode(),
        f"{indicator}.csv",
        InMemoryRepository(),
        STRATEGIES,
        shipped_areas(),
        today=lambda: TODAY,
    )
    assert (report.rejected, report.rows, report.added) == (False, 1, 1), report.problems


def test_an_unknown_id_lists_the_known_ones():
    with pytest.raises(
        NoSuchIndicator, match=r"`9.9` is not an indicator of the catalogue; known ids: C1, C2, C3, O1"
    ):
        template("9.9", STRATEGIES, TODAY)
