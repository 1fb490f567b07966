"""Depth, alias, cost and selection limits, checked in time linear in the document.

strawberry's QueryDepthLimiter and MaxAliasesLimiter walk a fragment again at every
spread of it, so `fragment F1 { ...F0 ...F0 } … fragment F39 { ...F38 ...F38 }` takes
2^39 steps (it froze the server for minutes). Here each fragment is measured once, in
an order where the fragments it spreads come first (no recursion through spreads, so a
long chain of fragments cannot overflow the stack); a spread then adds the fragment's
measure. The numbers are those of the document with every fragment inlined.

A document over a limit is refused before graphql-core's own rules run: those would
spend time on it for nothing, and OverlappingFieldsCanBeMerged is quadratic in repeated
fields (2.4 s for 330 `strategy(id: "a") { id }`, within the token limit).

Cycles are left to graphql-core's NoFragmentCycles rule and unknown fragments to
KnownFragmentNames (a spread of either counts as nothing here).
"""

from collections.abc import AsyncIterator, Iterator
from typing import NamedTuple

import attrs
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_list_type,
    is_object_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension

from kpi_api.graphql.cost import COSTS, FieldCost
from kpi_api.graphql.large_documents import LARGE, off_the_loop

# Beyond this the numbers only say "far too much": saturating keeps them small (2^60
# spreads are a few lines of GraphQL) and the message readable.
CEILING = 10**15
# Introspection (`__schema`, `__type`) has a flat cost (see cost.py) and, inside, a depth
# limit of its own: the standard introspection query nests 14 levels, more than the
# data's depth limit, and deeper nesting (`fields { type { ofType { fields … } } } }`)
# is what multiplies its answer.
INTROSPECTION_DEPTH = 15
INTROSPECTION_ROOTS = ("__schema", "__type")
# OverlappingFieldsCanBeMerged compares every pair of same-named fields in a selection set
# (and their selections, pair by pair), and every pair of fragments spread into it: 330
# `strategy(id: "a") { id }` took 2.4 s. The answer has one entry per name anyway; real
# queries repeat a field by copy and paste at most, and spread a handful of fragments
# into one place (a fragment's fields are not counted as repeats: graphql-core compares
# fragments pairwise once each).
MAX_REPEATS = 10
MAX_SPREADS = (
    10  # 30 distinct fragments in each of 29 places: ~45 ms in OverlappingFieldsCanBeMerged; 10: ~5 ms
)


class Measure(NamedTuple):
    """Of a selection set with its fragments inlined (a tuple: millions are made per
    second, where an attrs class took ~20 µs a field)."""

    depth: int = 0  # as strawberry counted it: nested fields below the top, introspection not counted
    aliases: int = 0
    cost: int = 0
    introspection_depth: int = 0
    # What OverlappingFieldsCanBeMerged compares pairwise: the most fields of one response
    # name in one selection set (inline fragments merged into it), times the repeats in
    # their selections; and the most distinct fragments spread into one selection set.
    repeats: int = 0
    spreads: int = 0


NOTHING, LEAF, ALIASED_LEAF = Measure(), Measure(repeats=1), Measure(aliases=1, repeats=1)


class DocumentMeasure:
    """Measures the operations of one document against a schema, each fragment once."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        definitions = document.definitions
        self.fragment_nodes = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
        self.fragments: dict[str, Measure] = {}
        for name in _dependencies_first(self.fragment_nodes):
            node = self.fragment_nodes[name]
            self.fragments[name] = self.selection_set(
                node.selection_set, schema.get_type(node.type_condition.name.value)
            )
        self.operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]

    def operation(self, node: OperationDefinitionNode) -> Measure:
        return self.selection_set(node.selection_set, self.schema.get_root_type(node.operation))

    def selection_set(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None
    ) -> Measure:
        depth = aliases = cost = introspection_depth = repeats = spreads = 0
        names: dict[str, int] = {}  # fields per response name
        inner_repeats: dict[str, int] = {}  # the most repeats below a field of that name
        spread: set[str] = set()
        for selection, on in self._merged(selection_set, parent):
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                part = self.field(selection, on)
                names[key] = names.get(key, 0) + 1
                inner_repeats[key] = max(inner_repeats.get(key, 1), part.repeats)
            else:
                spread.add(selection.name.value)
                # Not measured yet: unknown, or on a cycle (both refused by graphql-core's rules).
                part = self.fragments.get(selection.name.value, NOTHING)
                repeats = max(repeats, part.repeats)
            depth, aliases, cost = max(depth, part.depth), aliases + part.aliases, cost + part.cost
            introspection_depth, spreads = (
                max(introspection_depth, part.introspection_depth),
                max(spreads, part.spreads),
            )
        # Same-named fields are compared pair by pair, their selections too: repeats
        # inside repeats multiply (8 × 8 × 8 nested `owner { region { region } }` took 0.9 s).
        repeats = max([repeats, *(count * inner_repeats[key] for key, count in names.items())])
        return Measure(
            depth,
            min(aliases, CEILING),
            min(cost, CEILING),
            introspection_depth,
            min(repeats, CEILING),
            max(spreads, len(spread)),
        )

    def _merged(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None):
        """The fields and fragment spreads of a selection set, with its inline fragments'
        merged in (each with the type it is selected on)."""
        pending = [(selection_set, parent)] if selection_set else []
        while pending:
            current, on = pending.pop()
            for selection in current.selections:
                if isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    pending.append(
                        (
                            selection.selection_set,
                            self.schema.get_type(condition.name.value) if condition else on,
                        )
                    )
                else:
                    yield selection, on

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Measure:
        name = node.name.value
        coordinate = f"{getattr(parent, 'name', '?')}.{name}"
        known = COSTS.get(coordinate)
        if node.selection_set is None and known is None:
            return LEAF if node.alias is None else ALIASED_LEAF  # a scalar: costs nothing
        definition = _field_definition(self.schema, parent, name)
        returned = get_named_type(definition.type) if definition else None
        inner = self.selection_set(node.selection_set, returned)
        aliases = min(inner.aliases + (node.alias is not None), CEILING)
        if name in INTROSPECTION_ROOTS and definition is not None:
            return inner._replace(
                depth=0, aliases=aliases, cost=known.own, introspection_depth=1 + inner.depth
            )
        cost = 0
        if definition is not None:
            known = known or FieldCost()
            entry = 1 + inner.cost if is_object_type(returned) else 0  # an object costs 1, a scalar 0
            is_list = is_list_type(get_nullable_type(definition.type))
            cost = known.own + (known.bound or 1 if is_list else 1) * entry
        return inner._replace(
            depth=1 + inner.depth if node.selection_set else 0, aliases=aliases, cost=min(cost, CEILING)
        )


def _field_definition(schema: GraphQLSchema, parent: GraphQLNamedType | None, name: str):
    if name == "__schema" and parent is schema.query_type:
        return SchemaMetaFieldDef
    if name == "__type" and parent is schema.query_type:
        return TypeMetaFieldDef
    fields = getattr(
        parent, "fields", None
    )  # none on a union (only __typename is selectable) or an unknown type
    return fields.get(name) if fields else None


def _dependencies_first(fragments: dict[str, FragmentDefinitionNode]) -> Iterator[str]:
    """The fragment names, each after every fragment it spreads (iteratively: a chain of
    a thousand fragments must not exhaust the stack). A spread closing a cycle is skipped."""
    done: set[str] = set()
    for root in fragments:
        if root in done:
            continue
        path, on_path = [(root, iter(_spreads(fragments[root].selection_set)))], {root}
        while path:
            name, spreads = path[-1]
            for spread in spreads:
                if spread in fragments and spread not in done and spread not in on_path:
                    path.append((spread, iter(_spreads(fragments[spread].selection_set))))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.remove(name)
                done.add(name)
                yield name


def _spreads(selection_set: SelectionSetNode) -> Iterator[str]:
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif selection.selection_set:  # type: ignore[union-attr]
                pending.append(selection.selection_set)  # type: ignore[union-attr]


@attrs.frozen
class Limits:
    max_depth: int
    max_aliases: int
    max_cost: int
    max_cost_with_token: int  # named in the refusal, so an anonymous caller knows a token helps


class LimitRefused(ValidationAbortedError):
    """A limit refused the document: aborting the validation spares graphql-core's own
    rules (validate() catches it and returns it as the one error)."""


def limits_rule(schema: GraphQLSchema, limits: Limits, anonymous: bool) -> type[ValidationRule]:
    """A validation rule enforcing `limits`: made once per schema and kind of caller, so
    strawberry's ValidationCache (keyed by the rules) finds it again on every request."""

    class QueryLimits(ValidationRule):
        def enter_document(self, node: DocumentNode, *_) -> None:
            measured = DocumentMeasure(schema, node)
            operations = [(o, measured.operation(o)) for o in measured.operations]
            # Shape first (depth, aliases), then cost: the cheaper fix is named first.
            for operation, measure in operations:
                name = operation.name.value if operation.name else "anonymous"
                if measure.depth > limits.max_depth:
                    raise LimitRefused(
                        f"Operation '{name}' nests fields {_count(measure.depth)} levels deep; at most {limits.max_depth} "
                        "are allowed. Ask for less nested data (fragments count as if written out), or use several queries.",
                        operation,
                        extensions={"code": "DEPTH_LIMIT_EXCEEDED"},
                    )
                if measure.introspection_depth > INTROSPECTION_DEPTH:
                    raise LimitRefused(
                        f"Introspection in operation '{name}' nests fields {measure.introspection_depth:,} levels deep; at "
                        f"most {INTROSPECTION_DEPTH} are allowed (the standard introspection query needs 14).",
                        operation,
                        extensions={"code": "DEPTH_LIMIT_EXCEEDED"},
                    )
                if measure.repeats > MAX_REPEATS:
                    raise LimitRefused(
                        f"Operation '{name}' repeats one field {_count(measure.repeats)} times (repeats inside repeated fields "
                        f"multiply); at most {MAX_REPEATS} are allowed. The answer has each field once anyway: remove the repeats.",
                        operation,
                        extensions={"code": "SELECTION_LIMIT_EXCEEDED"},
                    )
                if measure.spreads > MAX_SPREADS:
                    raise LimitRefused(
                        f"Operation '{name}' spreads {measure.spreads:,} different fragments into one place; at most "
                        f"{MAX_SPREADS} are allowed. Merge some of them.",
                        operation,
                        extensions={"code": "SELECTION_LIMIT_EXCEEDED"},
                    )
            # Aliases of the whole document, as strawberry counted them.
            aliases = min(sum(m.aliases for _, m in operations), CEILING)
            if aliases > limits.max_aliases:
                raise LimitRefused(
                    f"This document has {_count(aliases)} aliases; at most {limits.max_aliases} are allowed. Use fewer "
                    "(a fragment's aliases count at every spread of it), or several queries.",
                    extensions={"code": "ALIAS_LIMIT_EXCEEDED"},
                )
            for operation, measure in operations:
                if measure.cost > limits.max_cost:
                    raise LimitRefused(
                        _cost_message(measure.cost, limits, anonymous),
                        operation,
                        extensions={
                            "code": "COST_LIMIT_EXCEEDED",
                            "cost": measure.cost,
                            "maximumCost": limits.max_cost,
                        },
                    )

    QueryLimits.__qualname__ = QueryLimits.__name__ = "QueryLimits" + (
        "Anonymous" if anonymous else "WithToken"
    )
    QueryLimits.limits = limits
    return QueryLimits


def _count(number: int) -> str:
    return f"more than {CEILING:,}" if number >= CEILING else f"{number:,}"


def _cost_message(cost: int, limits: Limits, anonymous: bool) -> str:
    allowed = f"at most {limits.max_cost:,} are allowed"
    if anonymous:
        allowed += f" for anonymous callers ({limits.max_cost_with_token:,} with an API token)"
    return (
        f"This query costs {_count(cost)}; {allowed}. An object costs 1, a list counts as its stated number of "
        'entries, and the heavy fields (statusTable, series, ranking, evaluation) cost more: see "Cost:" in each '
        "field's description in the schema. Ask for fewer fields, or split the query."
    )


class QueryLimitsExtension(SchemaExtension):
    """Puts the limits rule for this request's caller first among the validation rules,
    and tells the caller what the operation cost (like Shopify's `extensions.cost`):
    `{"cost": {"requestedQueryCost": 152, "maximumQueryCost": 2000}}`."""

    def __init__(self, anonymous: type[ValidationRule], with_token: type[ValidationRule]) -> None:
        self.anonymous, self.with_token = anonymous, with_token
        self.cost: int | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        caller = context.get("caller") if isinstance(context, dict) else None
        self.rule = self.with_token if caller is not None and caller.token is not None else self.anonymous
        self.execution_context.validation_rules = (self.rule, *self.execution_context.validation_rules)
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        # After validation (this extension comes after the one that validates): the
        # document is within the limits, so measuring it is cheap; large ones on a thread.
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            operation = get_operation_ast(context.graphql_document, context.operation_name)
            if operation is not None:

                def measure() -> Measure:
                    return DocumentMeasure(context.schema._schema, context.graphql_document).operation(
                        operation
                    )

                self.cost = (
                    await off_the_loop(measure) if len(context.query or "") > LARGE else measure()
                ).cost
        yield

    def get_results(self) -> dict:
        if self.cost is None:
            return {}
        return {"cost": {"requestedQueryCost": self.cost, "maximumQueryCost": self.rule.limits.max_cost}}
