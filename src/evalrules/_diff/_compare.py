"""Two rubrics into a :class:`RubricDiff`: every change, matched by code and rule alias."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from evalrules._diff._model import CHANGE_KINDS, Change, Comparability, RubricDiff
from evalrules._rubric._model import (
    Alternative,
    CrossCheck,
    DerivedFact,
    FactSpec,
    Indicator,
    Rubric,
    Rule,
    Source,
    VerdictSpec,
)
from evalrules._rules._conditions import condition_facts
from evalrules._text import Text

#: Which facts a rule reads; by default every ``fact`` key in its parameters.
Reads = Callable[[Rule], tuple[str, ...]]

_FACT_FIELDS = (
    "type",
    "items",
    "unit",
    "required",
    "required_if",
    "minimum",
    "maximum",
    "plausible_max",
    "source",
    "description",
    "values",
)
_DERIVED_FIELDS = ("formula", "inputs", "year", "unit", "description")
#: A table's own fields, and those of its columns and row-derived values, as a change
#: names them (``columns.pupils.maximum``, ``row_derived.per_100.inputs``, ``exclude[0]``).
_TABLE_FIELDS = ("key", "label", "stage", "stages", "max_rows", "min_rows")
_COLUMN_FIELDS = tuple(f for f in _FACT_FIELDS if f not in ("items", "required_if"))
#: An aggregate's fields, as ``aggregate.column``.
_AGGREGATE_FIELDS = ("name", "table", "column", "stage", "weight", "where")
#: The last part of a table's or an aggregate's field that only describes it.
_DESCRIBING = frozenset({"description", "source", "unit", "label", "stages", "row_noun"})
#: Fact fields that change what a score can be (the others only describe the fact).
_FACT_SCORING = frozenset(
    {
        "type",
        "items",
        "required",
        "required_if",
        "minimum",
        "maximum",
        "formula",
        "inputs",
        "year",
        "values",
    }
)
#: Node kinds of change that make the node's own scores incomparable.
_NODE_SCORING = frozenset({"node-added", "node-removed", "max-changed", "not-applicable-changed"})
#: Rule fields that do not change a score (``monotonic`` is a declaration the tests check).
_RULE_DESCRIBING = frozenset({"name", "description", "message", "aliases", "monotonic"})


def _verdict_view(verdict: VerdictSpec | None) -> dict[str, Any] | None:
    """A verdict section as plain data, compared field by field (``gates`` as a whole)."""
    if verdict is None:
        return None
    return {
        "gates": list(verdict.gates),
        "pass_label": _plain(verdict.pass_label),
        "fail_label": _plain(verdict.fail_label),
        "undecided_label": _plain(verdict.undecided_label),
        "source": _plain(verdict.source),
    }


def _plain(value: Any) -> Any:
    """A rubric value as plain data for a change: texts as ``{zh, en}``."""
    if isinstance(value, Text):
        return {"zh": value.zh, "en": value.en}
    if isinstance(value, Source):
        return {
            k: _plain(getattr(value, k))
            for k in ("document", "clause", "url", "inferred", "why", "note", "alternatives")
            if getattr(value, k) not in (None, False, ())
        }
    if isinstance(value, Alternative):
        return {
            k: _plain(getattr(value, k))
            for k in ("params", "why", "document")
            if getattr(value, k) not in (None, {})
        }
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _flatten(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """Leaves of nested parameters as ``(path, value)``; list items with an ``id`` by id."""
    if isinstance(value, Mapping) and value:
        for key in value:
            yield from _flatten(value[key], f"{prefix}.{key}")
    elif isinstance(value, tuple | list) and value:
        if all(isinstance(v, Mapping) and isinstance(v.get("id"), str) for v in value):
            for v in value:
                yield from _flatten(v, f"{prefix}[{v['id']}]")
        else:
            for i, v in enumerate(value):
                yield from _flatten(v, f"{prefix}[{i}]")
    else:
        yield prefix, _plain(value)


def _fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """Fields whose values differ, in the old order then the new one's additions."""
    for key in (*before, *(k for k in after if k not in before)):
        b, a = before.get(key), after.get(key)
        if b != a:
            yield key, b, a


def _nodes(rubric: Rubric) -> dict[str, tuple[Indicator, str | None]]:
    """Every node by code, with its parent's code (``"bonus"`` for a bonus item)."""
    out: dict[str, tuple[Indicator, str | None]] = {}

    def visit(node: Indicator, parent: str | None) -> None:
        out.setdefault(node.code, (node, parent))
        for child in node.children:
            visit(child, node.code)

    for top in rubric.indicators:
        visit(top, None)
    for item in rubric.bonus:
        visit(item, "bonus")
    return out


def _rule_view(item: Indicator, rule: Rule) -> dict[str, Any]:
    view: dict[str, Any] = {"indicator": item.code, "kind": rule.kind}
    view.update(_flatten(rule.params, "params"))
    view["name"] = _plain(rule.name)
    view["message"] = None if rule.message is None else _plain(rule.message)
    if rule.description is not None:
        view["description"] = _plain(rule.description)
    view.update((f"source.{k}", v) for k, v in _plain(rule.source).items())
    view["monotonic"] = [f"{m.fact}:{m.direction}" for m in rule.monotonic] or None
    return view


def _fact_view(
    spec: FactSpec | DerivedFact, fields: tuple[str, ...], *, given: bool = False
) -> dict[str, Any]:
    """The declaration's fields; with ``given``, only those that are set."""
    view = {f: _plain(getattr(spec, f)) for f in fields}
    if isinstance(spec, FactSpec) and spec.table is not None:
        table = spec.table
        view.update({f"table.{f}": _plain(getattr(table, f)) for f in _TABLE_FIELDS})
        for column in table.columns:
            for f in _COLUMN_FIELDS:
                view[f"columns.{column.path}.{f}"] = _plain(getattr(column, f))
        for derived in table.row_derived:
            for f in _DERIVED_FIELDS:
                view[f"row_derived.{derived.path}.{f}"] = _plain(getattr(derived, f))
        # relations within a row (added later: absent from the view when none is declared)
        if table.cross_checks:
            view["table.cross_checks"] = [_cross(c) for c in table.cross_checks]
        if table.totals:
            view["table.totals"] = _plain(table.totals)
        if table.row_noun is not None:
            view["table.row_noun"] = _plain(table.row_noun)
        for i, exclusion in enumerate(table.exclude):
            view[f"exclude[{i}]"] = {"when": _plain(exclusion.when), "why": _plain(exclusion.why)}
            if exclusion.columns:
                view[f"exclude[{i}]"]["columns"] = list(exclusion.columns)
    if isinstance(spec, DerivedFact) and spec.aggregate is not None:
        for f in _AGGREGATE_FIELDS:
            view[f"aggregate.{f}"] = _plain(getattr(spec.aggregate, f))
    return {k: v for k, v in view.items() if v is not None} if given else view


def _scoring_field(field: str | None) -> bool:
    """Whether a change of a fact's or derived fact's field can change a score: its type,
    limits, formula and inputs; anything of a table's rows or an aggregate but its words."""
    if field is None or field in _FACT_SCORING:
        return True
    last = field.rsplit(".", 1)[-1]
    if field.startswith(("columns.", "row_derived.")):
        return last in _FACT_SCORING  # a column's limits count as a fact's do
    if field.startswith(("table.", "exclude", "aggregate.")):
        return last not in _DESCRIBING
    return False


def _cross(check: CrossCheck) -> str:
    return f"{check.kind}({', '.join(check.facts)})"


def diff_rubrics(old: Rubric, new: Rubric, *, reads: Reads | None = None) -> RubricDiff:
    """Every change from ``old`` to ``new``, and per indicator whether scores are comparable.

    Nodes are matched by code; a rule by its code, else by a code among the new rule's
    ``aliases``, or an old rule whose ``aliases`` name the new code (a rename, followed
    either way). ``reads`` tells which facts a rule reads (the engine's rule
    kinds know; by default every ``fact`` key of its parameters).
    """
    reads = reads or (lambda rule: condition_facts(rule.params))
    changes: list[Change] = []
    add = changes.append

    # --- the rubric itself
    for key in ("family", "year", "data_year", "version", "title", "precision", "rounding"):
        b, a = getattr(old, key), getattr(new, key)
        if b != a:
            add(Change("rubric-changed", key, key, _plain(b), _plain(a)))
    if old.max != new.max:
        # The full marks of the total: totals out of different maxima are not comparable.
        add(Change("rubric-changed", "total", "total", old.max, new.max))
    for key in ("number", "title", "url"):
        b, a = getattr(old.source, key), getattr(new.source, key)
        if b != a:
            add(Change("rubric-changed", "source", f"source.{key}", b, a))
    if old.not_applicable != new.not_applicable:
        add(
            Change(
                "not-applicable-changed",
                "rubric",
                "not_applicable",
                old.not_applicable,
                new.not_applicable,
            )
        )
    if old.bonus_cap != new.bonus_cap:
        add(Change("bonus-cap-changed", "rubric", "bonus_cap", old.bonus_cap, new.bonus_cap))

    # --- grades
    old_grades = {g.code: g for g in old.grades}
    new_grades = {g.code: g for g in new.grades}
    for code, g in old_grades.items():
        if code not in new_grades:
            add(Change("grade-removed", code, before={"min": g.lower, "label": _plain(g.label)}))
    for code, g in new_grades.items():
        if code not in old_grades:
            add(Change("grade-added", code, after={"min": g.lower, "label": _plain(g.label)}))
            continue
        o = old_grades[code]
        for field, b, a in _fields(
            {"min": o.lower, "label": _plain(o.label)}, {"min": g.lower, "label": _plain(g.label)}
        ):
            add(Change("grade-changed", code, field, b, a))

    # --- the verdict of a certification rubric: its gates, labels and source
    if old.verdict != new.verdict:
        if old.verdict is None or new.verdict is None:
            add(
                Change(
                    "verdict-changed",
                    "rubric",
                    "verdict",
                    _verdict_view(old.verdict),
                    _verdict_view(new.verdict),
                )
            )
        else:
            before_view, after_view = _verdict_view(old.verdict), _verdict_view(new.verdict)
            for field, b, a in _fields(before_view or {}, after_view or {}):
                add(Change("verdict-changed", "rubric", f"verdict.{field}", b, a))

    # --- facts and derived facts
    for kind, olds, news, fields in (
        ("fact", old.facts, new.facts, _FACT_FIELDS),
        ("derived", old.derived, new.derived, _DERIVED_FIELDS),
    ):
        before = {s.path: s for s in olds}
        after = {s.path: s for s in news}
        for path, spec in before.items():
            if path not in after:
                add(Change(f"{kind}-removed", path, before=_fact_view(spec, fields, given=True)))
        for path, spec in after.items():
            if path not in before:
                add(Change(f"{kind}-added", path, after=_fact_view(spec, fields, given=True)))
                continue
            for field, b, a in _fields(_fact_view(before[path], fields), _fact_view(spec, fields)):
                add(Change(f"{kind}-changed", path, field, b, a))
    old_cross = [_cross(c) for c in old.cross_checks]
    new_cross = [_cross(c) for c in new.cross_checks]
    for c in old_cross:
        if c not in new_cross:
            add(Change("cross-check-removed", c))
    for c in new_cross:
        if c not in old_cross:
            add(Change("cross-check-added", c))

    # --- the indicator tree
    old_nodes, new_nodes = _nodes(old), _nodes(new)
    for code, (_node, parent) in old_nodes.items():
        if code not in new_nodes:
            add(Change("node-removed", code, "parent", before=parent, indicator=code))
    for code, (node, parent) in new_nodes.items():
        if code not in old_nodes:
            add(Change("node-added", code, "parent", after=parent, indicator=code))
            continue
        was, was_parent = old_nodes[code]
        if was_parent != parent:
            add(Change("node-moved", code, "parent", was_parent, parent, indicator=code))
        if was.title != node.title:
            add(Change("node-retitled", code, "title", _plain(was.title), _plain(node.title), code))
        if was.max != node.max:
            add(Change("max-changed", code, "max", was.max, node.max, indicator=code))
        if was.not_applicable != node.not_applicable:
            add(
                Change(
                    "not-applicable-changed",
                    code,
                    "not_applicable",
                    was.not_applicable,
                    node.not_applicable,
                    code,
                )
            )
        for field in ("methods", "evidence", "note"):
            b, a = getattr(was, field), getattr(node, field)
            if b != a:
                add(Change("node-changed", code, field, _plain(b), _plain(a), indicator=code))

    # --- rules, renames followed through aliases
    old_rules = {rule.code: (item, rule) for item, rule in old.rules()}
    new_codes = {rule.code for _, rule in new.rules()}
    # Diffing back (this year against last), the old side's aliases name the new code.
    renamed_back: dict[str, list[str]] = {}
    for code, (_, rule) in old_rules.items():
        if code not in new_codes:
            for alias in rule.aliases:
                renamed_back.setdefault(alias, []).append(code)
    paired: set[str] = set()
    for item, rule in new.rules():
        match = rule.code if rule.code in old_rules else None
        if match is None:
            match = next(
                (
                    a
                    for a in (*rule.aliases, *renamed_back.get(rule.code, ()))
                    if a in old_rules and a not in paired and a not in new_codes
                ),
                None,
            )
        if match is None:
            add(Change("rule-added", rule.code, "kind", after=rule.kind, indicator=item.code))
            continue
        paired.add(match)
        was_item, old_rule = old_rules[match]
        if match != rule.code:
            add(Change("rule-renamed", rule.code, "code", match, rule.code, indicator=item.code))
        for field, b, a in _fields(_rule_view(was_item, old_rule), _rule_view(item, rule)):
            add(Change("rule-changed", rule.code, field, b, a, indicator=item.code))
    for code, (item, rule) in old_rules.items():
        if code not in paired:
            add(Change("rule-removed", code, "kind", before=rule.kind, indicator=item.code))

    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    ordered = tuple(sorted(changes, key=lambda c: order[c.kind]))
    return RubricDiff(
        old=old.ref,
        new=new.ref,
        changes=ordered,
        comparability=_comparability(old, new, ordered, reads, old_nodes, new_nodes),
        old_file=old.file if old.plugin is None else None,
        new_file=new.file if new.plugin is None else None,
        rule_names={
            **{r.code: r.name for _, r in old.rules()},
            **{r.code: r.name for _, r in new.rules()},
        },
    )


def _comparability(
    old: Rubric,
    new: Rubric,
    changes: tuple[Change, ...],
    reads: Reads,
    old_nodes: Mapping[str, tuple[Indicator, str | None]],
    new_nodes: Mapping[str, tuple[Indicator, str | None]],
) -> tuple[Comparability, ...]:
    """Per indicator: the changes under it that alter what its scores mean."""
    everywhere = [
        i
        for i, c in enumerate(changes)
        if (c.kind == "rubric-changed" and c.subject in ("precision", "rounding"))
        or (c.kind == "not-applicable-changed" and c.subject == "rubric")
    ]
    fact_changes: dict[str, list[int]] = {}
    for i, c in enumerate(changes):
        if c.kind.startswith(("fact-", "derived-")) and _scoring_field(c.field):
            fact_changes.setdefault(c.subject, []).append(i)
    inputs: dict[str, tuple[str, ...]] = {}
    for rubric in (old, new):
        for d in rubric.derived:
            inputs[d.path] = tuple(sorted({*inputs.get(d.path, ()), *d.inputs}))

    def closure(paths: set[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(paths)
        while todo:
            path = todo.pop()
            if path not in seen:
                seen.add(path)
                todo.extend(inputs.get(path, ()))
        return seen

    def under(code: str) -> set[str]:
        codes: set[str] = set()
        for nodes in (old_nodes, new_nodes):
            if code in nodes:
                codes.update(n.code for n in nodes[code][0].walk())
        return codes

    def facts_read(codes: set[str]) -> set[str]:
        paths: set[str] = set()
        for nodes in (old_nodes, new_nodes):
            for code in codes:
                if code in nodes:
                    for rule in nodes[code][0].rules:
                        paths.update(reads(rule))
        return closure(paths)

    order = [*new_nodes, *(c for c in old_nodes if c not in new_nodes)]
    out = []
    for code in order:
        codes = under(code)
        reasons = set(everywhere)
        for i, c in enumerate(changes):
            if (
                (c.kind in _NODE_SCORING and c.subject in codes)
                or (c.kind in ("rule-added", "rule-removed") and c.indicator in codes)
                or (c.field == "indicator" and (c.before in codes or c.after in codes))
                or (
                    c.kind == "rule-changed"
                    and c.indicator in codes
                    and (c.field or "") not in _RULE_DESCRIBING
                    and not (c.field or "").startswith("source.")
                )
            ):
                reasons.add(i)
        for path in sorted(facts_read(codes)):
            reasons.update(fact_changes.get(path, ()))
        out.append(Comparability(code, not reasons, tuple(sorted(reasons))))
    return tuple(out)
