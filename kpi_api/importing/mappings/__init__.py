"""Where mappings come from: the files shipped next to this module (`statbank.toml`,
`jobindsats.toml`), a directory of the municipality's own (named by `KPI_MAPPINGS`), or
one file given to an import (`kpi import --mapping FILE`).

All are the same format (mapping_model.py). An import reads a table with the first
mapping that knows it: the file given, else the directory's mappings, else the shipped
ones. A file in the directory with a shipped file's name (statbank.toml) replaces it; two
of the directory's files mapping the same table is an error naming both, since which one
would win is a guess.
"""

from importlib import resources
from pathlib import Path

from kpi_api.importing.mapping_model import Mapping, MappingError, parse_mapping
from kpi_core import toml_limits

MAX_FILES = 200  # mapping files in a KPI_MAPPINGS directory


def shipped_names() -> list[str]:
    folder = resources.files(__name__)
    return sorted(f.name.removesuffix(".toml") for f in folder.iterdir() if f.name.endswith(".toml"))


def load_mapping(name: str, directory: Path | None = None) -> Mapping:
    """The mapping `name`: the directory's file of that name, else the shipped one."""
    own = _directory_files(directory)
    if name in own:
        return read_mapping_file(own[name])
    available = sorted({*shipped_names(), *own})
    if name not in shipped_names():
        shown = name if len(name) <= 40 else f"{name[:40]}…"
        raise MappingError(shown, [f"no mapping named {shown!r}; available: {', '.join(available)}"])
    text = (resources.files(__name__) / f"{name}.toml").read_text(encoding="utf-8")
    return parse_mapping(text, name)


def read_mapping_file(path: Path) -> Mapping:
    """A mapping file, measured before it is read (as every TOML input)."""
    limit = toml_limits.MAX_BYTES
    try:
        with path.open("rb") as file:  # read no more than the limit: a FIFO or /dev/zero has no size
            data = file.read(limit + 1)
    except OSError as exc:
        raise MappingError(str(path), [f"cannot be read: {exc.strerror}"]) from None
    if len(data) > limit:
        size = path.stat().st_size if path.is_file() else None
        found = f"is {size:,} bytes" if size else f"is longer than {limit:,} bytes"
        raise MappingError(str(path), [f"{found}; a mapping file has at most {limit:,}"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MappingError(str(path), [f"is not UTF-8 (byte {exc.start}); save it as UTF-8"]) from None
    return parse_mapping(text, path.stem)


def mappings_for_import(
    file: Path | None = None, name: str | None = None, directory: Path | None = None
) -> list[Mapping]:
    """The mappings an import tries, in order: the one file or name asked for, or all
    of the directory's and then the shipped ones not replaced by the directory's."""
    if file is not None:
        return [read_mapping_file(file)]
    if name is not None:
        return [load_mapping(name, directory)]
    own_files = _directory_files(directory)
    own = [read_mapping_file(path) for path in own_files.values()]
    _no_table_twice(own)
    shipped = [load_mapping(n) for n in shipped_names() if n not in own_files]
    return [*own, *shipped]


def _directory_files(directory: Path | None) -> dict[str, Path]:
    if directory is None:
        return {}
    try:
        files = sorted(p for p in directory.iterdir() if p.suffix == ".toml" and p.is_file())
    except OSError as exc:
        raise MappingError(
            str(directory), [f"KPI_MAPPINGS: cannot list the directory: {exc.strerror}"]
        ) from None
    if len(files) > MAX_FILES:
        raise MappingError(str(directory), [f"has {len(files)} mapping files; at most {MAX_FILES}"])
    return {p.stem: p for p in files}


def _no_table_twice(mappings: list[Mapping]) -> None:
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for mapping in mappings:
        for table in mapping.tables:
            key = (mapping.format, table.casefold())
            if key in seen:
                problems.append(
                    f"tables.{table}: mapped by both {seen[key]}.toml and {mapping.name}.toml; keep it in one of them"
                )
            seen.setdefault(key, mapping.name)
    if problems:
        raise MappingError("KPI_MAPPINGS", problems)
