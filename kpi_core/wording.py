"""Targets and references described in plain words, in Danish and English.

>>> from decimal import Decimal
>>> from kpi_core.targets import Threshold, Bound
>>> describe_target(Threshold(Bound.MIN, Decimal("80")), Unit.PERCENT).da
'Mindst 80 %'
"""

from decimal import Decimal

from kpi_core.indicators import Unit
from kpi_core.references import Cluster, Country, OwnRegion, PopulationGroup, Reference
from kpi_core.targets import (
    AtOrAbove,
    AtOrBelow,
    Bound,
    ExternalTarget,
    FollowCluster,
    MaxDuration,
    MonitorOnly,
    Parity,
    RankWithin,
    StrictlyBelow,
    TargetRule,
    Threshold,
)
from kpi_core.text import Lang, Text

_UNIT = {
    Unit.PERCENT: (" %", " %"),
    Unit.PERCENT_CHANGE: (" %", " %"),
    Unit.COUNT: ("", ""),
    Unit.NUMBER: ("", ""),
    Unit.MONTHS: (" måneder", " months"),
    Unit.WEEKS: (" uger", " weeks"),
}

# Danish names of the breakdown values used in the catalogue.
_GROUP_VALUES = {
    "danish": ("dansk", "Danish"),
    "western": ("vestlig", "Western"),
    "non_western": ("ikke-vestlig", "non-Western"),
}


def unit_suffix(unit: Unit, lang: Lang = Lang.DA) -> str:
    """What follows a number of this unit: " %", " måneder"/" months", or nothing.

    >>> unit_suffix(Unit.MONTHS, Lang.EN)
    ' months'
    """
    da, en = _UNIT[unit]
    return en if lang is Lang.EN else da


def format_number(value: Decimal, lang: str = "da") -> str:
    """A decimal for display: Danish decimal comma, no trailing zeros (rounding is the
    caller's choice; this never rounds)."""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "da" else text


def describe_reference(reference: Reference) -> Text:
    if isinstance(reference, Country):
        return Text("Hele landet", "The whole country")
    if isinstance(reference, OwnRegion):
        return Text("Kommunens region", "The municipality's region")
    if isinstance(reference, Cluster):
        if reference.code:
            return Text(f"Klynge {reference.code}", f"Cluster {reference.code}")
        return Text("Kommunens klynge", "The municipality's cluster")
    return describe_group(reference)


def describe_group(group: PopulationGroup) -> Text:
    if group.label:
        return group.label
    da = " og ".join(_GROUP_VALUES.get(v, (v, v))[0] for v in group.values)
    en = " and ".join(_GROUP_VALUES.get(v, (v, v))[1] for v in group.values)
    return Text(f"Borgere med {da} {_dimension_da(group)}", f"Citizens of {en} {_dimension_en(group)}")


def describe_target(rule: TargetRule, unit: Unit) -> Text:
    """One sentence a case worker can read: what counts as the target being met."""
    da_unit, en_unit = _UNIT[unit]
    if isinstance(rule, AtOrAbove):
        ref = describe_reference(rule.reference)
        return Text(f"På eller over niveauet for {ref.da.lower()}", f"At or above the level of {_lower(ref.en)}")
    if isinstance(rule, AtOrBelow):
        ref = describe_reference(rule.reference)
        return Text(f"På eller under niveauet for {ref.da.lower()}", f"At or below the level of {_lower(ref.en)}")
    if isinstance(rule, StrictlyBelow):
        ref = describe_reference(rule.reference)
        return Text(f"Under niveauet for {ref.da.lower()}", f"Below the level of {_lower(ref.en)}")
    if isinstance(rule, RankWithin):
        among = describe_reference(rule.among)
        return Text(
            f"Blandt de {rule.best} bedste kommuner i {among.da.lower()}",
            f"Among the best {rule.best} municipalities in {_lower(among.en)}",
        )
    if isinstance(rule, Threshold):
        da_value = format_number(rule.value, "da") + da_unit
        en_value = format_number(rule.value, "en") + en_unit
        if rule.bound is Bound.MIN:
            return Text(f"Mindst {da_value}", f"At least {en_value}")
        return Text(f"Højst {da_value}", f"At most {en_value}")
    if isinstance(rule, Parity):
        focus, ref = describe_group(rule.focus), describe_group(rule.reference)
        tolerance_da = f" (tolerance {format_number(rule.tolerance, 'da')}{da_unit})" if rule.tolerance else ""
        tolerance_en = f" (tolerance {format_number(rule.tolerance, 'en')}{en_unit})" if rule.tolerance else ""
        return Text(
            f"{focus.da} på niveau med {ref.da.lower()}{tolerance_da}",
            f"{focus.en} on a level with {_lower(ref.en)}{tolerance_en}",
        )
    if isinstance(rule, ExternalTarget):
        return Text(f"Når målsætningen: {rule.label.da.lower()}", f"Reaches the target: {_lower(rule.label.en)}")
    if isinstance(rule, MaxDuration):
        return Text(
            f"Højst {format_number(rule.value, 'da')}{da_unit}",
            f"At most {format_number(rule.value, 'en')}{en_unit}",
        )
    if isinstance(rule, FollowCluster):
        cluster = describe_reference(rule.cluster)
        return Text(
            f"Udviklingen følger mindst udviklingen i {cluster.da.lower()}",
            f"The development at least follows that of {_lower(cluster.en)}",
        )
    assert isinstance(rule, MonitorOnly)
    return Text("Ingen målsætning; tallet følges", "No target; the figure is monitored")


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _dimension_da(group: PopulationGroup) -> str:
    return {"origin": "herkomst", "gender": "køn", "age": "alder", "target_group": "målgruppe"}.get(
        group.dimension.value, group.dimension.value
    )


def _dimension_en(group: PopulationGroup) -> str:
    return {"origin": "origin", "gender": "gender", "age": "age", "target_group": "target group"}.get(
        group.dimension.value, group.dimension.value
    )
