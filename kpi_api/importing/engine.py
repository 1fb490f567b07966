"""The one mapping engine: coded tables (cells.py) in, canonical rows (rows.SourceRow) out.

Every reader of a statistics format hands its file over as `CodedTable`s; this module
picks the mapping and table each one is, says what every column is (the area, the
period, a breakdown, a measure, ignored), and maps every code the mapping's way. Anything
the mapping cannot place stops the import with a `ReadError` naming the place in the
file and the fix, since a guessed figure is worse than none. A failure is reported once
per place (a code repeated in 10,000 records is one problem), and every column is looked
at, so that one run lists every unknown code.
"""

import functools
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from kpi_api.importing.cells import CodedTable, Record
from kpi_api.importing.derived import Accumulator
from kpi_api.importing.mapping_model import AreaRule, Categories, Mapping, Table, TimeRule
from kpi_api.importing.rows import MAX_JSON_CELLS, Problem, ReadError, SourceRow
from kpi_core import shipped_areas

_UNSEEN = object()  # not in the memo yet (None there means: skipped or not known)
_FORMAT_NAMES = {"jsonstat": "JSON-stat", "jobindsats": "Jobindsats"}
_AREA, _PERIOD, _MEASURE, _IGNORE, _BREAKDOWN, _CONTENTS, _SUMMED = (
    "area",
    "period",
    "measure",
    "ignore",
    "breakdown",
    "contents",
    "summed",  # a dimension a derived indicator's input adds up over
)


def source_rows(
    tables: Sequence[CodedTable], mappings: Sequence[Mapping], table: str | None = None
) -> Iterator[SourceRow]:
    """The rows of every table, each read with the first mapping (in the order given)
    that knows it; `table` names the table where the file does not (or must agree): one
    id, or one per table of the file, comma-separated in their order (y08a02,y09a02)."""
    problems: dict[str, Problem] = {}  # one per place in the file
    inputs = Accumulator()  # the figures derived indicators are computed from
    named = [t.strip() for t in table.split(",")] if table else []
    if len(named) > 1 and len(named) != len(tables):
        message = (
            f"holds {len(tables)} table(s), but the import named {len(named)}; name one per table, in order"
        )
        raise ReadError([Problem(tables[0].name if tables else "file", None, message)])
    # Rows are handed on as they are mapped, not collected: a million of them would be held
    # twice. A problem found later still stops the import, with the ReadError raised after
    # the last row; the importer writes nothing then (its one transaction rolls back).
    count = 0
    for number, coded in enumerate(tables):
        wanted = named[number] if len(named) > 1 else table
        chosen = _choose(coded, mappings, wanted, problems)
        if chosen is not None:
            for row in _TableMapper(coded, *chosen, problems, inputs).read():
                count += 1
                if count > MAX_JSON_CELLS:
                    limit = (
                        f"a {_FORMAT_NAMES[coded.format]} file may have at most {MAX_JSON_CELLS:,} (split it)"
                    )
                    message = f"has more than {MAX_JSON_CELLS:,} figures; {limit}"
                    raise ReadError([Problem(row.location, None, message)])
                if not problems:  # once the file is refused, its rows are not looked at
                    yield row
    derived = inputs.rows(problems) if not problems else []
    if problems:
        raise ReadError(list(problems.values()))
    yield from derived


def _choose(
    coded: CodedTable, mappings: Sequence[Mapping], wanted: str | None, problems: dict[str, Problem]
) -> tuple[Mapping, str] | None:
    place = coded.place()
    fitting = [m for m in mappings if m.format == coded.format]
    if not fitting:
        problems.setdefault(place, Problem(place, None, f"no mapping reads the {coded.format} format"))
        return None
    if wanted and coded.table_id and wanted.casefold() != coded.table_id.casefold():
        message = f"is table {coded.table_id} ({coded.table_evidence}), not {wanted} as the import was told; drop the table option or fix it"
        problems.setdefault(place, Problem(place, None, message))
        return None
    table_id = wanted or coded.table_id
    if table_id:
        for mapping in fitting:
            if (key := mapping.table(table_id)) is not None:
                return mapping, key
        evidence = f" ({coded.table_evidence})" if coded.table_id and not wanted else ""
        message = (
            f"is table {table_id}{evidence}, which no mapping knows ({_known(fitting)}); map it in a mapping "
            f"of your own ([tables.{table_id}] in a file given with --mapping or kept in KPI_MAPPINGS)"
        )
        problems.setdefault(place, Problem(place, None, message))
        return None
    if coded.format == "jobindsats":  # a Jobindsats answer does not say its table: its name or columns do
        named = [(m, t) for m in fitting for t in m.tables if _names(coded.name, t)]
        if len(named) == 1:
            return named[0]
        fits = [(m, t) for m in fitting for t in m.tables if _fits(coded, m, m.tables[t])]
        if len(fits) == 1:
            return fits[0]
        what = "Jobindsats table"
        how = "name the file after the table id (e.g. y01a02.json) or say the table (--table y01a02)"
    else:
        what = "Statbank table"
        metric = "several ContentsCode categories" if coded.measure_column else "no ContentsCode dimension"
        how = f"it has no `extension.px.tableid` and {metric}; say the table (--table AUP01)"
    message = f"does not say which {what} it is; {how}. Mapped: {_known(fitting)}"
    problems.setdefault(place, Problem(place, None, message))
    return None


def _known(mappings: Sequence[Mapping]) -> str:
    return "; ".join(f"{m.name}: {', '.join(m.tables)}" for m in mappings) or "none"


def _names(file_name: str, table_id: str) -> bool:
    pattern = rf"(?<![a-z0-9]){re.escape(table_id.lower())}(?![a-z0-9])"
    return re.search(pattern, file_name.lower()) is not None


def _fits(coded: CodedTable, mapping: Mapping, table: Table) -> bool:
    """Every column is one this table's mapping names, and one of its measures is there."""
    roles = [_jobindsats_role(c, mapping, table) for c in coded.columns]
    return all(r is not None for r in roles) and any(r and r[0] == _MEASURE for r in roles)


def _jobindsats_role(column: str, mapping: Mapping, table: Table) -> tuple[str, object] | None:
    if column in mapping.area.columns:
        return _AREA, mapping.area
    if column in mapping.time.columns:
        return _PERIOD, mapping.time
    if column in table.measures:
        return _MEASURE, table.measures[column]
    if column in table.ignore:
        return _IGNORE, None
    key = find_key(column, table.dimensions)
    return None if key is None else (_BREAKDOWN, table.dimensions[key])


class _TableMapper:
    """One coded table read with one table of one mapping."""

    def __init__(
        self,
        coded: CodedTable,
        mapping: Mapping,
        table_key: str,
        problems: dict[str, Problem],
        inputs: Accumulator,
    ):
        self.coded, self.mapping, self.table_key, self.problems = coded, mapping, table_key, problems
        self.table = mapping.tables[table_key]
        self.inputs, self.accumulator = mapping.inputs_of(table_key), inputs
        self.direct = bool(self.table.indicator or self.table.measures)
        self.summed = {d for *_, given in self.inputs for d in given.where}
        self.memo: dict[tuple[int, object], str | None] = {}
        self.suppressed = set(mapping.suppressed)
        self.suppressed_status = set(mapping.suppressed_status)
        shown_id = coded.table_id or (table_key.upper() if coded.format == "jobindsats" else table_key)
        self.source = ", ".join(s for s in (mapping.source, shown_id) if s)
        self.one_figure = coded.one_figure  # asked for every record
        self.roles = self._roles()
        self.absent_area = self._absent_area()

    # ── what each column is ──────────────────────────────────────────────────────────

    def _roles(self) -> list[tuple[str, object]]:
        coded, mapping = self.coded, self.mapping
        if coded.one_figure:
            area = self._dimension(mapping.area.names_in_file(), "geo")
            time = self._dimension(mapping.time.names_in_file(), "time")
        roles: list[tuple[str, object]] = []
        seen: set[str] = set()
        for column in coded.columns:
            if column in seen:
                self._problem(self._column_place(column), "appears twice among the variables")
            seen.add(column)
            if coded.one_figure:
                role = (
                    (_AREA, mapping.area)
                    if column == area
                    else (_PERIOD, mapping.time)
                    if column == time
                    else (_CONTENTS, None)
                    if column == coded.measure_column
                    else self._breakdown(column)
                )
            else:
                role = _jobindsats_role(column, mapping, self.table)
            if role is None and find_key(column, self.summed) is not None:
                role = (_SUMMED, None)
            if role is None:
                if coded.one_figure:
                    message = f"is not in the mapping for table {self.table_key}; map its categories to a breakdown, the total or skip them"
                else:
                    message = f"is not in the mapping for table {self.table_key}; name it as a dimension, a measure or ignore it"
                self._problem(self._column_place(column), message)
                role = (_IGNORE, None)
            roles.append(role)
        kinds = {r for r, _ in roles}
        if _PERIOD not in kinds:
            wanted = " or ".join(mapping.time.names_in_file())
            self._problem(
                self.coded.place(),
                f"has no period {'dimension' if coded.one_figure else 'column'} ({wanted}; it has: {', '.join(coded.columns)})",
            )
        if not coded.one_figure and self.direct and _MEASURE not in kinds:
            self._problem(
                self.coded.place(), f"has none of the measures the mapping names for table {self.table_key}"
            )
        return roles

    def _dimension(self, names: tuple[str, ...], role: str) -> str | None:
        for name in names:
            if (found := find_key(name, self.coded.columns)) is not None:
                return found
        declared = self.coded.roles.get(role)
        if isinstance(declared, list) and len(declared) == 1 and declared[0] in self.coded.columns:
            return declared[0]  # the dataset's own role says which dimension it is
        return None

    def _breakdown(self, column: str) -> tuple[str, object] | None:
        key = find_key(column, self.table.dimensions)
        return None if key is None else (_BREAKDOWN, self.table.dimensions[key])

    def _absent_area(self) -> str | None:
        """The area of every record when the file has no area column at all."""
        if any(r == _AREA for r, _ in self.roles):
            return None
        rule = self.mapping.area
        if rule.absent is None:
            where = "dimension" if self.coded.one_figure else "column"
            message = f"has no area {where} ({' or '.join(rule.names_in_file())}; it has: {', '.join(self.coded.columns)})"
            if self.coded.one_figure:
                message += '; if it is the whole country, say so in the mapping: absent = "000" under [area]'
            self._problem(self.coded.place(), message)
            return None
        try:
            return map_area(rule.absent, rule)
        except LookupError as exc:
            self._problem(self.coded.place(), f"area.absent `{rule.absent}` {exc}")
            return None

    # ── the records ──────────────────────────────────────────────────────────────────

    def read(self) -> Iterator[SourceRow]:
        """Every record, even when a column could not be placed (the file is refused then),
        so that one run names every unknown code."""
        coded, width = self.coded, len(self.roles)
        functions = {_AREA: map_area, _PERIOD: map_period, _BREAKDOWN: map_category}
        # What to do with each column, worked out once (a file repeats it a million times).
        # An ignored column is left out; a summed one only matters to derived indicators.
        self.plan = [
            (index, role, spec, functions.get(role), coded.columns[index])
            for index, (role, spec) in enumerate(self.roles)
            if role is not _IGNORE and (role is not _SUMMED or self.inputs)
        ]
        self.shown = [i for i, (role, _) in enumerate(self.roles) if role not in (_MEASURE, _IGNORE)]
        rows: list[SourceRow] = []  # the rows of one record
        for record in coded.records:
            if len(record.values) != width:
                message = f"has {len(record.values)} values, but there are {width} variables"
                self._problem(coded.place(record.location), message)
                continue
            self._record(record, rows)
            if rows:
                yield from rows
                rows.clear()

    def _location(self, record: Record) -> str:
        """Where a record is, with its codes: made only for a record that becomes a row or a problem."""
        columns, values = self.coded.columns, record.values
        named = ", ".join(f"{columns[i]}={values[i]}" for i in self.shown)
        return f"{self.coded.place(record.location)} ({named})"

    def _record(self, record: Record, rows: list[SourceRow]) -> None:
        fields: dict[str, str] = {}
        columns: dict[str, str] = {}
        figures: list[tuple[str, object, str]] = []  # (measure key, raw, status)
        texts: dict[str, str] = {}  # the codes of the categories, by column
        breakdowns: list[tuple[str, str, str | None]] = []  # (column, breakdown column, mapped)
        kept = True
        area = self.absent_area
        memo, values, derived = self.memo, record.values, bool(self.inputs)
        for index, role, spec, function, column in self.plan:
            raw = values[index]
            if role is _MEASURE:
                figures.append((column, raw, ""))
                continue
            text = raw.strip() if type(raw) is str else "" if raw is None else str(raw).strip()
            if derived:  # the codes a derived indicator's inputs are picked by
                texts[column] = text
            if role is _CONTENTS:
                figures.append((text, record.value, record.status))
                continue
            if role is _SUMMED:
                continue
            result = memo.get((index, text), _UNSEEN)
            if result is _UNSEEN:
                result = self._map(index, text, function, spec)
            if role is _BREAKDOWN and derived:
                breakdowns.append((column, spec.column or "", result))  # type: ignore[union-attr]
            if result is None:
                kept = False
            elif not result:  # the total ("")
                continue
            elif role is _AREA:
                area = result
                columns["area"] = column
            elif role is _PERIOD:
                fields["period"], columns["period"] = result, column
            else:  # a breakdown value; its column was checked when the mapping was read
                fields[spec.column], columns[spec.column] = result, column  # type: ignore[union-attr]
        if self.one_figure and self.coded.measure_column is None:
            figures.append((self.table_key, record.value, record.status))
        if area is None or "period" not in fields or not (self.inputs or (kept and self.direct)):
            return
        location = functools.partial(self._location, record)  # worded if a message needs it
        if self.inputs:
            self._collect(record, location(), area, fields["period"], texts, breakdowns)
        if not kept or not self.direct:
            return
        for key, raw, status in figures:
            self._figure(key, raw, status, location, area, fields, columns, rows)

    def _figure(self, key, raw, status, location, area, fields, columns, rows) -> None:
        measure = self.table.measure(key) if self.one_figure else self.table.measures[key]
        if measure is None:
            place = self._code_place(self.coded.measure_column or "", key)
            known = ", ".join(self.table.measures) or "none"
            self._problem(
                place, f"is not a measure of table {self.table_key} in the mapping (it maps: {known})"
            )
            return
        value = self._value(raw, status)
        if value is None:
            where = location() if self.coded.one_figure else f"{location()}, column '{key}'"
            self._problem(where, f"`{raw}` is not a number")
            return
        row_fields = {
            "indicator": measure.indicator,
            "area": area,
            **fields,
            "value": value,
            "unit": measure.unit,
            "source": self.source,
        }
        if self.coded.published:
            row_fields["published"] = self.coded.published
        row_columns = columns if self.one_figure else {"value": key, **columns}
        rows.append(SourceRow(location, row_fields, row_columns))

    def _collect(self, record: Record, location: str, area: str, period: str, texts, breakdowns) -> None:
        """The record's figure as an input of every derived indicator that reads it."""
        for indicator, part, position, given in self.inputs:
            summed = {find_key(d, texts) or d: codes for d, codes in given.where.items()}
            if any(texts.get(d) not in codes for d, codes in summed.items()):
                continue
            breakdown: dict[str, str] = {}
            counted = True
            for column, target, mapped in breakdowns:
                if column in summed:
                    continue
                if mapped is None:  # skipped (or unknown: a problem already)
                    counted = False
                elif mapped:
                    breakdown[target] = mapped
            if not counted:
                continue
            if self.coded.one_figure:
                if given.measure and texts.get(self.coded.measure_column or "") != given.measure:
                    continue
                raw, status = record.value, record.status
            elif given.measure in self.coded.columns:
                raw, status = record.values[self.coded.columns.index(str(given.measure))], ""
            else:  # the file lacks the figure: the indicator is not computed from it
                continue
            value = self._value(raw, status)
            codes = tuple(texts[d] for d in summed)
            problem = (
                f"`{raw}` is not a number"
                if value is None
                else self.accumulator.add(
                    self.mapping,
                    (indicator, part, position),
                    codes,
                    (area, period, breakdown),
                    value,
                    self.coded.published,
                    location,
                )
            )
            if problem:
                self._problem(location, f"{problem} (an input of {indicator})")

    def _value(self, raw: object, status: str) -> str | None:
        """A figure as text: empty when withheld (null, a suppression marker or status); None if not a number."""
        if raw is None or (status and status in self.suppressed_status):
            return ""
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int | Decimal):
            return str(raw)
        if isinstance(raw, str):
            text = raw.strip()
            return "" if text in self.suppressed else text
        return None

    def _map(self, index: int, text: str, function, spec) -> str | None:
        """Map one code once; a failure is one problem, however many records share it."""
        key = (index, text)
        if key not in self.memo:
            try:
                self.memo[key] = function(text, spec)
            except LookupError as exc:
                self.memo[key] = None
                column = self.coded.columns[index]
                self._problem(self._code_place(column, text), f"{exc} (table {self.table_key})")
        return self.memo[key]

    def _column_place(self, column: str) -> str:
        if self.coded.one_figure:
            return f"dimension {column}"
        return self.coded.place(f"column '{column}'")

    def _code_place(self, column: str, code: str) -> str:
        if self.coded.one_figure:
            return f"dimension {column}, category '{code}'"
        return self.coded.place(f"column '{column}', value '{code}'")

    def _problem(self, where: str, message: str) -> None:
        self.problems.setdefault(where, Problem(where, None, message))


# ── the codes ──────────────────────────────────────────────────────────────────────────


def map_period(text: str, rule: TimeRule) -> str:
    """The canonical period (2022, 2022Q3, 2022-09) for a source period such as 2022M09.

    A `refuse` pattern matching the whole text refuses it with its reason; otherwise the
    first of `periods` whose pattern matches the whole text wins, its template's `{0}`,
    `{1}` being the pattern's groups.
    """
    for refusal in rule.refuse:
        if re.fullmatch(refusal.pattern, text):
            raise LookupError(refusal.reason)
    for period in rule.periods:
        match = re.fullmatch(period.pattern, text)
        if match:
            return period.to.format(*match.groups())
    raise LookupError("is not a period the mapping knows; canonical periods are years, quarters and months")


def map_area(text: str, rule: AreaRule) -> str | None:
    """Our area code for a source area code or name; None when the mapping skips it."""
    if text in rule.skip or any(re.fullmatch(p, text) for p in rule.skip_matching):
        return None
    candidates = [text, *(text.removesuffix(s) for s in rule.name_suffixes if text.endswith(s))]
    areas = shipped_areas()
    for candidate in candidates:
        if candidate in rule.codes:
            return rule.codes[candidate]
        if candidate in rule.names:
            return rule.names[candidate]
        if rule.keep_known_codes and areas.get(candidate) is not None:
            return candidate
        if rule.match_area_names:
            by_name = {a.name.lower(): a.code for a in areas}
            if candidate.strip().lower() in by_name:
                return by_name[candidate.strip().lower()]
    raise LookupError(
        "is not an area the mapping or areas.toml knows; add it to the mapping's area codes or skip list"
    )


def map_category(code: str, spec: Categories) -> str | None:
    """The breakdown value for a category: "" for the total, None when skipped."""
    if code in spec.total:
        return ""
    if code in spec.skip:
        return None
    if code in spec.values:
        return spec.values[code]
    raise LookupError("is not in the mapping; map it to a breakdown value, the total or the skip list")


def find_key(wanted: str, keys) -> str | None:
    """`wanted` among `keys`, exactly or else ignoring case (Statbank says TID in CSV, Tid in JSON-stat)."""
    keys = list(keys)
    if wanted in keys:
        return wanted
    folded = [k for k in keys if k.casefold() == wanted.casefold()]
    return folded[0] if len(folded) == 1 else None
