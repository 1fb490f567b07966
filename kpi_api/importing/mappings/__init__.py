"""Mapping files: which source tables and measures feed which indicator, and how the
source's own codes (areas, periods, categories) become canonical values.

One TOML file per source sits next to this module as package data (`statbank.toml`,
`jobindsats.toml`); the readers take the loaded dict, so a test or a user can pass their
own. The helpers below apply the parts of a mapping both readers share. Each raises
`LookupError` for a code the mapping does not know, so a reader can name the place in
the file instead of guessing.
"""

import re
from importlib import resources

from kpi_core import shipped_areas, toml_limits

_NAME = re.compile(r"[a-z0-9_]+")


def load_mapping(name: str) -> dict:
    """The packaged mapping `name` (e.g. "statbank"), as a plain dict."""
    folder = resources.files(__name__)
    available = sorted(f.name.removesuffix(".toml") for f in folder.iterdir() if f.name.endswith(".toml"))
    if not _NAME.fullmatch(name) or name not in available:
        raise ValueError(f"no mapping named {name!r}; available: {', '.join(available)}")
    return toml_limits.loads((folder / f"{name}.toml").read_text(encoding="utf-8"))


def map_period(text: str, rules: list[dict]) -> str:
    """The canonical period (2022, 2022Q3, 2022-09) for a source period such as 2022M09.

    Each rule is `{pattern = regex, to = template}`; the template's `{0}`, `{1}` are the
    pattern's groups. The first rule whose pattern matches the whole text wins.
    """
    for rule in rules:
        match = re.fullmatch(rule["pattern"], text)
        if match:
            return rule["to"].format(*match.groups())
    raise LookupError("is not a period the mapping knows; canonical periods are years, quarters and months")


def map_area(text: str, spec: dict) -> str | None:
    """Our area code for a source area code or name; None when the mapping skips it.

    Order: `skip`, the explicit `codes`/`names` tables, then (if allowed) a code or a
    name that areas.toml already knows, so 98 municipalities need no lines of their own.
    """
    if text in spec.get("skip", ()):
        return None
    explicit = spec.get("codes", {}) | spec.get("names", {})
    if text in explicit:
        return explicit[text]
    areas = shipped_areas()
    if spec.get("keep_known_codes") and areas.get(text) is not None:
        return text
    if spec.get("match_area_names"):
        by_name = {a.name.lower(): a.code for a in areas}
        if text.strip().lower() in by_name:
            return by_name[text.strip().lower()]
    raise LookupError(
        "is not an area the mapping or areas.toml knows; add it to the mapping's area codes or skip list"
    )


def map_category(code: str, spec: dict) -> str | None:
    """The breakdown value for a category: "" for the total, None when skipped."""
    if code in spec.get("total", ()):
        return ""
    if code in spec.get("skip", ()):
        return None
    values = spec.get("values", {})
    if code in values:
        return values[code]
    raise LookupError("is not in the mapping; map it to a breakdown value, the total or the skip list")


def find_key(wanted: str, keys) -> str | None:
    """`wanted` among `keys`, exactly or else ignoring case (Statbank says TID in CSV, Tid in JSON-stat)."""
    keys = list(keys)
    if wanted in keys:
        return wanted
    folded = [k for k in keys if k.casefold() == wanted.casefold()]
    return folded[0] if len(folded) == 1 else None
