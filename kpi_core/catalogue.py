"""The strategy catalogue: revision files (TOML) → validated `Strategy` values.

A catalogue file holds one revision of one strategy: a `[strategy]` table naming the
strategy, and the revision's own fields at the top level (see `schema/` for the JSON
Schema of the format). Parsing is pure: it takes the text and a name to report errors
under; `kpi_core.shipped` reads the files that ship with the package.

Every problem is reported as a `CatalogueError` naming the file, the path inside it and
what was expected, e.g. ``unknown kind 'thresh'; expected one of: … @ $.focus_areas[1]
.indicators[0].target``.
"""

import datetime
import tomllib
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs

from kpi_core import toml_limits
from kpi_core.areas import Area, AreaDirectory, AreaKind
from kpi_core.catalogue_text import check_version, forbidden_characters
from kpi_core.convert import describe_error, make_converter
from kpi_core.errors import CatalogueError
from kpi_core.lineage import check_notes_agree
from kpi_core.strategy import Revision, Strategy
from kpi_core.text import Text

FORMAT_VERSION = 1


@attrs.frozen
class StrategyHeader:
    """The `[strategy]` table that every revision file of a strategy repeats."""

    id: str
    name: Text
    owner: str


@attrs.frozen
class RevisionFile:
    """One parsed catalogue file."""

    name: str
    strategy: StrategyHeader
    revision: Revision


_converter = make_converter()


def parse_revision(text: str, name: str) -> RevisionFile:
    """Parse one catalogue file's text; `name` is used in error messages."""
    data = _load_toml(text, name, parse_float=Decimal)
    problems = list(forbidden_characters(data))
    if isinstance(data.get("version"), str):
        try:
            check_version(data["version"])
        except ValueError as exc:
            problems.append(f"{exc} @ $.version")
    version = data.pop("format", None)
    if version != FORMAT_VERSION:
        problems.append(
            f"expected `format = {FORMAT_VERSION}` at the top of the file, found {version!r} @ $.format"
        )
    header_data = data.pop("strategy", None)
    header = _structure(header_data, StrategyHeader, "$.strategy", problems)
    revision = _structure(data, Revision, "$", problems)
    if revision is not None:  # rules for files written now (stored revisions load as published)
        problems += [p for p in (i.unexplained_direction() for i in revision.indicators) if p]
    if problems or header is None or revision is None:  # None only with a problem told
        raise CatalogueError(name, problems)
    return RevisionFile(name, header, revision)


def build_strategies(files: Iterable[RevisionFile]) -> list[Strategy]:
    """Group revision files into strategies, oldest revision first, and validate each
    strategy as a whole (lineage notes against the revisions they compare)."""
    grouped: dict[str, list[RevisionFile]] = {}
    for f in files:
        grouped.setdefault(f.strategy.id, []).append(f)
    strategies = []
    for group in grouped.values():
        group.sort(key=_chronological)
        names = ", ".join(f.name for f in group)
        first = group[0].strategy
        for f in group[1:]:
            if f.strategy != first:
                raise CatalogueError(
                    f.name, [f"its [strategy] table differs from the one in {group[0].name} @ $.strategy"]
                )
        try:
            strategy = Strategy(first.id, first.name, first.owner, tuple(f.revision for f in group))
        except ValueError as exc:
            raise CatalogueError(names, [str(exc)]) from None
        if problems := check_notes_agree(strategy):
            raise CatalogueError(names, problems)
        strategies.append(strategy)
    return sorted(strategies, key=lambda s: s.id)


def parse_areas(text: str, name: str) -> AreaDirectory:
    """Parse the areas reference file: `[country]`, `[[regions]]`, `[[municipalities]]`,
    and optionally `[[clusters]]` with `members`."""
    data = _load_toml(text, name)
    problems: list[str] = list(forbidden_characters(data))
    sections = {
        "country": AreaKind.COUNTRY,
        "regions": AreaKind.REGION,
        "municipalities": AreaKind.MUNICIPALITY,
        "clusters": AreaKind.CLUSTER,
    }
    if unknown := set(data) - set(sections):
        problems.append(f"unknown section(s) {', '.join(sorted(unknown))} @ $")
    areas = []
    for section, kind in sections.items():
        rows = data.get(section, [])
        rows = [rows] if isinstance(rows, dict) else rows
        for index, row in enumerate(rows):
            path = f"$.{section}" if section == "country" else f"$.{section}[{index}]"
            area = _structure({**row, "kind": kind.value}, Area, path, problems)
            if area is not None:
                areas.append(area)
    if problems:
        raise CatalogueError(name, problems)
    try:
        return AreaDirectory.of(areas)
    except ValueError as exc:
        raise CatalogueError(name, [str(exc)]) from None


def unstructure_revision(revision: Revision) -> dict[str, Any]:
    """A revision as plain data (JSON-ready), the inverse of structuring it."""
    data: dict[str, Any] = _converter.unstructure(revision)
    return data


def structure_revision(data: dict[str, Any]) -> Revision:
    return _converter.structure(data, Revision)


def _load_toml(text: str, name: str, parse_float: Callable[[str], Any] = float) -> dict[str, Any]:
    """The file's TOML, read within the limits of `toml_limits` (measured before parsing)."""
    try:
        return toml_limits.loads(text, parse_float=parse_float)
    except toml_limits.TomlLimitError as exc:
        raise CatalogueError(name, [f"not read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(name, [f"not valid TOML: {exc}"]) from None


_T = TypeVar("_T")


def _structure(data: object, cls: type[_T], path: str, problems: list[str]) -> _T | None:
    if data is None:
        problems.append(f"required table missing @ {path}")
        return None
    try:
        return _converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
        problems.extend(cattrs.transform_error(exc, path=path, format_exception=describe_error))
        return None


def _chronological(f: RevisionFile) -> tuple[bool, datetime.date | None, str]:
    r = f.revision
    return (r.in_force_from is None, r.in_force_from or r.adopted_on, r.version)
