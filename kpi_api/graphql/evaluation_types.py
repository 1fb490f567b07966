"""GraphQL types for evaluations (goal and indicator status)."""

from decimal import Decimal

import strawberry
from strawberry.types import Info

import kpi_core as core
from kpi_api.graphql.enums import Dimension, Lang, RollupRule, Status, Trend
from kpi_api.graphql.judgement import JudgementBasis
from kpi_api.graphql.language import text_lang
from kpi_core.wording import describe_cell


@strawberry.type(description="One breakdown dimension and value, e.g. origin = non_western.")
class BreakdownCell:
    dimension: str
    value: str


@strawberry.type(description="How an indicator (or a goal, through its key figure) is doing, and why.")
class Evaluation:
    domain: strawberry.Private[core.Evaluation]
    basis: strawberry.Private[core.JudgementBasis | None] = None

    @strawberry.field
    def status(self) -> Status:
        return self.domain.status

    @strawberry.field(
        description="The period judged (canonical: 2022, 2022Q3, 2022-09); null when there is no data at all."
    )
    def period(self) -> str | None:
        return self.domain.period

    @strawberry.field(
        description="The area's value in the period judged, in the indicator's unit (`Indicator.unit`: for "
        'percent, "30.5" is 30.5 %); a decimal string; null when missing or suppressed.'
    )
    def value(self) -> Decimal | None:
        return self.domain.value

    @strawberry.field(
        description="The value compared against, in the same unit: the benchmark's value or the threshold."
    )
    def reference(self) -> Decimal | None:
        return self.domain.reference

    @strawberry.field(
        name="referenceLabel",
        description='What the reference is, e.g. "Hele landet", "Region Hovedstaden, plads 10".',
    )
    def reference_label(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.reference_label(text_lang(info, lang)) if self.domain.reference_label else None

    @strawberry.field(
        description="Signed distance to the target in the indicator's unit: for a share or a change in per "
        "cent (unit percent or percent_change) in percentage points, not per cent of the reference (30.5 % "
        'against 28 % is "2.5"); for a rank target the distance to the value of the N-th best. Positive = '
        "worse than required; zero or negative = met (for strictly_below, zero is not yet met)."
    )
    def gap(self) -> Decimal | None:
        return self.domain.gap

    @strawberry.field(
        description="For a rank target: the rank in the whole comparison set, when every member has a value; "
        "null when values are missing (see rankBest and rankWorst)."
    )
    def rank(self) -> int | None:
        return self.domain.rank

    @strawberry.field(name="rankOf", description="For a rank target: the size of the whole comparison set.")
    def rank_of(self) -> int | None:
        return self.domain.rank_of

    @strawberry.field(
        name="rankBest",
        description="For a rank target: the rank if every missing value of the comparison set were worse.",
    )
    def rank_best(self) -> int | None:
        return self.domain.rank_best

    @strawberry.field(
        name="rankWorst",
        description="For a rank target: the rank if every missing value of the comparison set were better.",
    )
    def rank_worst(self) -> int | None:
        return self.domain.rank_worst

    @strawberry.field(
        name="rankKnown",
        description="For a rank target: how many members of the comparison set have a value (of rankOf).",
    )
    def rank_known(self) -> int | None:
        return self.domain.rank_known

    @strawberry.field
    def trend(self) -> Trend:
        return self.domain.trend

    @strawberry.field(description="Why, in words: the value, the reference, the period and the rule.")
    def explanation(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.explanation(text_lang(info, lang))

    @strawberry.field(
        name="judgedOn",
        description="Which figures this status is judged on, and why (a breakdown cell: as its total).",
    )
    def judged_on(self) -> JudgementBasis | None:
        return JudgementBasis(domain=self.basis) if self.basis is not None else None

    @strawberry.field(description="The same judgement per breakdown cell (e.g. per target group).")
    def breakdown(self) -> list["BreakdownEvaluation"]:
        return [
            BreakdownEvaluation(cell_pairs=cell, inner=e, basis=self.basis)
            for cell, e in self.domain.breakdown
        ]

    @strawberry.field(
        description="For an indicator judged per group (5.4 under 2022): how the headline came from "
        "the groups, whose own evaluations are in `breakdown`; null otherwise."
    )
    def rollup(self) -> "Rollup | None":
        return Rollup(domain=self.domain.rollup) if self.domain.rollup else None


@strawberry.type(description="How the headline of an indicator judged per group came from its groups.")
class Rollup:
    domain: strawberry.Private[core.RollupSummary]

    @strawberry.field
    def rule(self) -> RollupRule:
        return self.domain.rule

    @strawberry.field(description="The dimension whose values are the groups (e.g. target_group).")
    def per(self) -> Dimension:
        return self.domain.per

    @strawberry.field(
        description="Every group judged: those with figures now or a year earlier, and any the catalogue names."
    )
    def groups(self) -> list["RollupGroup"]:
        return [RollupGroup(cell_pairs=g) for g in self.domain.groups]

    @strawberry.field(description="How many groups have each status, best first.")
    def counts(self) -> list["StatusCount"]:
        return [StatusCount(status=s, count=n) for s, n in self.domain.counts]

    @strawberry.field(
        description="The group whose figures the headline shows (the worst, farthest from the target); "
        "null when the groups cannot decide the headline."
    )
    def deciding(self) -> "RollupGroup | None":
        return RollupGroup(cell_pairs=self.domain.deciding) if self.domain.deciding else None

    @strawberry.field(description="Groups without data: they keep the headline from being achieved.")
    def missing(self) -> list["RollupGroup"]:
        return [RollupGroup(cell_pairs=g) for g in self.domain.missing]


@strawberry.type(description="One group of a roll-up: a value of its dimension.")
class RollupGroup:
    cell_pairs: strawberry.Private[tuple]

    @strawberry.field(description='The value as the figures name it, e.g. "kontanthjaelp".')
    def value(self) -> str:
        return self.cell_pairs[0][1]

    @strawberry.field(
        description='The group as a reader names it, e.g. "kontanthjælp" / "social assistance".'
    )
    def name(self, info: Info, lang: Lang | None = None) -> str:
        return describe_cell(self.cell_pairs)(text_lang(info, lang))


@strawberry.type
class StatusCount:
    status: Status
    count: int


@strawberry.type
class BreakdownEvaluation:
    cell_pairs: strawberry.Private[tuple]
    inner: strawberry.Private[core.Evaluation]
    basis: strawberry.Private[core.JudgementBasis | None] = None

    @strawberry.field
    def cell(self) -> list[BreakdownCell]:
        return [BreakdownCell(dimension=d, value=v) for d, v in self.cell_pairs]

    @strawberry.field
    def evaluation(self) -> Evaluation:
        return Evaluation(domain=self.inner, basis=self.basis)
