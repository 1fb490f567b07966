"""Writes: import observations, publish a revision. Each needs a token of its scope."""

import datetime
import enum
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from kpi_api.access import Scope
from kpi_api.catalogue import PublishConflict
from kpi_api.graphql.auth import require
from kpi_api.graphql.work import in_pool
from kpi_api.importing.mapping_model import MappingError
from kpi_api.importing.mappings import mappings_for_import
from kpi_api.importing.rows import Problem
from kpi_api.importing.service import import_bytes
from kpi_core import CatalogueError, parse_revision
from kpi_core import repository as store


@strawberry.enum(description="The format of imported data.")
class ImportFormat(enum.Enum):
    CSV = "csv"
    JSONSTAT = "jsonstat"
    JOBINDSATS = "jobindsats"


@strawberry.type(description="One thing wrong in imported data: where, which column, what.")
class ImportProblem:
    location: str
    column: str | None
    message: str


@strawberry.type(description="The same report as `kpi import`: nothing is written when `rejected`.")
class ImportResult:
    format: str
    rows: int
    added: int
    unchanged: int
    rejected: bool
    dry_run: bool
    batch: str | None
    message: str | None
    problems: list[ImportProblem]


def _rejected(fmt: str, dry_run: bool, problems: list[ImportProblem]) -> ImportResult:
    return ImportResult(
        format=fmt,
        rows=0,
        added=0,
        unchanged=0,
        rejected=True,
        dry_run=dry_run,
        batch=None,
        message=None,
        problems=problems,
    )


@strawberry.type(
    name="ImportBatch",
    description="One import: a file's figures, stored all together. A retracted batch's figures have left "
    "the views from `retractedOn`; a replay `asOf` an earlier day still shows them.",
)
class ImportBatchType:
    domain: strawberry.Private[store.ImportBatch]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field(
        description="The file's name (`graphql-import.csv` for text sent to importObservations)."
    )
    def file_name(self) -> str:
        return self.domain.file_name

    @strawberry.field
    def format(self) -> str:
        return self.domain.format

    @strawberry.field(description="Rows in the file.")
    def rows(self) -> int:
        return self.domain.rows

    @strawberry.field(description="New figures (vintages) it stored; the other rows were stored before.")
    def added(self) -> int:
        return self.domain.added

    @strawberry.field
    def imported_by(self) -> str:
        return self.domain.imported_by

    @strawberry.field
    def imported_at(self) -> datetime.datetime:
        return self.domain.imported_at

    @strawberry.field(description="The day from which its figures are withdrawn; null while it is in force.")
    def retracted_on(self) -> datetime.date | None:
        return self.domain.retracted_on

    @strawberry.field
    def retracted_at(self) -> datetime.datetime | None:
        return self.domain.retracted_at

    @strawberry.field
    def retracted_by(self) -> str | None:
        return self.domain.retracted_by


MAX_BATCHES = 200  # entries importBatches answers at most (its cost bound)


async def import_batches(info: Info, limit: int) -> list[ImportBatchType]:
    require(info, Scope.IMPORT)
    if not 1 <= limit <= MAX_BATCHES:
        raise GraphQLError(
            f"`limit` is {limit}; it must be 1–{MAX_BATCHES}", extensions={"code": "BAD_USER_INPUT"}
        )
    stored = await in_pool(info.context["observations"].batches)
    newest = sorted(stored, key=lambda b: b.imported_at, reverse=True)
    return [ImportBatchType(domain=b) for b in newest[:limit]]


@strawberry.type
class PublishResult:
    strategy_id: strawberry.ID | None
    version: str | None
    published: bool
    dry_run: bool
    problems: list[str]


@strawberry.type
class DataMutation:
    @strawberry.mutation(
        name="importObservations",
        description="Import observations (canonical CSV, Statbank JSON-stat 1.x or 2.0, or Jobindsats JSON v3 or v2, "
        "as text): every row is "
        "checked, then all are stored or none. Needs a token with scope 'import'.",
    )
    async def import_observations(
        self,
        info: Info,
        csv: str,
        format: ImportFormat | None = ImportFormat.CSV,
        dry_run: bool | None = False,
        table: Annotated[
            str | None,
            strawberry.argument(
                description="The Statbank or Jobindsats table the data holds (e.g. y01a02), where the data "
                "does not say it (Jobindsats never does); one per table of a file of several, in order: y08a02,y09a02."
            ),
        ] = None,
        mapping: Annotated[
            str | None,
            strawberry.argument(
                description="The name of the mapping to read the data with: one of the server's KPI_MAPPINGS "
                "directory or a shipped one (statbank, jobindsats). Default: every one, the server's first."
            ),
        ] = None,
    ) -> ImportResult:
        token = require(info, Scope.IMPORT)
        format, dry_run = format or ImportFormat.CSV, bool(dry_run)  # null means the default
        catalogue = info.context["catalogue"]
        name = f"graphql-import.{'csv' if format is ImportFormat.CSV else 'json'}"
        settings = info.context["settings"]
        try:
            mappings = mappings_for_import(name=mapping, directory=settings.mappings_directory)
        except MappingError as exc:
            bounded = [
                Problem(f"mapping {exc.name}", None, p) for p in exc.problems
            ]  # a name is quoted cut short
            problems = [
                ImportProblem(location=p.location, column=p.column, message=p.message) for p in bounded
            ]
            return _rejected(format.value, dry_run, problems)
        report = await in_pool(
            import_bytes,
            csv.encode(),
            name,
            info.context["observations"],
            catalogue.strategies,
            catalogue.areas,
            fmt=format.value,
            dry_run=dry_run,
            table=table or None,
            mappings=mappings,
            imported_by=f"token {token.id} ({token.name}) via GraphQL",
            max_rows=min(settings.max_import_rows, settings.max_api_import_rows),
        )
        return ImportResult(
            format=report.format,
            rows=report.rows,
            added=report.added,
            unchanged=report.unchanged,
            rejected=report.rejected,
            dry_run=report.dry_run,
            batch=report.batch,
            message=report.message or None,
            problems=[
                ImportProblem(location=p.location, column=p.column, message=p.message)
                for p in report.problems
            ],
        )

    @strawberry.mutation(
        name="retractBatch",
        description="Take a batch back as a new vintage: from today its figures leave every view (the vintage "
        "before it shows again, if any), while a replay `asOf` an earlier day still shows them. Needs a token "
        "with scope 'import'.",
    )
    async def retract_batch(self, info: Info, id: strawberry.ID) -> ImportBatchType:
        token = require(info, Scope.IMPORT)
        by = f"token {token.id} ({token.name}) via GraphQL"
        today = datetime.date.today()  # the clock of an import's `published` default
        try:
            batch = await in_pool(
                info.context["observations"].retract, str(id), today, by, datetime.datetime.now(datetime.UTC)
            )
        except store.UnknownBatchError as exc:
            raise GraphQLError(str(exc), extensions={"code": "NOT_FOUND"}) from None
        except store.AlreadyRetractedError as exc:
            raise GraphQLError(str(exc), extensions={"code": "CONFLICT"}) from None
        return ImportBatchType(domain=batch)

    @strawberry.mutation(
        name="publishRevision",
        description="Publish a new revision of a strategy from a catalogue file (TOML text), validated exactly like "
        "the shipped files and together with the revisions already published. Published revisions are immutable. "
        "Needs a token with scope 'publish'.",
    )
    async def publish_revision(
        self, info: Info, catalogue: str, dry_run: bool | None = False
    ) -> PublishResult:
        token = require(info, Scope.PUBLISH)
        dry_run = bool(dry_run)
        revisions = info.context["revisions"]  # storage.catalogue_store.Revisions
        try:  # off the event loop: a large file takes a while to parse, and /healthz must answer
            parsed = await in_pool(parse_revision, catalogue, "publishRevision")
        except CatalogueError as exc:
            return PublishResult(
                strategy_id=None, version=None, published=False, dry_run=dry_run, problems=exc.problems
            )
        ids = (strawberry.ID(parsed.strategy.id), parsed.revision.version)
        stored = info.context["catalogue"].strategy(parsed.strategy.id)
        if stored is not None and stored.revision(parsed.revision.version) is not None:
            return PublishResult(
                strategy_id=ids[0],
                version=ids[1],
                published=False,
                dry_run=dry_run,
                problems=[
                    f"revision {ids[1]} of {ids[0]} is already published; published revisions are immutable "
                    "(publish a new version instead)"
                ],
            )
        try:
            report = await in_pool(
                revisions.publish, [parsed], f"token {token.id} ({token.name}) via GraphQL", dry_run
            )
        except CatalogueError as exc:
            return PublishResult(
                strategy_id=ids[0], version=ids[1], published=False, dry_run=dry_run, problems=exc.problems
            )
        except PublishConflict as exc:
            raise GraphQLError(str(exc), extensions={"code": "CONFLICT"}) from None
        if not report.added:  # stored by another request (or worker) since this one's catalogue was read
            raise GraphQLError(str(PublishConflict([parsed])), extensions={"code": "CONFLICT"})
        return PublishResult(
            strategy_id=ids[0], version=ids[1], published=not dry_run, dry_run=dry_run, problems=[]
        )
