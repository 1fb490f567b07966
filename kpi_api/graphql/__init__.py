"""The GraphQL API (strawberry). `schema` is the executable schema."""

from kpi_api.graphql.schema import schema

__all__ = ["schema"]
