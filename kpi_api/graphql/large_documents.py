"""Parsing and validation with strawberry's caches, large documents on a worker thread.

Under the token limit a document still takes ~25 ms to parse (3,000 tokens) and up to
~20 ms to validate (within the limits: fragment chains, ten fragments spread into each
of many places); on the event loop, a few such requests at once would hold up every
other answer, `/healthz` included. A document over LARGE characters is parsed and
validated on a thread instead (the loop gets the GIL back every few milliseconds);
smaller ones stay on the loop, so they never wait for a thread behind slow work.
"""

import asyncio
from collections.abc import AsyncIterator

from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

LARGE = 1024  # characters of query text: ~200 tokens, a few milliseconds to parse and validate


class CachedParsingAndValidation(SchemaExtension):
    """ParserCache and ValidationCache in one, with their shared LRU caches."""

    def __init__(self, parser: ParserCache, validator: ValidationCache) -> None:
        self.parse, self.validate = parser.cached_parse_document, validator.cached_validate_document

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        context.graphql_document = await _run(len(context.query or ""), self.parse, context.query, **context.parse_options)
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        context.pre_execution_errors = await _run(
            len(context.query or ""), self.validate, context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield


async def _run(size: int, function, *args, **kwargs):
    return await asyncio.to_thread(function, *args, **kwargs) if size > LARGE else function(*args, **kwargs)
