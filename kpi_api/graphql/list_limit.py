"""A cap on list lengths in a request, checked before anything is converted.

The token limit bounds lists written into the query, but not lists sent as variables:
under the 64 KiB body cap those can hold ~1,600 input objects, and strawberry converts
every one (~80 ms) before a resolver could refuse them. No argument of this schema needs
more than a handful of entries, so a long list is refused up front, naming the limit.
"""

from collections.abc import Iterator

from graphql import GraphQLError, ListValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension


def longest_list(value: object) -> int:
    """The most entries of any list nested in decoded JSON (iterative: variables may nest deeply)."""
    longest, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            longest = max(longest, len(item))
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    return longest


class _LongestLiteralList(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.longest = 0

    def enter_list_value(self, node: ListValueNode, *_) -> None:
        self.longest = max(self.longest, len(node.values))


class MaxListEntries(SchemaExtension):
    """Refuse a request with a list (in the query or its variables) of more than `max_entries`."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        # Runs after the validation cache has filled in the document's own errors: those
        # come first, and a new list is made so the cached one is never changed.
        if not context.pre_execution_errors and context.graphql_document is not None:
            literal = _LongestLiteralList()
            visit(context.graphql_document, literal)
            longest = max(literal.longest, longest_list(context.variables))
            if longest > self.max_entries:
                context.pre_execution_errors = [
                    GraphQLError(
                        f"A list in this request has {longest:,} entries; at most {self.max_entries:,} are allowed. "
                        "Send fewer (or several requests).",
                        extensions={"code": "LIST_LIMIT_EXCEEDED"},
                    )
                ]
        yield
