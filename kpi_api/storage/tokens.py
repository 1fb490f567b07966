"""API tokens for writes (and, if configured, reads).

A token looks like `kpi_<id>_<secret>`: the recognisable prefix `kpi_`, a short public id
(shown by `kpi token list`, used to revoke), and 32 random bytes. Only the SHA-256 of the
whole token is stored — a fast hash is enough for a random secret of that size, and a
database dump reveals no usable token. Checking compares hashes in constant time.
"""

import datetime
import hashlib
import hmac
import re
import secrets

import attrs
import sqlalchemy as sa

from kpi_api.access import Scope, TokenRecord
from kpi_api.storage.engine import write_transaction
from kpi_api.storage.tables import api_tokens as tokens

PREFIX = "kpi_"
_FORMAT = re.compile(r"kpi_([a-z0-9]{10})_([A-Za-z0-9_\-]{43})")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(engine: sa.Engine, scope: Scope, name: str) -> tuple[str, TokenRecord]:
    """Make a token; the token itself is returned once and never stored."""
    token_id = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
    token = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    now = datetime.datetime.now(datetime.UTC)
    with write_transaction(engine) as c:
        c.execute(
            sa.insert(tokens).values(
                id=token_id, name=name, scope=scope.value, sha256=_digest(token), created_at=now
            )
        )
    return token, TokenRecord(token_id, name, scope, now, None)


def verify(engine: sa.Engine, token: str) -> TokenRecord | None:
    """The token's record if the token is valid and not revoked, else None."""
    match = _FORMAT.fullmatch(token or "")
    with engine.connect() as c:
        row = c.execute(sa.select(tokens).where(tokens.c.id == (match.group(1) if match else ""))).first()
    # Compare even when there is no row or the format is wrong, so timing says nothing.
    expected = row.sha256 if row is not None else "0" * 64
    if not hmac.compare_digest(expected, _digest(token or "")) or row is None or row.revoked_at is not None:
        return None
    return _record(row)


def revoke(engine: sa.Engine, token_id: str) -> bool:
    with write_transaction(engine) as c:
        result = c.execute(
            sa.update(tokens)
            .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.datetime.now(datetime.UTC))
        )
    return result.rowcount == 1


def listed(engine: sa.Engine) -> list[TokenRecord]:
    with engine.connect() as c:
        return [_record(r) for r in c.execute(sa.select(tokens).order_by(tokens.c.created_at))]


def _record(row) -> TokenRecord:
    return TokenRecord(row.id, row.name, Scope(row.scope), row.created_at, row.revoked_at)


@attrs.frozen
class Tokens:
    """The token check the HTTP guard is handed: it never sees the engine."""

    engine: sa.Engine

    def verify(self, token: str) -> TokenRecord | None:
        return verify(self.engine, token)
