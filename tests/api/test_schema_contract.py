"""The published contract: the committed SDL is current, and no contract name is broken."""

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from kpi_api.graphql import schema
from kpi_api.schema_export import expected_files, export

ROOT = Path(__file__).resolve().parents[2]

# The contract as issue #2 publishes it; other systems code against these names.
CONTRACT = """
scalar Date
enum Lang { DA EN }
enum ChangeKind { UNCHANGED ADDED REMOVED REPLACED RESCOPED REWORDED }
enum AreaKind { MUNICIPALITY REGION COUNTRY CLUSTER }
enum RevisionStatus { DRAFT ADOPTED SUPERSEDED }
type Query {
  strategies: [Strategy!]!
  strategy(id: ID!): Strategy
  revisionDiff(strategyId: ID!, from: String!, to: String!): RevisionDiff!
  areas(kind: AreaKind): [Area!]!
}
type Strategy { id: ID!  name(lang: Lang = DA): String!  owner: Area!  revisions: [Revision!]!  revision(version: String): Revision }
type Revision { version: String!  status: RevisionStatus!  adoptedOn: Date  principles: [Principle!]!  focusAreas: [FocusArea!]!  indicators: [Indicator!]! }
type Principle { id: ID! }
type FocusArea { id: ID!  number: Int  name(lang: Lang = DA): String!  goal: Goal!  keyFigure: Indicator!  indicators: [Indicator!]! }
type Goal { id: ID!  statement(lang: Lang = DA): String! }
type Target { kind: String! }
type Indicator { id: ID!  name(lang: Lang = DA): String!  unit: String  isKeyFigure: Boolean!  target: Target  change: IndicatorChange }
type IndicatorChange { kind: ChangeKind!  before: Indicator  after: Indicator  reason(lang: Lang = DA): String }
type RevisionDiff { from: String!  to: String!  changes: [IndicatorChange!]! }
type Area { code: String!  name: String!  kind: AreaKind!  region: Area }
"""

# Added by issue #5 (goal status, series, rankings); the same rule: add, never rename.
CONTRACT += """
scalar Decimal
enum Status { ACHIEVED ON_TRACK OFF_TRACK MONITORING NO_DATA }
enum Trend { IMPROVING WORSENING STABLE UNKNOWN }
input BreakdownFilter { dimension: String!  value: String! }
extend type Goal { status(area: String!, period: String, asOf: Date): Evaluation! }
extend type Indicator {
  status(area: String!, period: String, asOf: Date): Evaluation!
  series(area: String!, from: String, to: String, asOf: Date, breakdown: [BreakdownFilter!]): Series!
  ranking(period: String, among: String, asOf: Date): Ranking!
}
type Evaluation { status: Status!  period: String  value: Decimal  reference: Decimal  referenceLabel(lang: Lang = DA): String  gap: Decimal  rank: Int  rankOf: Int  trend: Trend!  explanation(lang: Lang = DA): String!  breakdown: [BreakdownEvaluation!]! }
type BreakdownEvaluation { evaluation: Evaluation! }
type SeriesPoints { periods: [String!]!  values: [Decimal]! }
type ReferenceSeries { area: String!  points: SeriesPoints! }
type Series { indicator: ID!  area: String!  unit: String  points: SeriesPoints!  references: [ReferenceSeries!]! }
type Ranking { period: String  entries: [RankingEntry!]! }
type RankingEntry { rank: Int!  value: Decimal! }
enum ImportFormat { CSV JSONSTAT JOBINDSATS }
type ImportResult { rows: Int!  added: Int!  rejected: Boolean! }
type PublishResult { published: Boolean! }
type Mutation {
  importObservations(csv: String!, format: ImportFormat = CSV, dryRun: Boolean = false): ImportResult!
  publishRevision(catalogue: String!, dryRun: Boolean = false): PublishResult!
}
"""

# Added by issue #14 (statuses on partial data, unknown progress, rules that do not apply).
CONTRACT += """
extend enum Status { NOT_MET_PROGRESS_UNKNOWN UNDECIDED NOT_APPLICABLE }
extend type Evaluation { rankBest: Int  rankWorst: Int  rankKnown: Int }
"""

# Added by issue #17: nullable twins of fields whose errors nulled their parents (the
# non-null ones stay, deprecated), so that an error stays in the field it belongs to.
CONTRACT += """
extend type Goal { evaluation(area: String!, period: String, asOf: Date): Evaluation }
extend type Indicator { evaluation(area: String!, period: String, asOf: Date): Evaluation }
extend type Strategy { diff(from: String!, to: String!): RevisionDiff }
"""


def test_committed_schema_files_are_current():
    result = export(ROOT / "schema", check=True)
    assert result.stale == (), "run `kpi export-schema` (make schema) and commit schema/"


def test_no_contract_name_is_broken():
    ours = build_schema(expected_files()["schema.graphql"])
    assert [c.description for c in find_breaking_changes(build_schema(CONTRACT), ours)] == []


def test_the_breaking_change_check_catches_a_rename():
    renamed = expected_files()["schema.graphql"].replace("isKeyFigure", "keyFigureFlag")
    changes = find_breaking_changes(build_schema(CONTRACT), build_schema(renamed))
    assert [c.description for c in changes] == ["Field Indicator.isKeyFigure was removed."]


def test_executable_schema_matches_printed_sdl():
    assert "revisionDiff(strategyId: ID!, from: String!, to: String!): RevisionDiff!" in str(schema)
