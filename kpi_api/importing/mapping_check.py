"""A mapping checked against a catalogue: every indicator it feeds exists in a published
strategy, in the unit the mapping states, and is broken down by the columns it writes.

The structure of a mapping is checked when it is read (mapping_model.py); this is the
part that needs the catalogue, so that `kpi mapping check` says before an import what the
import would refuse row by row.
"""

from kpi_api.importing.mapping_model import Mapping, Measure
from kpi_api.importing.validate import UNIT_ALIASES, IndicatorFacts


def catalogue_problems(mapping: Mapping, facts: dict[str, IndicatorFacts]) -> list[str]:
    problems = []
    for table_id, table in mapping.tables.items():
        targets: list[tuple[str, Measure]] = [
            (f"tables.{table_id}.measures.{key}", m) for key, m in table.measures.items()
        ]
        if table.indicator:
            targets.append((f"tables.{table_id}", Measure(table.indicator, table.unit)))
        for where, measure in targets:
            fact = facts.get(measure.indicator)
            if fact is None:
                problems.append(
                    f"{where}.indicator: `{measure.indicator}` is not an indicator of any published strategy "
                    "(ids look like 2.1, 1.5b, O1; publish its strategy first)"
                )
                continue
            unit = UNIT_ALIASES.get(measure.unit.lower()) if measure.unit else fact.unit
            if unit is not fact.unit:
                problems.append(
                    f"{where}.unit: `{measure.unit}` does not match indicator {measure.indicator}, "
                    f"which is measured in {fact.unit.value}"
                )
            for key, categories in table.dimensions.items():
                if categories.values and categories.column not in fact.dimensions:
                    declared = ", ".join(sorted(fact.dimensions)) or "none"
                    problems.append(
                        f"tables.{table_id}.dimensions.{key}.column: indicator {measure.indicator} is not "
                        f"broken down by {categories.column} (it declares: {declared})"
                    )
    for indicator, derived in mapping.derived.items():
        fact = facts.get(indicator)
        if fact is None:
            problems.append(
                f"derived.{indicator}: `{indicator}` is not an indicator of any published strategy "
                "(publish its strategy first)"
            )
        elif UNIT_ALIASES.get(derived.unit) is not fact.unit:
            problems.append(
                f"derived.{indicator}.unit: a share in {derived.unit}, but {indicator} is measured in {fact.unit.value}"
            )
    return problems
