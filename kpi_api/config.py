"""Configuration from the environment, with defaults that run on a fresh machine.

Every setting is an environment variable (see the README's table)."""

import os
import urllib.parse
from pathlib import Path

import attrs
import platformdirs

# One place per user, whichever folder a command runs in: `kpi serve`, `kpi import` and
# `kpi token` must agree on the database (a file in the working folder made a token created
# in one folder unknown to a server started in another). Linux:
# ~/.local/share/kommune-kpi/kpi.sqlite3; macOS: ~/Library/Application Support/kommune-kpi/;
# Windows: %LOCALAPPDATA%\kommune-kpi\.
DEFAULT_DATABASE_FILE = Path(platformdirs.user_data_dir("kommune-kpi", appauthor=False)) / "kpi.sqlite3"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATABASE_FILE}"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() not in {"0", "false", "no", "off", ""}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number") from None


@attrs.frozen
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    graphiql: bool = False  # GraphiQL at GET /graphql in a browser (assets shipped with the package)
    introspection: bool = True
    require_read_token: bool = False
    # With require_read_token: paths that stay public (e.g. /figures/ for <img> embeds,
    # which cannot send a token); see http/read_policy.py.
    public_read_paths: tuple[str, ...] = ()
    max_query_bytes: int = 64 * 1024
    max_import_bytes: int = 16 * 1024 * 1024  # for requests with an import/publish token
    request_timeout: int = 15  # seconds
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 3000
    max_list_entries: int = 100  # entries of any one list, in the query or its variables
    frame_ancestors: str = "'self'"  # who may show figures and pages in an iframe (CSP frame-ancestors)
    # Who may frame a figure's embed page (.html?embed=1): any site by default, as a
    # Datawrapper chart may be, since intranets are many and their names unknown here.
    embed_frame_ancestors: str = "*"
    cors_origins: tuple[str, ...] = ()  # origins allowed to call /graphql from a browser (no cookies)
    token_rate: float = 20.0  # requests per second per token (a bucket of `token_burst`)
    token_burst: int = 40
    response_cache: bool = True
    # Status reads from stored evaluations, kept current by a thread of `kpi serve`
    # (evaluation_upkeep.py); 0: every status is judged from the observations per request.
    stored_evaluations: bool = True
    response_cache_entries: int = 1024
    response_cache_bytes: int = 64 * 1024 * 1024
    public_url: str = ""  # base of the links pages hand out (https://kpi.example.dk); empty: relative links
    max_cost_anonymous: int = 2000  # static query cost (see kpi_api/graphql/cost.py) without an API token
    max_cost: int = 10000  # ... with one
    max_import_rows: int = 5_000_000  # rows per import (CSV records, JSON-stat cells, Jobindsats figures)
    # Rows per importObservations call: an import is held whole until it commits (all or
    # nothing), ~0.6 KB a row, so the server's memory bounds it; larger files: `kpi import`.
    max_api_import_rows: int = 200_000
    # Under load (see http/work_pool.py, http/request_limits.py, http/header_timeout.py):
    # Evaluation is Python (one core at a time, the GIL); two threads overlap it with the
    # database, more only make the event loop wait longer for the GIL.
    worker_threads: int = 2  # threads for store work and evaluations, shared by all requests
    max_concurrent_work: int = 2  # requests doing store work at once
    max_queued_work: int = (
        8  # more that wait for their turn (within their time limit); beyond: 503 SERVER_BUSY
    )
    anonymous_rate: float = 10.0  # requests per second per client address without a valid token
    anonymous_burst: int = 60
    rate_limit_addresses: int = (
        50_000  # client addresses (and tokens) tracked at most; the least recent are forgotten
    )
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For entries are believed
    header_timeout: float = 10.0  # seconds to send a request's line and headers
    max_graphql_in_progress: int = (
        16  # uncached GraphQL requests in progress at once; beyond: 503 SERVER_BUSY
    )
    # Persisted queries (graphql/persisted.py): a directory of registered ones, and the
    # automatic ones clients register, per worker process (least recently used go first).
    persisted_queries: str = ""  # directory of <sha256>.graphql files (`kpi persisted add`)
    persisted_only: bool = False  # run registered queries only
    persisted_entries: int = 2000
    persisted_bytes: int = 8 * 1024 * 1024
    mappings: str = ""  # KPI_MAPPINGS: a directory of the municipality's own mapping files (*.toml)
    # `kpi fetch` (kpi_api/fetching/): the two APIs, and the Jobindsats key (sent there only).
    statbank_url: str = "https://api.statbank.dk/v1"
    jobindsats_url: str = "https://api.jobindsats.dk/v3"
    jobindsats_key: str = attrs.field(default="", repr=False)  # never printed

    @property
    def mappings_directory(self) -> "Path | None":
        return Path(self.mappings) if self.mappings else None

    @classmethod
    def from_env(cls, database_url: str | None = None) -> "Settings":
        return cls(
            database_url=database_url or os.environ.get("KPI_DATABASE_URL") or DEFAULT_DATABASE_URL,
            graphiql=_flag("KPI_GRAPHIQL", False),
            introspection=_flag("KPI_INTROSPECTION", True),
            require_read_token=_flag("KPI_REQUIRE_READ_TOKEN", False),
            public_read_paths=_public_read_paths("KPI_PUBLIC_READ_PATHS"),
            max_query_bytes=_int("KPI_MAX_QUERY_BYTES", 64 * 1024),
            max_import_bytes=_int("KPI_MAX_IMPORT_BYTES", 16 * 1024 * 1024),
            request_timeout=_int("KPI_REQUEST_TIMEOUT", 15),
            max_depth=_int("KPI_MAX_DEPTH", 12),
            max_aliases=_int("KPI_MAX_ALIASES", 30),
            max_tokens=_int("KPI_MAX_TOKENS", 3000),
            max_list_entries=_int("KPI_MAX_LIST_ENTRIES", 100),
            frame_ancestors=os.environ.get("KPI_FRAME_ANCESTORS", "'self'"),
            embed_frame_ancestors=os.environ.get("KPI_EMBED_FRAME_ANCESTORS", "*"),
            cors_origins=tuple(
                o.strip() for o in os.environ.get("KPI_CORS_ORIGINS", "").split(",") if o.strip()
            ),
            token_rate=float(os.environ.get("KPI_TOKEN_RATE", "20")),
            token_burst=_int("KPI_TOKEN_BURST", 40),
            response_cache=_flag("KPI_RESPONSE_CACHE", True),
            stored_evaluations=_flag("KPI_STORED_EVALUATIONS", True),
            response_cache_entries=_int("KPI_RESPONSE_CACHE_ENTRIES", 1024),
            response_cache_bytes=_int("KPI_RESPONSE_CACHE_BYTES", 64 * 1024 * 1024),
            public_url=_public_url("KPI_PUBLIC_URL"),
            max_cost_anonymous=_int("KPI_MAX_COST_ANONYMOUS", 2000),
            max_cost=_int("KPI_MAX_COST", 10000),
            max_import_rows=_int("KPI_MAX_IMPORT_ROWS", 5_000_000),
            max_api_import_rows=_int("KPI_MAX_API_IMPORT_ROWS", 200_000),
            worker_threads=_int("KPI_WORKER_THREADS", 2),
            max_concurrent_work=_int("KPI_MAX_CONCURRENT_WORK", 2),
            max_queued_work=_int("KPI_MAX_QUEUED_WORK", 8),
            anonymous_rate=float(os.environ.get("KPI_ANONYMOUS_RATE", "10")),
            anonymous_burst=_int("KPI_ANONYMOUS_BURST", 60),
            rate_limit_addresses=_int("KPI_RATE_LIMIT_ADDRESSES", 50_000),
            trusted_proxies=_int("KPI_TRUSTED_PROXIES", 0),
            header_timeout=float(os.environ.get("KPI_HEADER_TIMEOUT", "10")),
            max_graphql_in_progress=_int("KPI_MAX_GRAPHQL_IN_PROGRESS", 16),
            persisted_queries=os.environ.get("KPI_PERSISTED_QUERIES", ""),
            persisted_only=_flag("KPI_PERSISTED_ONLY", False),
            persisted_entries=_int("KPI_PERSISTED_ENTRIES", 2000),
            persisted_bytes=_int("KPI_PERSISTED_BYTES", 8 * 1024 * 1024),
            mappings=os.environ.get("KPI_MAPPINGS", "").strip(),
            statbank_url=_api_url("KPI_STATBANK_URL", "https://api.statbank.dk/v1"),
            jobindsats_url=_api_url("KPI_JOBINDSATS_URL", "https://api.jobindsats.dk/v3"),
            jobindsats_key=os.environ.get("KPI_JOBINDSATS_KEY", "").strip(),
        )


# What KPI_PUBLIC_READ_PATHS may open: the web surfaces, each whole or below a prefix.
# Never /graphql (one query reaches everything: it needs a token or it does not) and
# never "/" (that would be KPI_REQUIRE_READ_TOKEN=0 said in a confusing way).
READ_SURFACES = ("/figures/", "/status/", "/api/", "/openapi.json")
MAX_PUBLIC_READ_PATHS = 20


def _public_read_paths(name: str) -> tuple[str, ...]:
    """Comma-separated paths or prefixes ending in `/`, each inside one of READ_SURFACES."""
    entries = tuple(p.strip() for p in os.environ.get(name, "").split(",") if p.strip())
    if len(entries) > MAX_PUBLIC_READ_PATHS:
        raise SystemExit(f"{name} lists {len(entries)} paths; at most {MAX_PUBLIC_READ_PATHS}")
    for entry in entries:
        if len(entry) > 200 or not (entry == "/openapi.json" or entry.startswith(READ_SURFACES[:3])):
            raise SystemExit(
                f"{name}: {entry[:200]!r} is not a read surface that can be made public; "
                f"use one of {', '.join(READ_SURFACES)} or a path below them, e.g. /figures/"
            )
    return entries


def _public_url(name: str) -> str:
    """An http(s) base URL without query or fragment, and without its trailing slash."""
    value = os.environ.get(name, "").strip()
    parts = urllib.parse.urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment):
        raise SystemExit(f"{name}={value!r} is not an http(s) URL without query, e.g. https://kpi.example.dk")
    return value.rstrip("/")


def _api_url(name: str, default: str) -> str:
    """An http(s) base URL of an API, without query or fragment and its trailing slash."""
    value = os.environ.get(name, "").strip() or default
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SystemExit(f"{name}={value!r} is not an http(s) URL without query, e.g. {default}")
    return value.rstrip("/")
