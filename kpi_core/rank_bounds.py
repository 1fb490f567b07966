"""Where an area's rank lies when members of its comparison set have no value.

A rank target ("blandt de ti kommuner i Region Hovedstaden …") ranks the area among every
municipality of the set the catalogue names, not among those that happen to have a value:
ranked among the 2 of 29 with a value, second of two says nothing about the best ten.
With values missing the rank lies between a best case (every missing value worse) and a
worst case (every missing value better); a claim is made only where every completion of
the missing values agrees with it.

>>> from decimal import Decimal as D
>>> from kpi_core.indicators import Direction
>>> bounds = rank_bounds("151", {"151": D("3.0"), "101": D("2.5"), "147": None, "153": None}, Direction.BETTER_DOWN)
>>> bounds
RankBounds(best=2, worst=4, known=2, of=4)
>>> bounds.within(1), bounds.within(3), bounds.within(4)  # not met, undecided, met
(False, None, True)
"""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from kpi_core.indicators import Direction


@attrs.frozen
class RankBounds:
    """The area's rank in a set of `of` members, `known` of them with a value (the area
    among them): `best` with every missing value worse (equal values share the better
    rank, so a missing value equal to the area's would not move it), `worst` with every
    missing value better. `best == worst` exactly when nothing is missing."""

    best: int
    worst: int
    known: int
    of: int

    @property
    def exact(self) -> int | None:
        """The rank when no value is missing, else None."""
        return self.best if self.known == self.of else None

    def within(self, n: int) -> bool | None:
        """Is the rank within the best `n` for every completion of the missing values
        (True), for none (False), or for some only (None)?"""
        if self.worst <= n:
            return True
        if self.best > n:
            return False
        return None

    def better_than(self, earlier: "RankBounds") -> bool | None:
        """Is this rank better than `earlier` for every completion of both periods'
        missing values (True), for none (False), or for some only (None)? The two periods'
        missing values are independent, so only the extremes decide."""
        if self.worst < earlier.best:
            return True
        if self.best >= earlier.worst:
            return False
        return None


def rank_bounds(area: str, values: Mapping[str, Decimal | None], direction: Direction) -> RankBounds:
    """The bounds of `area`'s rank among every key of `values` (the whole comparison set,
    None for a member without a value); `area` must have a value."""
    own = values[area]
    if own is None:
        raise ValueError(f"{area} has no value to rank")
    up = direction is Direction.BETTER_UP
    known = [v for v in values.values() if v is not None]
    better = sum(1 for v in known if (v > own if up else v < own))
    missing = len(values) - len(known)
    return RankBounds(best=1 + better, worst=1 + better + missing, known=len(known), of=len(values))
