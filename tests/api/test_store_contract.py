"""One contract for every observation store: SQLite and PostgreSQL behave exactly like
the in-memory model, under any sequence of imports and queries."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import Observation
from kpi_core.memory import InMemoryRepository
from kpi_core.repository import (
    ConflictError,
    ImportBatch,
    ObservationQuery,
    StoreError,
)
from tests.conftest import reset_observations

DAYS = [datetime.date(2023, 1, 15), datetime.date(2023, 2, 15), datetime.date(2023, 3, 15)]
observations = st.builds(
    Observation,
    indicator=st.sampled_from(["2.2", "O1"]),
    area=st.sampled_from(["151", "DK"]),
    period=st.sampled_from(["2022", "2022-09"]),
    value=st.none() | st.decimals(min_value=0, max_value=100, places=1, allow_nan=False).map(lambda d: d + 0),
    breakdown=st.sampled_from([(), (("age", "16-24"),), (("age", "25-29"), ("gender", "women"))]),
    published=st.sampled_from(DAYS),
    source=st.sampled_from(["SYNTETISK test", None]),
    unit=st.just("percent"),
    numerator=st.none() | st.just(Decimal("12")),
    denominator=st.none() | st.just(Decimal("400")),
    provisional=st.booleans(),
)


def outcome(call):
    try:
        return ("ok", call())
    except StoreError as exc:  # conflicts, duplicates, withdrawn figures, unknown or retracted batches
        return (type(exc).__name__, None)


# What latest_periods_by_cell may be asked per indicator: the total, cells holding a pair
# (with a LIKE wildcard `_` in it, and a case the SQLite LIKE would ignore), every cell.
CONTAINING = [
    {"2.2": None, "O1": (("age", "16-24"),)},
    {"2.2": (), "O1": (("gender", "women"),)},
    {"O1": (("age", "25_29"),), "2.2": (("AGE", "16-24"),)},
    {},
]


def contract_machine(engine):
    class StoreContract(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            reset_observations(engine)
            self.model = InMemoryRepository()
            self.store = SqlObservationRepository(engine)
            self.count = 0

        @rule(rows=st.lists(observations, max_size=6), sha=st.sampled_from(["a", "b", "c", "d", "e"]))
        def import_batch(self, rows, sha):
            self.count += 1
            batch = ImportBatch(
                f"batch-{self.count}",
                "f.csv",
                sha,
                "csv",
                "contract test",
                datetime.datetime(2023, 4, 1, 12, self.count % 60, tzinfo=datetime.UTC),
            )
            expected = outcome(lambda: self.model.add(batch, rows))
            actual = outcome(lambda: self.store.add(batch, rows))
            assert actual == expected

        @rule(number=st.integers(1, 8), on=st.sampled_from(DAYS))
        def retract(self, number, on):
            at = datetime.datetime(2023, 5, 1, 9, number, tzinfo=datetime.UTC)
            expected = outcome(lambda: self.model.retract(f"batch-{number}", on, "contract test", at))
            actual = outcome(lambda: self.store.retract(f"batch-{number}", on, "contract test", at))
            assert actual == expected

        @rule(
            as_of=st.none() | st.sampled_from([d - datetime.timedelta(days=1) for d in DAYS] + DAYS),
            indicators=st.none() | st.sampled_from([("2.2",), ("O1",)]),
            areas=st.none() | st.just(("151",)),
        )
        def query(self, as_of, indicators, areas):
            query = ObservationQuery(indicators=indicators, areas=areas, as_of=as_of)
            assert self.store.find(query) == self.model.find(query)
            assert self.store.latest_periods(query) == self.model.latest_periods(query)
            for containing in CONTAINING:
                assert self.store.latest_periods_by_cell(
                    query, containing
                ) == self.model.latest_periods_by_cell(query, containing)

        @rule(
            periods=st.sampled_from([("2022",), ("2022-09",), ("2022", "2022-09")]),
            as_of=st.none() | st.sampled_from(DAYS),
        )
        def query_periods(self, periods, as_of):
            query = ObservationQuery(periods=periods, as_of=as_of)
            assert self.store.find(query) == self.model.find(query)

        @invariant()
        def same_batches_and_version(self):
            assert self.store.data_version() == self.model.data_version()
            assert self.store.batches() == self.model.batches()

    return StoreContract


def test_store_keeps_the_contract(store_engine):
    machine = contract_machine(store_engine)
    machine.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None)
    machine.TestCase().runTest()


def test_a_revised_figure_is_a_new_vintage_and_as_of_sees_the_old_one(store_engine):
    reset_observations(store_engine)
    store = SqlObservationRepository(store_engine)
    first = Observation("2.2", "151", "2022", Decimal("30.5"), published=DAYS[0])
    revised = Observation("2.2", "151", "2022", Decimal("31.0"), published=DAYS[1])
    store.add(
        ImportBatch("b1", "a.csv", "sha-a", "csv", "t", datetime.datetime(2023, 1, 16, tzinfo=datetime.UTC)),
        [first],
    )
    store.add(
        ImportBatch("b2", "b.csv", "sha-b", "csv", "t", datetime.datetime(2023, 2, 16, tzinfo=datetime.UTC)),
        [revised],
    )
    assert store.find(ObservationQuery()) == [revised]
    assert store.find(ObservationQuery(as_of=DAYS[0])) == [first]
    assert store.find(ObservationQuery(as_of=DAYS[0] - datetime.timedelta(days=1))) == []
    assert store.data_version() == 2


def test_the_same_vintage_with_another_value_is_refused_and_nothing_is_written(store_engine):
    reset_observations(store_engine)
    store = SqlObservationRepository(store_engine)
    original = Observation("2.2", "151", "2022", Decimal("30.5"), published=DAYS[0])
    store.add(
        ImportBatch("b1", "a.csv", "sha-a", "csv", "t", datetime.datetime(2023, 1, 16, tzinfo=datetime.UTC)),
        [original],
    )
    clash = [
        Observation("O1", "DK", "2022", Decimal("3"), published=DAYS[0]),
        Observation("2.2", "151", "2022", Decimal("29"), published=DAYS[0]),
    ]
    with pytest.raises(ConflictError, match=r"already stored as 30\.5, the file says 29"):
        store.add(
            ImportBatch(
                "b2", "b.csv", "sha-b", "csv", "t", datetime.datetime(2023, 1, 17, tzinfo=datetime.UTC)
            ),
            clash,
        )
    assert store.find(ObservationQuery()) == [original]
    assert [b.id for b in store.batches()] == ["b1"] and store.data_version() == 1
