"""Configuration from the environment, with defaults that run on a fresh machine."""

import os

import attrs

DEFAULT_DATABASE_URL = "sqlite:///kpi.sqlite3"  # a file in the working folder


@attrs.frozen
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    graphiql: bool = True  # the in-browser IDE; switch off in production

    @classmethod
    def from_env(cls, database_url: str | None = None) -> "Settings":
        return cls(
            database_url=database_url or os.environ.get("KPI_DATABASE_URL") or DEFAULT_DATABASE_URL,
            graphiql=os.environ.get("KPI_GRAPHIQL", "1").lower() not in {"0", "false", "no", "off"},
        )
