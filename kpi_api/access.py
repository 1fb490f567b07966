"""Who may do what: token scopes, the record a valid token stands for, and the caller a
request turned out to be. Plain values, so the guard (http/), the faces and the token
store (storage/tokens.py) share them without importing each other."""

import datetime
import enum

import attrs


class Scope(enum.Enum):
    READ = "read"
    IMPORT = "import"
    PUBLISH = "publish"
    COMMENT = "comment"  # staff commentary on indicators and goals (kpi_core.commentary)


@attrs.frozen
class TokenRecord:
    id: str
    name: str
    scope: Scope
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None

    def allows(self, needed: Scope) -> bool:
        # Any valid token may read; writing needs the token's own scope.
        return self.revoked_at is None and (needed is Scope.READ or self.scope is needed)


@attrs.frozen
class Caller:
    presented: bool = False  # an Authorization header was sent
    token: TokenRecord | None = None  # the valid token, if any
