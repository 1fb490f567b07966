"""What resolvers read: the catalogue, built once per data version, never imported by them."""

from kpi_api.catalogue import Catalogue
from kpi_api.graphql.loaders import status_loader


def graphql_context(catalogue: Catalogue, observations, evaluations=None, **extra) -> dict:
    """Everything a request's resolvers use; loaders are per request, so batching and
    caching never leak between requests. `evaluations`: the stored evaluations
    (storage/evaluation_store.py), which answer statuses while they are current."""
    return {
        "catalogue": catalogue,
        "observations": observations,
        "evaluations": evaluations,
        "status_loader": status_loader(catalogue, observations, evaluations),
        **extra,
    }
