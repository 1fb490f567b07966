"""What a fetch brings home for one table: the answer as the API gave it (or, for
Jobindsats, the answers of its area levels in the API's own v3 shape), and its release."""

import datetime

import attrs

from kpi_api.importing.mapping_model import Mapping


@attrs.frozen
class Wanted:
    """A table to fetch, and the mapping that reads it (the first that maps it)."""

    source: str  # "statbank" or "jobindsats"
    table: str  # the mapping's key: AUP01, y07a02
    mapping: Mapping


@attrs.frozen
class Fetched:
    wanted: Wanted
    data: bytes
    name: str  # the batch's file name: statbank-AUP01-2026-08-10.json
    published: datetime.date  # the release date: the figures' vintage


def release_date(text: object) -> datetime.date | None:
    """The date of an ISO timestamp such as 2026-08-10T08:00:00 (or a Danish 10-08-2026);
    None if it is none."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    for written, pattern in ((text[:10], "%Y-%m-%d"), (text[:10].replace(".", "-"), "%d-%m-%Y")):
        try:
            return datetime.datetime.strptime(written, pattern).date()
        except ValueError:
            continue
    return None
