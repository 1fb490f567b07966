"""The core's enums as GraphQL knows them: declared once in kpi_core, registered here, and
imported by every module that needs one (a leaf: it imports nothing of the API)."""

import strawberry

import kpi_core as core

Lang = strawberry.enum(
    core.Lang,
    description="Language of a text: Danish (DA) or English (EN). A text field without its own `lang:` "
    "answers in the request's language: `Accept-Language` (`en`, `en-GB`, `da` …; the best of the two it "
    "names), Danish without one.",
)
ChangeKind = strawberry.enum(core.ChangeKind, description="How an item changed between two revisions.")
AreaKind = strawberry.enum(core.AreaKind)
RevisionStatus = strawberry.enum(core.RevisionStatus)
Direction = strawberry.enum(
    core.Direction,
    description="Which way is better for an indicator's value; NONE: neither, the trend says only up or down.",
)
Frequency = strawberry.enum(core.Frequency, description="How often the indicator's source publishes it.")
RemarkTopic = strawberry.enum(
    core.RemarkTopic, description="What of an indicator's definition a remark explains (shown beside it)."
)
Dimension = strawberry.enum(core.Dimension, description="A dimension an indicator is broken down by.")
RemarkKind = strawberry.enum(core.RemarkKind)
Status = strawberry.enum(
    core.Status,
    description="Is the target met, on track, off track, not met with unknown progress, undecided on the "
    "figures known, monitored, not applicable to the area, or is data missing.",
)
RollupRule = strawberry.enum(
    core.RollupRule,
    description="How an indicator judged per group gets its headline: WORST, the worst group decides "
    "(achieved only when every group is).",
)
Trend = strawberry.enum(
    core.Trend,
    description="The area's own value against the same period a year earlier (a percentage change: its sign): "
    "IMPROVING/WORSENING in the indicator's direction, RISING/FALLING where it has none.",
)
JudgementBasisKind = strawberry.enum(
    core.BasisKind,
    name="JudgementBasisKind",
    description="Why a revision is judged on the figures it is: LATEST (in force), AS_PUBLISHED_AT_END "
    "(superseded or ended: what was published by its last day), STATED_PERIOD (written for a stated "
    "period: the figures for it), REQUESTED (the caller asked for other figures).",
)
