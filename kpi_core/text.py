"""Bilingual text: every user-facing string exists in Danish and English."""

import enum

import attrs


class Lang(enum.Enum):
    DA = "da"
    EN = "en"


def _non_blank(instance: object, attribute: "attrs.Attribute[str]", value: str) -> None:
    if not value.strip():
        raise ValueError(f"{attribute.name} must not be blank")


@attrs.frozen
class Text:
    """The same text in Danish (as in the source) and English (our translation)."""

    da: str = attrs.field(validator=[attrs.validators.instance_of(str), _non_blank])
    en: str = attrs.field(validator=[attrs.validators.instance_of(str), _non_blank])

    def __call__(self, lang: Lang | None = Lang.DA) -> str:
        """The text in `lang`; None means Danish, the language of the sources."""
        return self.en if lang is Lang.EN else self.da
