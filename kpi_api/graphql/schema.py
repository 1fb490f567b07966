"""The GraphQL schema: queries over the strategy catalogue."""

import datetime
from typing import Annotated

import attrs
import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.types import Info

import kpi_core as core
from kpi_api.config import Settings
from kpi_api.graphql import types as t
from kpi_api.graphql.area import Area
from kpi_api.graphql.auth import ReadAccess
from kpi_api.graphql.commentary_mutations import CommentaryMutation
from kpi_api.graphql.cost import describe_costs
from kpi_api.graphql.enums import AreaKind
from kpi_api.graphql.errors import ErrorCodes, log
from kpi_api.graphql.feed_types import MAX_CHANGES, StatusChangeFeed, status_changes
from kpi_api.graphql.judgement import JudgementBasis
from kpi_api.graphql.large_documents import CachedParsingAndValidation
from kpi_api.graphql.list_limit import MaxListEntries
from kpi_api.graphql.mutations import DataMutation, ImportBatchType, import_batches
from kpi_api.graphql.operation_note import RecordOperationType
from kpi_api.graphql.query_limits import Limits, QueryLimitsExtension, limits_rule
from kpi_api.graphql.resolvers import checked_area, not_found, resolve_status_table
from kpi_api.graphql.series_types import StatusTable
from kpi_api.http.quoting import quoted


@strawberry.type
class Query:
    @strawberry.field(
        name="importBatches",
        description="The imports, newest first (at most `limit`, 1–200). Needs a token with scope 'import'.",
    )
    async def import_batches(self, info: Info, limit: int = 50) -> list[ImportBatchType]:
        return await import_batches(info, limit)

    @strawberry.field(
        description="Every strategy in the catalogue.",
        permission_classes=[ReadAccess],
    )
    def strategies(
        self,
        info: Info,
        owner: Annotated[
            str | None,
            strawberry.argument(
                description="Deprecated: an unknown code nulls all of `data` here; `strategiesOwnedBy` "
                "nulls only itself.",
                deprecation_reason="Use `strategiesOwnedBy(owner:)`: the same answer, and an unknown code "
                "nulls only that field.",
            ),
        ] = None,
    ) -> list[t.Strategy]:
        return _owned_by(info, owner)

    @strawberry.field(
        name="strategiesOwnedBy",
        description='The strategies an area owns (an area code, e.g. "151"); none is an empty list. An unknown '
        "code makes this field null with an error BAD_USER_INPUT, and nothing else.",
        permission_classes=[ReadAccess],
    )
    def strategies_owned_by(self, info: Info, owner: str) -> list[t.Strategy] | None:
        return _owned_by(info, owner)

    @strawberry.field(
        description="A strategy by id; an unknown id is null with an error NOT_FOUND naming it.",
        permission_classes=[ReadAccess],
    )
    def strategy(self, info: Info, id: strawberry.ID) -> t.Strategy | None:
        found = info.context["catalogue"].strategy(id)
        if found is None:
            raise not_found("There is no strategy {id}.", id)
        return t.Strategy(domain=found)

    @strawberry.field(
        name="revisionDiff",
        description="What changed from one revision of a strategy to another (either order). Non-null at the "
        "top, so an unknown strategy or revision nulls all of `data`: `Strategy.diff` nulls only itself.",
        permission_classes=[ReadAccess],
        deprecation_reason="Use `strategy(id:) { diff(from:, to:) }`: the same answer, and an unknown "
        "revision nulls only that field.",
    )
    def revision_diff(
        self,
        info: Info,
        strategy_id: strawberry.ID,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
    ) -> t.RevisionDiff:
        strategy = info.context["catalogue"].strategy(strategy_id)
        if strategy is None:
            raise not_found("There is no strategy {id}.", strategy_id, "strategyId")
        return t.revision_diff(strategy, from_, to)

    @strawberry.field(
        name="statusChanges",
        description="For integrators who react to a status changing: every change the service found, oldest "
        f"first, after the cursor `after` (none: from the start), at most `first` (1–{MAX_CHANGES}), optionally "
        "of one strategy, area or indicator. Keep the answer's `cursor` and pass it as `after` next time: the "
        "feed is in the order changes were stored, the same for every worker and across restarts. Also as REST: "
        "`/api/status-changes?after=`.",
        permission_classes=[ReadAccess],
    )
    async def status_changes(
        self,
        info: Info,
        after: str | None = None,
        first: int = 50,
        strategy_id: strawberry.ID | None = None,
        area: str | None = None,
        indicator_id: strawberry.ID | None = None,
    ) -> StatusChangeFeed:
        if area is not None:
            checked_area(info, area)
        return await status_changes(info, after, first, strategy_id, area, indicator_id)

    @strawberry.field(
        name="statusTable",
        description="For integrators: the latest value and status of every indicator of a revision for every "
        "area of a kind (default: all 98 municipalities), in one compact table. Without `version`, the revision "
        "in force on `asOf` (or today). An unknown strategy or version makes it null with an error NOT_FOUND; "
        "the rest of the answer stands.",
        permission_classes=[ReadAccess],
    )
    async def status_table(
        self,
        info: Info,
        strategy_id: strawberry.ID,
        version: str | None = None,
        as_of: datetime.date | None = None,
        kind: AreaKind = core.AreaKind.MUNICIPALITY,
    ) -> StatusTable | None:
        catalogue = info.context["catalogue"]
        strategy = catalogue.strategy(strategy_id)
        if strategy is None:
            raise not_found("There is no strategy {id}.", strategy_id, "strategyId")
        revision = strategy.revision(version) if version else strategy.in_force(as_of or catalogue.today())
        if revision is None:
            raise GraphQLError(
                f"strategy {strategy_id} has no revision {quoted(version)}"
                if version
                else f"no revision of {strategy_id} is in force then",
                extensions={"code": "NOT_FOUND"},
            )
        # The figures of the revision's own time unless `asOf` asks for others (revision_time).
        basis = core.judgement_basis(strategy, revision, catalogue.today(), as_of)
        areas, cells = await resolve_status_table(
            info, revision, kind, basis.as_of, basis.periods, strategy_id=strategy.id
        )
        indicators = [i.id for i in revision.indicators]
        return StatusTable(
            strategy_id=strategy.id,
            version=revision.version,
            indicators=indicators,
            areas=areas,
            cells=cells,
            judged_on=JudgementBasis(domain=basis),
        )

    @strawberry.field(
        description='Areas: municipalities, regions and the country ("DK"), optionally of one kind.',
        permission_classes=[ReadAccess],
    )
    def areas(self, info: Info, kind: AreaKind | None = None) -> list[Area]:
        return [Area(domain=a) for a in info.context["catalogue"].areas.of_kind(kind)]


@strawberry.type(name="Mutation")
class Mutation(DataMutation, CommentaryMutation):
    """Every write: figures and revisions (mutations.py), staff commentary (commentary_mutations.py)."""


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with the service's limits (the SDL does not depend on them)."""
    settings = settings or Settings()
    # Factories: a fresh extension per request. The parser and validation caches are
    # shared across requests (strawberry keeps them at module level; both are bounded).
    parser_cache, validation_cache = (
        ParserCache(maxsize=512),
        ValidationCache(maxsize=512),
    )  # small documents only
    extensions = [
        lambda: CachedParsingAndValidation(
            parser_cache, validation_cache
        ),  # large documents off the event loop
        lambda: MaxListEntries(settings.max_list_entries),  # after the cache: checks documents that validated
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: QueryLimitsExtension(anonymous_limits, token_limits),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    extensions.append(RecordOperationType)  # tells the answer cache whether a query ran
    extensions.append(ErrorCodes)  # last: sees every error the others produce
    built = QuietSchema(query=Query, mutation=Mutation, extensions=extensions)
    built.validation_cache = validation_cache  # its hits are what tests and benches read
    describe_costs(built._schema)
    # Strawberry's own words ("Decimal (fixed-point)") say nothing of the wire format.
    built._schema.type_map["Decimal"].description = (
        'An exact decimal number sent as a JSON string ("30.5", "-2.25", "1000"): never a JSON number, '
        "so no client rounds it through a float. Values are in the unit of the indicator they belong to "
        "(`Indicator.unit`)."
    )
    # One rule class per kind of caller, made once: the validation cache is keyed by the
    # rules, so a class made per request would never be found again.
    limits = Limits(settings.max_depth, settings.max_aliases, settings.max_cost_anonymous, settings.max_cost)
    anonymous_limits = limits_rule(built._schema, limits, anonymous=True)
    token_limits = limits_rule(
        built._schema, attrs.evolve(limits, max_cost=settings.max_cost), anonymous=False
    )
    return built


class QuietSchema(strawberry.Schema):
    """Logs only unexpected errors (with their traceback). Client errors — a hostile or
    broken query — are answered, not logged in full, so they cannot flood the log."""

    validation_cache: ValidationCache | None = None

    def process_errors(self, errors, execution_context=None) -> None:
        for error in errors:
            original = error.original_error
            if original is not None and not isinstance(original, GraphQLError):
                log.error("unexpected error at %s: %s", error.path, original, exc_info=original)


schema = build_schema()


def _owned_by(info: Info, owner: str | None) -> list[t.Strategy]:
    strategies = info.context["catalogue"].strategies
    if owner is not None:
        checked_area(info, owner, "owner")
        strategies = [s for s in strategies if s.owner == owner]
    return [t.Strategy(domain=s) for s in strategies]
