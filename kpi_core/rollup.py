"""How an indicator judged per group gets its headline from its groups.

5.4 under the 2022 revision is "opgjort på målgruppeniveau (3-4 grupper)": it has no
figure in total, only one per target group. The catalogue says so as data, on the
indicator: `rollup = { per = "target_group", rule = "worst" }`. The groups are the
values of `per` (for parity, the focus group is compared with the reference group within
each), each judged by the indicator's own target rule; the rule says how their statuses
give the headline:

| rule | the headline |
| --- | --- |
| `worst` (the default) | the worst group's status; ACHIEVED only when every group is ACHIEVED |

"Worst" is by `kpi_core.status.SEVERITY`. A group whose status is not in it (no data)
could be any status there once its figures come, so the headline is a status only where
every such completion gives that same status: with a group missing, that is OFF_TRACK
when a known group is already OFF_TRACK (nothing is worse), and otherwise undecided.
Missing data never makes the headline better than what the known groups give.
"""

import enum
from collections.abc import Sequence

import attrs

from kpi_core.references import Dimension
from kpi_core.status import SEVERITY, Status


class RollupRule(enum.Enum):
    WORST = "worst"  # the worst group decides; ACHIEVED only when every group is


MAX_GROUPS = 50  # more groups than a committee reads is a table, not a headline


def _group_names(
    instance: object, attribute: "attrs.Attribute[tuple[str, ...]]", value: tuple[str, ...]
) -> None:
    if len(value) > MAX_GROUPS:
        raise ValueError(f"`groups` names {len(value)} groups; at most {MAX_GROUPS}")
    if any(not isinstance(v, str) or not v.strip() or "+" in v for v in value):
        raise ValueError(f"`groups` are names such as 'dagpenge' (no '+'), not {list(value)!r}")
    if twice := sorted({v for v in value if value.count(v) > 1}):
        raise ValueError(f"`groups` names {', '.join(repr(v) for v in twice)} twice; name each group once")


@attrs.frozen
class Rollup:
    """An indicator judged per group: the groups are the values of `per`; `groups` are
    those the headline needs even when the figures lack them (none named: the groups in
    the figures of the period and of a year earlier)."""

    per: Dimension = attrs.field(validator=attrs.validators.instance_of(Dimension))
    rule: RollupRule = attrs.field(
        default=RollupRule.WORST, validator=attrs.validators.instance_of(RollupRule)
    )
    groups: tuple[str, ...] = attrs.field(default=(), converter=tuple[str, ...], validator=_group_names)


def decided(status: Status) -> bool:
    """Whether a group's status says how far the target is met (else: unknown)."""
    return status in SEVERITY


def roll_up(statuses: Sequence[Status], rule: RollupRule = RollupRule.WORST) -> Status | None:
    """The headline of groups with these statuses, or None where the data cannot decide
    it (no groups, or a group without data that could still change the answer).

    >>> roll_up([Status.ACHIEVED, Status.ON_TRACK, Status.ACHIEVED])
    <Status.ON_TRACK: 'on_track'>
    >>> roll_up([Status.ACHIEVED, Status.NO_DATA]) is None  # the missing group may be off track
    True
    >>> roll_up([Status.OFF_TRACK, Status.NO_DATA])  # nothing the missing group brings is worse
    <Status.OFF_TRACK: 'off_track'>
    """
    if rule is not RollupRule.WORST:  # a new rule without its reading here would judge nothing
        raise TypeError(f"no reading for the roll-up rule {rule!r}: add it to kpi_core.rollup.roll_up")
    known = [s for s in statuses if decided(s)]
    if not known:
        return None
    worst = min(known, key=SEVERITY.index)
    if len(known) < len(statuses) and worst is not SEVERITY[0]:
        return None  # a missing group could be worse than every known one
    return worst
