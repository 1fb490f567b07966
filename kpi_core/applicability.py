"""Which areas a target rule applies to.

A rank among municipalities says nothing about the country or a region, and "at the
national level" says nothing about the country itself (it is met by definition): such an
answer is "does not apply" (`Status.NOT_APPLICABLE`), never "no data", since the figure
may well exist. An area the directory does not know is left to the rule (and so to
NO_DATA): whether it applies cannot be told.

>>> from kpi_core.shipped import shipped_areas
>>> from kpi_core.targets import RankWithin
>>> from kpi_core.references import OwnRegion
>>> rule = RankWithin(best=10, among=OwnRegion())
>>> not_applicable(rule, "151", shipped_areas()) is None
True
>>> not_applicable(rule, "DK", shipped_areas()).en
'the target ranks municipalities, not the whole country'
"""

from kpi_core.areas import Area, AreaDirectory, AreaKind
from kpi_core.comparisons import reference_area
from kpi_core.references import OwnRegion, PopulationGroup
from kpi_core.targets import AtOrAbove, AtOrBelow, FollowCluster, RankWithin, StrictlyBelow, TargetRule
from kpi_core.text import Text

# An area of each kind as a sentence names it ("not the whole country", "not regions").
_KIND_PLURAL = {
    AreaKind.COUNTRY: Text("hele landet", "the whole country"),
    AreaKind.REGION: Text("regioner", "regions"),
    AreaKind.CLUSTER: Text("klynger", "clusters"),
}
_KIND_DEFINITE = {
    AreaKind.MUNICIPALITY: Text("kommunen", "the municipality"),
    AreaKind.COUNTRY: Text("hele landet", "the whole country"),
    AreaKind.REGION: Text("regionen", "the region"),
    AreaKind.CLUSTER: Text("klyngen", "the cluster"),
}


def not_applicable(rule: TargetRule, area: str, areas: AreaDirectory) -> Text | None:
    """Why `rule` does not apply to `area` (a clause for an explanation), or None where
    it applies."""
    own = areas.get(area)
    if own is None:
        return None
    if isinstance(rule, RankWithin):
        return _rank(rule, own, areas)
    if isinstance(rule, AtOrAbove | AtOrBelow | StrictlyBelow) and not isinstance(
        rule.reference, PopulationGroup
    ):
        if isinstance(rule.reference, OwnRegion) and own.kind is not AreaKind.MUNICIPALITY:
            kind = _KIND_PLURAL[own.kind]
            return Text(
                f"målet sammenligner kommuner med deres region, ikke {kind.da}",
                f"the target compares municipalities with their region, not {kind.en}",
            )
        if reference_area(rule.reference, area, areas) == area:
            return _itself(own)
    if isinstance(rule, FollowCluster) and rule.cluster.code == area:
        return _itself(own)
    return None


def _rank(rule: RankWithin, own: Area, areas: AreaDirectory) -> Text | None:
    if own.kind is not AreaKind.MUNICIPALITY:
        kind = _KIND_PLURAL[own.kind]
        return Text(
            f"målet rangerer kommuner, ikke {kind.da}", f"the target ranks municipalities, not {kind.en}"
        )
    code = reference_area(rule.among, own.code, areas)
    comparison_set = areas.get(code) if code is not None else None
    if comparison_set is None:
        return None  # the set is not known: the judgement says so (NO_DATA)
    if own.code not in {m.code for m in areas.municipalities_in(comparison_set.code)}:
        return Text(
            f"målet rangerer kommunerne i {comparison_set.name}, og {own.name} er ikke en af dem",
            f"the target ranks the municipalities of {comparison_set.name_en or comparison_set.name}, "
            f"and {own.name_en or own.name} is not one of them",
        )
    return None


def _itself(own: Area) -> Text:
    it = _KIND_DEFINITE[own.kind]
    return Text(
        f"målet sammenligner med {it.da}, ikke {it.da} med sig selv",
        f"the target compares with {it.en}, not {it.en} with itself",
    )
