"""Checking a rubric against the installed rule kinds and fact types, then compiling it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._compiler._compiled import CohortRun, CompiledRubric, Modify, build
from evalrules._facts._aggregations import BUILTIN_BY_NAME, Aggregation
from evalrules._facts._crosschecks import CrossCheckKind, check_cross_check
from evalrules._facts._tables import row_condition_problems
from evalrules._facts._types import FactType
from evalrules._frozen import thaw
from evalrules._rubric._model import FactSpec, Indicator, Rubric, Rule
from evalrules._rules._context import describe_context
from evalrules._rules._kind import RuleKind
from evalrules._rules._messages import SCORER_FIELDS, template_problems
from evalrules._text import Text
from evalrules.errors import (
    RubricError,
    RubricProblem,
)

# --------------------------------------------------------------------------- compiling


#: A rule kind's check message that starts with where it is: ``params.bands.0: gap ...``.
_LOCATED = re.compile(r"(params(?:\.[A-Za-z0-9_-]+)*): (.+)", re.DOTALL)


def located(message: str) -> tuple[str, str]:
    """Split a rule kind's check message into its path and its text.

    A message that starts with a path inside the rule's parameters (``params.bands.0: ...``,
    dotted like cerberus' paths) is reported at that path; any other at ``params``.
    """
    found = _LOCATED.fullmatch(message)
    if found is None:
        return "params", message
    return found.group(1), found.group(2)


def compile_rubric(
    rubric: Rubric,
    *,
    kinds: Mapping[str, tuple[RuleKind, str]],
    types: Mapping[str, FactType],
    cross_checks: Mapping[str, CrossCheckKind],
    modify: Modify | None = None,
    origins: Mapping[tuple[str, str], str] | None = None,
    aggregations: Mapping[str, Aggregation] | None = None,
    cohort: CohortRun | None = None,
) -> CompiledRubric:
    """Check a rubric against the registered kinds and types, and compile it.

    ``aggregations`` are the installed aggregations by name (the builtins when not given).

    ``origins`` names the plugin of each fact type and cross check,
    ``("fact type", name) → plugin``, for the errors of a compiled rubric that cannot travel.
    ``cohort`` is the cohort stage's evaluation, bound for ``evaluate_cohort``.

    Raises:
        RubricError: listing every problem (unknown kinds, bad parameters, undeclared facts).
    """
    problems: list[RubricProblem] = []
    file = rubric.file

    def add(message: str, code: str, **loc: Any) -> None:
        problems.append(RubricProblem(message, code, file, **loc))

    _check_fact_types(rubric, types, add)
    aggregations = dict(BUILTIN_BY_NAME) if aggregations is None else dict(aggregations)
    _check_aggregates(rubric, aggregations, add)
    for i, check in enumerate(rubric.cross_checks):
        problem = check_cross_check(check, cross_checks)
        if problem:
            add(problem, "unknown-cross-check", path=f"cross_checks[{i}]")
    _check_row_relations(rubric, types, cross_checks, add)
    readable = {s.path for s in rubric.facts} | {d.path for d in rubric.derived}
    bonus_codes = {b.code for b in rubric.bonus}
    # Parameters are checked with cerberus, imported here: a rubric read back from the kept
    # cache is not checked again, and the process never loads it.
    from evalrules._facts._cerberus import DecimalValidator

    validators: dict[str, tuple[DecimalValidator, bool]] = {}
    schema_of: dict[str, Any] = {}
    for item, rule in rubric.rules():
        loc = {"indicator": item.code, "rule": rule.code}
        if rule.kind not in kinds:
            add(
                f"unknown rule kind {rule.kind!r} (installed: {', '.join(sorted(kinds))})",
                "unknown-kind",
                **loc,
            )
            continue
        kind = kinds[rule.kind][0]
        if kind.phase == "bonus" and item.code not in bonus_codes:
            add(f"rule kind {kind.name!r} is only allowed on bonus items", "bonus-outside", **loc)
        if item.code in bonus_codes and kind.phase == "score":
            add(f"bonus items take bonus rules, not {kind.name!r}", "score-in-bonus", **loc)
        if rule.message is not None:
            for lang, problem in message_problems(kind, rule.message):
                add(f"message.{lang} {problem}", "bad-message", path=f"message.{lang}", **loc)
        if kind.name not in validators:
            # Normalising copies and re-expands the schema for every rule (three quarters of
            # the check's time); a schema without normalisation rules has nothing to do there.
            schema = thaw(kind.params)
            validators[kind.name] = (DecimalValidator(schema), _normalizes(schema))
            schema_of[kind.name] = schema
        validator, normalize = validators[kind.name]
        if not validator.validate(thaw(rule.params), normalize=normalize):
            found = [
                (field, messages, _unknown_field_near(schema_of[kind.name], field, messages))
                for field, messages in sorted(_flat_errors(validator.errors))
            ]
            # A required parameter misspelt is one slip: the unknown key's "did you mean"
            # names it, and its "required field" is not said again.
            suggested = {
                f"{parent}.{near}" if parent else near
                for field, _, near in found
                if near is not None
                for parent in [field.rpartition(".")[0]]
            }
            for field, messages, near in found:
                if messages == ["required field"] and field in suggested:
                    continue
                hint = f"; did you mean {near!r}?" if near is not None else ""
                add(f"{', '.join(messages)}{hint}", "bad-params", path=f"params.{field}", **loc)
            continue
        ctx = describe_context(rule, item, rubric, types)
        try:
            extra = list(kind.check(ctx)) if kind.check else []
            reads = kind.reads(rule.params)
            kind.outcomes_for(rule.params, item.max)
        except (Exception, SystemExit) as exc:
            add(
                f"rule kind {kind.name!r} raised {type(exc).__name__} checking this rule: {exc}",
                "bad-params",
                path="params",
                **loc,
            )
            continue
        for message in extra:
            where, text = located(message)
            add(text, "bad-params", path=where, **loc)
        for i, alt in enumerate(rule.source.alternatives):
            at = f"source.alternatives[{i}]"
            for problem in _alternative_problems(kind, rule, alt.params, item, rubric, types):
                add(f"the alternative {problem}", "bad-alternative", path=at, **loc)
        # A fixed deduction or a share larger than the item is a mistake in the rubric (the
        # default, the whole item, says "everything" explicitly); a per-incident rate may
        # exceed the item, since one incident can cost it all.
        for key in ("deduct", "points"):
            value = rule.params.get(key)
            if (
                isinstance(value, int | Decimal)
                and not isinstance(value, bool)
                and value > item.max
            ):
                add(
                    f"{value} is more than the item's max {item.max}; "
                    "a rule cannot take more points than the item has",
                    "bad-params",
                    path=f"params.{key}",
                    **loc,
                )
        for path in reads:
            if path not in readable:
                add(
                    f"reads fact {path!r}, which the rubric does not declare",
                    "undeclared-fact",
                    **loc,
                )
    if problems:
        raise RubricError(problems, rubric=rubric.file or rubric.ref)
    return build(
        rubric,
        kinds=kinds,
        types=types,
        cross_checks=cross_checks,
        modify=modify,
        origins=origins,
        aggregations=aggregations,
        cohort=cohort,
    )


def _alternative_problems(
    kind: RuleKind,
    rule: Rule,
    changes: Mapping[str, Any],
    item: Indicator,
    rubric: Rubric,
    types: Mapping[str, FactType],
) -> list[str]:
    """What is wrong with a rule under one of its documented alternatives: the merged
    parameters are checked as the rule's own are."""
    from evalrules._facts._cerberus import DecimalValidator

    merged = {**rule.params, **changes}
    validator = DecimalValidator(thaw(kind.params))
    if not validator.validate(merged, normalize=False):
        return [
            f"params.{field}: {', '.join(messages)}"
            for field, messages in sorted(_flat_errors(validator.errors))
        ]
    variant = attrs.evolve(rule, params=merged)
    ctx = describe_context(variant, item, rubric, types)
    try:
        return list(kind.check(ctx)) if kind.check else []
    except Exception as exc:
        return [f"makes rule kind {kind.name!r} raise {type(exc).__name__}: {exc}"]


def message_problems(kind: RuleKind, message: Text) -> list[tuple[str, str]]:
    """What is wrong with a rule's ``message:`` override, as ``(language, problem)`` pairs.

    The override words every message the rule reports, so it may name only the fields every
    one of the kind's messages has; and nothing but field names in its braces.
    """
    per_message = {mid: kind.message_fields(mid) for mid in kind.fields}
    common = frozenset.intersection(*per_message.values()) if per_message else SCORER_FIELDS

    def lacks(name: str) -> str:
        without = sorted(mid for mid, names in per_message.items() if name not in names)
        if len(without) == len(per_message):
            which = f"no message of rule kind {kind.name!r} has"
        else:
            which = f"message {', '.join(without)} of rule kind {kind.name!r} does not have"
        return f"a field {which} (fields every message has: {', '.join(sorted(common))})"

    return template_problems(message, common, lacks)


def _check_fact_types(
    rubric: Rubric, types: Mapping[str, FactType], add: Callable[..., None]
) -> None:
    """Each declaration against its type's traits: a known type, items where the type holds
    a series (and only there), a ``required_if`` naming a fact that can be true."""
    installed = ", ".join(sorted(types))
    specs = {spec.path: spec for spec in rubric.facts}
    for spec in rubric.facts:
        where = f"facts.{spec.path}"
        ftype = types.get(spec.type)
        if ftype is None:
            add(
                f"unknown fact type {spec.type!r} (installed: {installed})",
                "unknown-fact-type",
                path=f"{where}.type",
            )
        elif ftype.is_table:
            if spec.table is None:
                add(
                    f"a {spec.type} needs columns: the declaration of each column",
                    "missing",
                    path=f"{where}.columns",
                )
            else:
                _check_table(spec, types, where, add)
        elif spec.table is not None:
            add(
                f"columns are only for types that hold a table, not {spec.type!r}",
                "unknown-key",
                path=f"{where}.columns",
            )
        elif ftype.is_series:
            items = types.get(spec.items) if spec.items is not None else None
            if spec.items is None:
                add(
                    f"a {spec.type} needs items: the type of each year's value",
                    "missing",
                    path=f"{where}.items",
                )
            elif items is None or not items.is_scalar:
                scalar = ", ".join(sorted(n for n, t in types.items() if t.is_scalar))
                add(
                    f"unknown fact type {spec.items!r} for items (installed: {scalar})",
                    "unknown-fact-type",
                    path=f"{where}.items",
                )
        elif spec.items is not None:
            add(
                f"items is only for types that hold a value per year, not {spec.type!r}",
                "unknown-key",
                path=f"{where}.items",
            )
        target = specs.get(spec.required_if) if spec.required_if is not None else None
        if target is None or target.type not in types:
            continue  # an undeclared target or an unknown type is reported on its own
        target_type = types[target.type]
        if not (target_type.is_scalar and target_type.accepts(True)):
            add(
                f"required_if must name a yes/no (boolean) fact; {target.path} is a "
                f"{target_type.name}",
                "wrong-type",
                path=f"{where}.required_if",
            )


def _check_row_relations(
    rubric: Rubric,
    types: Mapping[str, FactType],
    cross_checks: Mapping[str, CrossCheckKind],
    add: Callable[..., None],
) -> None:
    """Each table's cross checks between a row's columns against the installed kinds (a
    part and its whole are numbers), and its totals (two number columns)."""
    for spec in rubric.facts:
        table = spec.table
        if table is None:
            continue
        where = f"facts.{spec.path}"
        numbers = {c.path for c in table.columns if c.type in types and types[c.type].numeric} | {
            d.path for d in table.row_derived
        }
        for i, check in enumerate(table.cross_checks):
            at = f"{where}.cross_checks[{i}]"
            problem = check_cross_check(check, cross_checks)
            if problem:
                add(problem.replace(" facts,", " columns,"), "unknown-cross-check", path=at)
                continue
            if cross_checks[check.kind].at_most:
                for j, name in enumerate(check.facts):
                    if name not in numbers and table.column(name) is not None:
                        add(
                            f"{check.kind} compares numbers: {name!r} is not a number column",
                            "wrong-type",
                            path=f"{at}.columns[{j}]",
                        )
        for total, part in table.totals.items():
            for name in (total, part):
                if name not in numbers:
                    add(
                        f"a total adds numbers: {name!r} is not a number column",
                        "wrong-type",
                        path=f"{where}.totals.{total}",
                    )


def _check_table(
    spec: FactSpec, types: Mapping[str, FactType], where: str, add: Callable[..., None]
) -> None:
    """A table's columns against the installed types (scalar ones only), its row-derived
    values' inputs (number columns), its exclusions' conditions."""
    assert spec.table is not None
    table = spec.table
    scalar = ", ".join(sorted(n for n, t in types.items() if t.is_scalar))
    numbers = set()
    for column in table.columns:
        at = f"{where}.columns.{column.path}"
        ctype = types.get(column.type)
        if ctype is None or not ctype.is_scalar:
            add(
                f"unknown fact type {column.type!r} for a column (installed: {scalar})",
                "unknown-fact-type",
                path=f"{at}.type",
            )
            continue
        if ctype.numeric:
            numbers.add(column.path)
        if column.values is not None:
            bad = [v for v in column.values if not ctype.accepts(v)]
            if bad:
                add(
                    f"values {bad!r} are not {ctype.expected.en}",
                    "wrong-type",
                    path=f"{at}.values",
                )
    if table.stage is not None:
        stage_column = table.column(table.stage)
        if isinstance(stage_column, FactSpec) and stage_column.values is not None:
            extra = [v for v in stage_column.values if v not in table.stages]
            if extra:
                add(
                    f"values {extra!r} of the stage column are not declared stages",
                    "unknown-stage",
                    path=f"{where}.columns.{table.stage}.values",
                )
    for derived in table.row_derived:
        for i, name in enumerate(derived.inputs):
            if table.column(name) is not None and name not in numbers:
                add(
                    f"input {name!r} is not a number column",
                    "wrong-type",
                    path=f"{where}.row_derived.{derived.path}.inputs[{i}]",
                )
        numbers.add(derived.path)
    columns = {c.path for c in table.columns} | {d.path for d in table.row_derived}
    for i, exclusion in enumerate(table.exclude):
        for problem in row_condition_problems(exclusion.when, columns, f"exclude[{i}].when"):
            at, text = problem.split(": ", 1)
            add(text, "bad-condition", path=f"{where}.{at}")
        for j, name in enumerate(exclusion.columns):
            if name not in columns:
                add(
                    f"{name!r} is not a column of the table",
                    "bad-condition",
                    path=f"{where}.exclude[{i}].columns[{j}]",
                )


def _check_aggregates(
    rubric: Rubric, aggregations: Mapping[str, Aggregation], add: Callable[..., None]
) -> None:
    """Each aggregate derived fact names an installed aggregation with what it needs."""
    installed = ", ".join(sorted(aggregations))
    specs = {s.path: s for s in rubric.facts}
    for derived in rubric.derived:
        agg = derived.aggregate
        if agg is None:
            continue
        where = f"derived.{derived.path}"
        how = aggregations.get(agg.name)
        if how is None:
            add(
                f"unknown aggregation {agg.name!r} (installed: {installed})",
                "unknown-aggregation",
                path=f"{where}.aggregate",
            )
            continue
        if how.needs_column and agg.column is None:
            add(f"{agg.name} needs a column", "missing", path=f"{where}.column")
        if how.needs_weight and agg.weight is None:
            add(f"{agg.name} needs a weight column (pupils)", "missing", path=f"{where}.weight")
        table = specs[agg.table].table
        if agg.where is not None and table is not None:
            columns = {c.path for c in table.columns} | {d.path for d in table.row_derived}
            for problem in row_condition_problems(agg.where, columns, "where"):
                at, text = problem.split(": ", 1)
                add(text, "bad-condition", path=f"{where}.{at}")


#: cerberus rules that change the document rather than check it.
_NORMALIZATION_RULES = frozenset(
    {
        "coerce",
        "default",
        "default_setter",
        "purge_readonly",
        "purge_unknown",
        "rename",
        "rename_handler",
    }
)


def _normalizes(schema: Any) -> bool:
    """True when a cerberus schema has a normalisation rule anywhere in it."""
    if isinstance(schema, Mapping):
        return bool(_NORMALIZATION_RULES & set(schema)) or any(
            _normalizes(v) for v in schema.values()
        )
    if isinstance(schema, list | tuple):
        return any(_normalizes(v) for v in schema)
    return False


def _flat_errors(errors: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    for field, entries in errors.items():
        messages: list[str] = []
        for entry in entries:
            if isinstance(entry, Mapping):
                yield from _flat_errors(entry, f"{prefix}{field}.")
            else:
                messages.append(str(entry))
        if messages:
            yield f"{prefix}{field}", messages


def _unknown_field_near(schema: Any, field: str, messages: list[str]) -> str | None:
    """The parameter an unknown one looks like a slip for (``deduct_each``), if any."""
    from evalrules._rubric._loader import suggest

    if "unknown field" not in messages:
        return None
    *parents, name = field.split(".")
    level: Any = schema
    for part in parents:
        if part.isdigit():
            continue  # an item of a list: its schema was entered with the list
        rule = level.get(part) if isinstance(level, Mapping) else None
        if not isinstance(rule, Mapping) or not isinstance(rule.get("schema"), Mapping):
            return None
        level = rule["schema"]
        if level.get("type") == "dict" and isinstance(level.get("schema"), Mapping):
            level = level["schema"]
    if not isinstance(level, Mapping):
        return None
    near = suggest(name, (k for k in level if isinstance(k, str)))
    return near[0] if near else None
