"""Writing what was read from a report: JSON, YAML, or a table for a reviewer.

All three show the same data (:func:`reading_data`)::

    {"source": {...},
     "total": {"claimed", "max", "bonus", "masked", "text", "line"},
     "claims": [{"number", "title", "level", "max", "claimed", "explanation", "line",
                 "code", "confidence", "parent", "masked"}],
     "unmapped": [...],          # with a rubric only
     "problems": [{"kind", "code", "line", "number", "title", "expected", "found",
                   "message": {"zh", "en"}}]}

Numbers are exact (JSON numbers written from ``Decimal``; YAML the same digits). ``code`` and
``confidence`` are ``null`` without a rubric, or for a heading mapped nowhere. The output is
deterministic: the same report gives the same bytes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from evalrules._claims._numbers import Reading
from evalrules._claims._report import ClaimProblem, ClaimsReport, ReportReading
from evalrules._points import plain
from evalrules._renderers._texttable import grid, paragraph
from evalrules._scorecard._json import dumps

__all__ = ["FORMATS", "reading_data", "render"]

#: The output formats of ``evalrules claims``.
FORMATS = ("table", "json", "yaml", "facts")


def _number(reading: Reading | None) -> Decimal | None:
    return reading.value if reading is not None else None


def _problem(p: ClaimProblem) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "code": p.code or None,
        "line": p.line,
        "number": p.number,
        "title": p.title,
        "expected": p.expected,
        "found": p.found,
        "message": {"zh": p.message_zh, "en": p.message_en},
    }


def reading_data(reading: ReportReading, claims: ClaimsReport | None = None) -> dict[str, Any]:
    """Return what was read as plain data (decimals stay ``Decimal``), keys in fixed order."""
    total = reading.total
    mapping = claims.mapping if claims is not None else ()
    out: dict[str, Any] = {
        "source": {
            "file": reading.source or None,
            "format": reading.format,
            "encoding": reading.encoding,
            "rubric": claims.rubric if claims is not None else None,
        },
        "total": None
        if total is None
        else {
            "claimed": total.claimed,
            "max": total.max,
            "bonus": total.bonus,
            "masked": total.masked,
            "text": total.text,
            "line": total.line,
        },
        "sum_of_top_level": {"claimed": reading.top_claimed, "max": reading.top_max},
        "claims": [],
    }
    for index, heading in enumerate(reading.headings):
        code, confidence = mapping[index] if index < len(mapping) else (None, None)
        out["claims"].append(
            {
                "number": heading.number,
                "title": heading.title,
                "level": heading.level,
                "max": heading.max,
                "claimed": heading.claimed,
                "explanation": heading.explanation,
                "line": heading.line,
                "code": code,
                "confidence": Decimal(str(confidence)) if confidence is not None else None,
                "parent": heading.parent,
                "masked": heading.masked,
                "written": {
                    "max": heading.max_reading.text if heading.max_reading else None,
                    "claimed": heading.claimed_reading.text if heading.claimed_reading else None,
                },
            }
        )
    problems = claims.problems if claims is not None else reading.problems
    if claims is not None:
        out["unmapped"] = [
            {
                "number": u.number,
                "title": u.title,
                "line": u.line,
                "max": u.max,
                "claimed": u.claimed,
                "reason": u.reason,
            }
            for u in claims.unmapped
        ]
    out["problems"] = [_problem(p) for p in problems]
    return out


class _Dumper(yaml.SafeDumper):
    """YAML with exact decimals and keys in the order given."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = plain(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)


def _yaml(data: dict[str, Any]) -> str:
    return str(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))


def _show(value: Decimal | None, written: str | None = None) -> str:
    if value is None:
        return written or "-"
    return plain(value)


def _table(reading: ReportReading, claims: ClaimsReport | None, lang: str) -> str:
    zh = lang == "zh"
    data = reading_data(reading, claims)
    lines: list[str] = []
    total = reading.total
    if total is None:
        lines.append("自评总分:未读出" if zh else "claimed total: not found")
    else:
        parts = [
            ("自评总分" if zh else "claimed total")
            + ": "
            + _show(total.claimed, total.claimed_reading.text),
        ]
        if total.max_reading is not None:
            parts.append(
                ("总分值" if zh else "max") + ": " + _show(total.max, total.max_reading.text)
            )
        if total.bonus_reading is not None:
            parts.append(
                ("含加分" if zh else "bonus included")
                + ": "
                + _show(total.bonus, total.bonus_reading.text)
            )
        lines.append(
            ("  ".join(parts)) + (f"  (第{total.line}行)" if zh else f"  (line {total.line})")
        )
    headers = (
        ["行", "编号", "标题", "分值", "自评分", "代码", "把握"]
        if zh
        else ["line", "number", "title", "max", "claimed", "code", "conf."]
    )
    rows = []
    for item, heading in zip(data["claims"], reading.headings, strict=True):
        indent = "  " * (heading.level - 1)
        rows.append(
            [
                str(heading.line),
                indent + (heading.number or ""),
                heading.title,
                _show(heading.max, item["written"]["max"]),
                _show(heading.claimed, item["written"]["claimed"]),
                item["code"] or "-",
                plain(item["confidence"]) if item["confidence"] is not None else "-",
            ]
        )
    if claims is None:
        headers, rows = headers[:5], [r[:5] for r in rows]
    lines.append("")
    lines.extend(grid(headers, rows, widths=[None, None, 44]))
    if claims is not None and claims.unmapped:
        lines.append("")
        lines.append("未对应到评价方案的标题:" if zh else "headings mapped to no code:")
        for u in claims.unmapped:
            lines.append(f"  {u.line}: {u.number or ''}{u.title} ({u.reason})")
    problems = data["problems"]
    lines.append("")
    if not problems:
        lines.append("一致性检查:未发现问题" if zh else "consistency checks: no problems")
    else:
        lines.append(
            f"一致性检查:{len(problems)} 个问题" if zh else f"consistency checks: {len(problems)}"
        )
        for p in problems:
            message = p["message"]["zh" if zh else "en"]
            lines.extend(paragraph(message, f"  [{p['kind']}] ", "    ", 100))
    return "\n".join(lines) + "\n"


def _facts(claims: ClaimsReport, lang: str) -> str:
    """The facts-file fragment, then the consistency checks as YAML comments."""
    zh = lang == "zh"
    lines = [claims.to_yaml().rstrip("\n")]
    if claims.problems or claims.unmapped:
        count = len(claims.problems) + len(claims.unmapped)
        lines.append(f"# 一致性检查:{count}" if zh else f"# consistency checks: {count}")
        for p in claims.problems:
            where = f" (line {p.line})" if p.line is not None else ""
            message = p.message_zh if zh else p.message_en
            lines.append(f"#   [{p.kind}] {p.code}{where}: {message}")
        for u in claims.unmapped:
            lines.append(f"#   [unmapped: {u.reason}] line {u.line}: {u.heading}")
    else:
        lines.append("# 一致性检查:未发现问题" if zh else "# consistency checks: no problems")
    return "\n".join(lines) + "\n"


def render(reading: ReportReading, claims: ClaimsReport | None, fmt: str, *, lang: str) -> str:
    """Write what was read in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return dumps(reading_data(reading, claims))
    if fmt == "yaml":
        return _yaml(reading_data(reading, claims))
    if fmt == "facts":
        if claims is None:
            raise ValueError("the facts format needs a rubric")
        return _facts(claims, lang)
    return _table(reading, claims, lang)
