"""The same facts scored under two rubrics, each delta explained by the changes behind it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._compiler._compiled import CompiledRubric
from evalrules._diff._model import DistrictDelta, ItemDelta, RubricDiff
from evalrules._facts._document import FactsDocument
from evalrules._points import ZERO
from evalrules._scorecard._model import NodeResult, Scorecard


def _leaves(nodes: Iterable[NodeResult]) -> Iterator[NodeResult]:
    for node in nodes:
        if node.children:
            yield from _leaves(node.children)
        else:
            yield node


def _items(card: Scorecard) -> dict[str, NodeResult]:
    return {n.code: n for n in _leaves((*card.indicators, *card.bonus_items))}


def _points_by_rule(card: Scorecard, renamed: dict[str, str]) -> dict[str, dict[str, Decimal]]:
    """Item code → rule code (as the new rubric names it) → points of its findings."""
    out: dict[str, dict[str, Decimal]] = {}
    for f in card.findings:
        rule = renamed.get(f.rule, f.rule)
        per_item = out.setdefault(f.indicator, {})
        per_item[rule] = per_item.get(rule, ZERO) + f.points
    return out


def _prune(
    facts: Mapping[str, Any], declared: set[str], prefix: str, dropped: list[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if path in declared:
            out[key] = value
        elif isinstance(value, Mapping) and any(d.startswith(path + ".") for d in declared):
            out[key] = _prune(value, declared, path + ".", dropped)
        else:
            dropped.append(path)
    return out


def _declared_only(
    doc: FactsDocument, compiled: CompiledRubric
) -> tuple[FactsDocument, tuple[str, ...]]:
    """``doc`` without the facts ``compiled`` does not declare, and their paths."""
    declared = {f.path for f in compiled.rubric.facts}
    dropped: list[str] = []
    facts = _prune(doc.facts, declared, "", dropped)
    if not dropped:
        return doc, ()
    return attrs.evolve(doc, facts=facts), tuple(dropped)


def _flat(facts: Mapping[str, Any], paths: set[str], prefix: str = "") -> dict[str, Any]:
    """The values of ``facts`` at the declared ``paths`` (a series as a whole)."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if path in paths:
            out[path] = value
        elif isinstance(value, Mapping):
            out.update(_flat(value, paths, path + "."))
    return out


def _item_reads(compiled: CompiledRubric) -> dict[str, set[str]]:
    """Item code → the facts its rules read, with the inputs of derived facts, transitively."""
    kinds = compiled._plan.kinds
    inputs = {d.path: d.inputs for d in compiled.rubric.derived}
    out: dict[str, set[str]] = {}
    for item, rule in compiled.rubric.rules():
        kind = kinds.get(rule.kind)
        todo = list(kind.reads(rule.params)) if kind is not None else []
        seen = out.setdefault(item.code, set())
        while todo:
            path = todo.pop()
            if path not in seen:
                seen.add(path)
                todo.extend(inputs.get(path, ()))
    return out


def rescore(
    diff: RubricDiff,
    old: CompiledRubric,
    new: CompiledRubric,
    documents: Iterable[tuple[str, FactsDocument] | tuple[str, FactsDocument, FactsDocument]],
) -> tuple[DistrictDelta, ...]:
    """Score each ``(source, document)`` under ``old`` and ``new``; or, for a
    ``(source, last year's document, this year's document)``, each document under its own
    year's rubric, side by side.

    With two documents, the facts whose values differ are listed, and each item delta also
    names the facts its rules read that changed.

    Claimed scores in the documents are left out, and so are facts a rubric does not
    declare (last year's facts file may hold one this year's rubric removed). Items whose
    facts are missing under a rubric are scored as not assessable (partial mode), so that a
    facts file of last year's
    still shows what it can under this year's.
    Each item delta names the changes that explain it: those that make the item not
    comparable (its rules, max, policy, the declarations of the facts its rules read).

    Raises:
        FactsError: when a document is invalid under either rubric (other than missing facts).
    """
    renamed = {c.before: c.after for c in diff.changes if c.kind == "rule-renamed"}
    reasons = {c.code: c for c in diff.comparability}
    # Item code → its rules' codes (as the new rubric names them), on each side.
    codes_before: dict[str, list[str]] = {}
    for item, rule in old.rubric.rules():
        codes_before.setdefault(item.code, []).append(renamed.get(rule.code, rule.code))
    codes_after: dict[str, list[str]] = {}
    for item, rule in new.rubric.rules():
        codes_after.setdefault(item.code, []).append(rule.code)
    reads_before, reads_after = _item_reads(old), _item_reads(new)
    declared = {f.path for f in old.rubric.facts} | {f.path for f in new.rubric.facts}
    out = []
    for entry in documents:
        source, first = entry[0], entry[1]
        second = entry[2] if len(entry) == 3 else first
        # Claimed scores are last year's claims against last year's tree: not re-scored.
        # Scoring one year's facts under the other year's rubric is the point of a
        # re-scoring, so the rubric a document names does not refuse it here.
        first = attrs.evolve(first, claimed={}, rubric=None, rubric_digest=None)
        second = attrs.evolve(second, claimed={}, rubric=None, rubric_digest=None)
        # A fact one rubric no longer declares is left out under it, and said so.
        doc_old, left_old = _declared_only(first, old)
        doc_new, left_new = _declared_only(second, new)
        values_before = _flat(first.facts, declared)
        values_after = _flat(second.facts, declared)
        changed_facts = tuple(
            (path, values_before.get(path), values_after.get(path))
            for path in sorted(set(values_before) | set(values_after))
            if values_before.get(path) != values_after.get(path)
        )
        changed_paths = {path for path, _, _ in changed_facts}
        before = old.evaluate(doc_old, partial=True)
        after = new.evaluate(doc_new, partial=True)
        items_before, items_after = _items(before), _items(after)
        rules_before = _points_by_rule(before, renamed)
        rules_after = _points_by_rule(after, renamed)
        deltas = []
        for code in [*items_after, *(c for c in items_before if c not in items_after)]:
            b = items_before.get(code)
            a = items_after.get(code)
            score_b = None if b is None else b.score
            score_a = None if a is None else a.score
            if score_b == score_a and (b is None or a is None or b.status == a.status):
                continue
            pb = dict.fromkeys(codes_before.get(code, ()), ZERO) | rules_before.get(code, {})
            pa = dict.fromkeys(codes_after.get(code, ()), ZERO) | rules_after.get(code, {})
            findings = tuple(
                (rule, pb.get(rule), pa.get(rule))
                for rule in [*pa, *(r for r in pb if r not in pa)]
                if pb.get(rule) != pa.get(rule)
            )
            comparability = reasons.get(code)
            read = reads_before.get(code, set()) | reads_after.get(code, set())
            deltas.append(
                ItemDelta(
                    code=code,
                    before=score_b,
                    after=score_a,
                    causes=() if comparability is None else comparability.reasons,
                    findings=findings,
                    comparable=comparability is None or comparability.comparable,
                    status_before=None if b is None else b.status,
                    status_after=None if a is None else a.status,
                    facts_changed=tuple(sorted(read & changed_paths)),
                )
            )
        out.append(
            DistrictDelta(
                source=source,
                entity=after.entity.id,
                name=after.entity.name,
                before=before.total,
                after=after.total,
                grade_before=before.grade.code,
                grade_after=after.grade.code,
                grade_label_before=before.grade.label,
                grade_label_after=after.grade.label,
                items=tuple(deltas),
                complete_before=before.complete,
                complete_after=after.complete,
                left_out_before=left_old,
                left_out_after=left_new,
                facts=changed_facts,
                entity_before=before.entity.id,
            )
        )
    return tuple(out)
