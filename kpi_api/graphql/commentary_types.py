"""Staff commentary as GraphQL shows it: a commentary (its newest version as of a time)
and its earlier versions. The text is plain and comes back exactly as it was written:
whoever shows it escapes it (the service's pages do)."""

import datetime

import strawberry
from strawberry.types import Info

import kpi_core as core
from kpi_api.graphql.enums import Lang
from kpi_api.graphql.language import text_lang
from kpi_core import commentary as c

MAX_LISTED = 20  # commentaries a read answers at most, newest first (its cost bound)
MAX_HISTORY = 20  # earlier versions a commentary shows at most, newest first


@strawberry.type(description="One version of a commentary: what it said after one add, edit or withdrawal.")
class CommentaryVersion:
    domain: strawberry.Private[c.CommentaryVersion]

    @strawberry.field(description="1 for the first version, then 2, 3 … for each edit or the withdrawal.")
    def version(self) -> int:
        return self.domain.number

    @strawberry.field(
        description="The plain text (never HTML: escape it where it is shown) in `lang`, or, where it was not "
        "written in it, in the other language (see `textLang`)."
    )
    def text(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.text(text_lang(info, lang))

    @strawberry.field(name="textLang", description="The language `text(lang:)` answers in.")
    def text_lang(self, info: Info, lang: Lang | None = None) -> Lang:
        return self.domain.text_lang(text_lang(info, lang))

    @strawberry.field(description="The languages it is written in.")
    def languages(self) -> list[Lang]:
        return [lang for lang in core.Lang if getattr(self.domain, lang.value) is not None]

    @strawberry.field(description="The name of the API token that wrote this version.")
    def author(self) -> str:
        return self.domain.author

    @strawberry.field(name="writtenAt")
    def written_at(self) -> datetime.datetime:
        return self.domain.written_at

    @strawberry.field(description="Whether this version withdrew the commentary.")
    def withdrawn(self) -> bool:
        return self.domain.withdrawn


@strawberry.type(
    description="Staff commentary on an indicator or a goal for an area and a period: why a figure moved, "
    "what is being done. Never changed in place: an edit or a withdrawal is a new version."
)
class Commentary:
    domain: strawberry.Private[c.Commentary]

    @strawberry.field(description="The commentary's id, the same for all its versions.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field(name="strategyId")
    def strategy_id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.latest.subject.strategy_id)

    @strawberry.field(name="revision", description="The version of the strategy's revision it is written on.")
    def revision(self) -> str:
        return self.domain.latest.subject.version

    @strawberry.field(name="indicatorId", description="The indicator it is on; null for a goal's.")
    def indicator_id(self) -> strawberry.ID | None:
        return self._subject(c.SubjectKind.INDICATOR)

    @strawberry.field(name="goalId", description="The goal it is on; null for an indicator's.")
    def goal_id(self) -> strawberry.ID | None:
        return self._subject(c.SubjectKind.GOAL)

    @strawberry.field
    def area(self) -> str:
        return self.domain.latest.area

    @strawberry.field(description="The period it is about, of the indicator's frequency (e.g. 2022, 2022Q3).")
    def period(self) -> str:
        return self.domain.latest.period

    @strawberry.field(description="The newest version's number (1 when never edited).")
    def version(self) -> int:
        return self.domain.latest.number

    @strawberry.field(
        description="The plain text (never HTML: escape it where it is shown) in `lang`, or, where it was not "
        "written in it, in the other language (see `textLang`)."
    )
    def text(self, info: Info, lang: Lang | None = None) -> str:
        return self.domain.latest.text(text_lang(info, lang))

    @strawberry.field(name="textLang", description="The language `text(lang:)` answers in.")
    def text_lang(self, info: Info, lang: Lang | None = None) -> Lang:
        return self.domain.latest.text_lang(text_lang(info, lang))

    @strawberry.field(description="The languages it is written in.")
    def languages(self) -> list[Lang]:
        return CommentaryVersion(domain=self.domain.latest).languages()

    @strawberry.field(description="The name of the API token that wrote the newest version.")
    def author(self) -> str:
        return self.domain.latest.author

    @strawberry.field(name="writtenAt", description="When the newest version was written.")
    def written_at(self) -> datetime.datetime:
        return self.domain.latest.written_at

    @strawberry.field(description="Whether it is withdrawn (only a withdrawal's own answer shows one).")
    def withdrawn(self) -> bool:
        return self.domain.latest.withdrawn

    @strawberry.field(description=f"Its earlier versions, newest first (at most {MAX_HISTORY}).")
    def history(self) -> list[CommentaryVersion]:
        return [CommentaryVersion(domain=v) for v in self.domain.earlier[:MAX_HISTORY]]

    def _subject(self, kind: c.SubjectKind) -> strawberry.ID | None:
        subject = self.domain.latest.subject
        return strawberry.ID(subject.id) if subject.kind is kind else None
