"""The OpenAPI 3.1 document of the REST and figure routes (served at /openapi.json).

Written by hand: Starlette has no schema generation of its own worth the name, and the
routes are few; a test validates the document and calls every path it lists.
"""

import functools

from kpi_api.web import parameters
from kpi_api.web.figure_png import DEFAULT_SCALE, MAX_SCALE
from kpi_api.web.figure_xlsx import MEDIA_TYPE as XLSX
from kpi_api.web.svg import HEIGHT, WIDTH
from kpi_core import Direction, Lang, Status, Trend
from kpi_core.lineage import ChangeKind
from kpi_core.periods import PERIOD_PATTERNS, PeriodKind
from kpi_core.strategy import RevisionStatus

STRATEGY_ID = "ballerup-beskaeftigelsesstrategi"  # the examples name what a new database holds

_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": [lang.value for lang in Lang], "default": Lang.DA.value},
    "example": Lang.EN.value,
}
_AS_OF = {
    "name": "asOf",
    "in": "query",
    "required": False,
    "description": "Only figures published on or before this date (YYYY-MM-DD).",
    "schema": {"type": "string", "format": "date", "pattern": parameters.DATE},
    "example": "2023-02-01",
}
_REVISION = {
    "name": "revision",
    "in": "query",
    "required": False,
    "description": "Default: the revision in force.",
    "schema": {"type": "string", "maxLength": 40},
    "example": "2022",
}
_STRATEGY = {
    "name": "strategy",
    "in": "query",
    "required": False,
    "description": "A strategy id; default: the area's first strategy.",
    "schema": {"type": "string", "maxLength": 100},
    "example": STRATEGY_ID,
}
_AREA = {
    "name": "area",
    "in": "path",
    "required": True,
    "description": 'Area code: a municipality ("151"), a region ("1084") or the country ("DK").',
    "schema": {"type": "string", "maxLength": 10},
    "example": "151",
}
_NULLABLE_STRING = {"type": ["string", "null"]}
_STATUS_CHANGE_FEED = {
    "type": "object",
    "properties": {
        "cursor": {"type": "string", "description": "Pass as `after` next time."},
        "hasMore": {"type": "boolean"},
        "changes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "cursor": {"type": "string"},
                    "strategyId": {"type": "string"},
                    "version": {"type": "string"},
                    "indicatorId": {"type": "string"},
                    "area": {"type": "string"},
                    "from": {
                        **_NULLABLE_STRING,
                        "description": "The status before; null: not judged before.",
                    },
                    "to": {"type": "string"},
                    "period": _NULLABLE_STRING,
                    "value": _NULLABLE_STRING,
                    "asOf": {
                        **_NULLABLE_STRING,
                        "description": "The vintage from which the new status holds.",
                    },
                    "batches": {"type": "array", "items": {"type": "string"}},
                    "recordedAt": {"type": "string"},
                },
                "required": [
                    "cursor",
                    "strategyId",
                    "version",
                    "indicatorId",
                    "area",
                    "from",
                    "to",
                    "batches",
                ],
            },
        },
    },
    "required": ["cursor", "hasMore", "changes"],
}
_PERIOD = {
    "type": "string",
    "description": "A period as the sources publish it (kpi_core.periods.PERIOD_PATTERNS).",
    "anyOf": [
        {"title": kind.value, "pattern": PERIOD_PATTERNS[kind], "examples": [example]}
        for kind, example in zip(PeriodKind, ("2019", "2022Q3", "2022-09"), strict=True)
    ],
}
_PROBLEM = {
    "description": "A problem (RFC 9457).",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
# Every operation may answer these (the read policy, the rate and time limits).
_REFUSALS = {
    "401": {
        **_PROBLEM,
        "description": "With KPI_REQUIRE_READ_TOKEN=1: no valid API token (UNAUTHENTICATED).",
    },
    "429": {**_PROBLEM, "description": "Too many requests from this address (RATE_LIMITED; Retry-After)."},
    "503": {**_PROBLEM, "description": "Busy or out of time (SERVER_BUSY, TIMEOUT; Retry-After)."},
}
# Optional: a token is needed only where the service requires one for reads.
_SECURITY = [{}, {"bearerToken": []}]


def _names(enum_class) -> list[str]:
    return [member.name for member in enum_class]


_TEXT = {
    "type": "object",
    "properties": {"da": {"type": "string"}, "en": {"type": "string"}},
    "required": ["da", "en"],
}
_NULLABLE_TEXT = {"anyOf": [{"$ref": "#/components/schemas/Text"}, {"type": "null"}]}
_DECIMAL = {"type": ["string", "null"], "description": "An exact decimal as a string.", "examples": ["3.1"]}


@functools.cache
def document() -> dict:
    evaluation = {
        "type": ["object", "null"],
        "properties": {
            "status": {"enum": _names(Status)},
            "period": {"type": ["string", "null"]},
            "value": _DECIMAL,
            "reference": _DECIMAL,
            "referenceLabel": _NULLABLE_TEXT,
            "gap": _DECIMAL,
            "rank": {
                "type": ["integer", "null"],
                "description": "The rank in the whole comparison set; null when values are missing.",
            },
            "rankOf": {"type": ["integer", "null"], "description": "The size of the whole comparison set."},
            "rankBest": {
                "type": ["integer", "null"],
                "description": "The rank if every missing value of the comparison set were worse.",
            },
            "rankWorst": {
                "type": ["integer", "null"],
                "description": "The rank if every missing value of the comparison set were better.",
            },
            "rankKnown": {
                "type": ["integer", "null"],
                "description": "How many members of the comparison set have a value.",
            },
            "trend": {"enum": _names(Trend)},
            "explanation": {"$ref": "#/components/schemas/Text"},
            "rollup": {
                "type": ["object", "null"],
                "description": "For an indicator judged per group (5.4 under 2022): how the headline came "
                "from its groups; null otherwise. A group is a value of `per` with its name in words.",
                "properties": {
                    "rule": {"enum": ["worst"]},
                    "per": {"type": "string", "examples": ["target_group"]},
                    "groups": {"type": "array", "items": {"$ref": "#/components/schemas/RollupGroup"}},
                    "counts": {
                        "type": "object",
                        "description": "Groups per status (only statuses some group has).",
                        "additionalProperties": {"type": "integer"},
                    },
                    "deciding": {
                        "anyOf": [{"$ref": "#/components/schemas/RollupGroup"}, {"type": "null"}],
                        "description": "The group whose figures the headline shows; null when undecided.",
                    },
                    "missing": {"type": "array", "items": {"$ref": "#/components/schemas/RollupGroup"}},
                },
                "required": ["rule", "per", "groups", "counts", "deciding", "missing"],
            },
        },
        "required": ["status", "trend", "explanation"],
    }
    row = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"$ref": "#/components/schemas/Text"},
            "direction": {"enum": [d.value for d in Direction]},
            "directionAssumption": _NULLABLE_TEXT,
            "isKeyFigure": {"type": "boolean"},
            "change": {
                "type": ["string", "null"],
                "enum": [*_names(ChangeKind), None],
            },
            "status": {"$ref": "#/components/schemas/Evaluation"},
            "statusSince": {
                "type": ["string", "null"],
                "format": "date",
                "description": "The vintage the status holds from, where the service saw it change (the change "
                "feed); null when no change was seen since it began storing evaluations, or with asOf.",
            },
        },
        "required": ["id", "name", "isKeyFigure", "change", "status", "statusSince"],
    }
    revision_summary = {
        "type": "object",
        "properties": {
            "version": {"type": "string"},
            "status": {"enum": [s.value for s in RevisionStatus]},
            "title": {"$ref": "#/components/schemas/Text"},
            "adoptedOn": {"type": ["string", "null"], "format": "date"},
            "inForceFrom": {"type": ["string", "null"], "format": "date"},
            "inForceUntil": {
                "type": ["string", "null"],
                "format": "date",
                "description": "The last day in force: the day before its successor starts, or the end its "
                "own document states.",
            },
            "inForce": {"type": "boolean", "description": "Whether it is the revision in force today."},
            "supersededBy": {"type": ["string", "null"], "description": "The version that takes over."},
            "superseded": {"type": "boolean", "description": "Whether its successor is in force."},
            "reconstructed": {"type": "boolean", "description": "Its contents are reconstructed."},
            "statedPeriod": {"type": "boolean", "description": "Written for a stated period (2015)."},
            "notice": _NULLABLE_TEXT,
        },
        "required": ["version", "status", "title"],
    }
    judged_on = {
        "type": ["object", "null"],
        "description": "Which figures the revision is judged on, and why (docs/status-rules.md, Revisions).",
        "properties": {
            "kind": {"enum": ["LATEST", "AS_PUBLISHED_AT_END", "STATED_PERIOD", "REQUESTED"]},
            "asOf": {"type": ["string", "null"], "format": "date"},
            "periodsFrom": {"type": ["string", "null"], "format": "date"},
            "periodsUntil": {"type": ["string", "null"], "format": "date"},
            "outsideOwnTime": {"type": "boolean"},
            "explanation": {"$ref": "#/components/schemas/Text"},
        },
        "required": ["kind", "asOf", "outsideOwnTime", "explanation"],
    }
    strategy = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"$ref": "#/components/schemas/Text"},
            "owner": {"type": "string"},
            "revisionInForce": {"type": ["string", "null"]},
            "revisions": {"type": "array", "items": {"$ref": "#/components/schemas/RevisionSummary"}},
        },
        "required": ["id", "name", "owner", "revisions"],
    }
    status = {
        "type": "object",
        "properties": {
            "strategy": {"type": "string"},
            "revision": {"type": "string"},
            "area": {"type": "string"},
            "asOf": {"type": ["string", "null"], "format": "date"},
            "judgedOn": judged_on,
            "revisionNotes": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Text"},
                "description": "Superseded, reconstructed, judged on other figures: what the page says.",
            },
            "syntheticData": {"type": "boolean"},
            "goals": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "integer"},
                        "focusArea": {"$ref": "#/components/schemas/Text"},
                        "goal": {"$ref": "#/components/schemas/Text"},
                        "keyFigure": {"type": "string"},
                        "status": {"$ref": "#/components/schemas/Evaluation"},
                        "indicators": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/IndicatorRow"},
                        },
                    },
                    "required": ["number", "focusArea", "goal", "keyFigure", "status", "indicators"],
                },
            },
            "overall": {"type": "array", "items": {"$ref": "#/components/schemas/IndicatorRow"}},
            "dropped": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["strategy", "revision", "area", "goals", "overall", "dropped"],
    }

    def json_ok(ref, what):
        return {
            "description": what,
            "content": {"application/json": {"schema": {"$ref": ref}}},
        }

    spec = {
        "openapi": "3.1.0",
        "info": {
            "title": "kommune-kpi",
            "version": "1",
            "description": "Strategy goals, key figures and indicators of Danish municipalities: read-only REST and "
            "embeddable figures. The GraphQL API at /graphql has everything, including writes.",
        },
        "paths": {
            "/api/strategies": {
                "get": {
                    "summary": "Every strategy with its revisions",
                    "operationId": "listStrategies",
                    "responses": {
                        "200": {
                            "description": "Strategies",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Strategy"},
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/strategies/{strategy}": {
                "get": {
                    "summary": "One strategy",
                    "operationId": "getStrategy",
                    "parameters": [
                        {
                            "name": "strategy",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 100},
                            "example": STRATEGY_ID,
                        }
                    ],
                    "responses": {
                        "200": json_ok("#/components/schemas/Strategy", "The strategy"),
                        "404": _PROBLEM,
                    },
                }
            },
            "/api/strategies/{strategy}/revisions/{version}": {
                "get": {
                    "summary": "A whole revision, in the catalogue file format",
                    "operationId": "getRevision",
                    "parameters": [
                        {
                            "name": "strategy",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 100},
                            "example": STRATEGY_ID,
                        },
                        {
                            "name": "version",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 40},
                            "example": "2022",
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "See schema/catalogue.schema.json",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "404": _PROBLEM,
                    },
                }
            },
            "/api/status/{area}": {
                "get": {
                    "summary": "Status of every goal and indicator of a revision for an area",
                    "operationId": "getStatus",
                    "parameters": [_AREA, _STRATEGY, _REVISION, _AS_OF, _LANG],
                    "responses": {
                        "200": json_ok("#/components/schemas/Status", "Goal and indicator status"),
                        "400": _PROBLEM,
                        "404": _PROBLEM,
                    },
                }
            },
            "/api/status-changes": {
                "get": {
                    "summary": "Status changes after a cursor, oldest first (the change feed)",
                    "description": "Keep the answer's `cursor` and pass it as `after` next time. The same feed as "
                    "GraphQL's `statusChanges`.",
                    "operationId": "listStatusChanges",
                    "parameters": [
                        {
                            "name": "after",
                            "in": "query",
                            "required": False,
                            "description": "A cursor from an earlier answer; none: from the start.",
                            "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
                            "example": "0",
                        },
                        {
                            "name": "first",
                            "in": "query",
                            "required": False,
                            "description": "At most this many changes (1–100; default 50).",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                            "example": 50,
                        },
                        {**_STRATEGY, "description": "Only changes of this strategy."},
                        {
                            "name": "area",
                            "in": "query",
                            "required": False,
                            "description": "Only changes of this area.",
                            "schema": {"type": "string", "pattern": rf"^{parameters.AREA}$"},
                            "example": "151",
                        },
                        {
                            "name": "indicator",
                            "in": "query",
                            "required": False,
                            "description": "Only changes of this indicator.",
                            "schema": {"type": "string", "maxLength": 20},
                            "example": "2.1",
                        },
                    ],
                    "responses": {
                        "200": json_ok(
                            "#/components/schemas/StatusChangeFeed", "The changes after the cursor"
                        ),
                        "400": _PROBLEM,
                        "404": _PROBLEM,
                    },
                }
            },
            "/figures/{indicator}/{file}": {
                "get": {
                    "summary": "A figure: {area}.svg, .png (for Word and PowerPoint), .html (for an iframe), "
                    ".csv, .xlsx (with sources and notes), .json or .txt (the chart in words)",
                    "operationId": "getFigure",
                    "parameters": [
                        {
                            "name": "indicator",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 20},
                            "example": "2.1",
                        },
                        {
                            "name": "file",
                            "in": "path",
                            "required": True,
                            "description": "Area code and format, e.g. 151.svg",
                            "schema": {
                                "type": "string",
                                "pattern": rf"^{parameters.AREA}\.(svg|png|html|csv|xlsx|json|txt)$",
                            },
                            "example": "151.svg",
                        },
                        _STRATEGY,
                        _REVISION,
                        _AS_OF,
                        _LANG,
                        {
                            "name": "from",
                            "in": "query",
                            "required": False,
                            "description": "First period shown: a year YYYY, a quarter YYYYQn or a month YYYY-MM.",
                            "schema": _PERIOD,
                            "example": "2019",
                        },
                        {
                            "name": "to",
                            "in": "query",
                            "required": False,
                            "description": "Last period shown (same forms as `from`).",
                            "schema": _PERIOD,
                            "example": "2025-12",
                        },
                        {
                            "name": "theme",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "string",
                                "enum": ["light", "dark", "auto"],
                                "default": "light",
                            },
                            "description": "The chart's colours, and the HTML page's: light for a light host "
                            "page, dark for a dark one, auto to follow the reader's prefers-color-scheme.",
                            "example": "dark",
                        },
                        {
                            "name": "compare",
                            "in": "query",
                            "required": False,
                            "description": f"Up to {parameters.MAX_COMPARE} area codes, comma-separated.",
                            "schema": {"type": "string", "pattern": parameters.COMPARE},
                            "example": "DK,1084",
                        },
                        {
                            "name": "scale",
                            "in": "query",
                            "required": False,
                            "description": "PNG pixels per SVG pixel (.png only; checked, not used, by the other "
                            f"formats): {DEFAULT_SCALE} gives {WIDTH * DEFAULT_SCALE} × {HEIGHT * DEFAULT_SCALE}, "
                            f"at most {MAX_SCALE}.",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_SCALE,
                                "default": DEFAULT_SCALE,
                            },
                            "example": 3,
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The figure",
                            "content": {
                                "image/svg+xml": {"schema": {"type": "string"}},
                                "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                                XLSX: {"schema": {"type": "string", "contentMediaType": XLSX}},
                                "text/html": {"schema": {"type": "string"}},
                                "text/csv": {"schema": {"type": "string"}},
                                "application/json": {"schema": {"type": "object"}},
                                "text/plain": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _PROBLEM,
                        "404": _PROBLEM,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Text": _TEXT,
                "Evaluation": evaluation,
                "RollupGroup": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "string"},
                        "name": {"$ref": "#/components/schemas/Text"},
                    },
                    "required": ["value", "name"],
                },
                "IndicatorRow": row,
                "RevisionSummary": revision_summary,
                "Strategy": strategy,
                "Status": status,
                "StatusChangeFeed": _STATUS_CHANGE_FEED,
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "code": {
                            "type": "string",
                            "description": "A stable name to branch on (SERVER_BUSY, …).",
                        },
                    },
                    "required": ["title", "status", "detail"],
                },
            },
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`kpi token create`), needed for reads only where the service "
                    "sets KPI_REQUIRE_READ_TOKEN=1 (and the path is not in KPI_PUBLIC_READ_PATHS).",
                }
            },
        },
    }
    figure = spec["paths"]["/figures/{indicator}/{file}"]["get"]
    options = [p for p in figure["parameters"] if p["in"] == "query"]
    figure["parameters"].append(
        {
            "name": "embed",
            "in": "query",
            "required": False,
            "description": "1: with .html, the page for another site's iframe (no embed code; a script "
            "posts its height to the host page); the other formats ignore it.",
            "schema": {"type": "string", "enum": ["1"]},
            "example": "1",
        }
    )
    spec["paths"]["/figures/{indicator}/{area}/share"] = {
        "get": {
            "summary": "For editors: the snippets that show a figure on another page (iframe, image)",
            "operationId": "getFigureShare",
            "parameters": [figure["parameters"][0], _AREA, *options],
            "responses": {
                "200": {
                    "description": "The share page",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "400": _PROBLEM,
                "404": _PROBLEM,
            },
        }
    }
    for methods in spec["paths"].values():
        for operation in methods.values():
            operation["responses"] = {**operation["responses"], **_REFUSALS}
            operation["security"] = _SECURITY
    return spec
