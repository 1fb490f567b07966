"""The catalogue as the service holds it: the published strategies with their areas, one
holder that reloads them when a revision is published, and what publishing reports.

Plain values over `kpi_core`: the faces read them, storage fills them."""

import datetime
from collections.abc import Callable

import attrs

from kpi_core import AreaDirectory, RevisionDiff, RevisionFile, Strategy, changes_since_previous


@attrs.frozen
class Catalogue:
    strategies: tuple[Strategy, ...]
    areas: AreaDirectory
    today: Callable[[], datetime.date] = datetime.date.today
    # Each revision's diff against the previous one, computed once: `Indicator.change`
    # would otherwise recompute a whole revision's diff for every indicator it resolves.
    _diffs: dict[tuple[str, str], RevisionDiff | None] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        diffs = {
            (s.id, r.version): changes_since_previous(s, r) for s in self.strategies for r in s.revisions
        }
        object.__setattr__(self, "_diffs", diffs)

    def strategy(self, strategy_id: str) -> Strategy | None:
        return next((s for s in self.strategies if s.id == strategy_id), None)

    def changes_since_previous(self, strategy: Strategy, version: str) -> RevisionDiff | None:
        return self._diffs[(strategy.id, version)]


class CatalogueHolder:
    """The catalogue, reloaded when another request or worker has published a revision
    (published revisions are immutable, so their count says whether it changed)."""

    def __init__(self, revisions, areas: AreaDirectory) -> None:
        self.revisions, self.areas = revisions, areas  # revisions: storage.catalogue_store.Revisions
        self.count, self.current = -1, None

    def get(self) -> Catalogue:
        count = self.revisions.count()
        if count != self.count:
            self.current = Catalogue(strategies=tuple(self.revisions.strategies()), areas=self.areas)
            self.count = count
        return self.current


@attrs.frozen
class PublishReport:
    added: tuple[str, ...]
    unchanged: tuple[str, ...]
    conflicting: tuple[str, ...]  # stored with other content; left as stored


class PublishConflict(Exception):
    """Another transaction stored the same revision (or a look-alike version) between this
    one's check and its write; nothing was written."""

    def __init__(self, files: list[RevisionFile]) -> None:
        names = ", ".join(f"revision {f.revision.version} of {f.strategy.id}" for f in files)
        super().__init__(
            f"{names} was published by another request just now; published revisions are immutable "
            "(read it back, or publish a new version)"
        )
