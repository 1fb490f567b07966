"""cattrs round trips: structure(unstructure(x)) == x for every domain value."""

import json

from hypothesis import given

from kpi_core import Indicator, Revision, make_converter, shipped_strategies, testing
from kpi_core.catalogue import structure_revision, unstructure_revision

converter = make_converter()


@given(testing.indicators())
def test_indicator_round_trips(indicator):
    assert converter.structure(converter.unstructure(indicator), Indicator) == indicator


@given(testing.revisions())
def test_revision_round_trips_through_json(revision):
    as_json = json.dumps(unstructure_revision(revision))  # decimals and dates as strings
    assert structure_revision(json.loads(as_json)) == revision


def test_shipped_revisions_round_trip_through_json():
    for strategy in shipped_strategies():
        for revision in strategy.revisions:
            assert (
                converter.structure(json.loads(json.dumps(converter.unstructure(revision))), Revision)
                == revision
            )


def test_decimals_travel_as_strings():
    revision = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision(
        "2022"
    )
    data = converter.unstructure(revision.indicator("1.5b"))
    assert data["target"] == {"kind": "threshold", "bound": "min", "value": "80"}
