"""kpi_api: the service around kpi_core — storage, GraphQL API and the `kpi` CLI."""
