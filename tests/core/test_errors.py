"""One error tree: callers tell an unknown revision from a bug, and invalid values cannot exist."""

import datetime
from decimal import Decimal

import pytest

import kpi_core
from kpi_core import (
    CatalogueError,
    KpiError,
    NotFound,
    Observation,
    Period,
    PeriodError,
    PeriodKind,
    UnknownArea,
    UnknownIndicator,
    UnknownRevision,
    UnknownStrategy,
    diff,
    evaluate_revision,
    parse_period,
    shipped_areas,
    shipped_strategies,
)

STRATEGY = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi")


@pytest.mark.parametrize("error", [UnknownStrategy, UnknownRevision, UnknownIndicator, UnknownArea])
def test_every_not_found_is_a_kpi_error_and_a_lookup_error(error):
    assert issubclass(error, NotFound) and issubclass(error, KpiError) and issubclass(error, LookupError)


def test_catalogue_and_period_errors_stay_value_errors_under_the_base():
    assert issubclass(CatalogueError, KpiError) and issubclass(CatalogueError, ValueError)
    assert issubclass(PeriodError, KpiError) and issubclass(PeriodError, ValueError)
    assert kpi_core.catalogue.CatalogueError is CatalogueError  # the public name where it was
    assert kpi_core.periods.PeriodError is PeriodError


def test_diff_names_an_unknown_revision_with_its_own_class_and_a_readable_message():
    with pytest.raises(UnknownRevision) as caught:
        diff(STRATEGY, "2019", "2022")
    assert isinstance(caught.value, KeyError)  # what diff raised before
    assert str(caught.value).startswith(
        "strategy ballerup-beskaeftigelsesstrategi has no revision '2019' (it has "
    )


def test_an_unknown_area_has_one_message():
    with pytest.raises(
        UnknownArea, match=r"^There is no area '999'; use a municipality code such as 151"
    ) as caught:
        shipped_areas().require("999")
    assert caught.value.code == "999"
    assert shipped_areas().require("151").name == "Ballerup"


@pytest.mark.parametrize(
    ("year", "kind", "index", "message"),
    [
        (2022, PeriodKind.MONTH, 13, "13 is not a month of a period (expected 1–12)"),
        (2022, PeriodKind.MONTH, 0, "0 is not a month of a period (expected 1–12)"),
        (2022, PeriodKind.QUARTER, 5, "5 is not a quarter of a period (expected 1–4)"),
        (2022, PeriodKind.YEAR, 3, "3 is not the index of a year (expected 0)"),
        (999, PeriodKind.YEAR, 0, "999 is not a year of a period (expected 1000–9999)"),
        (10000, PeriodKind.YEAR, 0, "10000 is not a year of a period (expected 1000–9999)"),
        ("2022", PeriodKind.YEAR, 0, "'2022' is not a year of a period (expected 1000–9999)"),
    ],
)
def test_a_period_that_does_not_exist_cannot_be_built(year, kind, index, message):
    with pytest.raises(PeriodError) as caught:
        Period(year, kind, index)
    assert str(caught.value) == message


def test_the_year_before_year_1000_is_no_period():
    with pytest.raises(PeriodError):
        parse_period("1000").year_earlier()
    assert kpi_core.a_year_earlier("1000") is None


def _observation(**changes):
    fields = {"indicator": "2.2", "area": "151", "period": "2022", "value": Decimal("3.1")}
    return Observation(**{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"indicator": ""}, ValueError, "observation indicator must be a non-empty string"),
        ({"area": None}, ValueError, "observation area must be a non-empty string, not None"),
        ({"period": "2022-13"}, PeriodError, "'2022-13' is not a month"),
        ({"period": 2022}, TypeError, "observation period must be a string"),
        ({"value": 3.1}, TypeError, "observation value must be a Decimal or None, not 3.1"),
        ({"value": Decimal("NaN")}, ValueError, "observation value must be a finite number, not NaN"),
        ({"denominator": Decimal("Infinity")}, ValueError, "observation denominator must be a finite number"),
        (
            {"breakdown": {"origin": ""}},
            ValueError,
            "observation breakdown names a dimension and a value in every pair",
        ),
        ({"published": "2022-01-01"}, TypeError, "'published' must be"),
        ({"source": 7}, TypeError, "'source' must be"),
        ({"provisional": "yes"}, TypeError, "'provisional' must be"),
    ],
)
def test_an_observation_holds_only_what_it_says(changes, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(")):
        _observation(**changes)


def test_a_valid_observation_is_built_as_before():
    o = _observation(
        breakdown={"origin": "danish+western"}, published=datetime.date(2023, 1, 1), provisional=True
    )
    assert o.breakdown == (("origin", "danish+western"),) and o.period == "2022"


def test_an_evaluation_without_any_period_has_period_none():
    revision = STRATEGY.revisions[0]
    report = evaluate_revision(revision, "151", [], shipped_areas())
    assert {e.period for f in report.focus_areas for e in f.indicators} == {None}
