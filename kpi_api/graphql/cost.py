"""What each field of the schema costs, in one table: the cost limit reads it, and the
schema's descriptions are written from it (so the documented cost cannot drift).

The model follows Shopify's calculated query cost and GitHub's node limit: an object
costs 1 and a scalar 0; a list multiplies the cost of its entries by a stated bound (the
most entries it is counted as having, whatever it returns); the fields that do real work
add their own cost on top. The bounds are generous for the shipped catalogue (3
strategies, 26 indicators at most in a revision, 104 areas): they keep the estimate an
upper bound as the catalogue grows a little.
"""

import attrs
from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_object_type,
)


@attrs.frozen
class FieldCost:
    own: int = 0  # the field's own work, on top of what it returns
    bound: int | None = None  # a list: counted as this many entries


COSTS: dict[str, FieldCost] = {
    # Computed per request: every indicator of a revision × every area of a kind (98
    # municipalities: ~2,500 evaluations, ~2.6 s of CPU uncached). One is allowed
    # without a token, two are not; six with one.
    "Query.statusTable": FieldCost(own=1500),
    "Query.revisionDiff": FieldCost(own=10),  # a diff of two whole revisions
    "Strategy.diff": FieldCost(own=10),  # the same diff (types.py)
    "Indicator.series": FieldCost(own=10),  # a store query, with the reference series
    "Indicator.ranking": FieldCost(own=20),  # the values of every area in the comparison set
    "Indicator.timeSeries": FieldCost(own=10),  # the same work as `series` (types.py)
    "Indicator.rankingFor": FieldCost(own=20),  # the same work as `ranking`
    # One evaluation each (batched per request), breakdown cells included.
    "Indicator.status": FieldCost(own=3),
    "Goal.status": FieldCost(own=3),
    "Indicator.evaluation": FieldCost(own=3),  # the same work as `status` (types.py)
    "Goal.evaluation": FieldCost(own=3),
    # Introspection: a flat cost, whatever is selected inside (its nesting has a depth
    # limit of its own, see query_limits.py). The full introspection query takes ~80 ms:
    # one per request without a token.
    "Query.__schema": FieldCost(own=1200),
    "Query.__type": FieldCost(own=20),
    "Mutation.importObservations": FieldCost(own=10),
    "Mutation.publishRevision": FieldCost(own=10),
    "Mutation.retractBatch": FieldCost(own=10),
    "Mutation.addCommentary": FieldCost(own=5),  # one insert (and the data version bumped)
    "Mutation.addGoalCommentary": FieldCost(own=5),
    "Mutation.editCommentary": FieldCost(own=5),  # a read, an insert, a read
    "Mutation.withdrawCommentary": FieldCost(own=5),
    # One store query each, its answer a list (commentary_types.MAX_LISTED, MAX_HISTORY).
    "Indicator.commentary": FieldCost(own=2, bound=20),
    "Goal.commentary": FieldCost(own=2, bound=20),
    "Commentary.history": FieldCost(bound=20),
    # Lists of objects, with the most entries each is counted as having.
    "Query.strategies": FieldCost(bound=10),
    "Query.strategiesOwnedBy": FieldCost(bound=10),  # a part of `strategies`
    "Query.importBatches": FieldCost(bound=200),  # its `limit` (mutations.MAX_BATCHES)
    "Query.areas": FieldCost(bound=110),
    "Strategy.revisions": FieldCost(bound=10),
    "Revision.principles": FieldCost(bound=10),
    "Revision.focusAreas": FieldCost(bound=10),
    "Revision.indicators": FieldCost(bound=30),
    "Revision.sources": FieldCost(bound=10),
    "Revision.remarks": FieldCost(bound=10),
    "Principle.remarks": FieldCost(bound=10),
    "FocusArea.indicators": FieldCost(bound=15),
    "FocusArea.remarks": FieldCost(bound=10),
    "Goal.remarks": FieldCost(bound=10),
    "Indicator.remarks": FieldCost(bound=10),
    "Evaluation.breakdown": FieldCost(bound=10),  # breakdown cells: 3-4 target groups today
    "BreakdownEvaluation.cell": FieldCost(bound=2),  # dimensions of a cell
    "Rollup.groups": FieldCost(bound=10),  # as Evaluation.breakdown
    "Rollup.missing": FieldCost(bound=10),
    "Rollup.counts": FieldCost(bound=10),  # one per status
    "Series.references": FieldCost(bound=5),
    "Ranking.entries": FieldCost(bound=100),
    "RevisionDiff.changes": FieldCost(bound=60),
    "RevisionDiff.focusAreas": FieldCost(bound=10),
    "RevisionDiff.goals": FieldCost(bound=10),
    "ImportResult.problems": FieldCost(bound=100),
    "Query.statusChanges": FieldCost(own=20),  # one indexed query
    "StatusChangeFeed.changes": FieldCost(bound=100),  # its `first` (feed_types.MAX_CHANGES)
    "Indicator.statusHistory": FieldCost(own=10, bound=100),  # feed_types.MAX_HISTORY
    "Goal.statusHistory": FieldCost(own=10, bound=100),
}


def lists_of_objects(schema: GraphQLSchema) -> set[str]:
    """Every `Type.field` of the schema's own types that returns a list of objects: each
    must have a bound in COSTS (a test checks it)."""
    found = set()
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            for name, field in type_.fields.items():
                if is_list_type(get_nullable_type(field.type)) and is_object_type(get_named_type(field.type)):
                    found.add(f"{type_.name}.{name}")
    return found


def describe_costs(schema: GraphQLSchema) -> None:
    """Write each costed field's cost into its description (the SDL documents it)."""
    for coordinate, cost in COSTS.items():
        type_name, field_name = coordinate.split(".")
        if field_name.startswith("__"):
            continue  # introspection fields are not in the SDL
        field = schema.type_map[type_name].fields[field_name]  # type: ignore[union-attr]
        field.description = " ".join(filter(None, [field.description, cost_text(cost, field.type)]))


def cost_text(cost: FieldCost, type_) -> str:
    """The field's cost as the limit counts it, e.g. "Cost: 1,500 + 1 + its selection."."""
    entry = None if is_leaf_type(get_named_type(type_)) else "1 + its selection"
    parts = [f"{cost.own:,}"] if cost.own else []
    if entry and cost.bound is not None:
        parts.append(f"{cost.bound:,} × ({entry}), counted as {cost.bound:,} entries whatever it returns")
    elif entry:
        parts.append(entry)
    return "Cost: " + " + ".join(parts or ["0"]) + "."
