"""What resolvers read: the catalogue, built once per data version, never imported by them."""

import datetime
from collections.abc import Callable

import attrs

from kpi_core import AreaDirectory, Strategy


@attrs.frozen
class Catalogue:
    strategies: tuple[Strategy, ...]
    areas: AreaDirectory
    today: Callable[[], datetime.date] = datetime.date.today

    def strategy(self, strategy_id: str) -> Strategy | None:
        return next((s for s in self.strategies if s.id == strategy_id), None)
