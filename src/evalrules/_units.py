"""Units as officials write them (元, 人, %) and how an English card writes them."""

from __future__ import annotations

__all__ = ["unit_in"]

#: English for the units rubrics use. A unit of counting (人, 所, 项) has no English word
#: after a number ("1", not "1 persons"); a unit not listed is shown as written.
_ENGLISH = {
    "元": "yuan",
    "万元": "× 10,000 yuan",
    "元/生": "yuan per pupil",
    "元/年": "yuan per year",
    "平方米": "m²",
    "人": "",
    "个": "",
    "所": "",
    "项": "",
    "件": "",
    "起": "",
    "次": "",
    "班": "",
    "间": "",
    "%": "%",
    "‰": "‰",
}


def unit_in(unit: str, lang: str) -> str:
    """``unit`` for a card in ``lang``: as written in Chinese, in words in English (with the
    space that goes before a word: ``" yuan per pupil"``; none before ``%``)."""
    if lang != "en" or not unit:
        return unit
    english = _ENGLISH.get(unit, unit)
    if not english or english in ("%", "‰"):
        return english
    return " " + english
