"""A scorecard as a reader sees it: the words and numbers every text renderer shows.

The table, Markdown and HTML renderers differ in layout and escaping, not in content. What
they all show (points with the rubric's precision, fact values in words, evidence lines,
the grade with the veto that changed it, the claims that differ) is computed here once, as
plain unescaped strings; each renderer escapes them for its own format.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._points import format_points, plain
from evalrules._renderers._labels import label
from evalrules._renderers._texttable import display_width
from evalrules._rubric._model import DerivedFact, FactSpec, Rubric, Source
from evalrules._rules._messages import show
from evalrules._scorecard._model import ClaimComparison, Finding, NodeResult, Scorecard
from evalrules._text import Text

__all__ = [
    "EvidenceLine",
    "FindingGroup",
    "Row",
    "differing_claims",
    "evidence_lines",
    "finding_groups",
    "grade_text",
    "points",
    "rows",
    "signed",
    "source_text",
    "summary",
    "value_text",
]


def paren(text: str, lang: str) -> str:
    """``text`` in parentheses: full-width in Chinese, ``" (…)"`` in English."""
    return f"({text})" if lang == "zh" else f" ({text})"


def points(card: Scorecard, value: Decimal) -> str:
    """Points with the rubric's decimal places: ``61.6``, ``100.0``."""
    return format_points(value, card.rubric.precision)


def signed(card: Scorecard, value: Decimal) -> str:
    """Points with an explicit sign: ``+2.0``, ``-0.2``, ``0.0``."""
    text = points(card, value)
    return "+" + text if value > 0 else text


def value_text(value: Any, lang: str) -> str:
    """A fact value in words: ``是``/``yes`` for booleans, series as ``2021: 28.67; …``.

    Decimals keep every digit (evidence must not round a value a reader may check); long
    fractions from derived formulas are shortened by :func:`derived_text` instead.
    """
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, Mapping):
        if set(value) <= {"zh", "en"} and "zh" in value:
            return show(value, lang)
        return "; ".join(f"{k}: {value_text(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, lang) for v in value)
    if value is None:
        return "null"
    return str(value)


def derived_text(value: Decimal, lang: str) -> str:
    """A derived value for people: at most two decimals, marked when that rounds."""
    shown = show(value, lang)
    return shown if Decimal(shown) == value else f"{label('about', lang)} {shown}"


# ------------------------------------------------------------------------------- rows


@attrs.frozen
class Row:
    """One node of the result tree, flattened for a table.

    Attributes:
        depth: 0 for a first-level indicator, 1 for an indicator, 2 for an item.
        node: The node's result.
        claim: Its claimed-vs-computed comparison, when a claim was given.
        note: Status and discrepancy in words (empty when scored and agreeing).
    """

    depth: int
    node: NodeResult
    claim: ClaimComparison | None
    note: str

    @property
    def differs(self) -> bool:
        """True when a claim was given and differs from the computed score."""
        return self.claim is not None and not self.claim.agrees


def _claims(card: Scorecard) -> dict[str, ClaimComparison]:
    return {c.code: c for c in card.claimed or ()}


def rows(card: Scorecard, lang: str) -> Iterator[Row]:
    """Every result node in tree order (indicators, then bonus items), with its claim."""
    claims = _claims(card)

    def walk(node: NodeResult, depth: int) -> Iterator[Row]:
        claim = claims.get(node.code)
        notes = []
        if node.status != "scored":
            notes.append(label(f"status.{node.status}", lang))
        if claim is not None and not claim.agrees:
            notes.append(label("differs", lang, difference=signed(card, claim.difference)))
        yield Row(depth, node, claim, "; ".join(notes))
        for child in node.children:
            yield from walk(child, depth + 1)

    for top in (*card.indicators, *card.bonus_items):
        yield from walk(top, 0)


def chart_nodes(card: Scorecard) -> list[NodeResult]:
    """The nodes a bar chart shows: each indicator (second level), and bonus items.

    A first-level indicator without children is shown itself.
    """
    out: list[NodeResult] = []
    for top in card.indicators:
        out.extend(top.children or (top,))
    out.extend(card.bonus_items)
    return out


# ---------------------------------------------------------------------------- summary


def grade_text(card: Scorecard, lang: str, rubric: Rubric | None) -> str:
    """The grade label, with the grade by the total when a veto changed it."""
    text = card.grade.label.get(lang) or card.grade.code
    if card.grade.base and card.grade.base != card.grade.code:
        base = card.grade.base
        if rubric is not None:
            band = next((g for g in rubric.grades if g.code == base), None)
            if band is not None:
                base = band.label.get(lang)
        text += paren(label("base_grade", lang, grade=base), lang)
    return text


def summary(card: Scorecard, lang: str, rubric: Rubric | None) -> list[tuple[str, str]]:
    """The summary lines as ``(label, value)``: total, grade, vetoes, completeness."""
    total = f"{points(card, card.total)} / {points(card, card.max)}"
    if card.bonus_items or card.bonus:
        comma = label("punct.comma", lang)
        total += paren(
            f"{label('base_total', lang)} {points(card, card.base_total)}{comma}"
            f"{label('bonus', lang)} {points(card, card.bonus)}",
            lang,
        )
    if card.vetoes:
        sep = label("punct.semicolon", lang)
        vetoes = sep.join(f"[{v.rule}] {v.message.get(lang)}" for v in card.vetoes)
    else:
        vetoes = label("none", lang)
    missing = sum(1 for n in card.walk() if not n.children and n.status == "not_assessable")
    completeness = (
        label("complete", lang) if card.complete else label("incomplete", lang, count=missing)
    )
    return [
        (label("total", lang), total),
        (label("grade", lang), grade_text(card, lang, rubric)),
        (label("vetoes", lang), vetoes),
        (label("completeness", lang), completeness),
    ]


def source_text(rubric_source: Source, lang: str) -> str:
    """A rule's source in one line; an inferred one is marked 推定 / inferred."""
    if rubric_source.inferred:
        mark = label("inferred", lang)
        opening, closing = ("〔", "〕") if lang == "zh" else ("[", "] ")
        return f"{opening}{mark}{closing}{rubric_source.why or ''}".rstrip()
    parts = [p for p in (rubric_source.document, rubric_source.clause) if p]
    return ", ".join(parts) if parts else label("unspecified", lang)


# --------------------------------------------------------------------------- findings


@attrs.frozen
class EvidenceLine:
    """One line of a finding's evidence.

    Attributes:
        kind: ``facts``, ``derived`` or ``params`` (the label key).
        name: What the value is: the fact's description, or the parameter's name.
        path: The fact path (empty for parameters).
        value: The value in words (with the unit when the rubric gives one).
        detail: For derived values: the formula and its inputs.
    """

    kind: str
    name: str
    path: str
    value: str
    detail: str = ""


def _fact_info(rubric: Rubric | None, finding: Finding, path: str, lang: str) -> tuple[str, str]:
    """``(description, unit)`` of a fact or derived fact.

    From the rubric when it is at hand; otherwise from the finding's own message fields,
    which name the rule's main fact (``fact_label``, ``unit``), so a stored scorecard
    rendered without its rubric still says what its main value is.
    """
    if rubric is not None:
        specs: tuple[FactSpec | DerivedFact, ...] = (*rubric.facts, *rubric.derived)
        for spec in specs:
            if spec.path == path:
                return spec.description.get(lang), spec.unit or ""
        return "", ""
    if finding.params.get("fact") != path:
        return "", ""
    name = finding.params.get("fact_label")
    unit = finding.params.get("unit")
    return (
        value_text(name, lang) if isinstance(name, Mapping) else "",
        unit if isinstance(unit, str) else "",
    )


def _with_unit(value: str, unit: str) -> str:
    """``84.92%``, ``10140人``, ``850 yuan``: no space before a symbol or a Chinese unit."""
    if not unit or value == "null":
        return value
    tight = unit in ("%", "‰") or display_width(unit[0]) == 2
    return f"{value}{unit}" if tight else f"{value} {unit}"


def evidence_lines(finding: Finding, lang: str, rubric: Rubric | None) -> list[EvidenceLine]:
    """The evidence of a finding, line by line: facts, derived values, parameters."""
    out: list[EvidenceLine] = []
    for path, value in finding.evidence.facts:
        name, unit = _fact_info(rubric, finding, path, lang)
        shown = value_text(value, lang)
        if not isinstance(value, Mapping | bool):
            shown = _with_unit(shown, unit)
        out.append(EvidenceLine("facts", name, path, shown))
    for dv in finding.evidence.derived:
        name, unit = _fact_info(rubric, finding, dv.path, lang)
        inputs = ", ".join(f"{p} = {value_text(v, lang)}" for p, v in dv.inputs)
        formula = label(f"formula.{dv.formula}", lang)
        detail = f"{formula}({inputs})"
        out.append(
            EvidenceLine(
                "derived", name, dv.path, _with_unit(derived_text(dv.value, lang), unit), detail
            )
        )
    # The rule's source (document and clause, or inferred with its reasoning) says what the
    # deduction rests on; the raw parameters are already in the message, in words.
    if rubric is not None:
        rule = next((r for _, r in rubric.rules() if r.code == finding.rule), None)
        if rule is not None:
            out.append(EvidenceLine("params", "", "", source_text(rule.source, lang)))
    return out


@attrs.frozen
class FindingGroup:
    """The findings of one node, in rubric order.

    Attributes:
        code: The node's code.
        title: The node's title (empty when the scorecard has no such node).
        findings: Its findings.
    """

    code: str
    title: Text
    findings: tuple[Finding, ...]


def finding_groups(card: Scorecard) -> list[FindingGroup]:
    """Findings grouped by node, groups in the order their first finding appears."""
    order: dict[str, list[Finding]] = {}
    for finding in card.findings:
        order.setdefault(finding.indicator, []).append(finding)
    groups = []
    for code, findings in order.items():
        try:
            title = card.node(code).title
        except KeyError:
            title = Text("")
        groups.append(FindingGroup(code, title, tuple(findings)))
    return groups


def finding_head(card: Scorecard, finding: Finding, lang: str) -> str:
    """``扣分 -0.2`` / ``Deduction -0.2``; the kind alone when no points moved."""
    kind = label(f"kind.{finding.kind}", lang)
    if finding.kind == "veto" and finding.effect:
        colon = label("punct.colon", lang)
        return f"{kind}{colon}{label(f'effect.{finding.effect}', lang)}"
    if finding.points:
        return f"{kind} {signed(card, finding.points)}"
    return kind


def differing_claims(card: Scorecard) -> list[ClaimComparison]:
    """Claims that differ from the computed score, in rubric order, the total last."""
    return [c for c in card.claimed or () if not c.agrees]


def claim_code(code: str, lang: str) -> str:
    """A claim's code for display: ``total`` reads as 总分 / Total."""
    return label("total", lang) if code == "total" else code
