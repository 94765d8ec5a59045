"""Bilingual text: every word a person reads, in simplified Chinese and English."""

from __future__ import annotations

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
