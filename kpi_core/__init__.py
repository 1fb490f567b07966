"""kpi_core: the pure domain of municipal strategy goals, key figures and indicators.

No IO beyond reading the package's own catalogue data; stdlib, attrs and cattrs only.
"""

from kpi_core.areas import COUNTRY_CODE, Area, AreaDirectory, AreaKind
from kpi_core.catalogue import (
    CatalogueError,
    RevisionFile,
    StrategyHeader,
    build_strategies,
    parse_areas,
    parse_revision,
)
from kpi_core.convert import make_converter
from kpi_core.indicators import Direction, Indicator, Unit
from kpi_core.lineage import (
    Change,
    ChangeKind,
    FocusAreaChange,
    GoalChange,
    IndicatorChange,
    RevisionDiff,
    changes_since_previous,
    diff,
)
from kpi_core.references import Cluster, ComparisonSet, Country, Dimension, OwnRegion, PopulationGroup, Reference
from kpi_core.shipped import shipped_areas, shipped_revision_files, shipped_strategies
from kpi_core.sources import Remark, RemarkKind, SourceDocument, SourceRef
from kpi_core.strategy import (
    FocusArea,
    Goal,
    LineageKind,
    LineageNote,
    Principle,
    Revision,
    RevisionStatus,
    Strategy,
)
from kpi_core.targets import (
    AtOrAbove,
    AtOrBelow,
    Bound,
    ExternalTarget,
    FollowCluster,
    MaxDuration,
    MonitorOnly,
    Parity,
    PeriodValue,
    RankWithin,
    StrictlyBelow,
    TargetRule,
    Threshold,
)
from kpi_core.text import Lang, Text
from kpi_core.wording import describe_reference, describe_target

__all__ = [
    "COUNTRY_CODE",
    "Area",
    "AreaDirectory",
    "AreaKind",
    "AtOrAbove",
    "AtOrBelow",
    "Bound",
    "CatalogueError",
    "Change",
    "ChangeKind",
    "Cluster",
    "ComparisonSet",
    "Country",
    "Dimension",
    "Direction",
    "ExternalTarget",
    "FocusArea",
    "FocusAreaChange",
    "FollowCluster",
    "Goal",
    "GoalChange",
    "Indicator",
    "IndicatorChange",
    "Lang",
    "LineageKind",
    "LineageNote",
    "MaxDuration",
    "MonitorOnly",
    "OwnRegion",
    "Parity",
    "PeriodValue",
    "PopulationGroup",
    "Principle",
    "RankWithin",
    "Reference",
    "Remark",
    "RemarkKind",
    "Revision",
    "RevisionDiff",
    "RevisionFile",
    "RevisionStatus",
    "SourceDocument",
    "SourceRef",
    "Strategy",
    "StrategyHeader",
    "StrictlyBelow",
    "TargetRule",
    "Text",
    "Threshold",
    "Unit",
    "build_strategies",
    "changes_since_previous",
    "describe_reference",
    "describe_target",
    "diff",
    "make_converter",
    "parse_areas",
    "parse_revision",
    "shipped_areas",
    "shipped_revision_files",
    "shipped_strategies",
]
