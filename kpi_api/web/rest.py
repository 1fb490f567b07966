"""JSON shapes of the REST face (documented in `openapi.py`): plain data, decimals as
strings, dates as ISO strings, texts in both languages."""

import json

from kpi_api.http.quoting import quoted
from kpi_api.web.assemble import NotFound
from kpi_api.web.view_models import IndicatorRow, StatusPage
from kpi_core import Evaluation, Text, make_converter
from kpi_core.wording import direction_assumption

_converter = make_converter()


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def _text(text: Text | None) -> dict | None:
    return None if text is None else {"da": text.da, "en": text.en}


def _revision_summary(revision) -> dict:
    return {
        "version": revision.version,
        "status": revision.status.value,
        "title": _text(revision.title),
        "adoptedOn": revision.adopted_on.isoformat() if revision.adopted_on else None,
        "inForceFrom": revision.in_force_from.isoformat() if revision.in_force_from else None,
    }


def _strategy(catalogue, s) -> dict:
    in_force = s.in_force(catalogue.today())
    return {
        "id": s.id,
        "name": _text(s.name),
        "owner": s.owner,
        "revisionInForce": in_force.version if in_force else None,
        "revisions": [_revision_summary(r) for r in s.revisions],
    }


def strategies(catalogue) -> list[dict]:
    return [_strategy(catalogue, s) for s in catalogue.strategies]


def strategy(catalogue, strategy_id: str) -> dict:
    found = catalogue.strategy(strategy_id)
    if found is None:
        raise NotFound(f"There is no strategy {quoted(strategy_id)}.")
    return _strategy(catalogue, found)


def revision(catalogue, strategy_id: str, version: str) -> dict:
    """The whole revision in the catalogue file format (see schema/catalogue.schema.json)."""
    found = catalogue.strategy(strategy_id)
    if found is None or found.revision(version) is None:
        raise NotFound(f"There is no revision {quoted(version)} of {quoted(strategy_id)}.")
    return _converter.unstructure(found.revision(version))


def evaluation(e: Evaluation | None) -> dict | None:
    if e is None:
        return None
    return {
        "status": e.status.name,
        "period": e.period,
        "value": None if e.value is None else str(e.value),
        "reference": None if e.reference is None else str(e.reference),
        "referenceLabel": _text(e.reference_label),
        "gap": None if e.gap is None else str(e.gap),
        "rank": e.rank,
        "rankOf": e.rank_of,
        "trend": e.trend.name,
        "explanation": _text(e.explanation),
    }


def _row(r: IndicatorRow) -> dict:
    assumed = direction_assumption(r.indicator)
    return {
        "id": r.indicator.id,
        "name": _text(r.indicator.name),
        "direction": r.indicator.direction.value,
        # Beside the trend: where no target states the direction, who chose it and why.
        "directionAssumption": _text(assumed) if assumed else None,
        "isKeyFigure": r.is_key_figure,
        "change": r.change.name if r.change else None,
        "status": evaluation(r.evaluation),
    }


def status(page: StatusPage) -> dict:
    return {
        "strategy": page.strategy_id,
        "revision": page.revision,
        "area": page.area.code,
        "asOf": page.as_of.isoformat() if page.as_of else None,
        "syntheticData": page.synthetic,
        "goals": [
            {
                "number": g.number,
                "focusArea": _text(g.focus_area),
                "goal": _text(g.goal),
                "keyFigure": g.key_figure.indicator.id,
                "status": evaluation(g.key_figure.evaluation),
                "indicators": [_row(r) for r in g.indicators],
            }
            for g in page.goals
        ],
        "overall": [_row(r) for r in page.overall],
        "dropped": [
            {"id": r.indicator.id, "name": _text(r.indicator.name), "reason": _text(r.change_reason)}
            for r in page.dropped
        ],
    }
