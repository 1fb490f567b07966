"""The change feed's one shape, for every face that hands it out: REST's
/api/status-changes and the webhooks' bodies (GraphQL's StatusChange has the same fields).

A row is one of storage's `status_changes` rows; a cursor is the id of the last change
seen, a decimal string that clients treat as opaque."""

import json

MAX_CHANGES = 100  # changes per page or per delivery: about 30 KB


def cursor_value(text: str) -> int | None:
    """The id a cursor stands for, or None when `text` is not one this feed hands out."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def change_json(row) -> dict:
    return {
        "cursor": str(row.id),
        "strategyId": row.strategy_id,
        "version": row.version,
        "indicatorId": row.indicator,
        "area": row.area,
        "from": row.from_status,
        "to": row.to_status,
        "period": row.period,
        "value": row.value,
        "asOf": None if row.since is None else row.since.isoformat(),
        "batches": json.loads(row.batches),
        "recordedAt": row.recorded_at.isoformat(),
    }
