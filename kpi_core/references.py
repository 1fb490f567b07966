"""What a target is measured against (the benchmark, *sammenligningsgrundlag*).

A reference names *which* figures a target compares with, relative to the area being
judged: the whole country, the judged municipality's own region or cluster, or another
population group in the same municipality.
"""

import enum

import attrs

from kpi_core.text import Text


class Dimension(enum.Enum):
    """Dimensions an indicator can be broken down by."""

    AGE = "age"
    GENDER = "gender"
    ORIGIN = "origin"  # herkomst: danish, western, non_western
    TARGET_GROUP = "target_group"  # målgruppe: dagpenge, kontanthjælp, …
    COMPANY_LOCATION = "company_location"  # 1.6: companies in / outside the municipality


@attrs.frozen
class Country:
    """The whole country (*landsgennemsnittet*, *landsniveau*, *nationalt niveau*)."""


@attrs.frozen
class OwnRegion:
    """The region the judged municipality belongs to (e.g. Region Hovedstaden for 151)."""


@attrs.frozen
class Cluster:
    """A cluster (*klynge*) of municipalities with similar framework conditions.

    `code` names a cluster area; None means "the judged municipality's cluster", which the
    sources name but do not list.
    """

    code: str | None = attrs.field(default=None)


def _non_empty(
    instance: object, attribute: "attrs.Attribute[tuple[str, ...]]", value: tuple[str, ...]
) -> None:
    if not value:
        raise ValueError(f"{attribute.name} must name at least one value")


@attrs.frozen
class PopulationGroup:
    """A population group in the same municipality, e.g. origin ∈ {danish, western}."""

    dimension: Dimension = attrs.field(validator=attrs.validators.instance_of(Dimension))
    values: tuple[str, ...] = attrs.field(converter=tuple[str, ...], validator=_non_empty)
    label: Text | None = attrs.field(default=None)


ComparisonSet = Country | OwnRegion | Cluster  # sets of municipalities a rank is taken in
Reference = Country | OwnRegion | Cluster | PopulationGroup
REFERENCE_KINDS: dict[type, str] = {
    Country: "country",
    OwnRegion: "region",
    Cluster: "cluster",
    PopulationGroup: "group",
}
