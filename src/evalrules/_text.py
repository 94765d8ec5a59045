"""Bilingual text: every word a person reads, in simplified Chinese and English."""

from __future__ import annotations

import re

import attrs


@attrs.frozen
class Text:
    """A piece of text in simplified Chinese and English.

    Attributes:
        zh: Simplified Chinese (zh-CN), the official wording.
        en: English.
    """

    zh: str
    en: str = ""

    def __reduce__(self) -> tuple[type[Text], tuple[str, ...]]:
        # the words alone, without attrs' field names: a scorecard carries many of these
        return (Text, (self.zh, self.en) if self.en else (self.zh,))

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` (``"zh"`` or ``"en"``), falling back to Chinese."""
        if lang == "en" and self.en:
            return self.en
        return self.zh


#: Runs of digits in a path, which :func:`natural_order` compares as numbers.
_DIGITS = re.compile(r"([0-9]+)")


def natural_order(path: str) -> tuple[tuple[str | int, ...], str]:
    """A sort key that reads a path's runs of digits as numbers: ``schools[3]`` before
    ``schools[10]``, ``A2.9`` before ``A2.10``; equal keys (``07``, ``7``) keep text order.

    Splitting on the digits alternates text and number from the first part on, so two keys
    compare part by part with the same type at each place.
    """
    parts = _DIGITS.split(path)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), path
