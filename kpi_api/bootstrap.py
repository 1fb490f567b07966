"""Wiring: the database, migrated, with the catalogue and the observation store on it."""

import logging
from importlib import resources

import attrs
import sqlalchemy as sa

from kpi_api.catalogue import CatalogueHolder
from kpi_api.config import DEFAULT_DATABASE_FILE, DEFAULT_DATABASE_URL, Settings
from kpi_api.evaluation_upkeep import EvaluationUpkeep
from kpi_api.storage import statement_deadline
from kpi_api.storage.catalogue_store import Revisions
from kpi_api.storage.commentary_store import CommentaryStore
from kpi_api.storage.engine import create_engine, migrate
from kpi_api.storage.evaluation_store import StoredEvaluations
from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_api.storage.tokens import Tokens
from kpi_api.storage.webhook_store import WebhookStore
from kpi_core import AreaDirectory, Strategy, shipped_areas, shipped_revision_files

log = logging.getLogger(__name__)
DOCUMENT_FIGURES = "document-figures.csv"


@attrs.frozen
class Services:
    engine: sa.Engine  # for the composition (app, cli) and tests; the faces get the objects below
    revisions: Revisions
    tokens: Tokens
    strategies: tuple[Strategy, ...]
    areas: AreaDirectory
    observations: SqlObservationRepository
    commentary: CommentaryStore
    created: bool  # the database had no catalogue before this start
    evaluations: StoredEvaluations  # what status reads are answered from while current
    upkeep: EvaluationUpkeep  # keeps them current (evaluation_upkeep.py)
    webhooks: WebhookStore  # where the change feed is POSTed (webhook_delivery.py)


def open_services(database_url: str | None = None, settings: Settings | None = None) -> Services:
    """Create and migrate the database if needed and publish the shipped catalogue into
    it (a revision already published is never overwritten)."""
    settings = settings or Settings.from_env(database_url)
    if settings.database_url == DEFAULT_DATABASE_URL:  # the user's data folder, made on first use
        DEFAULT_DATABASE_FILE.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    statement_deadline.install(engine)
    migrate(engine)
    revisions = Revisions(engine)
    report = revisions.publish(list(shipped_revision_files()), by="kpi (shipped catalogue)")
    created = not report.unchanged and not report.conflicting
    areas = shipped_areas()
    observations = SqlObservationRepository(engine)
    evaluations = StoredEvaluations(engine)
    holder = CatalogueHolder(revisions, areas)
    services = Services(
        engine=engine,
        revisions=revisions,
        tokens=Tokens(engine),
        strategies=tuple(revisions.strategies()),
        areas=areas,
        observations=observations,
        commentary=CommentaryStore(engine),
        created=created,
        evaluations=evaluations,
        upkeep=EvaluationUpkeep(evaluations, observations, lambda: holder.get().strategies, areas),
        webhooks=WebhookStore(engine),
    )
    load_document_figures(services)
    return services


def load_document_figures(services: Services) -> None:
    """The real figures quoted in the source documents, each citing its document (a
    re-run is a no-op: the same file is recognised by its hash)."""
    from kpi_api.importing.service import import_bytes

    data = (resources.files("kpi_api") / "data" / DOCUMENT_FIGURES).read_bytes()
    report = import_bytes(
        data,
        DOCUMENT_FIGURES,
        services.observations,
        services.strategies,
        services.areas,
        fmt="csv",
        imported_by="kpi (figures quoted in the source documents)",
    )
    for problem in report.problems:
        log.warning("document figures not loaded: %s", problem)
