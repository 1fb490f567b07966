"""Which figures a revision is judged on, and why (kpi_core.revision_time), as GraphQL
knows it: on a revision, on every status and on the status table."""

import datetime

import strawberry
from strawberry.types import Info

import kpi_core as core
from kpi_api.graphql.enums import JudgementBasisKind, Lang
from kpi_api.graphql.language import text_lang


@strawberry.type(
    description="Which figures a revision is judged on, and why. Without `asOf` a superseded revision is "
    "judged on what was published while it was in force (as of its last day), a revision written for a "
    "stated period (the 2015 plan) on the figures for periods in it, and the revision in force on the "
    "latest figures; other figures only on request (`asOf`, or a `period` outside its time), and then "
    "`kind` is REQUESTED."
)
class JudgementBasis:
    domain: strawberry.Private[core.JudgementBasis]

    @strawberry.field
    def kind(self) -> JudgementBasisKind:
        return self.domain.kind

    @strawberry.field(
        name="asOf", description="Only figures published on or before this day count; null: all published."
    )
    def as_of(self) -> datetime.date | None:
        return self.domain.as_of

    @strawberry.field(
        name="periodsFrom",
        description="Without a period asked for, the latest period is chosen among the periods lying wholly "
        "between periodsFrom and periodsUntil (a revision written for a stated period); null: any period.",
    )
    def periods_from(self) -> datetime.date | None:
        return self.domain.periods_from

    @strawberry.field(name="periodsUntil")
    def periods_until(self) -> datetime.date | None:
        return self.domain.periods_until

    @strawberry.field(
        name="outsideOwnTime",
        description="The figures asked for (asOf or period) lie outside the time the revision was in force.",
    )
    def outside_own_time(self) -> bool:
        return self.domain.outside_own_time

    @strawberry.field(description="The same in one sentence, for a page or a committee paper.")
    def explanation(self, info: Info, lang: Lang | None = None) -> str:
        return core.judgement_note(self.domain)(text_lang(info, lang))
