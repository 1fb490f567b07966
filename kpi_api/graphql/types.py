"""GraphQL types. Each wraps a kpi_core value (`strawberry.Private`) and exposes it;
computed fields are small resolvers that call the core. Names here are the public
contract: add fields freely, never rename."""

import datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

import kpi_core as core
from kpi_api import commentary_service
from kpi_api.graphql.area import Area
from kpi_api.graphql.commentary_types import MAX_LISTED, Commentary
from kpi_api.graphql.enums import (
    ChangeKind,
    Dimension,
    Direction,
    Frequency,
    Lang,
    RemarkKind,
    RemarkTopic,
    RevisionStatus,
    RollupRule,
)
from kpi_api.graphql.evaluation_types import Evaluation
from kpi_api.graphql.feed_types import StatusChange, status_history
from kpi_api.graphql.judgement import JudgementBasis
from kpi_api.graphql.language import text_lang
from kpi_api.graphql.loaders import load_status
from kpi_api.graphql.resolvers import (
    checked_area,
    checked_period,
    not_found,
    resolve_commentary,
    resolve_ranking,
    resolve_series,
)
from kpi_api.graphql.series_types import BreakdownFilter, Ranking, Series
from kpi_api.http.quoting import shortened
from kpi_core import commentary as core_commentary
from kpi_core import lineage as core_lineage
from kpi_core import references as core_refs
from kpi_core.wording import direction_assumption

# `status` is non-null in the published contract, so one bad `area` nulled every parent up to
# the revision; `evaluation` is the same field, nullable. `status` stays (the contract only
# grows) and says where to go.
DEPRECATED_STATUS = (
    "Use `evaluation` (the same arguments and answer): an error in `status` nulls the fields above it."
)


COMMENTARY = (
    f"Staff commentary for an area (and a `period`), newest written first, at most {MAX_LISTED}: as it stood at the end "
    "of `asOf` (a day in Denmark) when given, so the same question gives the same answer later. Withdrawn "
    "commentary is left out. A bad area or period makes this field null with an error BAD_USER_INPUT naming "
    "the argument."
)


async def _commentary(
    info: Info, target: commentary_service.CommentedOn, area: str, period, as_of
) -> list[Commentary]:
    found = await resolve_commentary(info, target, area, period, as_of)
    return [Commentary(domain=c) for c in found[:MAX_LISTED]]


def _catalogue(info: Info):
    return info.context["catalogue"]


async def _judged_status(
    info: Info, strategy: core.Strategy, revision: core.Revision, indicator_id: str, area, period, as_of
) -> Evaluation:
    """A status on the figures the revision is judged on (kpi_core.revision_time): its own
    time unless `asOf` or a period outside it is asked for, and then labelled so."""
    period = checked_period(period, "period")
    basis = core.judgement_basis(strategy, revision, _catalogue(info).today(), as_of, period)
    found = await load_status(
        info, strategy, revision, indicator_id, area, period, basis.as_of, basis.periods
    )
    return Evaluation(domain=found, basis=basis)


@strawberry.type
class SourceRef:
    domain: strawberry.Private[core.SourceRef]
    revision: strawberry.Private[core.Revision]

    @strawberry.field(description="The cited document's file name.")
    def file(self) -> str:
        return _document(self.revision, self.domain.doc).file

    @strawberry.field(description="The cited document's title.")
    def title(self) -> str:
        return _document(self.revision, self.domain.doc).title

    @strawberry.field(description="Where in the document: page and section.")
    def at(self) -> str:
        return self.domain.at


def _document(revision: core.Revision, doc: str) -> core.SourceDocument:
    return next(d for d in revision.sources if d.id == doc)


@strawberry.type
class Remark:
    domain: strawberry.Private[core.Remark]
    revision: strawberry.Private[core.Revision]

    @strawberry.field
    def kind(self) -> RemarkKind:
        return self.domain.kind

    @strawberry.field
    def text(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.text(text_lang(info, lang))

    @strawberry.field
    def source(self) -> SourceRef | None:
        return SourceRef(domain=self.domain.source, revision=self.revision) if self.domain.source else None

    @strawberry.field(description="What the remark explains (DIRECTION: why the trend says better/worse).")
    def about(self) -> RemarkTopic | None:
        return self.domain.about


def _remarks(remarks, revision) -> list[Remark]:
    return [Remark(domain=r, revision=revision) for r in remarks]


@strawberry.type(description="How an indicator judged per group gets its headline from its groups.")
class IndicatorRollup:
    domain: strawberry.Private[core.Rollup]

    @strawberry.field(description="The dimension whose values are the groups.")
    def per(self) -> Dimension:
        return self.domain.per

    @strawberry.field
    def rule(self) -> RollupRule:
        return self.domain.rule

    @strawberry.field(description="Groups the headline needs even when the figures lack them (often none).")
    def groups(self) -> list[str]:
        return list(self.domain.groups)


@strawberry.type(description="What an indicator is measured against, and what counts as met.")
class Target:
    domain: strawberry.Private[core.TargetRule]
    unit: strawberry.Private[core.Unit]

    @strawberry.field(
        description="at_or_above, at_or_below, strictly_below, rank_within, threshold, parity, "
        "external_target, max_duration, follow_cluster or monitor_only."
    )
    def kind(self) -> str:
        return core.target_facts(self.domain).kind

    @strawberry.field(description="The target in plain words.")
    def description(self, info: Info, lang: Lang | None = None) -> str:
        return core.describe_target(self.domain, self.unit)(text_lang(info, lang))

    @strawberry.field(description="country, region, cluster or group: what the value is compared with.")
    def reference(self) -> str | None:
        ref = core.target_facts(self.domain).reference
        return core_refs.REFERENCE_KINDS[type(ref)] if ref is not None else None

    @strawberry.field(
        description="Threshold or maximum duration, in the indicator's unit (for percent: per cent, 80 = 80 %)."
    )
    def value(self) -> Decimal | None:
        return core.target_facts(self.domain).value

    @strawberry.field(description="'min' or 'max' for a threshold.")
    def bound(self) -> str | None:
        bound = core.target_facts(self.domain).bound
        return bound.value if bound else None

    @strawberry.field(description="For a rank target: within the best N.")
    def best(self) -> int | None:
        return core.target_facts(self.domain).best

    @strawberry.field(
        description="For parity: the tolerance in the indicator's unit (for percent: percentage points)."
    )
    def tolerance(self) -> Decimal | None:
        return core.target_facts(self.domain).tolerance


@strawberry.type
class Indicator:
    domain: strawberry.Private[core.Indicator]
    revision: strawberry.Private[core.Revision]
    strategy: strawberry.Private[core.Strategy]

    @strawberry.field(description='Public, stable id: "O1", "1.1" … "1.5a", "1.5b" … "5.6".')
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field
    def name(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.name(text_lang(info, lang))

    @strawberry.field(description="The full text as written in the source.")
    def description(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.description(text_lang(info, lang)) if self.domain.description else None

    @strawberry.field(
        description="The unit of its values, references, gaps and thresholds: percent (a share, 0–100), "
        "percent_change, count, number, months or weeks."
    )
    def unit(self) -> str | None:
        return self.domain.unit.value

    @strawberry.field
    def direction(self) -> Direction:
        return self.domain.direction

    @strawberry.field(
        name="directionAssumption",
        description="Where no target states which way is better: the catalogue's choice and its reason, "
        "as printed beside the trend; null where a target states it.",
    )
    def direction_assumption(self, lang: Lang | None = core.Lang.DA) -> str | None:
        words = direction_assumption(self.domain)
        return words(lang) if words else None

    @strawberry.field(
        description="How often the source publishes it; null where the catalogue declares none."
    )
    def frequency(self) -> Frequency | None:
        return self.domain.frequency

    @strawberry.field(
        description="How many decimals its values are printed with (0-4, trailing zeros kept, as the "
        "figures print them); null where the catalogue declares none (exact, up to two)."
    )
    def decimals(self) -> int | None:
        return self.domain.decimals

    @strawberry.field
    def breakdowns(self) -> list[Dimension]:
        return list(self.domain.breakdowns)

    @strawberry.field(
        description="Judged per group: the groups' dimension and the rule that gives the headline from "
        "them (catalogue field `rollup`); null when judged in total."
    )
    def rollup(self) -> "IndicatorRollup | None":
        return IndicatorRollup(domain=self.domain.rollup) if self.domain.rollup else None

    @strawberry.field(name="dataSource", description="The data source, where the document names one.")
    def data_source(self) -> str | None:
        return self.domain.data_source

    @strawberry.field(
        name="isKeyFigure", description="Whether this is its focus area's key figure (nøgletal)."
    )
    def is_key_figure(self) -> bool:
        return self.revision.is_key_figure(self.domain.id)

    @strawberry.field
    def target(self) -> Target | None:
        return Target(domain=self.domain.target, unit=self.domain.unit)

    @strawberry.field(
        description="The change against the previous revision; null in a strategy's first revision."
    )
    def change(self, info: Info) -> "IndicatorChange | None":
        diff = _catalogue(info).changes_since_previous(self.strategy, self.revision.version)
        change = diff.change_of(self.domain.id) if diff else None
        return IndicatorChange(domain=change, strategy=self.strategy, diff=diff) if change else None

    @strawberry.field
    def source(self) -> SourceRef:
        return SourceRef(domain=self.domain.source, revision=self.revision)

    @strawberry.field
    def remarks(self) -> list[Remark]:
        return _remarks(self.domain.remarks, self.revision)

    @strawberry.field(
        name="timeSeries",
        description="The area's figures over time (columnar) and the series it is judged against. "
        "`from`/`to` are inclusive periods of the series' kind, or years. A bad argument (an unknown area, "
        "a period that is not one) makes this field null with an error BAD_USER_INPUT, and nothing above it.",
    )
    async def time_series(
        self,
        info: Info,
        area: str,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
        to: str | None = None,
        as_of: datetime.date | None = None,
        breakdown: list[BreakdownFilter] | None = None,
    ) -> Series | None:
        return Series(domain=await resolve_series(info, self.domain, area, from_, to, as_of, breakdown))

    @strawberry.field(
        description="The same as `timeSeries`, but non-null: an error in it nulls the nearest nullable "
        "field above it.",
        deprecation_reason="Use `timeSeries` (the same arguments and answer): an error in `series` nulls the "
        "fields above it.",
    )
    async def series(
        self,
        info: Info,
        area: str,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
        to: str | None = None,
        as_of: datetime.date | None = None,
        breakdown: list[BreakdownFilter] | None = None,
    ) -> Series:
        return Series(domain=await resolve_series(info, self.domain, area, from_, to, as_of, breakdown))

    @strawberry.field(
        name="rankingFor",
        description="The municipalities ranked best first for a period (default: the latest with data). "
        "`among` is a region, cluster or DK; default the target's comparison set seen from the strategy's owner. "
        "A bad argument makes this field null with an error BAD_USER_INPUT, and nothing above it.",
    )
    async def ranking_for(
        self,
        info: Info,
        period: str | None = None,
        among: str | None = None,
        as_of: datetime.date | None = None,
    ) -> Ranking | None:
        return Ranking(domain=await resolve_ranking(info, self.strategy, self.domain, period, among, as_of))

    @strawberry.field(
        description="The same as `rankingFor`, but non-null: an error in it nulls the nearest nullable field "
        "above it.",
        deprecation_reason="Use `rankingFor` (the same arguments and answer): an error in `ranking` nulls the "
        "fields above it.",
    )
    async def ranking(
        self,
        info: Info,
        period: str | None = None,
        among: str | None = None,
        as_of: datetime.date | None = None,
    ) -> Ranking:
        return Ranking(domain=await resolve_ranking(info, self.strategy, self.domain, period, among, as_of))

    @strawberry.field(
        description="How the indicator is doing for an area, judged by this revision's rule on the figures of "
        "its own time (see `judgedOn`). Without `period`, the latest period with data for the area; with "
        "`asOf`, only figures published by then. A bad argument (an unknown area, a period that is not one) "
        "makes this field null with an error BAD_USER_INPUT, and nothing above it."
    )
    async def evaluation(
        self, info: Info, area: str, period: str | None = None, as_of: datetime.date | None = None
    ) -> Evaluation | None:
        return await _judged_status(info, self.strategy, self.revision, self.domain.id, area, period, as_of)

    @strawberry.field(
        description="The same as `evaluation`, but non-null: an error in it nulls the nearest nullable "
        "field above it (with a bad area, the whole revision).",
        deprecation_reason=DEPRECATED_STATUS,
    )
    async def status(
        self, info: Info, area: str, period: str | None = None, as_of: datetime.date | None = None
    ) -> Evaluation:
        return await _judged_status(info, self.strategy, self.revision, self.domain.id, area, period, as_of)

    @strawberry.field(
        name="statusHistory",
        description="When this indicator's status for the area changed, oldest first (the latest 100): each "
        "change with the status before and after, the vintage it holds from and the import that caused it. "
        "Changes are recorded from the day the service began storing evaluations; the last entry's `to` is "
        "the status now. Null with an error for an unknown area.",
    )
    async def status_history(self, info: Info, area: str) -> list[StatusChange] | None:
        checked_area(info, area)
        return await status_history(info, (self.strategy.id, self.revision.version, self.domain.id, area))

    @strawberry.field(description=COMMENTARY)
    async def commentary(
        self, info: Info, area: str, period: str | None = None, as_of: datetime.date | None = None
    ) -> list[Commentary] | None:
        subject = core_commentary.Subject(
            self.strategy.id, self.revision.version, core_commentary.SubjectKind.INDICATOR, self.domain.id
        )
        return await _commentary(
            info, commentary_service.CommentedOn(subject, self.domain), area, period, as_of
        )


@strawberry.type
class IndicatorChange:
    domain: strawberry.Private[core_lineage.Change]
    strategy: strawberry.Private[core.Strategy]
    diff: strawberry.Private[core.RevisionDiff]

    @strawberry.field
    def kind(self) -> ChangeKind:
        return self.domain.kind

    @strawberry.field(description="The indicator in the `from` revision.")
    def before(self) -> Indicator | None:
        return self._wrap(self.domain.before, self.diff.from_version)

    @strawberry.field(description="The indicator in the `to` revision.")
    def after(self) -> Indicator | None:
        return self._wrap(self.domain.after, self.diff.to_version)

    @strawberry.field(description="The reason the documents give.")
    def reason(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.reason(text_lang(info, lang)) if self.domain.reason else None

    def _wrap(self, indicator: core.Indicator | None, version: str) -> Indicator | None:
        if indicator is None:
            return None
        return Indicator(domain=indicator, revision=self.strategy.revision(version), strategy=self.strategy)


@strawberry.type
class Goal:
    domain: strawberry.Private[core.Goal]
    revision: strawberry.Private[core.Revision]
    strategy: strawberry.Private[core.Strategy]
    key_figure: strawberry.Private[str]

    @strawberry.field(
        description="The goal's status: the evaluation of its focus area's key figure (nøgletal) for an area "
        "(arguments as on `Indicator.evaluation`). A bad argument makes this field null with an error "
        "BAD_USER_INPUT, and nothing above it."
    )
    async def evaluation(
        self, info: Info, area: str, period: str | None = None, as_of: datetime.date | None = None
    ) -> Evaluation | None:
        return await _judged_status(info, self.strategy, self.revision, self.key_figure, area, period, as_of)

    @strawberry.field(
        description="The same as `evaluation`, but non-null: an error in it nulls the nearest nullable "
        "field above it (with a bad area, the whole revision).",
        deprecation_reason=DEPRECATED_STATUS,
    )
    async def status(
        self, info: Info, area: str, period: str | None = None, as_of: datetime.date | None = None
    ) -> Evaluation:
        return await _judged_status(info, self.strategy, self.revision, self.key_figure, area, period, as_of)

    @strawberry.field(
        name="statusHistory",
        description="When the goal's status for the area changed, oldest first (the latest 100): a goal's "
        "status is its key figure's, so this is the key figure's history (see `Indicator.statusHistory`).",
    )
    async def status_history(self, info: Info, area: str) -> list[StatusChange] | None:
        checked_area(info, area)
        return await status_history(info, (self.strategy.id, self.revision.version, self.key_figure, area))

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field
    def statement(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.statement(text_lang(info, lang))

    @strawberry.field
    def source(self) -> SourceRef:
        return SourceRef(domain=self.domain.source, revision=self.revision)

    @strawberry.field
    def remarks(self) -> list[Remark]:
        return _remarks(self.domain.remarks, self.revision)

    @strawberry.field(description=COMMENTARY + " Periods are of the frequency of the goal's key figure.")
    async def commentary(
        self, info: Info, area: str, period: str | None = None, as_of: datetime.date | None = None
    ) -> list[Commentary] | None:
        subject = core_commentary.Subject(
            self.strategy.id, self.revision.version, core_commentary.SubjectKind.GOAL, self.domain.id
        )
        key_figure = self.revision.indicator(self.key_figure)
        assert key_figure is not None  # a revision is built only with its key figures
        return await _commentary(
            info, commentary_service.CommentedOn(subject, key_figure), area, period, as_of
        )


@strawberry.type
class Principle:
    domain: strawberry.Private[core.Principle]
    revision: strawberry.Private[core.Revision]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field
    def text(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.text(text_lang(info, lang))

    @strawberry.field(description="A short form of the principle.")
    def short(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.short(text_lang(info, lang)) if self.domain.short else None

    @strawberry.field
    def remarks(self) -> list[Remark]:
        return _remarks(self.domain.remarks, self.revision)


@strawberry.type
class FocusArea:
    domain: strawberry.Private[core.FocusArea]
    revision: strawberry.Private[core.Revision]
    strategy: strawberry.Private[core.Strategy]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field
    def number(self) -> int | None:
        return self.domain.number

    @strawberry.field
    def name(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.name(text_lang(info, lang))

    @strawberry.field
    def goal(self) -> Goal:
        return Goal(
            domain=self.domain.goal,
            revision=self.revision,
            strategy=self.strategy,
            key_figure=self.domain.key_figure,
        )

    @strawberry.field(name="keyFigure", description="The focus area's key figure (nøgletal).")
    def key_figure(self) -> Indicator:
        return self._wrap(self.revision.indicator(self.domain.key_figure))

    @strawberry.field
    def indicators(self) -> list[Indicator]:
        return [self._wrap(i) for i in self.domain.indicators]

    @strawberry.field
    def remarks(self) -> list[Remark]:
        return _remarks(self.domain.remarks, self.revision)

    def _wrap(self, indicator: core.Indicator) -> Indicator:
        return Indicator(domain=indicator, revision=self.revision, strategy=self.strategy)


@strawberry.type
class SourceDocument:
    domain: strawberry.Private[core.SourceDocument]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field
    def file(self) -> str:
        return self.domain.file

    @strawberry.field
    def title(self) -> str:
        return self.domain.title

    @strawberry.field
    def dated(self) -> datetime.date | None:
        return self.domain.dated


@strawberry.type
class Revision:
    domain: strawberry.Private[core.Revision]
    strategy: strawberry.Private[core.Strategy]

    @strawberry.field
    def version(self) -> str:
        return self.domain.version

    @strawberry.field(
        description="ADOPTED, DRAFT or SUPERSEDED: superseded from the day its successor is in force "
        "(publishing a new revision supersedes the one before it)."
    )
    def status(self, info: Info) -> RevisionStatus:
        return self._time(info).status

    @strawberry.field
    def title(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.title(text_lang(info, lang))

    @strawberry.field(name="adoptedOn", description="The adoption date, where a source states the day.")
    def adopted_on(self) -> datetime.date | None:
        return self.domain.adopted_on

    @strawberry.field(name="inForceFrom")
    def in_force_from(self) -> datetime.date | None:
        return self.domain.in_force_from

    @strawberry.field(
        name="inForceUntil",
        description="The last day in force: the day before its successor starts, or the end its own "
        "document states; null while open-ended.",
    )
    def in_force_until(self) -> datetime.date | None:
        return self.strategy.in_force_until(self.domain)

    @strawberry.field(name="inForce", description="Whether the revision is the one in force today.")
    def in_force(self, info: Info) -> bool:
        return self._time(info).in_force

    @strawberry.field(description="Whether a later revision has taken over (is in force).")
    def superseded(self, info: Info) -> bool:
        return self._time(info).superseded

    @strawberry.field(
        name="supersededBy",
        description="The version that takes over from this one, once published (it may start later).",
    )
    def superseded_by(self, info: Info) -> str | None:
        return self._time(info).successor

    @strawberry.field(
        description="Whether the revision's contents are reconstructed from other documents (see `remarks`), "
        "as the 2020 indicator list is."
    )
    def reconstructed(self, info: Info) -> bool:
        return self._time(info).reconstructed

    @strawberry.field(
        name="statedPeriod",
        description="Whether its document states the period it is written for (the 2015 plan: 2015), "
        "so that it is judged on the figures for that period.",
    )
    def stated_period(self, info: Info) -> bool:
        return self._time(info).stated_period

    @strawberry.field(
        description="What a page showing this revision says of its time (superseded, reconstructed), "
        "or null for a revision in force that is nobody's reconstruction."
    )
    def notice(self, info: Info, lang: Lang | None = None) -> str | None:
        notice = core.revision_notice(self._time(info))
        return notice(text_lang(info, lang)) if notice else None

    @strawberry.field(
        name="judgedOn",
        description="Which figures the revision's statuses are judged on, and why; `asOf` as on `status`.",
    )
    def judged_on(self, info: Info, as_of: datetime.date | None = None) -> JudgementBasis:
        return JudgementBasis(
            domain=core.judgement_basis(self.strategy, self.domain, _catalogue(info).today(), as_of)
        )

    def _time(self, info: Info) -> core.RevisionTime:
        return core.revision_time(self.strategy, self.domain, _catalogue(info).today())

    @strawberry.field(name="caseNumber")
    def case_number(self) -> str | None:
        return self.domain.case_number

    @strawberry.field
    def principles(self) -> list[Principle]:
        return [Principle(domain=p, revision=self.domain) for p in self.domain.principles]

    @strawberry.field(name="focusAreas")
    def focus_areas(self) -> list[FocusArea]:
        return [
            FocusArea(domain=f, revision=self.domain, strategy=self.strategy) for f in self.domain.focus_areas
        ]

    @strawberry.field(description="Every indicator of the revision, the overall ones (O1, O2) first.")
    def indicators(self) -> list[Indicator]:
        return [
            Indicator(domain=i, revision=self.domain, strategy=self.strategy) for i in self.domain.indicators
        ]

    @strawberry.field(
        description='One indicator of the revision by its id (e.g. "2.1", "O1"); an id the revision does not '
        "have is null with an error NOT_FOUND naming it."
    )
    def indicator(self, id: strawberry.ID) -> Indicator | None:
        found = self.domain.indicator(id)
        if found is None:
            raise not_found(f"Revision {self.domain.version} has no indicator {{id}}.", id)
        return Indicator(domain=found, revision=self.domain, strategy=self.strategy)

    @strawberry.field(description="The source documents this revision is read from.")
    def sources(self) -> list[SourceDocument]:
        return [SourceDocument(domain=d) for d in self.domain.sources]

    @strawberry.field
    def remarks(self) -> list[Remark]:
        return _remarks(self.domain.remarks, self.domain)


@strawberry.type
class Strategy:
    domain: strawberry.Private[core.Strategy]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field
    def name(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.name(text_lang(info, lang))

    @strawberry.field
    def owner(self, info: Info) -> Area:
        return Area(domain=_catalogue(info).areas.get(self.domain.owner))

    @strawberry.field(
        description="What changed from one revision to another (either order); an unknown version is null "
        "with an error NOT_FOUND naming it."
    )
    def diff(self, from_: Annotated[str, strawberry.argument(name="from")], to: str) -> "RevisionDiff | None":
        return revision_diff(self.domain, from_, to)

    @strawberry.field(description="All revisions, oldest first.")
    def revisions(self) -> list[Revision]:
        return [Revision(domain=r, strategy=self.domain) for r in self.domain.revisions]

    @strawberry.field(
        description="A revision by version (an unknown version is null with an error NOT_FOUND naming it); "
        "without a version, the one in force today, or on `asOf` (null when none is in force then)."
    )
    def revision(
        self, info: Info, version: str | None = None, as_of: datetime.date | None = None
    ) -> Revision | None:
        if version is not None:
            found = self.domain.revision(version)
            if found is None:
                raise not_found(f"Strategy {self.domain.id} has no revision {{id}}.", version, "version")
        else:
            found = self.domain.in_force(as_of or _catalogue(info).today())
        return Revision(domain=found, strategy=self.domain) if found else None


@strawberry.type
class FocusAreaChange:
    domain: strawberry.Private[core_lineage.Change]

    @strawberry.field
    def kind(self) -> ChangeKind:
        return self.domain.kind

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.subject)

    @strawberry.field(description="The name in the `from` revision.")
    def before(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.before.name(text_lang(info, lang)) if self.domain.before else None

    @strawberry.field(description="The name in the `to` revision.")
    def after(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.after.name(text_lang(info, lang)) if self.domain.after else None

    @strawberry.field
    def reason(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.reason(text_lang(info, lang)) if self.domain.reason else None


@strawberry.type
class GoalChange:
    domain: strawberry.Private[core_lineage.Change]

    @strawberry.field
    def kind(self) -> ChangeKind:
        return self.domain.kind

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.subject)

    @strawberry.field(description="The statement in the `from` revision.")
    def before(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.before.statement(text_lang(info, lang)) if self.domain.before else None

    @strawberry.field(description="The statement in the `to` revision.")
    def after(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.after.statement(text_lang(info, lang)) if self.domain.after else None

    @strawberry.field
    def reason(self, info: Info, lang: Lang | None = None) -> str | None:
        return self.domain.reason(text_lang(info, lang)) if self.domain.reason else None


@strawberry.type
class RevisionDiff:
    domain: strawberry.Private[core.RevisionDiff]
    strategy: strawberry.Private[core.Strategy]

    @strawberry.field(name="from")
    def from_(self) -> str:
        return self.domain.from_version

    @strawberry.field
    def to(self) -> str:
        return self.domain.to_version

    @strawberry.field(description="One change per indicator present in either revision.")
    def changes(self) -> list[IndicatorChange]:
        return [
            IndicatorChange(domain=c, strategy=self.strategy, diff=self.domain) for c in self.domain.changes
        ]

    @strawberry.field(name="focusAreas")
    def focus_areas(self) -> list[FocusAreaChange]:
        return [FocusAreaChange(domain=c) for c in self.domain.focus_areas]

    @strawberry.field
    def goals(self) -> list[GoalChange]:
        return [GoalChange(domain=c) for c in self.domain.goals]


def revision_diff(strategy: core.Strategy, from_: str, to: str) -> RevisionDiff:
    """`Strategy.diff` and the deprecated `Query.revisionDiff`: the core's diff, or NOT_FOUND
    naming the unknown version and its argument (the core's message lists the known ones)."""
    try:
        diff = core.diff(strategy, from_, to)
    except core.UnknownRevision as exc:  # only this: any other error is a bug, not "not found"
        version, argument = (from_, "from") if repr(from_) in str(exc) else (to, "to")
        raise not_found(
            shortened(shortened(str(exc), from_), to), version, argument, formatted=True
        ) from None
    return RevisionDiff(domain=diff, strategy=strategy)
