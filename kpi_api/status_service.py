"""Evaluations for many (indicator, area, period, asOf) at once, with few store calls.

A request for the status of every goal and indicator of a revision asks the store twice
per `asOf` — once for the latest periods where none was given, once for exactly the
areas and periods the target rules need — however many indicators there are.
"""

from collections import defaultdict

import attrs

from kpi_api.http import deadline
from kpi_core import (
    COUNTRY_CODE,
    AreaDirectory,
    Cluster,
    Evaluation,
    FollowCluster,
    Indicator,
    OwnRegion,
    RankWithin,
    evaluate,
    parse_period,
)
from kpi_core.evaluation import ObservationIndex, nothing_at_all
from kpi_core.repository import ObservationQuery, ObservationRepository


@attrs.frozen
class StatusRequest:
    indicator: Indicator
    area: str
    period: str | None = None
    as_of: object = None  # datetime.date | None


def evaluate_many(
    requests: list[StatusRequest], repository: ObservationRepository, areas: AreaDirectory
) -> list[Evaluation]:
    results: dict[int, Evaluation] = {}
    by_as_of: dict[object, list[tuple[int, StatusRequest]]] = defaultdict(list)
    for n, request in enumerate(requests):
        by_as_of[request.as_of].append((n, request))
    for as_of, group in by_as_of.items():
        missing = [r for _, r in group if r.period is None]
        latest = {}
        if missing:
            latest = repository.latest_periods(
                ObservationQuery(
                    indicators=sorted({r.indicator.id for r in missing}),
                    areas=sorted({r.area for r in missing}),
                    as_of=as_of,
                )
            )
        chosen: dict[int, str | None] = {
            n: r.period or latest.get((r.indicator.id, r.area)) for n, r in group
        }
        wanted = [(n, r, chosen[n]) for n, r in group if chosen[n] is not None]
        # Two queries at most, however many indicators: rank targets need their whole
        # comparison set, every other rule only the area and its benchmarks, so the
        # region's municipalities are fetched for the rank targets alone.
        classes: dict[bool, tuple[set, set, set]] = {}
        for _, r, period in wanted:
            deadline.check()
            ids, areas_needed, periods_needed = classes.setdefault(isinstance(r.indicator.target, RankWithin), (set(), set(), set()))
            ids.add(r.indicator.id)
            areas_needed |= needed_areas(r.indicator, r.area, areas)
            periods_needed |= needed_periods(period)
        by_indicator = defaultdict(list)
        for ids, areas_needed, periods_needed in classes.values():
            query = ObservationQuery(indicators=sorted(ids), areas=sorted(areas_needed), periods=sorted(periods_needed), as_of=as_of)
            for o in repository.find(query):
                by_indicator[o.indicator].append(o)
        # One index per indicator, shared by every area judged against it.
        indexes = {i: ObservationIndex(i, found) for i, found in by_indicator.items()}
        for n, r in group:
            deadline.check()  # the time of a status table goes here and in the store's rows
            period = chosen[n]
            if period is None:
                results[n] = nothing_at_all(r.indicator, r.area)
            else:
                index = indexes.get(r.indicator.id) or ObservationIndex(r.indicator.id, [])
                results[n] = evaluate(r.indicator, r.area, period, index, areas)
    return [results[n] for n in range(len(requests))]


def needed_areas(indicator: Indicator, area: str, areas: AreaDirectory) -> set[str]:
    """The judged area and every area its target rule may compare with."""
    needed = {area, COUNTRY_CODE}
    own = areas.get(area)
    if own is not None and own.region:
        needed.add(own.region)
    rule = indicator.target
    reference = getattr(rule, "reference", None) or getattr(rule, "cluster", None)
    if isinstance(reference, Cluster) and reference.code:
        needed.add(reference.code)
    if isinstance(rule, RankWithin):
        among = rule.among
        code = (own.region if own else None) if isinstance(among, OwnRegion) else getattr(among, "code", COUNTRY_CODE)
        if code and areas.get(code) is not None:
            needed |= {m.code for m in areas.municipalities_in(code)}
    if isinstance(rule, FollowCluster) and rule.cluster.code:
        needed.add(rule.cluster.code)
    return needed


def needed_periods(period: str) -> set[str]:
    """The period and the same period a year earlier (for ON_TRACK and the trend)."""
    p = parse_period(period)
    return {str(p), str(p.year_earlier()), str(p.year_earlier().year_earlier())}

