"""The two answers a judgement gives: the target's status and the figure's trend.

A leaf module, so that the words for them (`kpi_core.wording`) and the judgement that
gives them (`kpi_core.evaluation`) can both import them without importing each other
the wrong way round.
"""

import enum


class Status(enum.Enum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    # Not met, and nothing decides whether it is closer than a year earlier: calling that
    # OFF_TRACK would claim a comparison nobody could make.
    NOT_MET_PROGRESS_UNKNOWN = "not_met_progress_unknown"
    # The figures known leave both met and not met possible (a rank on a partial
    # comparison set): neither is claimed.
    UNDECIDED = "undecided"
    MONITORING = "monitoring"
    # The rule does not apply to the area (a rank among municipalities, asked for the
    # country or a region): not a lack of data.
    NOT_APPLICABLE = "not_applicable"
    NO_DATA = "no_data"


class Trend(enum.Enum):
    """The figure against a year earlier. IMPROVING/WORSENING only where a direction is
    stated or its assumption shown; RISING/FALLING where no direction is (`Direction.NONE`)."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    STABLE = "stable"
    UNKNOWN = "unknown"
    RISING = "rising"
    FALLING = "falling"


# The statuses that say how far a target is met, from worst to best: "the worst group
# decides" (kpi_core.rollup) reads a group's status by its place here, and nowhere else
# keeps an order of statuses. A status not in it says nothing about how far the target
# is met (NO_DATA; MONITORING, which has no target), so a roll-up counts a group with
# one as unknown: it could be any status here, and so never makes the headline better.
# NOT_MET_PROGRESS_UNKNOWN sits between OFF_TRACK and ON_TRACK: not met, and whether it
# is closer than a year earlier is unknown, so it is no better than ON_TRACK. UNDECIDED
# and NOT_APPLICABLE stay out: the data cannot decide the one, the rule does not judge
# the other, so both count as unknown, like NO_DATA.
SEVERITY: tuple[Status, ...] = (
    Status.OFF_TRACK,
    Status.NOT_MET_PROGRESS_UNKNOWN,
    Status.ON_TRACK,
    Status.ACHIEVED,
)
