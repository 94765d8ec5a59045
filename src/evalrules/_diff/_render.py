"""A diff (and its re-scored districts) as a table, Markdown, ``evalrules.diff/1`` JSON or HTML."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape as html_escape
from importlib import resources
from typing import Any

from evalrules._diff._model import Change, DistrictDelta, ItemDelta, RubricDiff
from evalrules._frozen import thaw
from evalrules._points import plain
from evalrules._renderers._markdown import escape as md_escape
from evalrules._renderers._texttable import clean, grid
from evalrules._scorecard._json import dumps
from evalrules._text import Text

SCHEMA = "evalrules.diff/1"
FORMATS = ("table", "markdown", "json", "html")

_KINDS: dict[str, tuple[str, str]] = {
    "rubric-changed": ("方案信息变化", "rubric changed"),
    "not-applicable-changed": ("不适用政策变化", "not-applicable policy changed"),
    "bonus-cap-changed": ("加分上限变化", "bonus cap changed"),
    "grade-added": ("新增等次", "grade added"),
    "grade-removed": ("删除等次", "grade removed"),
    "grade-changed": ("等次变化", "grade changed"),
    "verdict-changed": ("达标认定规则变化", "verdict changed"),
    "fact-added": ("新增事实", "fact added"),
    "fact-removed": ("删除事实", "fact removed"),
    "fact-changed": ("事实声明变化", "fact changed"),
    "derived-added": ("新增派生事实", "derived fact added"),
    "derived-removed": ("删除派生事实", "derived fact removed"),
    "derived-changed": ("派生事实变化", "derived fact changed"),
    "cross-check-added": ("新增交叉校验", "cross check added"),
    "cross-check-removed": ("删除交叉校验", "cross check removed"),
    "node-added": ("新增指标", "indicator added"),
    "node-removed": ("删除指标", "indicator removed"),
    "node-moved": ("指标移动", "indicator moved"),
    "node-retitled": ("指标更名", "indicator retitled"),
    "max-changed": ("分值变化", "max changed"),
    "node-changed": ("指标说明变化", "indicator details changed"),
    "rule-added": ("新增细则", "rule added"),
    "rule-removed": ("删除细则", "rule removed"),
    "rule-renamed": ("细则改码", "rule renamed"),
    "rule-changed": ("细则变化", "rule changed"),
}

_LABELS: dict[str, tuple[str, str]] = {
    "title": ("评价方案对比", "Rubric diff"),
    "equal": ("两个评价方案相同。", "The two rubrics are the same."),
    "changes": ("处变化", "changes"),
    "kind": ("变化", "change"),
    "subject": ("对象", "subject"),
    "field": ("字段", "field"),
    "before": ("原", "before"),
    "after": ("新", "after"),
    "incomparable": ("得分不可比的指标", "Indicators whose scores are not comparable"),
    "total_incomparable": (
        "(总分满分不同,不可比)",
        "(out of different full marks: not comparable)",
    ),
    "all_comparable": ("所有指标得分可比。", "Every indicator's scores are comparable."),
    "districts": ("按两个方案重新评分", "Re-scored under both rubrics"),
    "item": ("评分项", "item"),
    "delta": ("变化", "delta"),
    "causes": ("原因", "causes"),
    "total": ("总分", "total"),
    "grade": ("等次", "grade"),
    "no_item_delta": ("各评分项得分不变。", "No item's score changed."),
    "incomplete": ("(有无法评价的评分项)", "(some items not assessable)"),
    "yes": ("可比", "comparable"),
    "facts_side": ("两年数据对比(仅列出不同的数据)", "The two years' facts (those that differ)"),
    "fact": ("数据", "fact"),
    "entity_before": ("原数据文件中的地区", "the district in the old facts file"),
    "facts_changed": ("数据变化", "facts changed"),
    "left_out_before": (
        "原方案未定义而略去的数据",
        "facts the old rubric does not declare, left out",
    ),
    "left_out_after": (
        "新方案未定义而略去的数据",
        "facts the new rubric does not declare, left out",
    ),
    "no": ("不可比", "not comparable"),
}


def _names(diff: RubricDiff) -> tuple[str, str]:
    """The two rubrics as the title names them: the reference, with the file if given one."""
    old = diff.old + (f" ({diff.old_file})" if diff.old_file else "")
    new = diff.new + (f" ({diff.new_file})" if diff.new_file else "")
    return clean(old), clean(new)


def _label(key: str, lang: str) -> str:
    zh, en = _LABELS[key]
    return zh if lang == "zh" else en


def kind_label(kind: str, lang: str) -> str:
    """The readable name of a kind of change."""
    zh, en = _KINDS[kind]
    return zh if lang == "zh" else en


def value_text(value: Any, lang: str) -> str:
    """A change's before or after value as one line of text."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, Mapping):
        keys = set(value)
        if keys <= {"zh", "en"} and "zh" in keys:
            # Both languages: a retitling may change only one of them.
            parts = (
                [value["zh"], value.get("en") or ""]
                if lang == "zh"
                else [
                    value.get("en") or "",
                    value["zh"],
                ]
            )
            return clean(" / ".join(str(p) for p in parts if p))
        return "{" + ", ".join(f"{k}: {value_text(v, lang)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(value_text(v, lang) for v in value) + "]"
    return clean(str(value))


#: What a change's field is, in words a reviewer reads (Chinese; the key stays beside it).
_FIELDS_ZH = {
    "title": "标题",
    "max": "分值",
    "parent": "上级指标",
    "kind": "细则类型",
    "code": "编码",
    "params.value": "标准值",
    "params.deduct": "扣分",
    "params.deduct_each": "每起扣分",
    "params.points": "分值",
    "params.fact": "所读事实",
    "params.threshold": "阈值",
    "not_applicable": "不适用处理",
    "bonus_cap": "加分上限",
    "message": "说明文字",
    "name": "名称",
    "total": "总分满分",
    "precision": "精度",
    "rounding": "舍入方式",
}


def field_label(field: str | None, lang: str) -> str:
    """A change's field as a reader names it: ``标准值(params.value)`` in Chinese."""
    if not field:
        return ""
    label = _FIELDS_ZH.get(field) if lang == "zh" else None
    return f"{label}({field})" if label else field


def _subject(change: Change, names: Mapping[str, Any] | None, lang: str) -> str:
    head = change.subject
    name = (names or {}).get(change.subject) if change.kind.startswith("rule-") else None
    if isinstance(name, Text) and name.get(lang):
        head += f" {clean(name.get(lang))}"
    if change.indicator and change.indicator != change.subject:
        head += f" ({change.indicator})"
    return head


def _declared(value: Any, lang: str) -> str:
    """A fact declaration, short (its type and unit), as a cause names it."""
    if isinstance(value, Mapping) and "type" in value:
        unit = value.get("unit")
        return clean(f"{value['type']}, {unit}" if unit else str(value["type"]))
    return value_text(value, lang)


def describe(change: Change, lang: str, names: Mapping[str, Any] | None = None) -> str:
    """One line: what changed, e.g. ``PJ-8.2-a params.value: 850 → 900`` (with ``names``,
    a rule's name after its code)."""
    head = _subject(change, names, lang)
    if change.kind.endswith(("-added", "-removed")) and change.field in (None, "kind", "parent"):
        value = change.after if change.kind.endswith("-added") else change.before
        field = f"{field_label(change.field, lang)} " if change.field else ""
        extra = "" if value is None else f": {field}{_declared(value, lang)}"
        return f"{kind_label(change.kind, lang)} {head}{extra}"
    return (
        f"{kind_label(change.kind, lang)} {head} {field_label(change.field, lang)}: "
        f"{value_text(change.before, lang)} → {value_text(change.after, lang)}"
    )


def _signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + plain(value)


_STATUS = {
    "not_applicable": ("不适用", "not applicable"),
    "not_assessable": ("无法评价", "not assessable"),
}


def _score(value: Decimal | None, status: str | None = None, lang: str = "zh") -> str:
    if value is None:
        return "—"
    if status in _STATUS:
        zh, en = _STATUS[status]
        return f"{plain(value)} ({zh if lang == 'zh' else en})"
    return plain(value)


# ------------------------------------------------------------------------------- JSON


def to_dict(diff: RubricDiff, districts: Sequence[DistrictDelta] | None = None) -> dict[str, Any]:
    """The ``evalrules.diff/1`` form: plain data, decimals exact."""
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "old": diff.old,
        "new": diff.new,
        "old_file": diff.old_file,
        "new_file": diff.new_file,
        "equal": diff.equal,
        "totals_comparable": diff.totals_comparable,
        "changes": [
            {
                "kind": c.kind,
                "subject": c.subject,
                "field": c.field,
                "before": thaw(c.before),
                "after": thaw(c.after),
                "indicator": c.indicator,
            }
            for c in diff.changes
        ],
        "comparability": [
            {"code": c.code, "comparable": c.comparable, "reasons": list(c.reasons)}
            for c in diff.comparability
        ],
    }
    if districts is not None:
        data["districts"] = [
            {
                "source": d.source,
                "entity": d.entity,
                "name": d.name,
                "before": d.before,
                "after": d.after,
                "delta": d.delta,
                "grade_before": d.grade_before,
                "grade_after": d.grade_after,
                "complete_before": d.complete_before,
                "complete_after": d.complete_after,
                "left_out_before": list(d.left_out_before),
                "left_out_after": list(d.left_out_after),
                "entity_before": d.entity_before,
                "facts": [
                    {"path": path, "before": _json_value(b), "after": _json_value(a)}
                    for path, b, a in d.facts
                ],
                "items": [
                    {
                        "code": i.code,
                        "before": i.before,
                        "after": i.after,
                        "delta": i.delta,
                        "comparable": i.comparable,
                        "status_before": i.status_before,
                        "status_after": i.status_after,
                        "causes": list(i.causes),
                        "facts_changed": list(i.facts_changed),
                        "findings": [
                            {"rule": rule, "before": b, "after": a} for rule, b, a in i.findings
                        ],
                    }
                    for i in d.items
                ],
            }
            for d in districts
        ]
    return data


def _json_value(value: Any) -> Any:
    """A fact value as JSON data: a series' years as keys (text)."""
    value = thaw(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def render_json(diff: RubricDiff, districts: Sequence[DistrictDelta] | None = None) -> str:
    """Deterministic JSON following ``diff.schema.json``."""
    return dumps(to_dict(diff, districts))


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``evalrules.diff/1``, shipped in the package."""
    text = resources.files("evalrules").joinpath("diff.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# ------------------------------------------------------------------------ shared rows


def _change_rows(diff: RubricDiff, lang: str) -> list[list[str]]:
    return [
        [
            str(n),
            kind_label(c.kind, lang),
            _subject(c, diff.rule_names, lang),
            field_label(c.field, lang),
            value_text(c.before, lang),
            value_text(c.after, lang),
        ]
        for n, c in enumerate(diff.changes, 1)
    ]


def _headers(lang: str) -> list[str]:
    return ["#", *(_label(k, lang) for k in ("kind", "subject", "field", "before", "after"))]


def _incomparable(diff: RubricDiff, lang: str) -> list[str]:
    total = [] if diff.totals_comparable else [_label("total", lang)]
    return [*total, *(c.code for c in diff.comparability if not c.comparable)]


def _district_head(d: DistrictDelta, lang: str, diff: RubricDiff) -> str:
    name = clean(d.name or d.entity)
    scale = "" if diff.totals_comparable else _label("total_incomparable", lang)
    incomplete = (
        " " + _label("incomplete", lang) if not (d.complete_before and d.complete_after) else ""
    )
    left = ""
    for key, paths in (
        ("left_out_before", d.left_out_before),
        ("left_out_after", d.left_out_after),
    ):
        if paths:
            left += f"; {_label(key, lang)}: {clean(', '.join(paths))}"
    if d.entity_before and d.entity_before != d.entity:
        left += f"; {_label('entity_before', lang)}: {clean(d.entity_before)}"
    return (
        f"{name} ({clean(d.entity)}, {clean(d.source)}): {_label('total', lang)} "
        f"{plain(d.before)} → {plain(d.after)} ({_signed(d.delta)}){scale}, "
        f"{_label('grade', lang)} "
        f"{_grade(d.grade_label_before, d.grade_before, lang)} → "
        f"{_grade(d.grade_label_after, d.grade_after, lang)}{incomplete}{left}"
    )


def _grade(label: Text | None, code: str, lang: str) -> str:
    """A grade as a reader names it (优秀), its code when it has no label."""
    shown = label.get(lang) if label is not None else ""
    return clean(shown or code)


def _cause_lines(diff: RubricDiff, causes: Sequence[int], lang: str) -> list[str]:
    return [f"#{i + 1} {describe(diff.changes[i], lang, diff.rule_names)}" for i in causes]


def _item_lines(diff: RubricDiff, item: ItemDelta, lang: str) -> list[str]:
    """An item delta's explanation: the changes, the facts that changed, each rule's points."""
    lines = _cause_lines(diff, item.causes, lang)
    if item.facts_changed:
        lines.append(f"{_label('facts_changed', lang)}: {clean(', '.join(item.facts_changed))}")
    text = _finding_text(item.findings)
    return [*lines, text] if text else lines


def _fact_rows(d: DistrictDelta, lang: str) -> list[list[str]]:
    return [[clean(path), value_text(b, lang), value_text(a, lang)] for path, b, a in d.facts]


def _finding_text(findings: Sequence[tuple[str, Decimal | None, Decimal | None]]) -> str:
    return "; ".join(f"{rule}: {_signed(b)} → {_signed(a)}" for rule, b, a in findings)


# ------------------------------------------------------------------------------ table


def render_table(
    diff: RubricDiff, districts: Sequence[DistrictDelta] | None = None, *, lang: str = "zh"
) -> str:
    """A terminal table: the changes, the indicators not comparable, the districts."""
    out = [f"{_label('title', lang)}: {' → '.join(_names(diff))}", ""]
    if diff.equal:
        out.append(_label("equal", lang))
    else:
        out.append(f"{len(diff.changes)} {_label('changes', lang)}")
        out.append("")
        out.extend(
            grid(_headers(lang), _change_rows(diff, lang), widths=[None, 20, 40, 24, 36, 36])
        )
        out.append("")
        bad = _incomparable(diff, lang)
        if bad:
            out.append(f"{_label('incomparable', lang)}: {', '.join(bad)}")
        else:
            out.append(_label("all_comparable", lang))
    for d in districts or ():
        out.extend(["", _district_head(d, lang, diff)])
        if d.facts:
            heads = [_label(k, lang) for k in ("fact", "before", "after")]
            out.append("  " + _label("facts_side", lang))
            out.extend(grid(heads, _fact_rows(d, lang), widths=[50, 30, 30], indent="  "))
        if not d.items:
            out.append("  " + _label("no_item_delta", lang))
            continue
        rows = [
            [
                i.code,
                _score(i.before, i.status_before, lang),
                _score(i.after, i.status_after, lang),
                _signed(i.delta),
                _label("yes" if i.comparable else "no", lang),
                "\n".join(_item_lines(diff, i, lang)),
            ]
            for i in d.items
        ]
        heads = [_label(k, lang) for k in ("item", "before", "after", "delta", "yes", "causes")]
        out.extend(
            grid(
                heads,
                rows,
                aligns=["left", "right", "right", "right"],
                widths=[None, None, None, None, None, 70],
                indent="  ",
            )
        )
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- Markdown


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(md_escape(h) for h in headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
        *("| " + " | ".join(cell for cell in row) + " |" for row in rows),
    ]


def render_markdown(
    diff: RubricDiff, districts: Sequence[DistrictDelta] | None = None, *, lang: str = "zh"
) -> str:
    """A Markdown page: a table of the changes, then each district's deltas."""
    out = [f"# {_label('title', lang)}: {' → '.join(md_escape(n) for n in _names(diff))}", ""]
    if diff.equal:
        out.append(_label("equal", lang))
    else:
        rows = [[md_escape(cell) for cell in row] for row in _change_rows(diff, lang)]
        out.extend(_md_table(_headers(lang), rows))
        bad = _incomparable(diff, lang)
        out.append("")
        out.append(
            f"**{_label('incomparable', lang)}**: {md_escape(', '.join(bad))}"
            if bad
            else _label("all_comparable", lang)
        )
    if districts:
        out.extend(["", f"## {_label('districts', lang)}"])
    for d in districts or ():
        out.extend(["", f"### {md_escape(_district_head(d, lang, diff))}", ""])
        if d.facts:
            heads = [_label(k, lang) for k in ("fact", "before", "after")]
            rows = [[md_escape(c) for c in row] for row in _fact_rows(d, lang)]
            out.extend([f"{_label('facts_side', lang)}:", "", *_md_table(heads, rows), ""])
        if not d.items:
            out.append(_label("no_item_delta", lang))
            continue
        rows = [
            [
                md_escape(i.code),
                _score(i.before, i.status_before, lang),
                _score(i.after, i.status_after, lang),
                md_escape(_signed(i.delta)),
                _label("yes" if i.comparable else "no", lang),
                "<br>".join(md_escape(line) for line in _item_lines(diff, i, lang)),
            ]
            for i in d.items
        ]
        heads = [_label(k, lang) for k in ("item", "before", "after", "delta", "yes", "causes")]
        out.extend(_md_table(heads, rows))
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------------------- HTML


def _e(text: str) -> str:
    return html_escape(text, quote=True)


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = [
        "<table>",
        "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr></thead>",
    ]
    out.append("<tbody>")
    for row in rows:
        cells = "".join(
            "<td>" + "<br>".join(_e(line) for line in cell.split("\n")) + "</td>" for cell in row
        )
        out.append(f"<tr>{cells}</tr>")
    out.extend(["</tbody>", "</table>"])
    return out


def render_html(
    diff: RubricDiff, districts: Sequence[DistrictDelta] | None = None, *, lang: str = "zh"
) -> str:
    """A self-contained HTML page."""
    title = f"{_label('title', lang)}: {' → '.join(_names(diff))}"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        '<head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
    ]
    if diff.equal:
        out.append(f"<p>{_e(_label('equal', lang))}</p>")
    else:
        out.extend(_html_table(_headers(lang), _change_rows(diff, lang)))
        bad = _incomparable(diff, lang)
        text = (
            f"{_label('incomparable', lang)}: {', '.join(bad)}"
            if bad
            else _label("all_comparable", lang)
        )
        out.append(f"<p>{_e(text)}</p>")
    if districts:
        out.append(f"<h2>{_e(_label('districts', lang))}</h2>")
    for d in districts or ():
        out.append(f"<h3>{_e(_district_head(d, lang, diff))}</h3>")
        if d.facts:
            heads = [_label(k, lang) for k in ("fact", "before", "after")]
            out.append(f"<p>{_e(_label('facts_side', lang))}</p>")
            out.extend(_html_table(heads, _fact_rows(d, lang)))
        if not d.items:
            out.append(f"<p>{_e(_label('no_item_delta', lang))}</p>")
            continue
        rows = [
            [
                i.code,
                _score(i.before, i.status_before, lang),
                _score(i.after, i.status_after, lang),
                _signed(i.delta),
                _label("yes" if i.comparable else "no", lang),
                "\n".join(_item_lines(diff, i, lang)),
            ]
            for i in d.items
        ]
        heads = [_label(k, lang) for k in ("item", "before", "after", "delta", "yes", "causes")]
        out.extend(_html_table(heads, rows))
    out.extend(["</body>", "</html>"])
    return "\n".join(out) + "\n"


def render(
    diff: RubricDiff,
    districts: Sequence[DistrictDelta] | None,
    fmt: str,
    *,
    lang: str = "zh",
) -> str:
    """The diff in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return render_json(diff, districts)
    renderers = {"table": render_table, "markdown": render_markdown, "html": render_html}
    return renderers[fmt](diff, districts, lang=lang)
