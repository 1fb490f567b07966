"""Delivering the change feed to webhooks: signed, at least once, with back-off.

Each delivery POSTs the changes after the hook's cursor (at most `MAX_CHANGES`, matching
its filter) as JSON:

    {"id": "wh_…:41-57", "webhook": "wh_…", "changes": [ …as /api/status-changes… ]}

with `X-KPI-Signature: sha256=<hex HMAC-SHA256 of the body with the hook's secret>` and
`X-KPI-Delivery: <id>` (the same id when the same changes are sent again: de-duplicate on
it). A 2xx moves the cursor; anything else — another status, a refused connection, a
timeout — is retried after 5 s, 10 s, 20 s … up to an hour, and `kpi webhook list` shows the
last error. The request carries no credentials of the service: no token, no cookie, no
redirect followed.
"""

import datetime
import hashlib
import hmac
import json
import logging
import threading
import urllib.parse
from collections.abc import Callable

import attrs
import httpx

from kpi_api.change_feed import MAX_CHANGES, change_json
from kpi_api.storage.evaluation_store import StoredEvaluations
from kpi_api.storage.webhook_store import Webhook, WebhookStore

log = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds a receiver has to answer
LEASE = datetime.timedelta(seconds=60)  # longer than one delivery can take
MAX_URL = 2000
MAX_SECRET = 200


class BadWebhook(ValueError):
    """A URL or secret that cannot be used; the message says why and what to give."""


def checked_url(url: str) -> str:
    if len(url) > MAX_URL:
        raise BadWebhook(f"the URL is {len(url):,} characters; at most {MAX_URL:,}")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadWebhook(
            f"the URL must be http:// or https:// with a host, e.g. https://intranet.example.dk/kpi-hook, not {url!r}"
        )
    if parts.username or parts.password:
        raise BadWebhook(
            "the URL must not carry a user name or password; the signature authenticates the service"
        )
    return url


def checked_secret(secret: str) -> str:
    if not 16 <= len(secret) <= MAX_SECRET:
        raise BadWebhook(
            f"the secret must be 16–{MAX_SECRET} characters (it signs every delivery), not {len(secret)}"
        )
    return secret


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay(failures: int) -> datetime.timedelta:
    """After the n-th failure in a row: 5 s, 10 s, 20 s, … at most an hour."""
    return datetime.timedelta(seconds=min(5 * 2 ** max(failures - 1, 0), 3600))


@attrs.frozen
class Delivery:
    hook: str
    changes: int
    status: int | None  # the receiver's HTTP status; None: no answer
    error: str | None


def deliver_due(
    hooks: WebhookStore,
    feed: StoredEvaluations,
    client: httpx.Client,
    now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
) -> list[Delivery]:
    """One round: every hook that is due and not leased elsewhere gets what it has not had."""
    done = []
    for hook in hooks.claim(now(), LEASE):
        try:
            done.append(_deliver(hook, hooks, feed, client, now))
        except Exception as exc:  # the next hook still gets its turn
            log.exception("webhook %s: delivery failed", hook.id)
            hooks.failed(
                hook, f"internal error: {type(exc).__name__}", now(), now() + retry_delay(hook.failures + 1)
            )
    return done


def _deliver(hook: Webhook, hooks: WebhookStore, feed: StoredEvaluations, client, now) -> Delivery:
    # Read first: changes are stored in id order, so none at or below it can appear later.
    newest = feed.last_change_id()
    rows = feed.changes_after(
        hook.cursor, MAX_CHANGES, strategy_id=hook.strategy_id, area=hook.area, indicator=hook.indicator
    )
    if not rows:  # nothing new passes its filter: skip past what does not
        hooks.delivered(hook, newest, 0, now())
        return Delivery(hook.id, 0, None, None)
    delivery_id = f"{hook.id}:{rows[0].id}-{rows[-1].id}"
    body = json.dumps(
        {"id": delivery_id, "webhook": hook.id, "changes": [change_json(r) for r in rows]},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "kommune-kpi webhook",
        "X-KPI-Delivery": delivery_id,
        "X-KPI-Signature": signature(hook.secret, body),
    }
    try:
        response = client.post(hook.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        error = f"no answer: {type(exc).__name__}: {exc}"[:500]
        hooks.failed(hook, error, now(), now() + retry_delay(hook.failures + 1))
        return Delivery(hook.id, len(rows), None, error)
    if 200 <= response.status_code < 300:
        hooks.delivered(hook, rows[-1].id, len(rows), now())
        return Delivery(hook.id, len(rows), response.status_code, None)
    error = f"HTTP {response.status_code} from the receiver"
    hooks.failed(hook, error, now(), now() + retry_delay(hook.failures + 1))
    return Delivery(hook.id, len(rows), response.status_code, error)


def webhook_client() -> httpx.Client:
    # No auth, no cookies kept, no redirects: a receiver cannot bounce the request elsewhere.
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False)


class DeliveryThread:
    """`kpi serve`'s deliverer: a round every `interval` seconds, in a thread of its own
    (a slow receiver never holds up a request or the upkeep)."""

    def __init__(self, hooks: WebhookStore, feed: StoredEvaluations, interval: float = 1.0) -> None:
        self.hooks, self.feed, self.interval = hooks, feed, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kpi-webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=TIMEOUT + 5)

    def _run(self) -> None:
        with webhook_client() as client:
            while not self._stop.is_set():
                try:
                    deliver_due(self.hooks, self.feed, client)
                except Exception:
                    log.exception("webhooks: a delivery round failed; trying again")
                self._stop.wait(self.interval)
