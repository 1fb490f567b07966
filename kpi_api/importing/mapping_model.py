"""A mapping file as values: which source tables and measures feed which indicator, and
how the source's own codes (areas, periods, categories) become canonical values.

One format for every reader (see mappings/statbank.toml and mappings/jobindsats.toml,
which are the documentation by example). A file is TOML, read within the limits of every
TOML input (kpi_core.toml_limits), structured by cattrs with unknown keys refused, then
checked for what the types cannot say (a regular expression that does not compile, a
breakdown column that does not exist). Every problem names its place as a path into the
file (`tables.AUP01.dimensions.ALDER.column`) and says what to write instead.
"""

import functools
import re
import tomllib
from typing import Any

import attrs
import cattrs

from kpi_api.importing.rows import DIMENSIONS
from kpi_core import toml_limits

FORMATS = ("jsonstat", "jobindsats")  # the readers a mapping can serve


class MappingError(ValueError):
    """A mapping file that cannot be used; `problems` are lines such as
    "tables.AUP01.indicator: missing (say which indicator the table feeds)"."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.name, self.problems = name, problems
        super().__init__(f"mapping {name} is invalid:\n" + "\n".join(f"  {p}" for p in problems))


@attrs.frozen
class Categories:
    """One dimension (Statbank) or column (Jobindsats) of categories: each category is a
    breakdown value (`values`, written to `column`), the total (no breakdown) or skipped."""

    column: str | None = None
    total: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    values: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class Measure:
    indicator: str
    unit: str = ""


@attrs.frozen
class Table:
    """A source table: either one `indicator` for every figure it has (Statbank's
    single-content tables) or `measures` by measure code or column label; `ignore` lists
    measure columns that feed nothing."""

    indicator: str | None = None
    unit: str = ""
    measures: dict[str, Measure] = attrs.field(factory=dict)
    ignore: tuple[str, ...] = ()
    dimensions: dict[str, Categories] = attrs.field(factory=dict)

    def measure(self, key: str) -> Measure | None:
        if key in self.measures:
            return self.measures[key]
        return _one_measure(self.indicator, self.unit) if self.indicator else None


@functools.lru_cache(maxsize=1024)
def _one_measure(indicator: str, unit: str) -> Measure:
    # Asked once per figure of a single-content table: made once.
    return Measure(indicator, unit)


@attrs.frozen
class AreaRule:
    """Where the area is (`dimension`/`dimensions` in JSON-stat, `columns` in Jobindsats)
    and how a source area becomes ours. Order: `skip`, `skip_matching`, `codes`/`names`,
    then (if allowed) a code or a name areas.toml knows. `absent`: the source code to use
    when a file has no area dimension at all (Statbank drops a variable nobody asked
    for, so a whole-country answer has no OMRÅDE)."""

    dimension: str | None = None
    dimensions: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    codes: dict[str, str] = attrs.field(factory=dict)
    names: dict[str, str] = attrs.field(factory=dict)
    keep_known_codes: bool = False
    match_area_names: bool = False
    name_suffixes: tuple[str, ...] = ()  # "Ballerup Kommune" is Ballerup
    skip: tuple[str, ...] = ()
    skip_matching: tuple[str, ...] = ()  # regular expressions, matched against the whole text
    absent: str | None = None

    def names_in_file(self) -> tuple[str, ...]:
        return (*((self.dimension,) if self.dimension else ()), *self.dimensions, *self.columns)


@attrs.frozen
class PeriodRule:
    pattern: str
    to: str


@attrs.frozen
class Refusal:
    """Periods refused on purpose, with the reason a user reads (e.g. rolling years)."""

    pattern: str
    reason: str


@attrs.frozen
class TimeRule:
    dimension: str | None = None
    columns: tuple[str, ...] = ()
    periods: tuple[PeriodRule, ...] = ()
    refuse: tuple[Refusal, ...] = ()

    def names_in_file(self) -> tuple[str, ...]:
        return (*((self.dimension,) if self.dimension else ()), *self.columns)


@attrs.frozen
class Input:
    """Figures of one table that a derived indicator adds up: the measure (a Jobindsats
    column, a Statbank ContentsCode; default: the table's one figure) of the records whose
    codes are among `where`'s, summed over those dimensions. The table's other dimensions
    keep their mapping (the total, a breakdown value, or skipped)."""

    table: str
    measure: str | None = None
    where: dict[str, tuple[str, ...]] = attrs.field(factory=dict)


@attrs.frozen
class Derived:
    """A share computed from counts: 100 × Σ numerator ÷ Σ denominator, per area, period
    and breakdown, rounded to `decimals`; the counts are stored with it."""

    numerator: tuple[Input, ...]
    denominator: tuple[Input, ...]
    unit: str = "percent"
    decimals: int = 1
    source: str = ""  # default: the formula, naming the tables and codes


@attrs.frozen
class Mapping:
    """A whole mapping file. `name` is the file's stem (not written in the file)."""

    name: str
    format: str
    area: AreaRule
    time: TimeRule
    tables: dict[str, Table]
    source: str = ""
    suppressed: tuple[str, ...] = ()  # cell texts meaning "no figure" (Jobindsats)
    suppressed_status: tuple[str, ...] = ("..",)  # JSON-stat statuses meaning "withheld"
    derived: dict[str, Derived] = attrs.field(factory=dict)  # by indicator id

    def inputs_of(self, table_key: str) -> list[tuple[str, str, int, Input]]:
        """(indicator, "numerator" or "denominator", position, input) reading `table_key`."""
        found = []
        for indicator, derived in self.derived.items():
            for part in ("numerator", "denominator"):
                for position, given in enumerate(getattr(derived, part)):
                    if self.table(given.table) == table_key:
                        found.append((indicator, part, position, given))
        return found

    def table(self, table_id: str) -> str | None:
        """The key of `table_id` among the tables, matched ignoring case (Jobindsats says
        Y01A02 on its site and y01a02 in v3 calls)."""
        if table_id in self.tables:
            return table_id
        folded = [t for t in self.tables if t.casefold() == table_id.casefold()]
        return folded[0] if len(folded) == 1 else None


@attrs.define
class _File:
    """The file as written: `time` (Statbank) and `period` (Jobindsats) are the same section."""

    area: AreaRule
    tables: dict[str, Table]
    format: str | None = None
    source: str = ""
    suppressed: tuple[str, ...] = ()
    suppressed_status: tuple[str, ...] = ("..",)
    time: TimeRule | None = None
    period: TimeRule | None = None
    derived: dict[str, Derived] = attrs.field(factory=dict)


_converter = cattrs.Converter(forbid_extra_keys=True)


def _strict(kind: type, expected: str):
    """cattrs turns 2.10 into "2.1", "yes" into True and "abc" into ('a', 'b', 'c'); a
    mapping says what it means or is refused."""

    def structure(value: Any, _: type) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f"expected {expected}, found {type(value).__name__} {value!r:.40}")
        return value

    return structure


_converter.register_structure_hook(str, _strict(str, 'text (in quotes: "2.10")'))
_converter.register_structure_hook(bool, _strict(bool, "true or false"))
_converter.register_structure_hook(int, _strict(int, "a whole number"))
_converter.register_structure_hook_func(
    lambda t: getattr(t, "__origin__", None) is tuple,
    lambda value, t: tuple(
        _converter.structure(v, t.__args__[0]) for v in _strict(list, "a list [...]")(value, t)
    ),
)


def parse_mapping(text: str, name: str) -> Mapping:
    """The mapping in `text` (TOML), or MappingError listing every problem with its place."""
    try:
        raw = toml_limits.loads(text)
    except (toml_limits.TomlLimitError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(name, [str(exc)]) from None
    return mapping_from_dict(raw, name)


def mapping_from_dict(raw: dict[str, Any], name: str) -> Mapping:
    try:
        file = _converter.structure(raw, _File)
    except Exception as exc:  # cattrs' ClassValidationError: a tree of located errors
        messages = cattrs.transform_error(exc, path="", format_exception=_said)
        raise MappingError(name, [_located(m) for m in messages]) from None
    problems: list[str] = []
    time = file.time or file.period
    if (file.time is None) == (file.period is None):
        problems.append("time: say once how periods are read, in a [time] (or [period]) section")
    fmt = file.format or _format_from_keys(file)
    if fmt not in FORMATS:
        problems.append(f"format: `{fmt}` is not a format; expected one of: {', '.join(FORMATS)}")
    mapping = Mapping(
        name=name,
        format=str(fmt),
        area=file.area,
        time=time or TimeRule(),
        tables=file.tables,
        source=file.source,
        suppressed=file.suppressed,
        suppressed_status=file.suppressed_status,
        derived=file.derived,
    )
    problems += _problems(mapping)
    if problems:
        raise MappingError(name, problems)
    return mapping


def _format_from_keys(file: _File) -> str | None:
    """The shipped files of before `format` existed: a dimension means JSON-stat, columns Jobindsats."""
    if file.area.dimension or file.area.dimensions:
        return "jsonstat"
    if file.area.columns:
        return "jobindsats"
    return None


def _said(exc: BaseException, kind: type | None) -> str:
    """Our own strict hooks' words; cattrs' own for the rest (missing or extra keys)."""
    if isinstance(exc, ValueError) and str(exc).startswith("expected "):
        return str(exc)
    return cattrs.v.format_exception(exc, kind)


def _located(message: str) -> str:
    """cattrs says "invalid value for type, expected str @ $.tables['X'].unit"; we say
    "tables.X.unit: …", the place first, as a dotted key of the file."""
    text, _, path = message.rpartition(" @ ")
    path = re.sub(r"\['([^']*)'\]", r".\1", path).removeprefix("$").removeprefix(".") or "(the file)"
    return f"{path}: {text}" if text else message


def _problems(mapping: Mapping) -> list[str]:
    problems = []
    if not mapping.area.names_in_file():
        where = "dimension" if mapping.format == "jsonstat" else "columns"
        problems.append(f"area: say where the area is (`{where} = …`)")
    if not mapping.time.names_in_file():
        where = "dimension" if mapping.format == "jsonstat" else "columns"
        problems.append(f"time: say where the period is (`{where} = …`)")
    if not mapping.time.periods:
        problems.append(
            "time.periods: list at least one rule such as { pattern = '(\\d{4})M(\\d{2})', to = \"{0}-{1}\" }"
        )
    for number, rule in enumerate(mapping.time.periods):
        problems += _pattern(f"time.periods[{number}].pattern", rule.pattern, template=rule.to)
    for number, refusal in enumerate(mapping.time.refuse):
        problems += _pattern(f"time.refuse[{number}].pattern", refusal.pattern)
    for number, pattern in enumerate(mapping.area.skip_matching):
        problems += _pattern(f"area.skip_matching[{number}]", pattern)
    if not mapping.tables:
        problems.append("tables: map at least one table ([tables.<id>] with an indicator or measures)")
    inputs = {
        mapping.table(i.table) for d in mapping.derived.values() for i in (*d.numerator, *d.denominator)
    }
    for table_id, table in mapping.tables.items():
        where = f"tables.{table_id}"
        if table.indicator is None and not table.measures and table_id in inputs:
            pass  # read only for a derived indicator
        elif (table.indicator is None) == (not table.measures):
            problems.append(
                f"{where}: give either `indicator` (every figure of the table) or `measures` (by code or column), not "
                + ("both" if table.indicator else "neither")
            )
        for key, categories in table.dimensions.items():
            column = categories.column
            if column is not None and column not in DIMENSIONS:
                problems.append(
                    f"{where}.dimensions.{key}.column: `{column}` is not a breakdown column; "
                    f"expected one of: {', '.join(DIMENSIONS)}"
                )
            if categories.values and column is None:
                problems.append(f"{where}.dimensions.{key}: `values` need a `column` to write them to")
            doubled = set(categories.total) & set(categories.skip) | (
                set(categories.values) & (set(categories.total) | set(categories.skip))
            )
            if doubled:
                problems.append(
                    f"{where}.dimensions.{key}: {', '.join(sorted(doubled))} listed twice (as a value, the total or skipped)"
                )
    problems += _derived_problems(mapping)
    return problems


def _derived_problems(mapping: Mapping) -> list[str]:
    problems = []
    for indicator, derived in mapping.derived.items():
        where = f"derived.{indicator}"
        if not derived.numerator or not derived.denominator:
            problems.append(f"{where}: give both a `numerator` and a `denominator` (lists of inputs)")
        if not 0 <= derived.decimals <= 6:
            problems.append(f"{where}.decimals: {derived.decimals} is not 0–6")
        if derived.unit != "percent":
            problems.append(f'{where}.unit: a derived indicator is a share, unit = "percent"')
        for part in ("numerator", "denominator"):
            for position, given in enumerate(getattr(derived, part)):
                place = f"{where}.{part}[{position}]"
                key = mapping.table(given.table)
                if key is None:
                    problems.append(
                        f"{place}.table: `{given.table}` is not among the mapping's tables; add [tables.{given.table}]"
                    )
                    continue
                table = mapping.tables[key]
                if mapping.format == "jobindsats" and given.measure not in (*table.measures, *table.ignore):
                    problems.append(
                        f"{place}.measure: name a figure column of tables.{key} (one of its `measures` or `ignore`)"
                    )
                for dimension in given.where:
                    if dimension in table.dimensions and table.dimensions[dimension].values:
                        problems.append(
                            f"{place}.where.{dimension}: the dimension is summed here and a breakdown in "
                            f"tables.{key}; it cannot be both"
                        )
    return problems


def _pattern(where: str, pattern: str, template: str | None = None) -> list[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return [f"{where}: `{pattern}` is not a regular expression ({exc})"]
    if template is not None:
        try:
            template.format(*([""] * compiled.groups))
        except (IndexError, KeyError, ValueError):
            return [
                f"{where}: the template `{template}` uses a group the pattern does not have "
                f"(it has {compiled.groups}: write {{0}}…{{{max(compiled.groups - 1, 0)}}})"
            ]
    return []
