"""The figures quoted in the source documents are in every new database, citing them."""

from decimal import Decimal

from kpi_api.bootstrap import open_services
from kpi_core.repository import ObservationQuery


def test_document_figures_are_loaded_once_with_their_source(tmp_path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    first = open_services(url)
    figures = first.observations.find(
        ObservationQuery(indicators=("P4.1", "P1.4", "P1.3", "P5.1", "C2", "C3"))
    )
    by_key = {(o.indicator, o.period, o.breakdown): o for o in figures}
    samarbejde = by_key[("P4.1", "2013", ())]
    assert samarbejde.value == Decimal("16.6") and "002_48db1d82ebe3c6cf.txt" in samarbejde.source
    assert by_key[("P1.4", "2014", (("age", "25-29"),))].value == Decimal("10.5")
    assert "KONFLIKT" in by_key[("P1.4", "2014", (("age", "25-29"),))].source  # 9,9 % in section 2.1
    assert "AFLEDT" in by_key[("P5.1", "2013", ())].source
    covid = by_key[("C2", "2020-09", ())]  # the 2020 minutes' COVID-19 count
    assert covid.value == Decimal("1003") and "004_60c6c6843d7217b6.txt" in covid.source
    assert covid.published.isoformat() == "2020-10-06"
    assert (
        by_key[("C3", "2019-09", ())].value == Decimal("199761")
        and "AFLEDT" in by_key[("C3", "2019-09", ())].source
    )
    again = open_services(url)
    # One bump for publishing the shipped catalogue, one for the figures; none on a rerun.
    assert again.observations.data_version() == first.observations.data_version() == 2
    assert len(again.observations.batches()) == 1
