"""JSON shapes of the REST face (documented in `openapi.py`): plain data, decimals as
strings, dates as ISO strings, texts in both languages."""

import json

from kpi_api.change_feed import change_json
from kpi_api.http.quoting import quoted
from kpi_api.web.assemble import NotFound
from kpi_api.web.view_models import IndicatorRow, StatusPage
from kpi_core import (
    Evaluation,
    JudgementBasis,
    Lang,
    RollupSummary,
    Text,
    judgement_note,
    make_converter,
    revision_notice,
    revision_time,
)
from kpi_core.wording import describe_cell, direction_assumption

_converter = make_converter()


def status_changes(rows, after: int, first: int) -> dict:
    """The change feed as REST answers it (the same fields as GraphQL's StatusChange)."""
    shown = rows[:first]
    return {
        "cursor": str(shown[-1].id) if shown else str(after),
        "hasMore": len(rows) > first,
        "changes": [change_json(r) for r in shown],
    }


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def _text(text: Text | None) -> dict | None:
    return None if text is None else {"da": text.da, "en": text.en}


def _date(day) -> str | None:
    return day.isoformat() if day else None


def _revision_summary(catalogue, s, revision) -> dict:
    time = revision_time(s, revision, catalogue.today())
    return {
        "version": revision.version,
        "status": time.status.value,  # superseded from the day its successor is in force
        "title": _text(revision.title),
        "adoptedOn": _date(revision.adopted_on),
        "inForceFrom": _date(time.in_force_from),
        "inForceUntil": _date(time.in_force_until),
        "inForce": time.in_force,
        "supersededBy": time.successor,
        "superseded": time.superseded,
        "reconstructed": time.reconstructed,
        "statedPeriod": time.stated_period,
        "notice": _text(revision_notice(time)),
    }


def judged_on(basis: JudgementBasis | None, lang: Lang | None = None) -> dict | None:
    """Which figures a revision is judged on (kpi_core.revision_time): the explanation in
    both languages, or in `lang` only (the figure's JSON, which is in one language)."""
    if basis is None:
        return None
    note = judgement_note(basis)
    return {
        "kind": basis.kind.name,
        "asOf": _date(basis.as_of),
        "periodsFrom": _date(basis.periods_from),
        "periodsUntil": _date(basis.periods_until),
        "outsideOwnTime": basis.outside_own_time,
        "explanation": note(lang) if lang else _text(note),
    }


def _strategy(catalogue, s) -> dict:
    in_force = s.in_force(catalogue.today())
    return {
        "id": s.id,
        "name": _text(s.name),
        "owner": s.owner,
        "revisionInForce": in_force.version if in_force else None,
        "revisions": [_revision_summary(catalogue, s, r) for r in s.revisions],
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
    revision = found.revision(version)
    document = _converter.unstructure(revision)
    # Its status today, not as published: a new revision supersedes it without editing it.
    # (The end of its time stays out: a stated `in_force_until` means "written for a stated
    # period"; the strategy's summary has the derived one.)
    document["status"] = revision_time(found, revision, catalogue.today()).status.value
    return document


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
        "rankBest": e.rank_best,
        "rankWorst": e.rank_worst,
        "rankKnown": e.rank_known,
        "trend": e.trend.name,
        "explanation": _text(e.explanation),
        "rollup": _rollup(e.rollup),
    }


def _rollup(r: RollupSummary | None) -> dict | None:
    if r is None:
        return None

    def group(cell) -> dict:
        return {"value": cell[0][1], "name": _text(describe_cell(cell))}

    return {
        "rule": r.rule.value,
        "per": r.per.value,
        "groups": [group(g) for g in r.groups],
        "counts": {s.name: n for s, n in r.counts},
        "deciding": group(r.deciding) if r.deciding else None,
        "missing": [group(g) for g in r.missing],
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
        # The vintage the status holds from, where the service saw it change; null: not seen.
        "statusSince": _date(r.status_since),
    }


def status(page: StatusPage) -> dict:
    return {
        "strategy": page.strategy_id,
        "revision": page.revision,
        "area": page.area.code,
        "asOf": page.as_of.isoformat() if page.as_of else None,
        "judgedOn": judged_on(page.basis),
        "revisionNotes": [_text(n) for n in page.revision_notes],
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
