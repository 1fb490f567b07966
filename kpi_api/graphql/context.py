"""What resolvers read: the catalogue, built once per data version, never imported by them."""

import datetime
from collections.abc import Callable

import attrs

from kpi_core import AreaDirectory, RevisionDiff, Strategy, changes_since_previous


@attrs.frozen
class Catalogue:
    strategies: tuple[Strategy, ...]
    areas: AreaDirectory
    today: Callable[[], datetime.date] = datetime.date.today
    # Each revision's diff against the previous one, computed once: `Indicator.change`
    # would otherwise recompute a whole revision's diff for every indicator it resolves.
    _diffs: dict[tuple[str, str], RevisionDiff | None] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        diffs = {(s.id, r.version): changes_since_previous(s, r) for s in self.strategies for r in s.revisions}
        object.__setattr__(self, "_diffs", diffs)

    def strategy(self, strategy_id: str) -> Strategy | None:
        return next((s for s in self.strategies if s.id == strategy_id), None)

    def changes_since_previous(self, strategy: Strategy, version: str) -> RevisionDiff | None:
        return self._diffs[(strategy.id, version)]


def graphql_context(catalogue: Catalogue, observations, **extra) -> dict:
    """Everything a request's resolvers use; loaders are per request, so batching and
    caching never leak between requests."""
    from kpi_api.graphql.loaders import status_loader

    return {
        "catalogue": catalogue,
        "observations": observations,
        "status_loader": status_loader(catalogue, observations),
        **extra,
    }
