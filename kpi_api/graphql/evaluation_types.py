"""GraphQL types for evaluations (goal and indicator status)."""

from decimal import Decimal

import strawberry

import kpi_core as core
from kpi_api.graphql.enums import Lang, Status, Trend
from kpi_api.graphql.judgement import JudgementBasis


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

    @strawberry.field
    def value(self) -> Decimal | None:
        return self.domain.value

    @strawberry.field(description="The value compared against: the benchmark's value or the threshold.")
    def reference(self) -> Decimal | None:
        return self.domain.reference

    @strawberry.field(
        name="referenceLabel",
        description='What the reference is, e.g. "Hele landet", "Region Hovedstaden, plads 10".',
    )
    def reference_label(self, lang: Lang | None = core.Lang.DA) -> str | None:
        return self.domain.reference_label(lang) if self.domain.reference_label else None

    @strawberry.field(
        description="Signed distance to the target in the indicator's unit; positive = worse than required."
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
    def explanation(self, lang: Lang | None = core.Lang.DA) -> str:
        return self.domain.explanation(lang)

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
