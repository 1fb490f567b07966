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
    MONITORING = "monitoring"
    NO_DATA = "no_data"


class Trend(enum.Enum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    STABLE = "stable"
    UNKNOWN = "unknown"


# The statuses that say how far a target is met, from worst to best: "the worst group
# decides" (kpi_core.rollup) reads a group's status by its place here, and nowhere else
# keeps an order of statuses. A status not in it says nothing about how far the target
# is met (NO_DATA; MONITORING, which has no target), so a roll-up counts a group with
# one as unknown: it could be any status here, and so never makes the headline better.
# Statuses being added (s14-ranks) slot in as follows:
# - NOT_MET_PROGRESS_UNKNOWN between OFF_TRACK and ON_TRACK: not met, and whether it is
#   closer than a year earlier is unknown, so it is no better than ON_TRACK;
# - UNDECIDED and NOT_APPLICABLE stay out: the data cannot decide the one, the rule does
#   not judge the other, so both count as unknown, like NO_DATA.
SEVERITY: tuple[Status, ...] = (
    Status.OFF_TRACK,
    Status.ON_TRACK,
    Status.ACHIEVED,
)
