"""A figure's data as CSV and JSON, for readers who want the numbers, not the picture,
and as one plain-text paragraph (`figure_text`) for those who cannot see it.

CSV (`figure_csv`), in the figure's language, one row per point of every line in the
figure's order, values exactly as stored (empty when suppressed or missing, never 0):
- `lang=en`: UTF-8, RFC 4180 (commas, CRLF line ends), header
  `series,role,area,period,value,unit`, a decimal point, `unit` the unit's id
  (`percent`, `months`, …) — for programs.
- `lang=da` (the default): what Danish-locale Excel opens as it is — UTF-8 with a byte
  order mark, semicolons, decimal commas, CRLF, header
  `serie;rolle;områdekode;periode;værdi;enhed`, the series named in words ("Ballerup",
  "Hele landet", a parity figure's groups as "Borgere med ikke-vestlig herkomst"), the
  unit as the figure prints it ("%", "måneder"; empty for a count: `figure_words`).
  Values stay exact as stored (not rounded to the printed decimals): the CSV is for
  working with the numbers.

JSON (`figure_json`), texts in the figure's language, decimals as strings (exact, so
no float rounding on the way), absent values as null::

    {
      "indicator": {"id": "2.2", "name": str, "unit": "percent",
                    "direction": "better_up" | "better_down" | "none",
                    "directionAssumption": str | null, "frequency": "monthly" | … | null,
                    "decimals": 0-4 | null (as the figure prints its values),
                    "target": str},
      "area": {"code": "151", "name": "Ballerup"},
      "strategy": "ballerup-beskaeftigelsesstrategi",
      "revision": "2022",
      "status": {"status": "ACHIEVED" | "ON_TRACK" | "OFF_TRACK" | "NOT_MET_PROGRESS_UNKNOWN"
                           | "UNDECIDED" | "MONITORING" | "NOT_APPLICABLE" | "NO_DATA",
                 "period": "2022-09" | null, "value": "30.5" | null,
                 "reference": "28.1" | null, "referenceLabel": str | null,
                 "gap": "2.4" | null, "rank": int | null, "rankOf": int | null,
                 "rankBest": int | null, "rankWorst": int | null, "rankKnown": int | null,
                 "trend": "IMPROVING" | "WORSENING" | "STABLE" | "UNKNOWN"
                          | "RISING" | "FALLING" (no direction: up or down only),
                 "explanation": str},
      "series": [{"key": "own" | "DK" | "1084" | "compare:101" | "target" | "rank",
                  "role": "own" | "reference" | "compare" | "target",
                  "label": str, "area": "151" | null,
                  "periods": ["2022-08", "2022-09"], "values": ["31.0", null]}],
      "sources": [str],
      "vintage": "YYYY-MM-DD" | null,
      "synthetic": bool,
      "judgedOn": {"kind": "LATEST" | "AS_PUBLISHED_AT_END" | "STATED_PERIOD" | "REQUESTED",
                   "asOf": "YYYY-MM-DD" | null, "periodsFrom": "YYYY-MM-DD" | null,
                   "periodsUntil": "YYYY-MM-DD" | null, "outsideOwnTime": bool, "explanation": str},
      "revisionNotes": [str]   # superseded, reconstructed, judged on other figures: shown with it
    }

A series "rank" (role "target") is a rank target's N-th best value of its comparison set
per period (null where any member's value is missing); "target" an external target's.
"""

import csv
import io
from decimal import Decimal

import attrs

from kpi_api.web.figure_words import summary, title_text, unit_text
from kpi_api.web.rest import judged_on
from kpi_api.web.view_models import FigureData
from kpi_core import Lang
from kpi_core.wording import area_name, direction_assumption

CSV_HEADER = ("series", "role", "area", "period", "value", "unit")


def _decimal(value: Decimal | None) -> str | None:
    # format "f" never gives exponent notation ("1E+2"), which spreadsheets misread.
    return None if value is None else format(value, "f")


CSV_HEADER_DA = ("serie", "rolle", "områdekode", "periode", "værdi", "enhed")
_ROLES_DA = {"own": "egen", "reference": "reference", "compare": "sammenligning", "target": "mål"}


def figure_csv(figure: FigureData) -> str:
    if figure.lang is Lang.DA:
        return _danish_csv(figure)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    unit = figure.indicator.unit.value
    for line in figure.lines:
        for period, value in zip(line.periods, line.values, strict=False):
            writer.writerow((line.key, line.role, line.area or "", period, _decimal(value) or "", unit))
    return out.getvalue()


def _danish_csv(figure: FigureData) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # the byte order mark: without it Excel reads UTF-8 as Windows-1252
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER_DA)
    unit = unit_text(attrs.evolve(figure, lang=Lang.DA))
    for line in figure.lines:
        for period, value in zip(line.periods, line.values, strict=False):
            shown = "" if value is None else format(value, "f").replace(".", ",")
            role = _ROLES_DA.get(line.role, line.role)
            writer.writerow((line.label(Lang.DA), role, line.area or "", period, shown, unit))
    return out.getvalue()


def figure_text(figure: FigureData) -> str:
    """What an `<img alt>` or a screen reader says of the chart: its title, then the
    latest value, what it is compared with and the status, in the figure's language —
    the same words as the SVG's own description, so the two never disagree."""
    return f"{title_text(figure)}. {summary(figure)}\n"


def figure_json(figure: FigureData) -> dict:
    lang, e = figure.lang, figure.evaluation
    return {
        "indicator": {
            "id": figure.indicator.id,
            "name": figure.indicator.name(lang),
            "unit": figure.indicator.unit.value,
            "direction": figure.indicator.direction.value,
            "directionAssumption": assumed(lang)
            if (assumed := direction_assumption(figure.indicator))
            else None,
            "frequency": figure.indicator.frequency.value if figure.indicator.frequency else None,
            "decimals": figure.indicator.decimals,
            "target": figure.target(lang),
        },
        "area": {"code": figure.area.code, "name": area_name(figure.area, lang)},
        "strategy": figure.strategy_id,
        "revision": figure.revision,
        "status": {
            "status": e.status.name,
            "period": e.period,
            "value": _decimal(e.value),
            "reference": _decimal(e.reference),
            "referenceLabel": e.reference_label(lang) if e.reference_label else None,
            "gap": _decimal(e.gap),
            "rank": e.rank,
            "rankOf": e.rank_of,
            "rankBest": e.rank_best,
            "rankWorst": e.rank_worst,
            "rankKnown": e.rank_known,
            "trend": e.trend.name,
            "explanation": e.explanation(lang),
        },
        "series": [
            {
                "key": line.key,
                "role": line.role,
                "label": line.label(lang),
                "area": line.area,
                "periods": list(line.periods),
                "values": [_decimal(v) for v in line.values],
            }
            for line in figure.lines
        ],
        "sources": list(figure.sources),
        "vintage": figure.vintage.isoformat() if figure.vintage else None,
        "synthetic": figure.synthetic,
        "judgedOn": judged_on(figure.basis, lang),
        "revisionNotes": [n(lang) for n in figure.revision_notes],
    }
