"""Areas that figures are measured for: municipalities, regions, the country, clusters."""

import enum
from collections.abc import Iterable, Iterator

import attrs

from kpi_core.errors import UnknownArea


class AreaKind(enum.Enum):
    MUNICIPALITY = "municipality"
    REGION = "region"
    COUNTRY = "country"
    CLUSTER = "cluster"  # klynge: municipalities with similar framework conditions


COUNTRY_CODE = "DK"


@attrs.frozen
class Area:
    """One area. `region` is the region code of a municipality, else None."""

    code: str = attrs.field(validator=attrs.validators.instance_of(str))
    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    kind: AreaKind = attrs.field(validator=attrs.validators.instance_of(AreaKind))
    region: str | None = attrs.field(default=None)
    name_en: str | None = attrs.field(default=None)
    members: tuple[str, ...] = attrs.field(default=(), converter=tuple[str, ...])

    @region.validator
    def _only_municipalities_have_a_region(
        self, attribute: "attrs.Attribute[str | None]", value: str | None
    ) -> None:
        if (value is not None) != (self.kind is AreaKind.MUNICIPALITY):
            raise ValueError(f"area {self.code}: only a municipality names its region")


@attrs.frozen
class AreaDirectory:
    """All known areas, looked up by code. Membership: region → municipalities."""

    areas: tuple[Area, ...] = attrs.field(converter=tuple[Area, ...])
    _by_code: dict[str, Area] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        by_code: dict[str, Area] = {}
        for area in self.areas:
            if area.code in by_code:
                raise ValueError(f"area code {area.code} appears twice")
            by_code[area.code] = area
        for area in self.areas:
            if area.region is not None and by_code.get(area.region) is None:
                raise ValueError(f"area {area.code} names region {area.region}, which is not known")
        object.__setattr__(self, "_by_code", by_code)

    def __iter__(self) -> Iterator[Area]:
        return iter(self.areas)

    def __len__(self) -> int:
        return len(self.areas)

    def get(self, code: str) -> Area | None:
        return self._by_code.get(code)

    def require(self, code: str) -> Area:
        """The area with this code, or `UnknownArea` (one message for every face)."""
        area = self._by_code.get(code)
        if area is None:
            raise UnknownArea(code)
        return area

    def of_kind(self, kind: AreaKind | None) -> list[Area]:
        return [a for a in self.areas if kind is None or a.kind is kind]

    def municipalities_in(self, area_code: str) -> list[Area]:
        """The municipalities a region, cluster or the country compares among."""
        area = self._by_code[area_code]
        if area.kind is AreaKind.COUNTRY:
            return self.of_kind(AreaKind.MUNICIPALITY)
        if area.kind is AreaKind.REGION:
            return [a for a in self.areas if a.region == area_code]
        if area.kind is AreaKind.CLUSTER:
            return [self._by_code[m] for m in area.members]
        return [area]

    @classmethod
    def of(cls, areas: Iterable[Area]) -> "AreaDirectory":
        return cls(tuple(areas))
