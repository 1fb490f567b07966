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
    """The figure against a year earlier. IMPROVING/WORSENING only where a direction is
    stated or its assumption shown; RISING/FALLING where no direction is (`Direction.NONE`)."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    STABLE = "stable"
    UNKNOWN = "unknown"
    RISING = "rising"
    FALLING = "falling"
