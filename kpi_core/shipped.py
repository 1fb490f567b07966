"""The catalogue and reference data that ship with the package (read-only package data).

This is the one place the core reads files, and only its own package's data, so that a
library user gets the Ballerup catalogue with `shipped_strategies()` and nothing else.
"""

import functools
from importlib import resources

from kpi_core.areas import AreaDirectory
from kpi_core.catalogue import RevisionFile, build_strategies, parse_areas, parse_revision
from kpi_core.strategy import Strategy

_DATA = resources.files("kpi_core") / "data"


@functools.cache
def shipped_revision_files() -> tuple[RevisionFile, ...]:
    folder = _DATA / "catalogue"
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".toml"))
    return tuple(parse_revision((folder / n).read_text(encoding="utf-8"), n) for n in names)


@functools.cache
def shipped_strategies() -> tuple[Strategy, ...]:
    return tuple(build_strategies(shipped_revision_files()))


@functools.cache
def shipped_areas() -> AreaDirectory:
    return parse_areas((_DATA / "areas.toml").read_text(encoding="utf-8"), "areas.toml")
