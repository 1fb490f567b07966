"""GraphQL types for series, rankings and the bulk status table (compact shapes: series
are the largest answers, and one object per point costs far more than columns)."""

from decimal import Decimal

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from kpi_api.graphql.area import Area
from kpi_api.graphql.enums import Lang
from kpi_api.graphql.judgement import JudgementBasis
from kpi_api.graphql.language import text_lang
from kpi_api.series_service import Points, RankingData, SeriesData
from kpi_api.series_service import ReferenceSeries as ReferenceData


@strawberry.input(
    description='Select one breakdown cell, e.g. {dimension: "age", value: "16-24"}. `dimension` is a '
    'Dimension as `Indicator.breakdowns` names it ("AGE") or as the figures do ("age").'
)
class BreakdownFilter:
    dimension: str
    value: str


@strawberry.type(
    description="Columnar points: periods[i] has values[i] (null = suppressed) and provisional[i]."
)
class SeriesPoints:
    domain: strawberry.Private[Points]

    @strawberry.field
    def periods(self) -> list[str]:
        return list(self.domain.periods)

    @strawberry.field
    def values(self) -> list[Decimal | None]:
        return list(self.domain.values)

    @strawberry.field
    def provisional(self) -> list[bool]:
        return list(self.domain.provisional)


@strawberry.type(
    description="A series the indicator is judged against: the country, the region, a cluster or another group."
)
class ReferenceSeries:
    domain: strawberry.Private[ReferenceData]

    @strawberry.field
    def label(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.label(text_lang(info, lang))

    @strawberry.field
    def area(self) -> str:
        return self.domain.area

    @strawberry.field(description='The breakdown cell as "dimension=value" pairs joined by ";" ("" = total).')
    def cell(self) -> str:
        return _cell_text(self.domain.cell)

    @strawberry.field
    def points(self) -> SeriesPoints:
        return SeriesPoints(domain=self.domain.points)


@strawberry.type
class Series:
    domain: strawberry.Private[SeriesData]

    @strawberry.field
    def indicator(self) -> strawberry.ID:
        return strawberry.ID(self.domain.indicator)

    @strawberry.field
    def area(self) -> str:
        return self.domain.area

    @strawberry.field
    def unit(self) -> str | None:
        return self.domain.unit

    @strawberry.field(
        description='The breakdown cell of `points` as "dimension=value" pairs joined by ";" ("" = total).'
    )
    def cell(self) -> str:
        return _cell_text(self.domain.cell)

    @strawberry.field
    def points(self) -> SeriesPoints:
        return SeriesPoints(domain=self.domain.points)

    @strawberry.field
    def references(self) -> list[ReferenceSeries]:
        return [ReferenceSeries(domain=r) for r in self.domain.references]


@strawberry.type
class RankingEntry:
    rank: int
    area_code: strawberry.Private[str]
    value: Decimal

    @strawberry.field
    def area(self, info: strawberry.Info) -> Area:
        return Area(domain=info.context["catalogue"].areas.get(self.area_code))


@strawberry.type(
    description="The municipalities of a region, cluster or the country ordered best first; ties share the better rank."
)
class Ranking:
    domain: strawberry.Private[RankingData]

    @strawberry.field
    def indicator(self) -> strawberry.ID:
        return strawberry.ID(self.domain.indicator)

    @strawberry.field(description="The region, cluster or country ranked within.")
    def among(self, info: strawberry.Info) -> Area:
        return Area(domain=info.context["catalogue"].areas.get(self.domain.among))

    @strawberry.field(description="The period ranked; null when there is no data.")
    def period(self) -> str | None:
        return self.domain.period

    @strawberry.field
    def entries(self) -> list[RankingEntry]:
        return [RankingEntry(rank=r, area_code=code, value=v) for r, code, v in self.domain.entries]


@strawberry.type(
    description="Latest value and status of every indicator of a revision for every area of a kind, compact: "
    "`cells[a][i]` is `[period, value, status]` for `areas[a]` and `indicators[i]` (null period and value "
    "when there is no data; value as a decimal string)."
)
class StatusTable:
    strategy_id: strawberry.ID
    version: str
    indicators: list[strawberry.ID]
    areas: list[str]
    cells: JSON
    judged_on: JudgementBasis = strawberry.field(
        name="judgedOn", description="Which figures the table is judged on, and why."
    )


def _cell_text(cell) -> str:
    return ";".join(f"{d}={v}" for d, v in cell)
