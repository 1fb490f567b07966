"""The GraphQL area (municipality, region, cluster, country): a leaf shared by the
catalogue, series and ranking types."""

import strawberry
from strawberry.types import Info

import kpi_core as core
from kpi_api.graphql.enums import AreaKind


@strawberry.type
class Area:
    domain: strawberry.Private[core.Area]

    @strawberry.field(description='Official code: "151" (municipality), "1084" (region), "DK" (country).')
    def code(self) -> str:
        return self.domain.code

    @strawberry.field
    def name(self) -> str:
        return self.domain.name

    @strawberry.field(name="nameEn")
    def name_en(self) -> str | None:
        return self.domain.name_en

    @strawberry.field
    def kind(self) -> AreaKind:
        return self.domain.kind

    @strawberry.field(description="The region a municipality belongs to.")
    def region(self, info: Info) -> "Area | None":
        if self.domain.region is None:
            return None
        return Area(domain=info.context["catalogue"].areas.get(self.domain.region))
