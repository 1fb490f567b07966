"""Parsing and validation with strawberry's caches for small documents; large ones on a
worker thread, uncached.

Under the token limit a document still takes ~25 ms to parse (3,000 tokens) and up to
~20-35 ms to validate (within the limits: fragment chains, ten fragments spread into
each of many places). On the event loop a few such requests at once would hold up every
other answer, `/healthz` included; a thread gives the loop the GIL back every few
milliseconds. And its syntax tree takes ~1-2 MB: the two caches of 512 entries each
could hold 2 GB of them. So a document over LARGE characters is parsed and validated on
a thread and not cached; smaller ones (~140 KB of tree at most) are cached and stay on
the loop, so they never wait for a thread behind slow work.

One thread does it for every request (at most KPI_MAX_GRAPHQL_IN_PROGRESS documents are
in progress, so the queue is bounded): the event loop waits for the GIL behind every
thread that holds work, and with asyncio's default pool (six threads here) a crowd of
large documents made /healthz wait for each of them in turn.
"""

import asyncio
import contextvars
import functools
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor

from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

LARGE = 1024  # characters of query text: ~200 tokens, a few milliseconds to parse and validate
_DOCUMENTS = ThreadPoolExecutor(1, thread_name_prefix="kpi-documents")


async def off_the_loop(fn: Callable, *args, **kwargs):
    """`fn` on the documents thread, in the request's context (its deadline)."""
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_DOCUMENTS, call)


class CachedParsingAndValidation(SchemaExtension):
    """ParserCache and ValidationCache in one (with their shared LRU caches), for small documents."""

    def __init__(self, parser: ParserCache, validator: ValidationCache) -> None:
        self.parse, self.validate = parser.cached_parse_document, validator.cached_validate_document

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        context.graphql_document = await self._run(self.parse, context.query, **context.parse_options)
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        context.pre_execution_errors = await self._run(
            self.validate, context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield

    async def _run(self, cached, *args, **kwargs):
        if len(self.execution_context.query or "") <= LARGE:
            return cached(*args, **kwargs)
        return await off_the_loop(cached.__wrapped__, *args, **kwargs)  # the function lru_cache wraps
