"""Words and numbers, in Danish and English: every text a reader sees that the code
writes itself (the catalogue's own texts come from the catalogue).

One place, so the chart, the pages and the explanations say the same thing:

==========================  =====================================================
`format_number`             `2,35` / `2.35`: rounded as published, with separators
`format_value`              `30,5 %`, `4 måneder`, "ingen værdi" for None
`typeset_value`             `−2,4\u00a0%`: as a page prints it (minus, no-break space)
`unit_suffix`               what follows a number of a `Unit`
`status_label`              a status on its own: `På rette vej` (a badge)
`status_phrase`             a status in a sentence: `ikke nået, på rette vej`
`status_symbol`             `✓`, `✗` … beside the words, never instead of them
`status_meaning`            what a status means, for a legend: `Målet er nået, …`
`rank_words`                a rank or its bounds: `nr. 8 af 29`, `nr. 2 til 29 af 29 (…)`
`trend_label`               a trend on its own: `Bedre end året før`
`trend_phrase`              a trend in a sentence: `bedre`; `lavere` without a direction
`direction_phrase`          `lavere er bedre`, `ingen retning er bedre`
`direction_assumption`      beside a trend: `Antaget: højere er bedre. <the reason>`
`month_name`, `long_date`   `december`, `1. december 2026` / `1 December 2026`
`period_words`              a period in prose: `december 2025`, `3. kvartal 2022`
`area_name`                 an area in the reader's language: `Capital Region of Denmark`
`area_in_sentence`          inside a sentence: `the Capital Region of Denmark`, `hele landet`
`describe_cell`             a breakdown cell: `ikke-vestlig herkomst`, never `origin=non_western`
`in_sentence`               a label inside a sentence, proper names kept: `Region Hovedstaden`
`dimension_name`            a breakdown dimension: `herkomst`, `company location`
`describe_group`            a population group: `Borgere med dansk herkomst`
`describe_cell`             a breakdown cell: `ikke-vestlig herkomst, kontanthjælp`
`count_statuses`            statuses counted: `2 nået og 1 ikke på rette vej`
`join_words`                `a, b og c` / `a, b and c`
`describe_reference`        what a target compares with: `Hele landet`
`describe_target`           a target in one sentence: `Mindst 80 %`
`revision_notice`           a superseded or reconstructed revision says so
`judgement_note`            which figures a revision is judged on, and why
`revision_tag`              the same in a few words, for a picture
==========================  =====================================================

One rounding rule: stored figures stay exact; a display shows a value with the number of
decimals its indicator declares (`Indicator.decimals`, trailing zeros kept: 3 shows as
3,0), rounded half up; where none is declared, exactly up to two decimals and a longer
one rounded half up to two, as a publication prints it (2.345 shows as 2,35, never 2,34).

>>> from kpi_core.targets import Threshold, Bound
>>> describe_target(Threshold(Bound.MIN, Decimal("80")), Unit.PERCENT).da
'Mindst 80 %'
>>> format_value(Decimal("12345.678"), Unit.COUNT), format_value(Decimal("2.345"), Unit.PERCENT, Lang.EN)
('12.345,68', '2.35 %')
"""

import datetime
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from kpi_core.areas import Area, AreaKind
from kpi_core.indicators import Direction, Indicator, Unit
from kpi_core.periods import PeriodKind, parse_period
from kpi_core.references import Cluster, Country, Dimension, OwnRegion, PopulationGroup, Reference
from kpi_core.revision_time import BasisKind, JudgementBasis, RevisionTime
from kpi_core.status import Status, Trend
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

NO_VALUE = Text("ingen værdi", "no value")
MINUS = "\u2212"  # the minus sign a page prints; data and explanations keep "-"
NBSP = "\u00a0"  # keeps a number and its unit on one line

# What follows a number, with its space. Counts and plain numbers have none.
_UNIT = {
    Unit.PERCENT: Text(" %", " %"),
    Unit.PERCENT_CHANGE: Text(" %", " %"),
    Unit.MONTHS: Text(" måneder", " months"),
    Unit.WEEKS: Text(" uger", " weeks"),
}

_STATUS_LABEL = {
    Status.ACHIEVED: Text("Nået", "Achieved"),
    Status.ON_TRACK: Text("På rette vej", "On track"),
    Status.OFF_TRACK: Text("Ikke på rette vej", "Off track"),
    Status.NOT_MET_PROGRESS_UNKNOWN: Text("Ikke nået, udvikling ukendt", "Not met, progress unknown"),
    Status.UNDECIDED: Text("Uafklaret", "Undecided"),
    Status.MONITORING: Text("Følges", "Monitoring"),
    Status.NOT_APPLICABLE: Text("Gælder ikke", "Not applicable"),
    Status.NO_DATA: Text("Ingen data", "No data"),
}
_STATUS_PHRASE = {
    Status.ACHIEVED: Text("nået", "achieved"),
    Status.ON_TRACK: Text("ikke nået, på rette vej", "not achieved, on track"),
    Status.OFF_TRACK: Text("ikke nået, ikke på rette vej", "not achieved, off track"),
    Status.NOT_MET_PROGRESS_UNKNOWN: Text("ikke nået, udvikling ukendt", "not achieved, progress unknown"),
    Status.UNDECIDED: Text(
        "uafklaret: tallene afgør ikke, om målet er nået",
        "undecided: the figures do not decide whether it is met",
    ),
    Status.MONITORING: Text("følges", "monitored"),
    Status.NOT_APPLICABLE: Text("gælder ikke for området", "not applicable to the area"),
    Status.NO_DATA: Text("ingen data", "no data"),
}
# A legend's sentence per status: what the claim is, and what it does not claim.
_STATUS_MEANING = {
    Status.ACHIEVED: Text(
        "Målet er nået, og ingen manglende værdi kan ændre det.",
        "The target is met, and no missing value could change that.",
    ),
    Status.ON_TRACK: Text(
        "Målet er ikke nået, men afstanden er mindre (for en placering: placeringen bedre) end et år før.",
        "The target is not met, but the gap is smaller (for a rank: the rank is better) than a year earlier.",
    ),
    Status.OFF_TRACK: Text(
        "Målet er ikke nået, og afstanden er ikke mindre (for en placering: placeringen ikke bedre) end et år før.",
        "The target is not met, and the gap is not smaller (for a rank: the rank is not better) than a year earlier.",
    ),
    Status.NOT_MET_PROGRESS_UNKNOWN: Text(
        "Målet er ikke nået, og det kan ikke afgøres, om afstanden er mindre end et år før, fordi der mangler tal.",
        "The target is not met, and whether the gap is smaller than a year earlier cannot be decided, because figures are missing.",
    ),
    Status.UNDECIDED: Text(
        "Der mangler værdier for nogle af de kommuner, der sammenlignes med, og de kan afgøre, om målet er nået. "
        "Forklaringen siger, hvor mange der kendes, og hvilke placeringer der er mulige.",
        "Values are missing for some of the municipalities compared with, and they could decide whether the target is met. "
        "The explanation says how many are known and which ranks are possible.",
    ),
    Status.MONITORING: Text(
        "Tallet har ingen målsætning og følges.", "The figure has no target and is monitored."
    ),
    Status.NOT_APPLICABLE: Text(
        "Målsætningen gælder ikke for området, fx en placering blandt kommuner, set for hele landet eller en region.",
        "The target does not apply to the area, e.g. a rank among municipalities, asked for the whole country or a region.",
    ),
    Status.NO_DATA: Text(
        "Der mangler en værdi for kommunen eller for det, der sammenlignes med.",
        "A value is missing for the municipality or for what it is compared with.",
    ),
}
# Shown next to the words, so a status never depends on colour alone. U+FE0E keeps the
# arrow as text, not an emoji.
_STATUS_SYMBOL = {
    Status.ACHIEVED: "✓",
    Status.ON_TRACK: "↗\ufe0e",
    Status.OFF_TRACK: "✗",
    Status.NOT_MET_PROGRESS_UNKNOWN: "✗?",
    Status.UNDECIDED: "?",
    Status.MONITORING: "●",
    Status.NOT_APPLICABLE: "⊘",
    Status.NO_DATA: "–",
}
_TREND_LABEL = {
    Trend.IMPROVING: Text("Bedre end året før", "Better than a year earlier"),
    Trend.WORSENING: Text("Dårligere end året før", "Worse than a year earlier"),
    Trend.STABLE: Text("Uændret fra året før", "Unchanged from a year earlier"),
    Trend.UNKNOWN: Text("Ukendt", "Unknown"),
    # For a figure without a direction: which way it went, not whether that is good.
    Trend.RISING: Text("Højere end året før", "Higher than a year earlier"),
    Trend.FALLING: Text("Lavere end året før", "Lower than a year earlier"),
}
_TREND_PHRASE = {
    Trend.IMPROVING: Text("bedre", "better"),
    Trend.WORSENING: Text("dårligere", "worse"),
    Trend.STABLE: Text("uændret", "unchanged"),
    Trend.UNKNOWN: Text("ukendt", "unknown"),
    Trend.RISING: Text("højere", "higher"),
    Trend.FALLING: Text("lavere", "lower"),
}
_DIRECTION = {
    Direction.BETTER_UP: Text("højere er bedre", "higher is better"),
    Direction.BETTER_DOWN: Text("lavere er bedre", "lower is better"),
    Direction.NONE: Text("ingen retning er bedre", "no direction is better"),
}

_MONTHS = tuple(
    Text(da, en)
    for da, en in (
        ("januar", "January"),
        ("februar", "February"),
        ("marts", "March"),
        ("april", "April"),
        ("maj", "May"),
        ("juni", "June"),
        ("juli", "July"),
        ("august", "August"),
        ("september", "September"),
        ("oktober", "October"),
        ("november", "November"),
        ("december", "December"),
    )
)

_DIMENSION = {
    Dimension.AGE: Text("alder", "age"),
    Dimension.GENDER: Text("køn", "gender"),
    Dimension.ORIGIN: Text("herkomst", "origin"),
    Dimension.TARGET_GROUP: Text("målgruppe", "target group"),
    Dimension.COMPANY_LOCATION: Text("virksomhedens placering", "company location"),
}

# The breakdown values the catalogue and the importers use; others are shown as given.
_GROUP_VALUES = {
    "danish": Text("dansk", "Danish"),
    "western": Text("vestlig", "Western"),
    "non_western": Text("ikke-vestlig", "non-Western"),
    "inside": Text("i kommunen", "inside the municipality"),
    "outside": Text("uden for kommunen", "outside the municipality"),
    "men": Text("mænd", "men"),
    "women": Text("kvinder", "women"),
    # Target groups (målgrupper) as the demo and the Jobindsats benefit tables name them.
    "dagpenge": Text("dagpenge", "unemployment benefit"),
    "kontanthjaelp": Text("kontanthjælp", "social assistance"),
    "uddannelseshjaelp": Text("uddannelseshjælp", "education benefit"),
    "sygedagpenge": Text("sygedagpenge", "sickness benefit"),
    "ressourceforloeb": Text("ressourceforløb", "resource programme"),
    "jobafklaring": Text("jobafklaring", "job clarification"),
    "ledighedsydelse": Text("ledighedsydelse", "flex-job unemployment benefit"),
}

_DISPLAY_PLACES = Decimal("0.01")
# Decimal and thousands separators per language, swapped in from Python's "1,234.5".
_SEPARATORS = {Lang.DA: str.maketrans(",.", ".,"), Lang.EN: str.maketrans("", "")}


def rounded(value: Decimal, decimals: int | None = None) -> Decimal:
    """The value a display shows: with `decimals` (the indicator's declared number), rounded
    half up to exactly that many; without, exact up to two decimals, else rounded half up
    to two.

    >>> rounded(Decimal("2.345")), rounded(Decimal("2.65")), rounded(Decimal("-0.125"))
    (Decimal('2.35'), Decimal('2.65'), Decimal('-0.13'))
    >>> rounded(Decimal("3"), 1), rounded(Decimal("2.25"), 1), rounded(Decimal("12.5"), 0)
    (Decimal('3.0'), Decimal('2.3'), Decimal('13'))
    """
    exponent = value.as_tuple().exponent  # a str only for NaN and infinity, never rounded
    if not isinstance(exponent, int):
        return value
    if decimals is not None:
        return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if exponent < -2:
        return value.quantize(_DISPLAY_PLACES, rounding=ROUND_HALF_UP)
    return value


def format_number(value: Decimal, lang: Lang = Lang.DA, decimals: int | None = None) -> str:
    """A number for reading: `rounded`, Danish `12.345,6` or English `12,345.6`; a
    negative value with "-". With `decimals`, exactly that many (trailing zeros kept, as a
    publication prints a column); without, no trailing zeros.

    >>> format_number(Decimal("1234.50")), format_number(Decimal("1234.50"), Lang.EN)
    ('1.234,5', '1,234.5')
    >>> format_number(Decimal("3"), decimals=1), format_number(Decimal("1.94"), Lang.EN, 1)
    ('3,0', '1.9')
    >>> format_number(Decimal("-0.004")), format_number(Decimal("-0.04"), decimals=1)  # zero has no sign
    ('0', '0,0')
    """
    shown = rounded(value, decimals)
    text = format(shown if shown else abs(shown), ",f")
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.translate(_SEPARATORS[lang])


def unit_suffix(unit: Unit, lang: Lang = Lang.DA) -> str:
    """What follows a number of this unit: " %", " måneder"/" months", or nothing.

    >>> unit_suffix(Unit.MONTHS, Lang.EN), unit_suffix(Unit.COUNT)
    (' months', '')
    """
    suffix = _UNIT.get(unit)
    return suffix(lang) if suffix else ""


def format_value(value: Decimal | None, unit: Unit, lang: Lang = Lang.DA, decimals: int | None = None) -> str:
    """`30,5 %`, `4 måneder`; "ingen værdi" for a missing value, never zero; `decimals`
    as `format_number`.

    >>> format_value(Decimal("4"), Unit.MONTHS), format_value(None, Unit.PERCENT, Lang.EN)
    ('4 måneder', 'no value')
    >>> format_value(Decimal("3"), Unit.PERCENT, decimals=1)
    '3,0 %'
    """
    if value is None:
        return NO_VALUE(lang)
    return format_number(value, lang, decimals) + unit_suffix(unit, lang)


def format_gap(value: Decimal, unit: Unit, lang: Lang = Lang.DA, decimals: int | None = None) -> str:
    """A difference of two values: of two shares it is in percentage points, not per cent.

    >>> format_gap(Decimal("8"), Unit.PERCENT), format_gap(Decimal("1"), Unit.PERCENT, Lang.EN)
    ('8 procentpoint', '1 percentage point')
    >>> format_gap(Decimal("2"), Unit.MONTHS)
    '2 måneder'
    """
    if unit is not Unit.PERCENT:
        return format_value(value, unit, lang, decimals)
    number = format_number(value, lang, decimals)
    if lang is Lang.DA:
        return f"{number} procentpoint"
    return f"{number} percentage point" + ("" if number.lstrip("-") == "1" else "s")


def typeset_value(
    value: Decimal | None, unit: Unit, lang: Lang = Lang.DA, decimals: int | None = None
) -> str:
    """`format_value` as a page prints it: a minus sign (U+2212), a plus for a change,
    and a no-break space before the unit.

    >>> typeset_value(Decimal("-2.4"), Unit.PERCENT) == "\u22122,4\u00a0%"
    True
    >>> typeset_value(Decimal("3.1"), Unit.PERCENT_CHANGE, Lang.EN) == "+3.1\u00a0%"
    True
    >>> typeset_value(Decimal("4"), Unit.MONTHS, decimals=1) == "4,0\u00a0måneder"
    True
    """
    if value is None:
        return NO_VALUE(lang)
    shown = rounded(value, decimals)
    sign = MINUS if shown < 0 else ("+" if unit is Unit.PERCENT_CHANGE and shown > 0 else "")
    return sign + format_value(abs(shown), unit, lang, decimals).replace(" ", NBSP)


def status_label(status: Status, lang: Lang = Lang.DA) -> str:
    """A status on its own, as on a badge: `På rette vej`."""
    return _STATUS_LABEL[status](lang)


def status_phrase(status: Status, lang: Lang = Lang.DA) -> str:
    """A status within a sentence: `Status: ikke nået, på rette vej.`"""
    return _STATUS_PHRASE[status](lang)


def status_symbol(status: Status) -> str:
    return _STATUS_SYMBOL[status]


def status_meaning(status: Status, lang: Lang = Lang.DA) -> str:
    """What a status claims, as a legend says it.

    >>> status_meaning(Status.NOT_APPLICABLE, Lang.EN)[:34]
    'The target does not apply to the a'
    """
    return _STATUS_MEANING[status](lang)


def rank_words(best: int, worst: int, of: int, known: int, lang: Lang = Lang.DA) -> str:
    """A rank in a comparison set of `of`, or where it lies when only `known` have a value.

    >>> rank_words(8, 8, 29, 29), rank_words(2, 29, 29, 2, Lang.EN)
    ('nr. 8 af 29', 'no. 2 to 29 of 29 (values for 2)')
    """
    if best == worst and known == of:
        return Text(f"nr. {best} af {of}", f"no. {best} of {of}")(lang)
    return Text(
        f"nr. {best} til {worst} af {of} (værdier for {known})",
        f"no. {best} to {worst} of {of} (values for {known})",
    )(lang)


def trend_label(trend: Trend, lang: Lang = Lang.DA) -> str:
    """A trend on its own, as in a table column: `Bedre end året før`."""
    return _TREND_LABEL[trend](lang)


def trend_phrase(trend: Trend, lang: Lang = Lang.DA) -> str:
    """A trend within a sentence: `Udvikling siden året før: bedre.`"""
    return _TREND_PHRASE[trend](lang)


def direction_phrase(direction: Direction, lang: Lang = Lang.DA) -> str:
    """Which way is better, within a sentence: `lavere er bedre`."""
    return _DIRECTION[direction](lang)


def direction_assumption(indicator: Indicator) -> Text | None:
    """What a page prints beside the trend of an indicator whose direction the catalogue
    chose (no target states it): the direction and the catalogue's reason.

    None where a target states the direction.
    """
    remark = indicator.direction_remark()
    if remark is None:
        return None
    if indicator.direction is Direction.NONE:  # nothing assumed: say why nothing is
        return Text(f"Ingen retning valgt. {remark.text.da}", f"No direction chosen. {remark.text.en}")
    return Text(
        f"Antaget: {direction_phrase(indicator.direction, Lang.DA)}. {remark.text.da}",
        f"Assumed: {direction_phrase(indicator.direction, Lang.EN)}. {remark.text.en}",
    )


def month_name(month: int, lang: Lang = Lang.DA) -> str:
    """Month 1–12 by name, as a sentence writes it (Danish lower case).

    >>> month_name(3), month_name(3, Lang.EN)
    ('marts', 'March')
    """
    return _MONTHS[month - 1](lang)


def long_date(day: datetime.date, lang: Lang = Lang.DA) -> str:
    """A day as a sentence writes it.

    >>> long_date(datetime.date(2026, 12, 1)), long_date(datetime.date(2026, 12, 1), Lang.EN)
    ('1. december 2026', '1 December 2026')
    """
    if lang is Lang.EN:
        return f"{day.day} {month_name(day.month, lang)} {day.year}"
    return f"{day.day}. {month_name(day.month, lang)} {day.year}"


def period_words(period: str, lang: Lang = Lang.DA) -> str:
    """A period as prose writes it, not as data stores it: months by name, quarters in
    words, years as they are.

    >>> period_words("2025-12"), period_words("2025-12", Lang.EN), period_words("2022Q3"), period_words("2022Q3", Lang.EN)
    ('december 2025', 'December 2025', '3. kvartal 2022', 'Q3 2022')
    >>> period_words("2024")
    '2024'
    """
    parsed = parse_period(period)
    if parsed.kind is PeriodKind.MONTH:
        return f"{month_name(parsed.index, lang)} {parsed.year}"
    if parsed.kind is PeriodKind.QUARTER:
        return Text(f"{parsed.index}. kvartal {parsed.year}", f"Q{parsed.index} {parsed.year}")(lang)
    return str(parsed.year)


def area_name(area: Area, lang: Lang = Lang.DA) -> str:
    """The area's English name where it has one, else its own (Danish) name."""
    return area.name_en or area.name if lang is Lang.EN else area.name


def area_in_sentence(area: Area, lang: Lang = Lang.DA) -> str:
    """An area's name inside a sentence: proper names keep their capitals, and English
    takes the article where the name does ("in the Capital Region of Denmark", "in
    Region Zealand", "for the whole country").

    >>> from kpi_core.areas import AreaKind
    >>> area_in_sentence(Area("1084", "Region Hovedstaden", AreaKind.REGION, name_en="Capital Region of Denmark"), Lang.EN)
    'the Capital Region of Denmark'
    >>> area_in_sentence(Area("DK", "Hele landet", AreaKind.COUNTRY, name_en="Whole country"))
    'hele landet'
    """
    name = area_name(area, lang)
    if area.kind is AreaKind.COUNTRY:  # "Hele landet" is a phrase, not a name
        return name[:1].lower() + name[1:] if lang is Lang.DA else "the " + _lower(name)
    if lang is Lang.EN and area.kind is AreaKind.REGION and not name.startswith("Region "):
        return "the " + name
    return name


def in_sentence(label: Text) -> Text:
    """A label (`Hele landet`, `Borgere med dansk herkomst`) inside a sentence: the first
    letter lower-cased unless the label starts with a proper name (`Region Hovedstaden`).

    >>> in_sentence(Text("Region Hovedstaden, plads 10", "Capital Region of Denmark, rank 10")).da
    'Region Hovedstaden, plads 10'
    >>> in_sentence(Text("Borgere med dansk herkomst", "Citizens of Danish origin")).en
    'citizens of Danish origin'
    """
    return Text(_lower_unless_name(label.da), _lower_unless_name(label.en))


def _lower_unless_name(text: str) -> str:
    words = text.split(" ")
    # "Region Hovedstaden", "Capital Region …", "Klynge 3": a capital or a digit in the
    # second word marks a name; "Hele landet", "Borgere med …" are phrases.
    if len(words) > 1 and (words[1][:1].isupper() or words[1][:1].isdigit()):
        return text
    return _lower(text)


def dimension_name(dimension: Dimension, lang: Lang = Lang.DA) -> str:
    """What a breakdown dimension is called in a sentence.

    >>> dimension_name(Dimension.COMPANY_LOCATION), dimension_name(Dimension.TARGET_GROUP, Lang.EN)
    ('virksomhedens placering', 'target group')
    """
    return _DIMENSION[dimension](lang)


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
    """The group's own label, else its values and dimension in words.

    >>> describe_group(PopulationGroup(Dimension.ORIGIN, ("danish", "western"))).da
    'Borgere med dansk og vestlig herkomst'
    >>> describe_group(PopulationGroup(Dimension.COMPANY_LOCATION, ("outside",))).en
    'Companies outside the municipality'
    """
    if group.label:
        return group.label
    values = [_GROUP_VALUES.get(v, Text(v, v)) for v in group.values]
    da, en = " og ".join(v.da for v in values), " and ".join(v.en for v in values)
    if group.dimension is Dimension.COMPANY_LOCATION:  # companies, not citizens, are located
        return Text(f"Virksomheder {da}", f"Companies {en}")
    dimension = _DIMENSION[group.dimension]
    return Text(f"Borgere med {da} {dimension.da}", f"Citizens of {en} {dimension.en}")


def describe_cell(cell: tuple[tuple[str, str], ...]) -> Text:
    """A breakdown cell as a reader names it, never as codes (`origin=non_western`).

    >>> describe_cell((("origin", "non_western"), ("target_group", "kontanthjaelp"))).da
    'ikke-vestlig herkomst, kontanthjælp'
    >>> describe_cell((("age", "16-24"), ("origin", "danish+western"))).en
    'aged 16-24, Danish and Western origin'
    >>> describe_cell((("age", "50+"),)).en  # an open age band, not a group
    'aged 50+'
    >>> describe_cell(()).en
    'in total'
    """
    if not cell:
        return Text("i alt", "in total")
    parts = [_cell_part(dimension, value) for dimension, value in cell]
    return Text(", ".join(p.da for p in parts), ", ".join(p.en for p in parts))


def _cell_part(dimension: str, value: str) -> Text:
    # A group of values is one cell named `danish+western` (kpi_core.observations.group_key);
    # a value that only contains a "+" (the age band `50+`) is one value, not a group.
    members = value.split("+")
    if not all(members):
        members = [value]
    words = [_GROUP_VALUES.get(v, Text(v, v)) for v in members]
    da, en = " og ".join(w.da for w in words), " and ".join(w.en for w in words)
    if dimension == Dimension.ORIGIN.value:
        return Text(f"{da} herkomst", f"{en} origin")
    if dimension == Dimension.AGE.value:
        return Text(f"{da} år", f"aged {en}")
    if dimension == Dimension.COMPANY_LOCATION.value:
        return Text(f"virksomheder {da}", f"companies {en}")
    return Text(da, en)


def count_statuses(counts: Iterable[tuple[Status, int]]) -> Text:
    """How many have each status, in a sentence (the counts as given, zeros left out).

    >>> count_statuses([(Status.ACHIEVED, 2), (Status.ON_TRACK, 0), (Status.NO_DATA, 1)]).da
    '2 nået og 1 uden data'
    >>> count_statuses([(Status.ACHIEVED, 1), (Status.OFF_TRACK, 1), (Status.NO_DATA, 1)]).en
    '1 achieved, 1 off track and 1 without data'
    """
    shown = [(s, n) for s, n in counts if n]
    words = [(n, _COUNTED.get(s) or _STATUS_PHRASE[s]) for s, n in shown]
    return join_words([Text(f"{n} {w.da}", f"{n} {w.en}") for n, w in words])


# A status after a number ("1 nået"), as the counts of a roll-up say it.
_COUNTED = {
    Status.ACHIEVED: Text("nået", "achieved"),
    Status.ON_TRACK: Text("på rette vej", "on track"),
    Status.OFF_TRACK: Text("ikke på rette vej", "off track"),
    Status.MONITORING: Text("fulgt", "monitored"),
    Status.NO_DATA: Text("uden data", "without data"),
}


def join_words(items: Iterable[Text]) -> Text:
    """`a, b og c` / `a, b and c`.

    >>> join_words([Text("dagpenge", "unemployment benefit"), Text("kontanthjælp", "social assistance")]).en
    'unemployment benefit and social assistance'
    """
    listed = list(items)

    def join(words: list[str], conjunction: str) -> str:
        return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"

    if not listed:
        raise ValueError("nothing to join")
    return Text(join([t.da for t in listed], "og"), join([t.en for t in listed], "and"))


def describe_target(rule: TargetRule, unit: Unit) -> Text:
    """One sentence a case worker can read: what counts as the target being met."""
    if isinstance(rule, AtOrAbove):
        ref = describe_reference(rule.reference)
        return Text(
            f"På eller over niveauet for {ref.da.lower()}", f"At or above the level of {_lower(ref.en)}"
        )
    if isinstance(rule, AtOrBelow):
        ref = describe_reference(rule.reference)
        return Text(
            f"På eller under niveauet for {ref.da.lower()}", f"At or below the level of {_lower(ref.en)}"
        )
    if isinstance(rule, StrictlyBelow):
        ref = describe_reference(rule.reference)
        return Text(f"Under niveauet for {ref.da.lower()}", f"Below the level of {_lower(ref.en)}")
    if isinstance(rule, RankWithin):
        if rule.label:
            return rule.label
        among = describe_reference(rule.among)
        return Text(
            f"Blandt de {rule.best} bedste kommuner i {among.da.lower()}",
            f"Among the best {rule.best} municipalities in {_lower(among.en)}",
        )
    if isinstance(rule, Threshold):
        da_value, en_value = format_value(rule.value, unit, Lang.DA), format_value(rule.value, unit, Lang.EN)
        if rule.bound is Bound.MIN:
            return Text(f"Mindst {da_value}", f"At least {en_value}")
        return Text(f"Højst {da_value}", f"At most {en_value}")
    if isinstance(rule, Parity):
        focus, ref = describe_group(rule.focus), describe_group(rule.reference)
        tolerance_da = f" (tolerance {format_value(rule.tolerance, unit, Lang.DA)})" if rule.tolerance else ""
        tolerance_en = f" (tolerance {format_value(rule.tolerance, unit, Lang.EN)})" if rule.tolerance else ""
        return Text(
            f"{focus.da} på niveau med {ref.da.lower()}{tolerance_da}",
            f"{focus.en} on a level with {_lower(ref.en)}{tolerance_en}",
        )
    if isinstance(rule, ExternalTarget):
        return Text(
            f"Når målsætningen: {rule.label.da.lower()}", f"Reaches the target: {_lower(rule.label.en)}"
        )
    if isinstance(rule, MaxDuration):
        return Text(
            f"Højst {format_value(rule.value, unit, Lang.DA)}",
            f"At most {format_value(rule.value, unit, Lang.EN)}",
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


# ── Revisions in their own time (kpi_core.revision_time) ─────────────────────────────────
def _both(words: Callable[[Lang], str]) -> Text:
    return Text(words(Lang.DA), words(Lang.EN))


def _span_words(first: datetime.date | None, last: datetime.date | None, lang: Lang) -> str:
    """`6. oktober 2020 – 8. november 2022`, `fra 9. november 2022` / `from 9 November 2022`."""
    if first is None:
        return "uden angivet periode" if lang is Lang.DA else "with no stated period"
    if last is None:
        return f"{'fra' if lang is Lang.DA else 'from'} {long_date(first, lang)}"
    return f"{long_date(first, lang)} – {long_date(last, lang)}"


def revision_notice(time: RevisionTime) -> Text | None:
    """What every page and figure showing the revision says of its time, or None for a
    revision in force that is nobody's reconstruction.

    >>> from kpi_core.strategy import RevisionStatus
    >>> notice = revision_notice(RevisionTime("2020", RevisionStatus.SUPERSEDED, datetime.date(2020, 10, 6),
    ...     datetime.date(2022, 11, 8), "2022", True, False, False, False, datetime.date(2022, 11, 9)))
    >>> notice.en
    'Revision 2020 has been superseded by revision 2022 (in force from 9 November 2022); it was in force 6 October 2020 – 8 November 2022.'
    """

    def words(lang: Lang) -> str:
        da = lang is Lang.DA
        span = _span_words(time.in_force_from, time.in_force_until, lang)
        sentences = []
        if time.superseded and time.successor_from is not None:
            start = long_date(time.successor_from, lang)
            sentences.append(
                f"Revision {time.version} er afløst af revision {time.successor} (i kraft fra {start}); "
                f"den var i kraft {span}."
                if da
                else f"Revision {time.version} has been superseded by revision {time.successor} "
                f"(in force from {start}); it was in force {span}."
            )
        elif time.successor is not None and time.successor_from is not None:
            start = long_date(time.successor_from, lang)
            sentences.append(
                f"Revision {time.version} afløses af revision {time.successor} fra {start}."
                if da
                else f"Revision {time.version} will be superseded by revision {time.successor} on {start}."
            )
        elif not time.in_force and time.stated_period:
            sentences.append(
                f"Revision {time.version} gjaldt {span}."
                if da
                else f"Revision {time.version} applied {span}."
            )
        if time.reconstructed:
            sentences.append(
                f"Revision {time.version} er delvis rekonstrueret ud fra senere dokumenter, ikke gengivet "
                "fra sine egne; se revisionens bemærkning."
                if da
                else f"Revision {time.version} is partly reconstructed from later documents, not taken from "
                "its own; see the revision's remark."
            )
        return " ".join(sentences)

    return _both(words) if words(Lang.DA) else None


def judgement_note(basis: JudgementBasis) -> Text:
    """Which figures a revision is judged on, and why, in one sentence.

    >>> from kpi_core.strategy import RevisionStatus
    >>> judgement_note(JudgementBasis(BasisKind.AS_PUBLISHED_AT_END, RevisionTime("2020",
    ...     RevisionStatus.SUPERSEDED, datetime.date(2020, 10, 6), datetime.date(2022, 11, 8), "2022", True,
    ...     False, False, False), datetime.date(2022, 11, 8), None)).da
    'Bedømt på de tal, der var offentliggjort til og med 8. november 2022, revisionens sidste dag i kraft.'
    """
    time = basis.time

    def words(lang: Lang) -> str:
        da = lang is Lang.DA
        if basis.kind is BasisKind.AS_PUBLISHED_AT_END and basis.as_of is not None:
            day = long_date(basis.as_of, lang)
            return (
                f"Bedømt på de tal, der var offentliggjort til og med {day}, revisionens sidste dag i kraft."
                if da
                else f"Judged on the figures published by {day}, the revision's last day in force."
            )
        if basis.kind is BasisKind.STATED_PERIOD:
            return (
                f"Bedømt på tallene for perioder i {_stated(basis, lang)}, som revisionen er skrevet for."
                if da
                else f"Judged on the figures for periods in {_stated(basis, lang)}, which the revision is "
                "written for."
            )
        if basis.kind is BasisKind.REQUESTED:
            asked = []
            if basis.period is not None:
                asked.append(f"perioden {basis.period}" if da else f"the period {basis.period}")
            if basis.as_of is not None:
                day = long_date(basis.as_of, lang)
                asked.append(
                    f"tal offentliggjort til og med {day}" if da else f"the figures published by {day}"
                )
            elif time.stated_period:
                asked.append("de senest offentliggjorte tal" if da else "the latest published figures")
            sentence = ("Efter ønske bedømt på " if da else "On request, judged on ") + (
                " og " if da else " and "
            ).join(asked)
            if basis.outside_own_time:
                span = (
                    _stated(basis, lang)
                    if basis.periods is not None
                    else _span_words(time.in_force_from, time.in_force_until, lang)
                )
                sentence += (
                    f" – uden for revisionens egen tid ({span})"
                    if da
                    else f" – outside the revision's own time ({span})"
                )
            return sentence + "."
        return "Bedømt på de senest offentliggjorte tal." if da else "Judged on the latest published figures."

    return _both(words)


def _stated(basis: JudgementBasis, lang: Lang) -> str:
    """A stated period in words: `2015` for a whole calendar year, else its two days."""
    first, last = basis.periods_from, basis.periods_until
    whole_year = (
        first is not None
        and last is not None
        and first.year == last.year
        and (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
    )
    if whole_year and first is not None:
        return str(first.year)
    return _span_words(first, last, lang)


def revision_tag(basis: JudgementBasis) -> Text | None:
    """A few words for a picture that travels without its page: `Revision 2020: afløst,
    rekonstrueret`; None for a revision in force judged in its own time."""
    time = basis.time
    da, en = [], []
    if time.superseded:
        da.append("afløst")
        en.append("superseded")
    if time.reconstructed:
        da.append("rekonstrueret")
        en.append("reconstructed")
    if basis.outside_own_time:
        da.append("bedømt uden for sin tid")
        en.append("judged outside its time")
    if not da:
        return None
    return Text(f"Revision {time.version}: {', '.join(da)}", f"Revision {time.version}: {', '.join(en)}")
