"""Webhooks as stored: add, list, remove, and the delivery's bookkeeping (migration 0008).

A hook's outbox is the change feed after its cursor, so a change is never lost between
being found and being sent: the cursor moves only after the receiver said 2xx. A process
delivers a hook only while it holds the hook's lease (`claim`), so several workers never
send the same changes at once."""

import datetime
import secrets

import attrs
import sqlalchemy as sa

from kpi_api.storage.engine import write_transaction
from kpi_api.storage.tables import status_changes, webhooks


@attrs.frozen
class Webhook:
    id: str
    url: str
    secret: str = attrs.field(repr=False)
    strategy_id: str | None
    area: str | None
    indicator: str | None
    cursor: int
    created_at: datetime.datetime
    delivered: int
    failures: int
    next_attempt: datetime.datetime | None
    last_attempt: datetime.datetime | None
    last_error: str | None


class WebhookStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def add(
        self, url: str, secret: str, strategy_id: str | None, area: str | None, indicator: str | None
    ) -> Webhook:
        """A new hook receives the changes found from now on."""
        hook_id = "wh_" + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
        now = datetime.datetime.now(datetime.UTC)
        with write_transaction(self.engine) as c:
            last = c.execute(sa.select(sa.func.coalesce(sa.func.max(status_changes.c.id), 0))).scalar_one()
            c.execute(
                sa.insert(webhooks).values(
                    id=hook_id,
                    url=url,
                    secret=secret,
                    strategy_id=strategy_id,
                    area=area,
                    indicator=indicator,
                    cursor=last,
                    created_at=now,
                    delivered=0,
                    failures=0,
                )
            )
        return self.get(hook_id)  # type: ignore[return-value]

    def get(self, hook_id: str) -> Webhook | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(webhooks).where(webhooks.c.id == hook_id)).first()
        return None if row is None else _hook(row)

    def listed(self) -> list[Webhook]:
        with self.engine.connect() as c:
            return [_hook(r) for r in c.execute(sa.select(webhooks).order_by(webhooks.c.created_at))]

    def remove(self, hook_id: str) -> bool:
        with write_transaction(self.engine) as c:
            return c.execute(sa.delete(webhooks).where(webhooks.c.id == hook_id)).rowcount == 1

    def claim(self, now: datetime.datetime, lease: datetime.timedelta) -> list[Webhook]:
        """The hooks due now that no other process is delivering, leased to this one."""
        newest = sa.select(sa.func.coalesce(sa.func.max(status_changes.c.id), 0)).scalar_subquery()
        due = sa.and_(
            webhooks.c.cursor < newest,  # something it has not had (a hook at rest costs one read)
            sa.or_(webhooks.c.next_attempt.is_(None), webhooks.c.next_attempt <= now),
            sa.or_(webhooks.c.lease_until.is_(None), webhooks.c.lease_until <= now),
        )
        claimed = []
        with self.engine.connect() as c:
            candidates = [r.id for r in c.execute(sa.select(webhooks.c.id).where(due))]
        for hook_id in candidates:
            with write_transaction(self.engine) as c:
                took = c.execute(
                    sa.update(webhooks).where(webhooks.c.id == hook_id, due).values(lease_until=now + lease)
                ).rowcount
            if took == 1 and (hook := self.get(hook_id)) is not None:
                claimed.append(hook)
        return claimed

    def delivered(self, hook: Webhook, cursor: int, count: int, now: datetime.datetime) -> None:
        with write_transaction(self.engine) as c:
            c.execute(
                sa.update(webhooks)
                .where(webhooks.c.id == hook.id)
                .values(
                    cursor=cursor,
                    delivered=webhooks.c.delivered + count,
                    failures=0,
                    next_attempt=None,
                    last_attempt=now,
                    last_error=None,
                    lease_until=None,
                )
            )

    def failed(self, hook: Webhook, error: str, now: datetime.datetime, retry_at: datetime.datetime) -> None:
        with write_transaction(self.engine) as c:
            c.execute(
                sa.update(webhooks)
                .where(webhooks.c.id == hook.id)
                .values(
                    failures=webhooks.c.failures + 1,
                    next_attempt=retry_at,
                    last_attempt=now,
                    last_error=error[:500],
                    lease_until=None,
                )
            )

    def release(self, hook: Webhook) -> None:
        with write_transaction(self.engine) as c:
            c.execute(sa.update(webhooks).where(webhooks.c.id == hook.id).values(lease_until=None))


def _hook(row) -> Webhook:
    return Webhook(**{f.name: getattr(row, f.name) for f in attrs.fields(Webhook)})
