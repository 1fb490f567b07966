"""Derived indicators: shares computed from counts, as a mapping's `[derived.<indicator>]`
defines them (mapping_model.Derived), over the figures of one import.

The engine hands every input figure over (which derived indicator, numerator or
denominator, which input and which of its codes, the area, period and breakdown); per
area, period and breakdown the sums are then 100 × Σ numerator ÷ Σ denominator, in exact
decimal arithmetic rounded once at the end (half to even). The counts are stored with the
figure (its numerator and denominator) and its source names the inputs, so anyone can
recompute it.

Missing data never makes a figure: a withheld input makes the share withheld (no value),
and an input the file lacks for a place where it has others stops the import, naming the
place and the input, rather than dividing part of a sum. An import without one of the
input tables at all computes nothing for that indicator (its other figures import as
usual): the inputs of one share must come in one file (one Statbank table, or a Jobindsats
v2 answer of several tables).
"""

import itertools
import math
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import attrs

from kpi_api.importing.mapping_model import Derived, Input, Mapping
from kpi_api.importing.rows import Problem, SourceRow

_Key = tuple[str, str, str, str, tuple[tuple[str, str], ...]]  # mapping, indicator, area, period, breakdown


@attrs.define
class _Sums:
    parts: dict[str, Decimal] = attrs.field(
        factory=lambda: {"numerator": Decimal(0), "denominator": Decimal(0)}
    )
    seen: set[tuple[str, int, tuple[str, ...]]] = attrs.field(factory=set)
    withheld: bool = False
    published: set[str] = attrs.field(factory=set)
    location: str = ""


class Accumulator:
    """The input figures of one import, summed per derived figure."""

    def __init__(self) -> None:
        self.sums: dict[_Key, _Sums] = {}
        self.mappings: dict[str, Mapping] = {}
        self.sources: dict[str, set[str]] = {}  # mapping → the tables its inputs came from

    def add(
        self,
        mapping: Mapping,
        target: tuple[str, str, int],  # indicator, part, position
        codes: tuple[str, ...],
        place: tuple[str, str, dict[str, str]],  # area, period, breakdown
        value: str,  # "" when withheld
        published: str,
        location: str,
    ) -> str | None:
        """Add one figure; the problem with it, if it is not a number."""
        indicator, part, position = target
        area, period, breakdown = place
        key = (mapping.name, indicator, area, period, tuple(sorted(breakdown.items())))
        sums = self.sums.setdefault(key, _Sums(location=location))
        self.mappings[mapping.name] = mapping
        marker = (part, position, codes)
        if marker in sums.seen:
            return "is the same input figure as another record of the file"
        sums.seen.add(marker)
        if published:
            sums.published.add(published)
        if value == "":
            sums.withheld = True
            return None
        try:
            sums.parts[part] += Decimal(value.replace(",", "."))
        except InvalidOperation:
            return f"`{value}` is not a number"
        return None

    def rows(self, problems: dict[str, Problem]) -> list[SourceRow]:
        present: dict[tuple[str, str], set[tuple[str, int]]] = {}
        for (name, indicator, *_), sums in self.sums.items():
            present.setdefault((name, indicator), set()).update((p, n) for p, n, _ in sums.seen)
        rows = []
        for key, sums in self.sums.items():
            name, indicator, area, period, breakdown = key
            derived = self.mappings[name].derived[indicator]
            if len(present[(name, indicator)]) < len(derived.numerator) + len(derived.denominator):
                continue  # an input's table is not in this import at all: nothing to compute here
            missing = _missing(derived, sums)
            where = f"derived {indicator} ({area}, {period}{''.join(f', {k}={v}' for k, v in breakdown)})"
            if missing:
                message = (
                    f"lacks {missing} (the file has its other inputs there); import a file holding every input "
                    "of the share, or drop the place from the download"
                )
                problems.setdefault(where, Problem(where, None, message))
                continue
            numerator, denominator = sums.parts["numerator"], sums.parts["denominator"]
            fields = {
                "indicator": indicator,
                "area": area,
                "period": period,
                "unit": derived.unit,
                "source": derived.source or _formula(self.mappings[name], derived),
                **dict(breakdown),
            }
            if sums.published:
                fields["published"] = max(sums.published)  # the later release of the inputs
            if sums.withheld or denominator == 0:
                fields["value"] = ""  # no share without every count
            else:
                step = Decimal(1).scaleb(-derived.decimals)
                fields["value"] = str((100 * numerator / denominator).quantize(step, ROUND_HALF_EVEN))
                fields["numerator"], fields["denominator"] = str(numerator), str(denominator)
            rows.append(SourceRow(where, fields))
        return rows


def _expected(given: Input) -> int:
    return math.prod(len(codes) for codes in given.where.values())


def _missing(derived: Derived, sums: _Sums) -> str:
    """The first input the file lacks at this place, named by part, table and codes."""
    for part in ("numerator", "denominator"):
        for position, given in enumerate(getattr(derived, part)):
            found = {codes for p, n, codes in sums.seen if p == part and n == position}
            if len(found) < _expected(given):
                wanted = set(itertools.product(*given.where.values()))
                absent = sorted(wanted - found)
                codes = (
                    ", ".join(f"{d}={c}" for d, c in zip(given.where, absent[0], strict=True))
                    if absent
                    else ""
                )
                return f"the {part}'s {given.table}" + (f" ({codes})" if codes else "")
    return ""


def _formula(mapping: Mapping, derived: Derived) -> str:
    def side(inputs: tuple[Input, ...]) -> str:
        terms = []
        for given in inputs:
            codes = "; ".join(f"{d}={'+'.join(c)}" for d, c in given.where.items())
            measure = f" {given.measure}" if given.measure else ""
            terms.append(f"{given.table.upper()}{measure}" + (f" [{codes}]" if codes else ""))
        return " + ".join(terms)

    formula = f"100 × ({side(derived.numerator)}) ÷ ({side(derived.denominator)})"
    return ", ".join(s for s in (mapping.source, formula) if s)[:500]
