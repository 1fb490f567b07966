"""The OpenAPI 3.1 document of the REST and figure routes (served at /openapi.json).

Written by hand: Starlette has no schema generation of its own worth the name, and the
routes are few; a test validates the document and calls every path it lists.
"""

import functools

from kpi_core import Direction, RevisionStatus, Trend

_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["da", "en"], "default": "da"},
}
_AS_OF = {
    "name": "asOf",
    "in": "query",
    "required": False,
    "description": "Only figures published on or before this date.",
    "schema": {"type": "string", "format": "date"},
}
_REVISION = {
    "name": "revision",
    "in": "query",
    "required": False,
    "description": "Default: the revision in force.",
    "schema": {"type": "string", "maxLength": 40},
}
_STRATEGY = {
    "name": "strategy",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "maxLength": 100},
}
_AREA = {
    "name": "area",
    "in": "path",
    "required": True,
    "description": 'Area code: "151", "1084", "DK".',
    "schema": {"type": "string", "maxLength": 10},
}
_PROBLEM = {
    "description": "A problem (RFC 9457).",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}

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
            "status": {"enum": ["ACHIEVED", "ON_TRACK", "OFF_TRACK", "MONITORING", "NO_DATA"]},
            "period": {"type": ["string", "null"]},
            "value": _DECIMAL,
            "reference": _DECIMAL,
            "referenceLabel": _NULLABLE_TEXT,
            "gap": _DECIMAL,
            "rank": {"type": ["integer", "null"]},
            "rankOf": {"type": ["integer", "null"]},
            "trend": {"enum": [t.name for t in Trend]},
            "explanation": {"$ref": "#/components/schemas/Text"},
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
                "enum": ["UNCHANGED", "ADDED", "REMOVED", "REPLACED", "RESCOPED", "REWORDED", None],
            },
            "status": {"$ref": "#/components/schemas/Evaluation"},
        },
        "required": ["id", "name", "isKeyFigure", "change", "status"],
    }
    revision_summary = {
        "type": "object",
        "properties": {
            "version": {"type": "string"},
            "status": {"enum": [s.value for s in RevisionStatus]},
            "title": {"$ref": "#/components/schemas/Text"},
            "adoptedOn": {"type": ["string", "null"], "format": "date"},
            "inForceFrom": {"type": ["string", "null"], "format": "date"},
        },
        "required": ["version", "status", "title"],
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

    return {
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
                        },
                        {
                            "name": "version",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 40},
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
            "/figures/{indicator}/{file}": {
                "get": {
                    "summary": "A figure: {area}.svg, .html (for an iframe), .csv or .json",
                    "operationId": "getFigure",
                    "parameters": [
                        {
                            "name": "indicator",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 20},
                        },
                        {
                            "name": "file",
                            "in": "path",
                            "required": True,
                            "description": "Area code and format, e.g. 151.svg",
                            "schema": {
                                "type": "string",
                                "pattern": r"^[A-Za-z0-9]{1,10}\.(svg|html|csv|json)$",
                            },
                        },
                        _STRATEGY,
                        _REVISION,
                        _AS_OF,
                        _LANG,
                        {
                            "name": "from",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "maxLength": 10},
                        },
                        {
                            "name": "to",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "maxLength": 10},
                        },
                        {
                            "name": "theme",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["light", "dark", "auto"]},
                        },
                        {
                            "name": "compare",
                            "in": "query",
                            "required": False,
                            "description": "Up to 5 area codes, comma-separated.",
                            "schema": {"type": "string", "maxLength": 60},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The figure",
                            "content": {
                                "image/svg+xml": {"schema": {"type": "string"}},
                                "text/html": {"schema": {"type": "string"}},
                                "text/csv": {"schema": {"type": "string"}},
                                "application/json": {"schema": {"type": "object"}},
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
                "IndicatorRow": row,
                "RevisionSummary": revision_summary,
                "Strategy": strategy,
                "Status": status,
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                    "required": ["title", "status", "detail"],
                },
            }
        },
    }
