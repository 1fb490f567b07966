"""One bounded pool of threads for the requests' store work, with admission control.

The store is synchronous, so requests hand their store reads and evaluations to threads.
Unbounded, 100 heavy requests queued in the default executor and everything else (the
health check, cheap queries) waited behind them. Here:

- a fixed number of threads (KPI_WORKER_THREADS) does all heavy work;
- a request is admitted on its first piece of heavy work: at most
  KPI_MAX_CONCURRENT_WORK requests at once, KPI_MAX_QUEUED_WORK more wait (the wait
  counts against their own time limit), and beyond that the request is refused at once
  with ServerBusy (503 SERVER_BUSY with Retry-After); requests that need no store work
  (the catalogue is in memory) never wait for a slot;
- an admitted request runs one piece of work at a time, so one query of 30 aliased
  tables cannot take every thread from the others;
- a small reserved pool runs the short lookups every request may need (the token, the
  catalogue's revision count), so they never wait behind heavy work.

The request's context (its deadline, see deadline.py) is copied into the thread.
"""

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor

from kpi_api.http import deadline

RETRY_AFTER_BUSY = 2  # seconds a refused client is asked to wait
QUICK_THREADS = 2
# The event loop shares the GIL with the pool's threads; at Python's default 5 ms switch
# interval it waited up to 5 ms for every socket operation while threads evaluated, and
# /healthz took seconds under load (1 ms: p90 ~30 ms instead of ~300 ms, measured).
SWITCH_INTERVAL = 0.001


class ServerBusy(Exception):
    def __init__(self, concurrent: int, queued: int) -> None:
        super().__init__(
            f"The server is busy: {concurrent} requests are working and {queued} waiting, the most it takes "
            f"(KPI_MAX_CONCURRENT_WORK, KPI_MAX_QUEUED_WORK); try again in {RETRY_AFTER_BUSY} s."
        )
        self.retry_after = RETRY_AFTER_BUSY


class _Lane:
    """A request's place in the pool: admitted or not, and one piece of work at a time."""

    __slots__ = ("admitted", "lock", "pool")

    def __init__(self, pool: "WorkPool") -> None:
        self.pool = pool
        self.admitted = False
        self.lock = asyncio.Lock()


_lane: contextvars.ContextVar[_Lane | None] = contextvars.ContextVar("kpi_work_lane", default=None)


async def run(fn: Callable, *args):
    """Heavy work of the current request (store reads, evaluations, rendering), in the
    pool of the request being served."""
    lane = _lane.get()
    if lane is None:  # no request around it (the schema executed directly, in tests)
        return await asyncio.to_thread(fn, *args)
    async with lane.lock:
        if not lane.admitted:
            await lane.pool._admit()
            lane.admitted = True
        return await _in(lane.pool._threads, fn, args)


class WorkPool:
    def __init__(self, threads: int, max_concurrent: int, max_queued: int) -> None:
        self.max_concurrent, self.max_queued = max_concurrent, max_queued
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="kpi-work")
        self._quick = ThreadPoolExecutor(QUICK_THREADS, thread_name_prefix="kpi-quick")
        self._slots: asyncio.Semaphore | None = None  # made on the serving loop, on first use
        self._waiting = 0

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Around one HTTP request: its slot, if it took one, is freed when it ends."""
        lane = _Lane(self)
        token = _lane.set(lane)
        try:
            yield
        finally:
            _lane.reset(token)
            if lane.admitted:
                self._slots.release()

    async def quick(self, fn: Callable, *args):
        """A short lookup of fixed cost (a token, the revision count): never queued behind heavy work."""
        return await _in(self._quick, fn, args)

    async def _admit(self) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_concurrent)
        if self._slots.locked() and self._waiting >= self.max_queued:
            raise ServerBusy(self.max_concurrent, self.max_queued)
        self._waiting += 1
        try:
            await self._slots.acquire()  # the request's time limit cancels this wait
        finally:
            self._waiting -= 1

    def close(self) -> None:
        for executor in (self._threads, self._quick):
            executor.shutdown(wait=False, cancel_futures=True)


async def _in(executor: ThreadPoolExecutor, fn: Callable, args: tuple):
    deadline.check()
    context = contextvars.copy_context()  # the request's deadline goes with the work
    return await asyncio.get_running_loop().run_in_executor(executor, context.run, _within_deadline, fn, args)


def _within_deadline(fn: Callable, args: tuple):
    # Work that waited in the executor's queue past its deadline is not started; a
    # statement the database aborted at the deadline reports the deadline, not itself.
    deadline.check()
    try:
        return fn(*args)
    except Exception:
        budget = deadline.current()
        if budget is not None and budget.expired():
            raise deadline.exceeded(budget) from None
        raise
