"""A time limit on receiving a request's line and headers (slowloris).

uvicorn (0.54, h11) times out only idle keep-alive connections, and cancels even that
timer on every byte received, so a client sending one header byte a second held a
connection (and its memory) for ever; a few thousand such clients exhaust the server's
file descriptors. The option was planned and never built (uvicorn issue #157,
"--timeout-request-start"). The ASGI app cannot help: it is called only once the headers
are complete. This protocol closes a connection whose request line and headers are not
complete `timeout` seconds after it opened, or after the previous response on it ended.
A body the app reads counts against the request's own time limit.
"""

import functools

from uvicorn.protocols.http.h11_impl import H11Protocol


def protocol_with_header_timeout(timeout: float) -> type[H11Protocol]:
    """The protocol class for `uvicorn.Config(http=...)`."""
    return type("HeaderTimeoutH11Protocol", (_HeaderTimeoutH11Protocol,), {"header_timeout": timeout})


class _HeaderTimeoutH11Protocol(H11Protocol):
    header_timeout: float = 10.0
    _header_timer = None
    _waiting_after = None  # the request cycle current when the timer was armed

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not self._waiting_after:  # a new request's headers are complete
            self._disarm()

    def on_response_complete(self) -> None:
        waiting_after = self.cycle
        super().on_response_complete()
        # Waiting for the next request (unless a pipelined one has just started), and for
        # whatever is left of this one's body: a body sent on slowly after the answer
        # held the connection too, since every byte cancels uvicorn's keep-alive timer.
        if not self.transport.is_closing() and self.cycle is waiting_after:
            self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._waiting_after = self.cycle
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.logger.info(
                "closed a connection that sent no complete request headers within %g s", self.header_timeout
            )
            self.transport.close()


class HeaderTimeoutFromEnvironment(_HeaderTimeoutH11Protocol):
    """For `kpi serve --workers N`: each worker process imports the protocol by name
    (a class made at run time cannot be sent to it) and reads KPI_HEADER_TIMEOUT."""

    @property
    def header_timeout(self) -> float:
        return _from_environment()


@functools.cache
def _from_environment() -> float:
    from kpi_api.config import Settings

    return Settings.from_env().header_timeout
