"""A scorecard as a reader sees it: the words and numbers every text renderer shows.

The table, Markdown and HTML renderers differ in layout and escaping, not in content. What
they all show (points with the rubric's precision, fact values in words, evidence lines,
the grade with the veto that changed it, the claims that differ) is computed here once, as
plain unescaped strings; each renderer escapes them for its own format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._points import format_points, plain
from evalrules._renderers._labels import LABELS, label
from evalrules._renderers._texttable import display_width
from evalrules._rubric._model import DerivedFact, FactSpec, Rubric, Source, TableSpec
from evalrules._rules._messages import figure, percent_figure, show
from evalrules._scorecard._model import (
    ClaimComparison,
    DerivedValue,
    Finding,
    NodeResult,
    Scorecard,
)
from evalrules._text import Text
from evalrules._units import unit_in

__all__ = [
    "EvidenceLine",
    "FindingGroup",
    "Row",
    "aggregate_lines",
    "differing_claims",
    "evidence_lines",
    "finding_groups",
    "formula_words",
    "grade_text",
    "points",
    "provisional",
    "rows",
    "sensitivity_lines",
    "signed",
    "source_text",
    "summary",
    "value_text",
    "verdict_text",
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
    fractions from derived formulas are shortened where a derived value is shown instead.
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


def assumed_items(card: Scorecard, rubric: Rubric | None) -> frozenset[str]:
    """Codes of the items that read a fact whose value was assumed or back-calculated.

    With the rubric at hand, every item one of whose rules reads such a fact: what the
    rule's kind reads (a table for a rule over its rows), and through each derived fact
    read the facts it is computed from, transitively (a value over a table reads the
    table). Without it, the items whose findings show one in their evidence (a fact, a
    derived value's inputs, the table of a row). A table marked assumed marks every item
    reading it; a cell marked (``schools[3].pupils``) the items reading its table.
    """
    return _reading(card, rubric, {path for path, _ in card.assumed})


def _reading(card: Scorecard, rubric: Rubric | None, paths: set[str]) -> frozenset[str]:
    """The codes of the items that read one of ``paths`` (see :func:`assumed_items`)."""
    if not paths:
        return frozenset()
    if rubric is not None:
        derived = {d.path: d for d in rubric.derived}
        declared = {f.path for f in rubric.facts} | set(derived)
        return frozenset(
            item.code
            for item, rule in rubric.rules()
            if any(_touches(paths, read) for read in _reads_through(rule, derived, declared))
        )
    out = set()
    for f in card.findings:
        reads = [p for p, _ in f.evidence.facts]
        for dv in f.evidence.derived:
            reads.append(dv.path)
            reads.extend(p for p, _ in dv.inputs)
        table = dict(f.evidence.row).get("table")
        if isinstance(table, str):
            reads.append(table)
        if any(_touches(paths, read) for read in reads):
            out.add(f.indicator)
    return frozenset(out)


#: The markers of the data notes, in order; a note past the tenth is marked by its number.
_MARKERS = "①②③④⑤⑥⑦⑧⑨⑩"


def _marker(index: int) -> str:
    return _MARKERS[index] if index < len(_MARKERS) else f"({index + 1})"


def _note_groups(card: Scorecard) -> list[tuple[Text, list[str]]]:
    """The scorecard's assumed facts grouped by their note, in order of first appearance:
    ``(note, paths)``."""
    groups: dict[tuple[str, str], tuple[Text, list[str]]] = {}
    for path, note in card.assumed:
        key = (note.get("zh"), note.get("en"))
        groups.setdefault(key, (note, []))[1].append(path)
    return list(groups.values())


def data_notes(card: Scorecard, lang: str, rubric: Rubric | None) -> list[str]:
    """One line per distinct note of the facts document's ``assumed`` data: its marker, the
    note, and the facts it covers, each by its name in quotes (a fact's description may
    read as a statement, 存在以考试方式招生: quoted, it reads as the name of a field; a
    table's name is followed by 明细 / "records"), so that a reader sees what is not
    measured and why before reading a score that rests on it."""
    out = []
    for i, (note, paths) in enumerate(_note_groups(card)):
        names = [f"“{_fact_name(rubric, path, lang)}”" for path in paths]
        text = note.get(lang).rstrip("。.")
        if lang == "en":  # a note is written to follow a word; here it opens a sentence
            text = text[:1].upper() + text[1:]
        facts = label("punct.enum", lang).join(names)
        out.append(label("data_note", lang, marker=_marker(i), note=text, facts=facts))
    return out


def _fact_name(rubric: Rubric | None, path: str, lang: str) -> str:
    """A fact's description (a table's followed by 明细 / "records"; a table's cell by its
    row counted from 1 and its column, as evidence names it), else its path."""
    if rubric is None:
        return path
    spec = next((f for f in rubric.facts if f.path == path), None)
    if spec is not None and spec.table is not None and spec.description.get(lang):
        return label("table_records", lang, table=spec.description.get(lang))
    name, _ = _fact_info(rubric, None, path, lang)
    if not name:
        return path
    return _subject(name, _where(rubric, None, path, lang)[1], lang)


def assumed_markers(card: Scorecard, rubric: Rubric | None) -> dict[str, str]:
    """For each item that reads assumed data (see :func:`assumed_items`), the markers of the
    data notes it rests on (``"①"``, ``"①②"``)."""
    groups = _note_groups(card)
    if not groups:
        return {}
    out: dict[str, str] = {}
    for i, (_, paths) in enumerate(groups):
        for code in _reading(card, rubric, set(paths)):
            out[code] = out.get(code, "") + _marker(i)
    return out


def _touches(assumed: set[str], read: str) -> bool:
    """Whether a fact read is, or holds, an assumed one (``schools`` holds
    ``schools[3].pupils``), or is a cell of an assumed table."""
    if read in assumed:
        return True
    return any(p.startswith((f"{read}[", f"{read}.")) for p in assumed) or (
        _CELL_OF.match(read) is not None and _CELL_OF.sub(r"\1", read) in assumed
    )


#: A table's cell or row value as evidence names it, ``schools[3].pupils``: its table.
_CELL_OF = re.compile(r"\A(.+?)\[[0-9]+\].*\Z")


def _reads_through(rule: Any, derived: Mapping[str, DerivedFact], declared: set[str]) -> set[str]:
    """The facts a rule reads: every declared fact, table or derived fact its parameters
    name (whatever its kind calls the parameter), and the inputs of each derived fact
    among them, transitively."""
    todo = [v for v in _strings(rule.params) if v in declared]
    seen: set[str] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        d = derived.get(path)
        if d is not None:
            todo.extend(d.inputs)
            if d.aggregate is not None:
                todo.append(d.aggregate.table)
    return seen


#: The findings by which a rule decided its item's result: points lost, or a veto.
_DECIDING = frozenset({"deduction", "manual", "veto"})


def inferred_items(card: Scorecard, rubric: Rubric | None) -> frozenset[str]:
    """Codes of the items whose result rests on an inferred standard: an inferred rule with
    a documented alternative (a threshold taken from one of two candidate standards), and,
    with the rubric at hand, an inferred rule that lost the item points or vetoed on this
    card (a rule met, or not applicable, decided nothing a reviewer must check)."""
    codes = {c.indicator for c in card.sensitivity or ()}
    if rubric is not None:
        codes.update(item.code for item, rule in rubric.rules() if rule.source.alternatives)
        inferred = {rule.code for _, rule in rubric.rules() if rule.source.inferred}
        codes.update(
            f.indicator
            for f in (*card.findings, *card.vetoes)
            if f.kind in _DECIDING and f.rule in inferred
        )
    return frozenset(codes)


def rows(card: Scorecard, lang: str, rubric: Rubric | None = None) -> Iterator[Row]:
    """Every result node in tree order (indicators, then bonus items), with its claim.

    The note says, besides the status and a differing claim, when an item's score rests on
    assumed data or on an inferred threshold with a documented alternative.
    """
    claims = _claims(card)
    assumed = assumed_markers(card, rubric)
    inferred = inferred_items(card, rubric)
    sep = label("punct.semicolon", lang)

    def walk(node: NodeResult, depth: int) -> Iterator[Row]:
        claim = claims.get(node.code)
        notes = []
        if node.status != "scored":
            notes.append(label(f"status.{node.status}", lang))
        if claim is not None and not claim.agrees:
            key = "differs" if claim.difference > 0 else "differs_below"
            notes.append(label(key, lang, difference=points(card, abs(claim.difference))))
        if not node.children and node.code in assumed:
            notes.append(label("assumed_data", lang, notes=assumed[node.code]))
        if not node.children and node.code in inferred:
            notes.append(label("inferred_standard", lang))
        yield Row(depth, node, claim, sep.join(notes))
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


def verdict_text(card: Scorecard, lang: str, rubric: Rubric | None = None) -> str:
    """A certification rubric's verdict: its label, then the gates and vetoes that failed
    it (or the items not assessable), by code and title, and those of them decided by an
    inferred standard (see :func:`inferred_items`), to be checked against the province's
    own; empty for a points rubric. Each one's reason is a finding of the card, shown with
    the others."""
    verdict = card.verdict
    if verdict is None:
        return ""
    text = verdict.label.get(lang) or verdict.code
    gates, word = (
        (verdict.failed, "verdict.failed")
        if verdict.failed
        else (verdict.undecided, "verdict.undecided")
    )
    if not gates:
        return text
    # Titles hold 、 and commas themselves: the gates are set apart by semicolons.
    sep = ";" if lang == "zh" else "; "
    listed = sep.join(
        _veto_reason(card, g.rule, g.code, g.title, lang)
        if g.rule
        else f"{g.code} {g.title.get(lang)}"
        for g in gates
    )
    inferred = inferred_items(card, rubric)
    codes = [g.code for g in gates if g.code in inferred]
    if codes:
        listed += sep + label("verdict.inferred", lang, codes=label("punct.enum", lang).join(codes))
    return text + paren(f"{label(word, lang)}{label('punct.colon', lang)}{listed}", lang)


def _veto_reason(card: Scorecard, rule: str, code: str, title: Text, lang: str) -> str:
    """A veto that failed the verdict, named by what it found: ``存在以考试方式招生(一票
    否决)``; by its rule and item title when its finding words no condition (a plugin's
    kind)."""
    for veto in card.vetoes:
        if veto.rule != rule or veto.indicator != code:
            continue
        condition = veto.params.get("condition")  # a finding holds a Text as {zh, en}
        words = (
            (condition.get(lang) or condition.get("zh")) if isinstance(condition, Mapping) else None
        )
        if isinstance(words, str) and words:
            return label("verdict.veto", lang, reason=words)
    return f"[{rule}] {title.get(lang)}"


def certification(card: Scorecard) -> bool:
    """Whether ``card`` is a certification rubric's (it has a verdict, 达标 / 未达标): a
    veto there withholds certification rather than setting a grade."""
    return card.verdict is not None


def veto_head(card: Scorecard, effect: str | None, lang: str) -> str:
    """What a veto did, in a few words: ``一票否决,定为最低等次``, ``降低等次``; on a
    certification card ``不予认定``."""
    if effect == "force_fail" and certification(card):
        return label("effect.force_fail.certification", lang)
    return label(f"effect.{effect}", lang)


def summary(card: Scorecard, lang: str, rubric: Rubric | None) -> list[tuple[str, str]]:
    """The summary lines as ``(label, value)``: total, grade, the verdict of a certification
    rubric, vetoes, completeness, the data notes (see :func:`data_notes`) when the facts
    mark data as assumed, and the time of evaluation when recorded."""
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
    vetoes_word = "vetoes.certification" if certification(card) else "vetoes"
    missing = sum(1 for n in card.walk() if not n.children and n.status == "not_assessable")
    completeness = (
        label("complete", lang) if card.complete else label("incomplete", lang, count=missing)
    )
    grade = grade_text(card, lang, rubric)
    if provisional(card):
        grade += paren(label("provisional_grade", lang), lang)
        total += paren(label("provisional_grade", lang), lang)
    # A rubric without grades (a certification rubric's verdict is its result) shows no
    # grade line: it would say nothing.
    graded = bool(card.grade.code)
    out = [
        (label("total", lang), total),
        *([(label("grade", lang), grade)] if graded else []),
        *([(label("verdict", lang), verdict_text(card, lang, rubric))] if card.verdict else []),
        (label(vetoes_word, lang), vetoes),
        (label("completeness", lang), completeness),
    ]
    notes = data_notes(card, lang, rubric)
    if notes:
        out.append((label("data_notes", lang), label("punct.semicolon", lang).join(notes)))
    if card.evaluated_at is not None:
        out.append((label("evaluated_at", lang), card.evaluated_at))
    return out


def provisional_banner(card: Scorecard, lang: str) -> str:
    """The banner of a partial scorecard (empty for a complete one)."""
    if not provisional(card):
        return ""
    missing = sum(1 for n in card.walk() if not n.children and n.status == "not_assessable")
    return label("provisional", lang, count=missing)


def source_text(rubric_source: Source, lang: str) -> str:
    """A rule's source in one line: its document, an inferred one marked 推定 / inferred
    with its reasoning, and the caveat on the source when there is one."""
    colon = label("punct.colon", lang)
    cited = rubric_source.cited()
    why = rubric_source.why.get(lang) if rubric_source.why is not None else ""
    if rubric_source.inferred:
        opening, closing = ("〔", "〕") if lang == "zh" else ("[", "] ")
        text = f"{opening}{label('inferred', lang)}{closing}{why}".rstrip()
        if cited:
            text += paren(f"{label('cited', lang)}{colon}{cited}", lang)
    else:
        text = cited or label("unspecified", lang)
        if why:
            text += paren(why, lang)
    if rubric_source.note is not None:
        text += paren(f"{label('source_note', lang)}{colon}{rubric_source.note.get(lang)}", lang)
    return text


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
        sentence: The whole line as a reader reads it, after its label: the unit a row
            is of, the value's name and its value, a computed value worked out from its
            operands by name and unit (``青山乡中心小学(3611,小学) 每百名学生拥有县级及以上
            骨干教师数 = 骨干教师数 2人 ÷ 本学段在校生数 310人 × 100 ≈ 0.65人``). It names
            no fact path: the JSON scorecard keeps those for programs.
    """

    kind: str
    name: str
    path: str
    value: str
    detail: str = ""
    sentence: str = ""


def _fact_info(
    rubric: Rubric | None, finding: Finding | None, path: str, lang: str
) -> tuple[str, str]:
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
        cell = _CELL.match(path)
        if cell is not None:
            # a table's cell (schools[12].pupils): its column's description and unit
            table = next((s.table for s in rubric.facts if s.path == cell.group(1)), None)
            column = table.column(cell.group(2)) if table is not None else None
            if column is not None:
                return column.description.get(lang), column.unit or ""
        return "", ""
    if finding is None or finding.params.get("fact") != path:
        return "", ""
    name = finding.params.get("fact_label")
    unit = finding.params.get("unit")
    return (
        value_text(name, lang) if isinstance(name, Mapping) else "",
        unit if isinstance(unit, str) else _official_unit(unit),
    )


def _choice_label(rubric: Rubric | None, path: str, value: Any) -> Text | None:
    """The label a fact or a table's column declares for one of its values (``before_2016``
    → 2016年前, a stage code → 初中), or ``None``: evidence shows a choice by its label, as
    the messages do (the JSON keeps the value)."""
    if rubric is None or isinstance(value, bool) or not isinstance(value, str):
        return None
    spec = next((s for s in rubric.facts if s.path == path), None)
    if spec is not None:
        return spec.value_label(value)
    cell = _CELL.match(path)
    if cell is None:
        return None
    table = next((s.table for s in rubric.facts if s.path == cell.group(1)), None)
    if table is None:
        return None
    if cell.group(2) == table.stage and value in table.stages:
        return table.stages[value]
    column = table.column(cell.group(2))
    return column.value_label(value) if isinstance(column, FactSpec) else None


#: Each formula over named inputs: ``{0}``, ``{1}`` are the inputs' descriptions.
_FORMULA_WORDS: dict[str, Text] = {
    "ratio": Text("{0} ÷ {1}", "{0} ÷ {1}"),
    "share": Text("{0} ÷ {1} × 100%", "{0} ÷ {1} × 100%"),
    "per_capita": Text("{0} ÷ {1}", "{0} ÷ {1}"),
    "per_hundred": Text("{0} ÷ {1} × 100", "{0} ÷ {1} × 100"),
    "difference": Text("{0} − {1}", "{0} − {1}"),
    "growth": Text(
        "(当年{0} − 上年{0}) ÷ 上年{0} × 100%",
        "({0} this year − last year) ÷ last year × 100%",
    ),
}


def _described(rubric: Rubric, path: str, lang: str, table: FactSpec | None = None) -> str:
    """A fact, derived fact or (with ``table``) a column by its description, else its path."""
    if table is not None and table.table is not None:
        found: FactSpec | DerivedFact | None = table.table.column(path)
    else:
        specs: tuple[FactSpec | DerivedFact, ...] = (*rubric.facts, *rubric.derived)
        found = next((s for s in specs if s.path == path), None)
    if found is None:
        return path
    return _inline(found.description.get(lang), lang)


def _inline(text: str, lang: str) -> str:
    """A description inside a sentence: English lowercased at its start (not an acronym)."""
    return text[:1].lower() + text[1:] if lang == "en" and text[1:2].islower() else text


def formula_words(
    rubric: Rubric, spec: DerivedFact, lang: str, table: FactSpec | None = None
) -> str:
    """A derived value's formula in words, its inputs by their descriptions:
    ``生均建筑面积 = 园舍建筑面积 ÷ 在园幼儿数``; for a value over a table's rows, the
    aggregation of which column of which rows (``差异系数:县域义务教育学校(小学)的生均教学
    仪器设备值,按本学段在校生数加权``). ``table`` is the table fact of a row-derived value."""
    name = spec.description.get(lang)
    agg = spec.aggregate
    if agg is not None:
        facts = next((f for f in rubric.facts if f.path == agg.table), None)
        rows = _inline(facts.description.get(lang), lang) if facts is not None else agg.table
        how = label(f"formula.{agg.name}", lang)
        stages = facts.table.stages if facts is not None and facts.table is not None else {}
        if agg.stage is not None:
            stage = stages.get(agg.stage) or Text(agg.stage, agg.stage)
            rows += paren(stage.get(lang), lang)
        column = _described(rubric, agg.column, lang, facts) if agg.column else ""
        weight = _described(rubric, agg.weight, lang, facts) if agg.weight else ""
        if lang == "zh":
            text = f"{name} = {how}:{rows}" + (f"的{column}" if column else "")
            text += f",按{weight}加权" if weight else ""
            text += ",按条件筛选" if agg.where is not None else ""
        else:
            text = f"{name} = {how} of " + (f"{column} over " if column else "") + rows
            text += f", weighted by {weight}" if weight else ""
            text += ", rows meeting a condition" if agg.where is not None else ""
        return text
    inputs = [_described(rubric, p, lang, table) for p in spec.inputs]
    if spec.formula == "sum":
        return f"{name} = {' + '.join(inputs)}"
    words = _FORMULA_WORDS.get(spec.formula)
    if words is None or len(inputs) < (1 if spec.formula == "growth" else 2):
        return f"{name} = {spec.formula}({', '.join(inputs)})"
    return f"{name} = {words.get(lang).format(*inputs)}"


#: A table's cell as evidence names it: ``schools[12].pupils``.
_CELL = re.compile(r"(.+?)\[[0-9]+\]\.([a-z][a-z0-9_]*)\Z")


def _official_unit(unit: Any) -> str:
    """The unit as officials write it, from a message field (a text or its JSON form)."""
    if isinstance(unit, Text):
        return unit.zh
    if isinstance(unit, Mapping) and isinstance(unit.get("zh"), str):
        return str(unit["zh"])
    return ""


def _with_unit(value: str, unit: str, lang: str = "zh") -> str:
    """``84.92%``, ``10140人``, ``850 yuan``: no space before a symbol or a Chinese unit; an
    English card gives the unit in English (a unit of counting, 人 or 所, is left out)."""
    if not unit or value == "null":
        return value
    if lang == "en":
        return f"{value}{unit_in(unit, 'en')}"
    tight = unit in ("%", "‰") or display_width(unit[0]) == 2
    return f"{value}{unit}" if tight else f"{value} {unit}"


#: The unit of an aggregation's value when the rubric gives none: a share of rows is a
#: percentage (88.24%), whatever the rubric's declaration leaves out.
_AGGREGATE_UNITS = {"share_where": "%"}


def _row_noun(rubric: Rubric | None, path: str) -> Text | None:
    """What one row of the table a derived value aggregates is (幼儿园 / kindergartens), as
    the rubric declares it on the table fact, or ``None``."""
    if rubric is None:
        return None
    spec = next((d for d in rubric.derived if d.path == path), None)
    if spec is None or spec.aggregate is None:
        return None
    table = next((f.table for f in rubric.facts if f.path == spec.aggregate.table), None)
    return table.row_noun if table is not None else None


def _stat_places(value: Decimal) -> int:
    """The decimals X̄ or S of a coefficient of variation is first written with: two for a
    value of 1 or more (10.11), four significant digits below (0.4649, 0.08046)."""
    if value.is_zero() or abs(value) >= 1:
        return 2
    return 3 - value.adjusted()


def _rounded(value: Decimal, places: int) -> tuple[str, bool]:
    """``value`` with ``places`` decimals (its own when it has fewer), and whether that
    rounds it."""
    if value == value.to_integral_value():
        return plain(value), False
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent <= places:
        return plain(value), False
    return format(value.quantize(Decimal(1).scaleb(-places)), "f"), True


def _cv_places(breakdown: Mapping[str, Any]) -> int:
    """The decimals X̄ and S take: :func:`_stat_places` of each, and one more as often as
    it takes for S ÷ X̄ of the values as written to give the CV as written (three decimals),
    so that a reader who divides them finds the card's CV."""
    mean, sd, cv = (breakdown.get(k) for k in ("mean", "sd", "cv"))
    if not (isinstance(mean, Decimal) and isinstance(sd, Decimal) and isinstance(cv, Decimal)):
        return 0
    if not mean:
        return 0
    extra = 0
    target = cv.quantize(Decimal("0.001"))
    while extra < 8:
        m = Decimal(_rounded(mean, _stat_places(mean) + extra)[0])
        d = Decimal(_rounded(sd, _stat_places(sd) + extra)[0])
        if m and (d / m).quantize(Decimal("0.001")) == target:
            break
        extra += 1
    return extra


def _aggregate_units(rubric: Rubric | None, path: str) -> tuple[str, str, Text | None]:
    """``(unit of the column aggregated, unit of the weight, the weight's description)`` of
    a value over a table's rows, as its rubric declares them (empty without it)."""
    if rubric is None:
        return "", "", None
    spec = next((d for d in rubric.derived if d.path == path), None)
    if spec is None or spec.aggregate is None:
        return "", "", None
    agg = spec.aggregate
    table = next((f.table for f in rubric.facts if f.path == agg.table), None)
    if table is None:
        return "", "", None
    column = table.column(agg.column) if agg.column else None
    weight = table.column(agg.weight) if agg.weight else None
    return (
        (column.unit or "") if column is not None else "",
        (weight.unit or "") if weight is not None else "",
        weight.description if weight is not None else None,
    )


def _breakdown_parts(
    dv: DerivedValue, lang: str, rubric: Rubric | None, row_noun: Text | None
) -> str:
    """What a value over a table rests on, each part named: X̄ and S with the unit of the
    column aggregated and the digits :func:`_cv_places` gives them, the CV with three
    decimals, the rows counted by the table's row noun (幼儿园数n) and the total weight by
    the weight's own name (本学段在校生数合计P)."""
    named = dict(dv.breakdown_labels)
    if row_noun is not None and "n" not in named:
        named["n"] = Text(f"{row_noun.zh}数n", f"{row_noun.en or row_noun.zh} n")
    unit, weight_unit, weight = _aggregate_units(rubric, dv.path)
    if weight is not None and "weight_total" not in named:
        named["weight_total"] = Text(
            label("breakdown.weight_of", "zh", weight=weight.zh),
            label("breakdown.weight_of", "en", weight=_inline(weight.get("en"), "en")),
        )
    values = dict(dv.breakdown)
    extra = _cv_places(values) if not dv.formula_label else 0
    parts = []
    for key, v in dv.breakdown:
        name = named[key].get(lang) if key in named else label(f"breakdown.{key}", lang)
        sign = "="
        if dv.formula_label or not isinstance(v, Decimal):
            shown = value_text(v, lang)
        elif key in ("mean", "sd"):
            shown, rounds = _rounded(v, _stat_places(v) + extra)
            shown, sign = _with_unit(shown, unit, lang), "≈" if rounds else "="
        elif key == "cv":
            shown, rounds = _rounded(v, 3)
            sign = "≈" if rounds else "="
        elif key == "weight_total":
            shown = _with_unit(plain(v), weight_unit, lang)
        else:
            shown = plain(v)
        parts.append(f"{name} {sign} {shown}")
    return label("punct.comma", lang).join(parts)


def _derived_number(dv: DerivedValue, unit: str, lang: str) -> tuple[str, bool]:
    """A computed value as shown, with its unit, and whether that rounds it: a percentage
    with two decimals (:func:`percent_figure`), a CV with three, else at most two (more
    only where two would make it look rounder, see :func:`figure`)."""
    assert dv.value is not None
    if dv.formula == "cv":
        shown = format(dv.value.quantize(Decimal("0.001")), "f")
    elif unit == "%":
        shown = percent_figure(dv.value)
    else:
        shown = figure(dv.value, 2)
    return _with_unit(shown, unit, lang), Decimal(shown) != dv.value


def _derived_line(
    dv: DerivedValue,
    name: str,
    unit: str,
    lang: str,
    row_noun: Text | None = None,
    rubric: Rubric | None = None,
) -> EvidenceLine:
    """A value over a table as a line of the card's computed values: its value, then what
    it rests on (X̄, S, CV, n, P), each named and with its unit; the rows counted by the
    table's row noun (幼儿园数n) when it declares one."""
    if dv.formula_label is not None:
        formula = dv.formula_label.get(lang)
    else:
        formula = label(f"formula.{dv.formula}", lang)
    unit = unit or _AGGREGATE_UNITS.get(dv.formula, "")
    if dv.value is None:  # not computed for want of rows: why, not a number
        why = dv.not_computed.get(lang) if dv.not_computed is not None else ""
        detail = f"{formula}{label('punct.colon', lang)}{why}"
        sentence = f"{name}{label('punct.colon', lang)}{label('not_computed', lang)}"
        return EvidenceLine(
            "derived",
            name,
            dv.path,
            label("not_computed", lang),
            detail,
            sentence + paren(detail, lang),
        )
    if dv.breakdown:
        parts = _breakdown_parts(dv, lang, rubric, row_noun)
    else:
        parts = label("punct.comma", lang).join(
            f"{p} = {value_text(v, lang)}" for p, v in dv.inputs
        )
    shown, rounds = _derived_number(dv, unit, lang)
    value = f"{label('about', lang)} {shown}" if rounds else shown
    detail = f"{formula}{paren(parts, lang)}"
    sign = "≈" if rounds else "="
    sentence = f"{name} {sign} {shown}" + paren(
        f"{formula}{label('punct.colon', lang)}{parts}", lang
    )
    return EvidenceLine("derived", name, dv.path, value, detail, sentence)


#: A row's value as evidence names it (``schools[12]``), its table and its index.
_ROW_OF = re.compile(r"(.+?)\[([0-9]+)\]\.([a-z][a-z0-9_]*)\Z")

#: A year of a series as a growth rate's inputs name it: ``finance.budget[2023]``.
_YEAR_OF = re.compile(r"(.+?)\[([0-9]{4})\]\Z")


def _table_of(rubric: Rubric | None, table: str) -> TableSpec | None:
    if rubric is None:
        return None
    return next((s.table for s in rubric.facts if s.path == table), None)


def _row_words(
    rubric: Rubric | None,
    row: Mapping[str, Any],
    table: str,
    index: int,
    lang: str,
    column: str = "",
) -> str:
    """The unit a row is of, as a reader knows it: its name, with its code when the table
    has a key column of its own and its stage when it has stages (``青山乡中心小学(3611,
    小学)`` / ``青山乡中心小学 (3611, primary)``); a row other than the finding's by its
    place in the table counted from 1 (``第11行`` / ``row 11``). A unit-wide ``column`` (a
    total over the unit's rows: a nine-year school's pupils of both stages) is the whole
    unit's, not its stage's: ``(3631,全校)`` / ``(3631, whole school)``."""
    if row.get("table") != table or row.get("index") != index:
        return label("evidence.row_number", lang, number=index + 1)
    name = str(row.get("name") or row.get("key") or "")
    spec = _table_of(rubric, table)
    inside = []
    key = row.get("key")
    has_key = spec.key != spec.label if spec is not None else key != row.get("name")
    if has_key and key not in (None, ""):
        inside.append(str(key))
    stage = row.get("stage")
    if spec is not None and column in spec.totals:
        inside.append(label("evidence.whole_unit", lang))
    elif isinstance(stage, str):
        words = spec.stages.get(stage) if spec is not None else None
        inside.append(words.get(lang) if words is not None else stage)
    if not inside:
        return name or label("evidence.row_number", lang, number=index + 1)
    return name + paren(label("punct.comma", lang).join(inside), lang)


def _subject(name: str, of_row: str, lang: str) -> str:
    """A value's name with the unit its row is of: ``青山乡中心小学(3611) 骨干教师数`` /
    ``Backbone teachers at 青山乡中心小学 (3611)``."""
    if not of_row:
        return name
    if not name:
        return of_row
    return f"{of_row} {name}" if lang == "zh" else f"{name} at {of_row}"


def _where(
    rubric: Rubric | None, finding: Finding | None, path: str, lang: str
) -> tuple[str, str, FactSpec | None]:
    """``(path without its row, the row's words, the table fact)`` of a fact or derived
    path: a row's cell (``schools[10].pupils``) names its column and its row; any other
    path is itself, with no row."""
    cell = _ROW_OF.match(path)
    if cell is None:
        return path, "", None
    table = next((f for f in rubric.facts if f.path == cell.group(1)), None) if rubric else None
    row = dict(finding.evidence.row) if finding is not None else {}
    column = cell.group(3)
    spec = table.table if table is not None else None
    if spec is not None and finding is not None and spec.totals:
        # a finding on a unit-wide value names the whole unit on every cell it shows
        for shown, _ in finding.evidence.facts:
            of = _ROW_OF.match(shown)
            if of is not None and of.group(1) == cell.group(1) and of.group(3) in spec.totals:
                column = of.group(3)
                break
    of_row = _row_words(rubric, row, cell.group(1), int(cell.group(2)), lang, column)
    return cell.group(3), of_row, table


def _operand(
    rubric: Rubric | None, finding: Finding | None, path: str, value: Any, lang: str
) -> str:
    """An input of a formula by its description, its value and its unit: ``骨干教师数 2人``
    / ``backbone teachers 2``."""
    column, _, table = _where(rubric, finding, path, lang)
    name, unit = _fact_info(rubric, finding, path, lang)
    if not name:
        name = _described(rubric, column, lang, table) if rubric is not None else column
    shown = value_text(value, lang)
    if not isinstance(value, Mapping | bool):
        shown = _with_unit(shown, unit, lang)
    return f"{_inline(name, lang)} {shown}"


def _worked(
    dv: DerivedValue,
    rubric: Rubric | None,
    finding: Finding | None,
    name: str,
    unit: str,
    lang: str,
) -> str:
    """A derived value worked out from its inputs, each by its name, value and unit:
    ``骨干教师数 2人 ÷ 本学段在校生数 310人 × 100 ≈ 0.65人``; ``=`` before an exact
    value, ``≈`` before one rounded."""
    assert dv.value is not None
    shown, rounds = _derived_number(dv, unit, lang)
    sign = "≈" if rounds else "="
    operands = [_operand(rubric, finding, p, v, lang) for p, v in dv.inputs]
    words = _FORMULA_WORDS.get(dv.formula)
    if dv.formula == "growth" and len(dv.inputs) == 2:
        (before_path, before), (_, now) = dv.inputs
        year = _YEAR_OF.match(before_path)
        series = year.group(1) if year is not None else before_path
        what = _described(rubric, series, lang) if rubric is not None else series
        of_series = _fact_info(rubric, finding, series, lang)[1]
        b = _with_unit(value_text(before, lang), of_series, lang)
        n = _with_unit(value_text(now, lang), of_series, lang)
        if year is not None:
            y = int(year.group(2))
            if lang == "zh":
                expr = f"({what}{y + 1}年 {n} − {y}年 {b}) ÷ {b} × 100%"
            else:
                expr = f"({_inline(what, lang)} {y + 1} {n} − {y} {b}) ÷ {b} × 100%"
        else:
            expr = f"({n} − {b}) ÷ {b} × 100%"
    elif dv.formula == "sum" and operands:
        expr = " + ".join(operands)
    elif words is not None and len(operands) == 2:
        expr = words.get(lang).format(*operands)
    else:
        formula = label(f"formula.{dv.formula}", lang)
        expr = formula + paren(label("punct.comma", lang).join(operands), lang)
    return f"{name} = {expr} {sign} {shown}"


def aggregates_heading(card: Scorecard, lang: str, rubric: Rubric | None = None) -> tuple[str, str]:
    """The title and the introduction of a card's values computed over tables, naming the
    rows as the rubric's tables do (按幼儿园数据计算的指标值) when the tables its values are
    computed over all name them alike, else 学校(单位)."""
    # a value computed from aggregates (a rate over two sums) has no table of its own
    nouns = {_row_noun(rubric, dv.path) for dv in card.aggregates} - {None}
    noun = nouns.pop() if len(nouns) == 1 else None
    if noun is None:
        return label("aggregates", lang), label("aggregates.intro", lang)
    named = noun.get(lang)
    return (
        label("aggregates.of", lang, noun=named),
        label("aggregates.intro.of", lang, noun=named),
    )


def aggregate_lines(card: Scorecard, lang: str, rubric: Rubric | None = None) -> list[EvidenceLine]:
    """Every value the evaluation computed over a table's rows, and from such values (a rate
    over two sums), line by line (a coefficient of variation with its X̄ and S), named by
    its description; empty when there are none."""
    out = []
    for dv in card.aggregates:
        name, unit = "", ""
        if rubric is not None:
            spec = next((d for d in rubric.derived if d.path == dv.path), None)
            if spec is not None:
                name, unit = spec.description.get(lang), spec.unit or ""
        if not name and dv.description is not None:
            name = dv.description.get(lang)
        line = _derived_line(dv, name or dv.path, unit, lang, _row_noun(rubric, dv.path), rubric)
        if rubric is not None and dv.value is not None and dv.inputs and not dv.breakdown:
            # a value computed from aggregates: worked out from them by name (毛入园率 =
            # 在园幼儿总数 4890人 ÷ 县域3至5周岁适龄儿童数 5480人 × 100%)
            worked = _worked(dv, rubric, None, name, unit, lang)
            line = attrs.evolve(line, sentence=worked, detail=worked[len(name) + 3 :])
        out.append(line)
    return out


def evidence_lines(
    finding: Finding,
    lang: str,
    rubric: Rubric | None,
    card_assumed: tuple[tuple[str, Text], ...] = (),
) -> list[EvidenceLine]:
    """The evidence of a finding, line by line: facts, derived values, parameters.

    A fact among ``card_assumed`` (the scorecard's :attr:`~Scorecard.assumed`) is marked
    as assumed, with its note.
    """
    out: list[EvidenceLine] = []
    assumed = dict(card_assumed)
    colon = label("punct.colon", lang)
    for path, value in finding.evidence.facts:
        name, unit = _fact_info(rubric, finding, path, lang)
        choice = _choice_label(rubric, path, value)
        shown = choice.get(lang) if choice is not None else value_text(value, lang)
        if choice is None and not isinstance(value, Mapping | bool):
            shown = _with_unit(shown, unit, lang)
        if path in assumed:
            shown += paren(f"{label('assumed_value', lang)}{colon}{assumed[path].get(lang)}", lang)
        column, of_row, _ = _where(rubric, finding, path, lang)
        subject = _subject(name or column, of_row, lang)
        out.append(EvidenceLine("facts", name, path, shown, "", f"{subject} = {shown}"))
    for dv in finding.evidence.derived:
        name, unit = _fact_info(rubric, finding, dv.path, lang)
        column, of_row, _ = _where(rubric, finding, dv.path, lang)
        line = _derived_line(dv, name or column, unit, lang, _row_noun(rubric, dv.path), rubric)
        if dv.value is not None and dv.inputs and not dv.breakdown:
            subject = _subject(name or column, of_row, lang)
            line = attrs.evolve(line, sentence=_worked(dv, rubric, finding, subject, unit, lang))
        elif of_row:
            line = attrs.evolve(line, sentence=_subject(line.sentence, of_row, lang))
        out.append(line)
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
    """``扣0.2分`` / ``Deduction 0.2``; the kind alone when no points moved."""
    kind = label(f"kind.{finding.kind}", lang)
    if finding.kind == "veto" and certification(card):
        kind = label("kind.veto.certification", lang)
    if finding.kind == "veto" and finding.effect:
        colon = label("punct.colon", lang)
        return f"{kind}{colon}{veto_head(card, finding.effect, lang)}"
    if finding.kind == "deduction" and not finding.points and counted_before(finding):
        return label("kind.deduction.counted", lang)
    if finding.points:
        amount = points(card, abs(finding.points))
        if f"head.{finding.kind}" in LABELS:
            # A deduction reads 扣0.2分 / Deduction 0.2: the word says the direction, a
            # sign next to it would say it twice.
            return label(f"head.{finding.kind}", lang, points=amount)
        return f"{kind} {signed(card, finding.points)}"
    return kind


def counted_before(finding: Finding) -> bool:
    """Whether a finding is a later one of an item whose deduction an earlier finding
    already took (its message the kind's ``…_also`` / ``….also_…`` one, "(已计入本项扣分,
    不重复扣分)"): it is headed 同项扣分 / Same item, with no amount."""
    _, _, rest = finding.message_id.partition(".")
    return finding.message_id.endswith("_also") or rest.startswith("also_")


def differing_claims(card: Scorecard) -> list[ClaimComparison]:
    """Claims that differ from the computed score, in rubric order, the total last."""
    return [c for c in card.claimed or () if not c.agrees]


def claim_code(code: str, lang: str) -> str:
    """A claim's code for display: ``total`` reads as 总分 / Total."""
    return label("total", lang) if code == "total" else code


# ------------------------------------------------------------------------ sensitivity


@attrs.frozen
class SensitivityLine:
    """One documented alternative of an inferred rule, in words.

    Attributes:
        code: The item's code.
        title: The item's title.
        rule: The rule's code.
        text: What the item scores now and what it would score, the total and the grade.
        why: Where the alternative comes from.
        changes: True when the alternative changes the item's score.
    """

    code: str
    title: str
    rule: str
    text: str
    why: str
    changes: bool


def sensitivity_lines(card: Scorecard, lang: str) -> list[SensitivityLine]:
    """The scorecard's sensitivity cases in words (empty when none were computed)."""
    out = []
    for case in card.sensitivity or ():
        try:
            title = card.node(case.indicator).title.get(lang)
        except KeyError:
            title = ""
        grade = case.grade.label.get(lang) or case.grade.code
        key = "sensitivity.changes" if case.changes else "sensitivity.same"
        # A sentence writes 4分, not 4.0分 (the tables keep the rubric's decimal places).
        values = {
            "score": plain(case.score),
            "alternative": plain(case.alternative_score),
            "total": plain(case.total),
        }
        if grade:
            text = label(key, lang, grade=grade, **values)
        else:  # a rubric without grades (a certification rubric's): the total alone
            text = label(f"{key}.ungraded", lang, **values)
        why = case.why.get(lang)
        if case.document:
            cited = f"{label('cited', lang)}{label('punct.colon', lang)}{case.document}"
            # Chinese adds the source as its own sentence, so that no bracket nests in another.
            why += f"{cited}。" if lang == "zh" else paren(cited, lang)
        out.append(SensitivityLine(case.indicator, title, case.rule, text, why, case.changes))
    return out


def provisional(card: Scorecard) -> bool:
    """True when the scorecard is partial: its total and grade are provisional."""
    return not card.complete


def claim_difference(card: Scorecard, claim: ClaimComparison, lang: str) -> str:
    """A claim's difference with its direction in words: ``核减2.0`` (the claim is higher),
    ``核增2.0`` (lower); never a bare sign."""
    amount = points(card, abs(claim.difference))
    if claim.depends_on_cohort:  # not the entity's score yet: scored by place, alone
        return label("claim.cohort", lang, difference=amount)
    key = "claim.reduced" if claim.difference > 0 else "claim.raised"
    return label(key, lang, difference=amount)


def _strings(value: Any) -> Iterator[str]:
    """Every text in a rule's parameters, nested ones included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
