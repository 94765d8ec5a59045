"""Units as officials write them (元, 人, %) and how an English card writes them."""

from __future__ import annotations

__all__ = ["unit_in", "unit_name"]

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


#: What a unit of counting counts, in English, where a unit is named on its own
#: ("unit: persons"); the others are named as :func:`unit_in` writes them.
_COUNTS = {
    "人": "persons",
    "个": "items",
    "所": "schools",
    "项": "items",
    "件": "cases",
    "起": "incidents",
    "次": "times",
    "班": "classes",
    "间": "rooms",
}


def unit_name(unit: str, lang: str) -> str:
    """``unit`` named on its own (``单位:人`` / ``unit: persons``)."""
    if lang != "en" or not unit:
        return unit
    return _COUNTS.get(unit) or unit_in(unit, lang).strip() or unit
