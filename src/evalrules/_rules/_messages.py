"""Message templates and their rendering in Chinese (first) and English.

A finding keeps its ``message_id`` and ``params``; the text is rendered from a template with
named fields, so the same finding reads in zh-CN or en, and a host application can render it
in its own words from the JSON.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from evalrules._points import plain
from evalrules._text import Text

_FORMATTER = string.Formatter()

#: Messages the scorer itself emits (not tied to a rule kind).
CORE_MESSAGES: Mapping[str, Text] = {
    "not_assessable.missing": Text(
        "缺少数据:{missing},本项无法评价,暂不得分。",
        "Missing facts: {missing}; the item cannot be assessed and scores nothing for now.",
    ),
    "claim.agrees": Text("自评分与核定分一致。", "The claimed score agrees with the computed one."),
    "claim.differs": Text(
        "自评{claimed}分,核定{computed}分,相差{difference}分。{explanation}",
        "Claimed {claimed}, computed {computed}, a difference of {difference}. {explanation}",
    ),
    "claim.unexplained": Text(
        "未发现扣分依据,差异来自下级指标的自评分。",
        "No finding on this node; the difference comes from the claims of its parts.",
    ),
}


def template_fields(template: str) -> set[str]:
    """The named fields a template uses."""
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def show(value: Any, lang: str) -> str:
    """Format one template field for people."""
    if type(value) is str:  # most fields are text; skip the isinstance chain
        return value
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return plain(value)
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            # Two decimals, unless rounding would make an inexact value look whole (84.9995
            # must not read as 85 next to a standard of 85): then as many as it takes.
            places = 2
            shown = value.quantize(Decimal("0.01"))
            while shown == shown.to_integral_value() and places < 20:
                places += 2
                shown = value.quantize(Decimal(1).scaleb(-places))
            return plain(shown)
        return plain(value)
    if isinstance(value, float | int):
        return show(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), lang)
    if isinstance(value, list | tuple):
        sep = "、" if lang == "zh" else ", "
        return sep.join(show(v, lang) for v in value)
    if isinstance(value, dict | Mapping) and "zh" in value:
        text = value["en"] if lang == "en" and value.get("en") else value["zh"]
        return str(text)
    return str(value)


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: Text, params: Mapping[str, Any]) -> Text:
    """Render a template in both languages; unknown fields are left as ``{name}``."""
    zh = template.zh.format_map(_Fields({k: show(v, "zh") for k, v in params.items()}))
    en_template = template.en or template.zh
    en = en_template.format_map(_Fields({k: show(v, "en") for k, v in params.items()}))
    return Text(zh, en)
