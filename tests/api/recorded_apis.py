"""Statbank and Jobindsats as a real HTTP server on 127.0.0.1 (starlette on uvicorn, in a
thread) for the tests of `kpi fetch`: never the network.

RECORDED SHAPE, SYNTHETIC NUMBERS. The answers have the shapes ../shared/sources.md and
public API clients record (Statbank's /tableinfo JSON and JSON-stat 1.x /data bundle;
Jobindsats v3 /tables, /table/<id> and {"columns", "rows"} /data); every number is made
up here and is not Danmarks Statistik's or STAR's. Statbank's answer to /data is built
from the request (a cube of exactly what was asked for), so a test sees what was asked.
"""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

KEY = "test-key-not-a-real-one"
STATBANK_UPDATED = "2026-11-27T08:00:00"
JOBINDSATS_RELEASE = "2026-11-20"

# AUP01 (O1): a figure per area + age + month, so every expected value is a sum by hand.
AREA_BASE = {"000": Decimal("2.9"), "084": Decimal("3.1"), "151": Decimal("2.6"), "01": Decimal("9.9")}
AGE_STEP = {"TOT": Decimal("0"), "16-24": Decimal("0.4"), "25-29": Decimal("0.7")}
MONTH_STEP = {"2026M08": Decimal("0"), "2026M09": Decimal("0.1"), "2026M10": Decimal("0.2")}
AUP01_INFO = {
    "id": "AUP01",
    "text": "Fuldtidsledige i pct. af arbejdsstyrken (foreløbig opgørelse)",
    "unit": "Pct.",
    "updated": STATBANK_UPDATED,
    "active": True,
    "variables": [
        {
            "id": "OMRÅDE",
            "text": "område",
            "elimination": True,
            "time": False,
            "values": [
                {"id": "000", "text": "Hele landet"},
                {"id": "084", "text": "Region Hovedstaden"},
                {"id": "01", "text": "Landsdel Byen København"},
                {"id": "151", "text": "Ballerup"},
            ],
        },
        {
            "id": "ALDER",
            "text": "alder",
            "elimination": True,
            "time": False,
            "values": [{"id": a, "text": a} for a in AGE_STEP],
        },
        {
            "id": "KØN",
            "text": "køn",
            "elimination": True,
            "time": False,
            "values": [
                {"id": "TOT", "text": "I alt"},
                {"id": "M", "text": "Mænd"},
                {"id": "K", "text": "Kvinder"},
            ],
        },
        {
            "id": "Tid",
            "text": "tid",
            "elimination": False,
            "time": True,
            "values": [{"id": m, "text": m} for m in MONTH_STEP],
        },
    ],
}

# Y07A02 (2.5): the v3 rows of each area hierarchy; measures: persons, full-time persons,
# % of the labour force (2.5), % of the population.
Y07A02_COLUMNS = [
    "Periode", "Område", "Køn", "Herkomst", "Status før sygedagpenge",
    "Antal personer", "Antal fuldtidspersoner",
    "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år", "Fuldtidspersoner i pct. af befolkningen 16-66 år",
]  # fmt: skip
TOTALS = ["Køn i alt", "Herkomst i alt", "Status før sygedagpenge i alt"]
Y07A02_AREAS = {
    "_nykom": [("Ballerup", 3.1), ("Uoplyst område", None)],
    "_region": [("Region Hovedstaden", 2.7), ("RAR Hovedstaden", 2.8)],
    "_hele_landet": [("Hele landet", 2.9)],
}
Y07A02_MONTH_STEP = {"2026M09": 0.0, "2026M10": 0.2}


def y07a02_rows(level: str, months: list[str]) -> list[list]:
    rows = []
    for month in months:
        for name, share in Y07A02_AREAS[level]:
            value = None if share is None else round(share + Y07A02_MONTH_STEP[month], 1)
            rows.append([month, name, *TOTALS, 1000, 800.5, value, 2.0])
            rows.append([month, name, "Mænd", *TOTALS[1:], 500, 400.0, 9.9, 1.0])  # skipped by the mapping
    return rows


# Y08A02 (fleksjob) and Y09A02 (ledighedsydelse): full-time persons per area, the inputs of
# the derived 3.2 = Y09A02 ÷ (Y08A02 + Y09A02); the same areas in both, one month.
FLEX_COLUMNS = [
    "Periode", "Område", "Køn", "Herkomst",
    "Antal personer", "Antal fuldtidspersoner", "Fuldtidspersoner i pct. af befolkningen 16-66 år",
]  # fmt: skip
FLEX_FULLTIME = {
    "y08a02": {"Ballerup": 450.0, "Region Hovedstaden": 18000.0, "Hele landet": 60000.0},
    "y09a02": {"Ballerup": 50.0, "Region Hovedstaden": 2000.0, "Hele landet": 7500.0},
}
FLEX_LEVELS = {"_nykom": ["Ballerup"], "_region": ["Region Hovedstaden"], "_hele_landet": ["Hele landet"]}
FLEX_RELEASE = {"y08a02": "2026-11-13", "y09a02": "2026-11-14"}


def flex_rows(table: str, level: str, months: list[str]) -> list[list]:
    return [
        [month, name, "Køn i alt", "Herkomst i alt", 1, FLEX_FULLTIME[table][name], 0.5]
        for month in months
        for name in FLEX_LEVELS[level]
    ]


@attrs.define
class Recorded:
    """What the servers were asked, and answers forced on them (path prefix → statuses)."""

    requests: list[tuple[str, str, str, dict, bytes]] = attrs.field(
        factory=list
    )  # api, method, path+query, headers, body
    forced: dict[str, list[tuple[int, dict]]] = attrs.field(
        factory=dict
    )  # path prefix → [(status, headers)] in turn
    always: dict[str, int] = attrs.field(factory=dict)  # path prefix → this status every time

    def of(self, api: str) -> list[tuple[str, str, str, dict, bytes]]:
        return [r for r in self.requests if r[0] == api]

    def force(self, api: str, path: str, request: Request) -> Response | None:
        for prefix, status in self.always.items():
            if f"{api}:{path}".startswith(prefix):
                return JSONResponse({"message": f"synthetic HTTP {status}"}, status_code=status)
        for prefix, queue in self.forced.items():
            if f"{api}:{path}".startswith(prefix) and queue:
                status, headers = queue.pop(0)
                return JSONResponse(
                    {"message": f"synthetic HTTP {status}"}, status_code=status, headers=headers
                )
        return None


def statbank_app(recorded: Recorded) -> Starlette:
    async def handle(request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        recorded.requests.append(("statbank", request.method, path, dict(request.headers), body))
        if forced := recorded.force("statbank", path, request):
            return forced
        asked = await request.json()
        if asked.get("table", "").upper() != "AUP01":
            return JSONResponse(
                {"errorTypeCode": "TABLE-NOTFOUND", "message": f"Tabellen {asked.get('table')} findes ikke"},
                status_code=400,
            )
        if path.endswith("/tableinfo"):
            return JSONResponse(AUP01_INFO)
        return JSONResponse(_jsonstat(asked))

    return Starlette(routes=[Route("/v1/{name}", handle, methods=["POST"])])


def _jsonstat(asked: dict) -> dict:
    """A JSON-stat 1.x bundle of exactly the cells asked for (KØN is asked for as TOT only)."""
    chosen = {v["code"]: v["values"] for v in asked["variables"]}
    ids = ["OMRÅDE", "ALDER", "KØN", "ContentsCode", "Tid"]
    codes = {
        "OMRÅDE": chosen["OMRÅDE"],
        "ALDER": chosen["ALDER"],
        "KØN": chosen["KØN"],
        "ContentsCode": ["AUP01"],
        "Tid": chosen["Tid"],
    }
    values = [
        float(AREA_BASE[a] + AGE_STEP[g] + MONTH_STEP[t])
        for a in codes["OMRÅDE"]
        for g in codes["ALDER"]
        for _ in codes["KØN"]
        for _ in codes["ContentsCode"]
        for t in codes["Tid"]
    ]
    return {
        "dataset": {
            "dimension": {
                **{
                    d: {"label": d.lower(), "category": {"index": {c: i for i, c in enumerate(codes[d])}}}
                    for d in ids
                },
                "id": ids,
                "size": [len(codes[d]) for d in ids],
                "role": {"geo": ["OMRÅDE"], "metric": ["ContentsCode"], "time": ["Tid"]},
            },
            "label": "Fuldtidsledige i pct. af arbejdsstyrken (foreløbig opgørelse) efter område, alder, køn, enhed og tid",
            "source": "Danmarks Statistik",
            "updated": STATBANK_UPDATED,
            "value": values,
        }
    }


def jobindsats_app(recorded: Recorded) -> Starlette:
    async def handle(request: Request) -> Response:
        path = request.url.path
        recorded.requests.append(
            ("jobindsats", request.method, f"{path}?{request.url.query}", dict(request.headers), b"")
        )
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return JSONResponse({"message": "Unauthorized"}, status_code=401)
        if forced := recorded.force("jobindsats", path, request):
            return forced
        if path == "/v3/tables":
            return JSONResponse(
                [
                    {
                        "subject_id": "ydelser",
                        "subject_name": "Ydelser",
                        "table_groups": [
                            {
                                "group_name": "Sygedagpenge",
                                "tables": [
                                    *(
                                        {"table_id": t, "table_name": t, "update_latest": day}
                                        for t, day in FLEX_RELEASE.items()
                                    ),
                                    {
                                        "table_id": "y07a02",
                                        "table_name": "Sygedagpenge",
                                        "update_latest": JOBINDSATS_RELEASE,
                                        "update_next": "2026-12-18",
                                        "update_freq": "Månedlig",
                                    },
                                ],
                            }
                        ],
                    }
                ]
            )
        if path == "/v3/table/y07a02":
            return JSONResponse(
                {
                    "table_id": "y07a02",
                    "periods": [
                        {"period_type": "QMAT", "period_id": "2026QMAT03"},
                        {"period_type": "M", "period_id": "2026M08"},
                        {"period_type": "M", "period_id": "2026M09"},
                        {"period_type": "M", "period_id": "2026M10"},
                    ],
                    "dimensions": [
                        {
                            "dimension_id": "_omrade",
                            "hierarchies": [{"hierarchy_id": h} for h in Y07A02_AREAS],
                        },
                        {"dimension_id": "_kon", "hierarchies": [{"hierarchy_id": "_kon"}]},
                    ],
                }
            )
        if path in ("/v3/table/y08a02", "/v3/table/y09a02"):
            return JSONResponse(
                {
                    "periods": [{"period_type": "M", "period_id": "2026M10"}],
                    "dimensions": [{"hierarchies": [{"hierarchy_id": h} for h in FLEX_LEVELS]}],
                }
            )
        if path.startswith("/v3/data/"):
            table = path.removeprefix("/v3/data/")
            params = request.query_params
            level = next(k.removeprefix("hierarchy.") for k in params if k.startswith("hierarchy."))
            months = params["period.M"].split(",")
            if table == "y07a02":
                return JSONResponse({"columns": Y07A02_COLUMNS, "rows": y07a02_rows(level, months)})
            if table in FLEX_FULLTIME:
                return JSONResponse({"columns": FLEX_COLUMNS, "rows": flex_rows(table, level, months)})
        return JSONResponse({"message": "not found"}, status_code=404)

    return Starlette(routes=[Route("/v3/{rest:path}", handle, methods=["GET"])])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the recorded-shape server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)
