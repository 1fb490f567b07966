"""One bounded HTTP client for both APIs: a time-out per request, retries with back-off on
429 and 5xx (Retry-After honoured up to a limit), an answer size cap (the body is streamed
and the download stopped at the cap) and a time limit for the whole fetch.

Every failure is a `FetchError` whose message names what was asked for and says what to do.
"""

import datetime
import email.utils
import json
import time
from collections.abc import Callable

import attrs
import httpx

MAX_RESPONSE_BYTES = 256 * 1024 * 1024  # one answer, held whole while it is imported


class FetchError(Exception):
    """A fetch that cannot go on; the message is for the user."""


class Refused(FetchError):
    """The API answered 4xx (not 429): asking again would get the same answer."""

    def __init__(self, status: int, detail: str, message: str) -> None:
        self.status, self.detail = status, detail
        super().__init__(message)


@attrs.frozen
class Limits:
    timeout: float = 60.0  # seconds to connect, and between bytes of an answer
    time_limit: float = 1800.0  # seconds for the whole fetch, waits included
    retries: int = 4  # further attempts after a 429, a 5xx, a time-out or a lost connection
    backoff: float = 2.0  # seconds before the first retry; doubled each time
    max_wait: float = 120.0  # the longest Retry-After honoured; a longer one gives up
    max_bytes: int = MAX_RESPONSE_BYTES


class Deadline:
    """The fetch's time limit, shared by the clients of one run."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.clock, self.end = seconds, clock, clock() + seconds

    def left(self) -> float:
        return self.end - self.clock()

    def exceeded(self, what: str) -> FetchError:
        return FetchError(
            f"{what}: the fetch took longer than its time limit of {self.seconds:,.0f} s "
            "(--time-limit); nothing was stored. Fetch fewer tables (--table) or periods (--since)"
        )


class Client:
    """Requests to one API (`base_url`); `headers` go to that API only."""

    def __init__(
        self,
        base_url: str,
        limits: Limits,
        deadline: Deadline,
        headers: dict[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url, self.limits, self.deadline, self.sleep = base_url.rstrip("/"), limits, deadline, sleep
        # No redirects: a key in the headers is for this API alone, never for where it points.
        # The environment's proxy settings (HTTPS_PROXY, NO_PROXY) apply: town halls have them.
        self.http = httpx.Client(headers=headers or {}, follow_redirects=False)
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, what: str, body: object = None) -> bytes:
        """The answer's body; `path` is appended to the base URL as it is (query included)."""
        url = f"{self.base_url}{path}"
        last = ""
        attempts = self.limits.retries + 1
        for attempt in range(attempts):
            left = self.deadline.left()
            if left <= 0:
                raise self.deadline.exceeded(what)
            wait = self.limits.backoff * 2**attempt
            timeout = httpx.Timeout(min(self.limits.timeout, left))
            self.requests += 1
            try:
                with self.http.stream(method, url, json=body, timeout=timeout) as response:
                    status = response.status_code
                    if status == 429 or status >= 500:
                        last = f"HTTP {status}"
                        wait = self._retry_after(response, wait, what)
                    elif status >= 300:
                        detail = _text(response)
                        raise Refused(status, detail, f"{what}: HTTP {status} from {self.base_url}: {detail}")
                    else:
                        return self._body(response, what)
            except httpx.TimeoutException:
                last = f"no answer within {timeout.read:,.0f} s"
            except httpx.TransportError as exc:
                last = f"cannot connect to {self.base_url} ({type(exc).__name__}: {exc})"
            if attempt + 1 == attempts:
                break
            if wait > self.deadline.left():
                raise self.deadline.exceeded(what)
            self.sleep(wait)
        raise FetchError(
            f"{what}: gave up after {attempts} attempts (last: {last}); nothing was stored. "
            "The API may be down: try again later (--retries sets the attempts)"
        )

    def _retry_after(self, response: httpx.Response, wait: float, what: str) -> float:
        """The server's Retry-After (seconds or an HTTP date) where it gives one, else `wait`."""
        header = response.headers.get("retry-after", "").strip()
        if not header:
            return wait
        if header.isdigit():
            asked = float(header[:9])
        else:
            try:
                when = email.utils.parsedate_to_datetime(header)
            except (TypeError, ValueError):
                return wait
            asked = (when - datetime.datetime.now(datetime.UTC)).total_seconds()
        if asked > self.limits.max_wait:
            raise FetchError(
                f"{what}: HTTP {response.status_code}, and the API asks to wait {asked:,.0f} s (Retry-After), "
                f"longer than the {self.limits.max_wait:,.0f} s a fetch waits; nothing was stored. Try again later"
            )
        return max(asked, 0.0)

    def _body(self, response: httpx.Response, what: str) -> bytes:
        cap = self.limits.max_bytes
        too_large = FetchError(
            f"{what}: the answer is larger than {cap:,} bytes, the most a fetch reads; nothing was stored. "
            "Ask for less: later periods (--since) or one table at a time (--table)"
        )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise too_large
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:  # stop downloading here: the rest is never read
                raise too_large
            if self.deadline.left() <= 0:  # an answer that trickles in is bounded too
                raise self.deadline.exceeded(what)
            chunks.append(chunk)
        return b"".join(chunks)


def _text(response: httpx.Response, limit: int = 2000) -> str:
    """The start of an error answer: its `message` where it is JSON (Statbank's errors)."""
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            break
    text = body[:limit].decode("utf-8", "replace").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        return text[:300] or "(no text)"
    if isinstance(parsed, dict):
        for key in ("message", "Message", "error", "title", "detail"):
            if isinstance(parsed.get(key), str):
                return parsed[key][:300]
    return text[:300]
