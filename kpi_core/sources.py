"""Provenance: the documents a catalogue is read from, and citations into them."""

import datetime
import enum

import attrs

from kpi_core.text import Text

_str = attrs.validators.instance_of(str)


@attrs.frozen
class SourceDocument:
    """A source document, e.g. `Bilag 2 – Indikatorer` of the 2022 revision."""

    id: str = attrs.field(validator=_str)
    file: str = attrs.field(validator=_str)
    title: str = attrs.field(validator=_str)
    dated: datetime.date | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(datetime.date))
    )


@attrs.frozen
class SourceRef:
    """Where in which document a fact is stated: `doc` is a `SourceDocument.id`."""

    doc: str = attrs.field(validator=_str)
    at: str = attrs.field(validator=_str)


class RemarkKind(enum.Enum):
    NOTE = "note"  # the document's own remark (the "Bemærkninger" column)
    AMBIGUITY = "ambiguity"  # the text can be read more than one way
    CONFLICT = "conflict"  # two sources disagree; both readings are kept
    RECONSTRUCTED = "reconstructed"  # not in any source; inferred from other documents
    ASSUMPTION = "assumption"  # something the source leaves open that the catalogue had to choose


class RemarkTopic(enum.Enum):
    """What of an indicator's definition a remark explains, where a page must show the
    remark beside it: the direction next to the trend it gives words to."""

    DIRECTION = "direction"  # why "higher/lower is better" where the source states no target
    FREQUENCY = "frequency"  # why the series is monthly/quarterly/yearly where no source says


@attrs.frozen
class Remark:
    kind: RemarkKind = attrs.field(validator=attrs.validators.instance_of(RemarkKind))
    text: Text = attrs.field(validator=attrs.validators.instance_of(Text))
    source: SourceRef | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(SourceRef))
    )
    about: RemarkTopic | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(RemarkTopic))
    )
