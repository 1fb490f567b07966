"""Fuzzing the service from outside (issue 8): GraphQL queries generated from the schema
with hypothesis-graphql, and the REST/figure routes generated from /openapi.json with
schemathesis. `FUZZ_EXAMPLES` sets how many examples each test draws (default small;
`FUZZ_EXAMPLES=10000` is the long run); the outcome counts are printed in pytest's
terminal summary."""
