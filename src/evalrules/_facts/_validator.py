"""Validating a facts document against a rubric's declarations, every problem at once."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._facts._aggregations import BUILTIN_BY_NAME, Aggregation
from evalrules._facts._crosschecks import CrossCheckKind, _part_of
from evalrules._facts._fastcheck import Flatten, compile_check, compile_flatten
from evalrules._facts._numbers import _is_number
from evalrules._facts._tables import (
    TableValue,
    build_table,
    raw_label,
    row_cross_problems,
    row_name,
    table_cells,
    total_problems,
)
from evalrules._facts._types import FactType, _is_year_key
from evalrules._frozen import thaw
from evalrules._limits import MAX_DEPTH, MAX_ITEMS, number_problem, value_problems
from evalrules._points import plain, to_decimal
from evalrules._rubric._model import FactSpec, Rubric
from evalrules._text import Text, natural_order
from evalrules.errors import FactsError, FactsProblem

if TYPE_CHECKING:
    from evalrules._facts._cerberus import DecimalValidator

# cerberus is imported where a validator is built (a document the compiled check refuses,
# or a rubric without one): a run over valid documents never loads it. The codes of its
# errors read here are cerberus' own (a test holds them equal).
_REQUIRED_FIELD = 0x02  # cerberus.errors.REQUIRED_FIELD.code
_UNKNOWN_FIELD = 0x03  # cerberus.errors.UNKNOWN_FIELD.code

# ------------------------------------------------------------------------- validation


def _nest(specs: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Turn ``("a.b.c", rules)`` pairs into a nested cerberus schema."""
    root: dict[str, Any] = {}
    for path, rules in specs:
        parts = path.split(".")
        level = root
        for part in parts[:-1]:
            node = level.setdefault(part, {"type": "dict", "schema": {}, "group": True})
            level = node["schema"]
        level[parts[-1]] = rules
    _mark_groups(root)
    return root


def _mark_groups(schema: dict[str, Any]) -> None:
    for rules in schema.values():
        if rules.pop("group", False):
            sub = rules["schema"]
            _mark_groups(sub)
            rules["required"] = any(r.get("required") for r in sub.values())


#: The number types the fused walk converts to, which compare exactly with each other.
_EXACT = frozenset({int, Decimal})


class FactsValidator:
    """A rubric's facts schema compiled once into cerberus validators.

    Use :meth:`check` (or :meth:`validate`) for every document; nothing is rebuilt per call.
    """

    def __init__(
        self,
        rubric: Rubric,
        types: Mapping[str, FactType],
        cross_checks: Mapping[str, CrossCheckKind],
        aggregations: Mapping[str, Aggregation] | None = None,
    ) -> None:
        self.rubric = rubric
        self.types = types
        self.cross_checks = cross_checks
        #: The aggregations derived facts over tables are computed with, by name.
        self.aggregations: Mapping[str, Aggregation] = (
            BUILTIN_BY_NAME if aggregations is None else aggregations
        )
        self.specs: dict[str, FactSpec] = {s.path: s for s in rubric.facts}
        #: Paths of the facts whose type holds a value per year.
        self.series = frozenset(p for p, s in self.specs.items() if types[s.type].is_series)
        #: The table facts by path.
        self.tables: dict[str, FactSpec] = {
            p: s for p, s in self.specs.items() if s.table is not None
        }
        #: The checked cerberus schemas (strict and partial), built on first need and then
        #: only read; ``_lock`` makes building one happen once.
        self._schemas: dict[bool, Any] = {}
        self._lock = threading.Lock()
        #: The cerberus validator class, built with the first schema (under ``_lock``).
        self._validator_class: type[DecimalValidator] | None = None
        groups = {
            path.rsplit(".", i)[0] for path in self.specs for i in range(1, path.count(".") + 1)
        }
        self._known_paths = sorted(set(self.specs) | groups)
        self._siblings: dict[str, list[str]] = {}
        for known in self._known_paths:
            self._siblings.setdefault(known.rsplit(".", 1)[0] if "." in known else "", []).append(
                known
            )
        #: The declared facts as a tree: group name → subtree, fact name → its path.
        self._tree: dict[str, Any] = {}
        for path in self.specs:
            level = self._tree
            *parents, leaf = path.split(".")
            for part in parents:
                level = level.setdefault(part, {})
            level[leaf] = path
        values = {path: self.value_type(path) for path in self.specs}
        tables = {path: (spec, self.column_types(spec)) for path, spec in self.tables.items()}
        self._fast_strict = compile_check(
            self.specs, values, self.series, partial=False, tables=tables
        )
        self._fast_partial = compile_check(
            self.specs, values, self.series, partial=True, tables=tables
        )
        #: The declared type of each fact's values, by path (what the fused walk converts).
        self._values = values
        #: The same checks fused with the conversion: a valid document in one walk (not for
        #: a rubric with tables, whose rows take the general path). Each mode's walk is
        #: generated on the second document of that mode (under ``_lock``): compiling one
        #: takes milliseconds, more than the general path takes for one document, so a
        #: process that checks a single document (a command run per district) never pays
        #: for it, and one that checks many pays once.
        self._flatteners: dict[bool, Flatten | None] = {}
        #: The modes a document has been checked in (the first takes the general path).
        self._seen: set[bool] = set()
        #: The facts required when another is true, with the message's words.
        self._required_if = tuple(s for s in self.specs.values() if s.required_if is not None)
        #: Each cross check with its kind.
        self._cross_checks = tuple(
            (check, cross_checks[check.kind]) for check in rubric.cross_checks
        )
        #: When every cross check is the builtin ``part_of``: its pairs of facts, compared
        #: directly on a document the fused walk accepted (``_cross_clear``).
        self._part_pairs: tuple[tuple[str, str], ...] | None = (
            tuple((check.facts[0], check.facts[1]) for check, _ in self._cross_checks)
            if all(kind.check is _part_of for _, kind in self._cross_checks)
            else None
        )
        if self._fast_strict is None or self._fast_partial is None:
            # Without the compiled check every document goes to cerberus: build it now, so
            # that a fact type's bad cerberus rules fail here, at compile time.
            self._validator(partial=False)
            self._validator(partial=True)

    def _validator(self, *, partial: bool) -> DecimalValidator:
        """A fresh cerberus validator, for one document.

        A cerberus validator keeps the document it checks and the errors it finds on
        itself, so one validator shared by threads mixes their documents' problems. Each
        call therefore gets its own validator, cheap to make: the schema it checks against
        is expanded and checked once (tens of milliseconds), on first need, and then only
        read. A run that sees only valid documents never needs cerberus at all.
        """
        schema = self._schemas.get(partial)
        if schema is None:
            with self._lock:
                schema = self._schemas.get(partial)
                if schema is None:
                    if self._validator_class is None:
                        self._validator_class = self._make_validator_class()
                    cls = self._validator_class
                    raw = _nest(
                        (s.path, self._rules(s, partial=partial)) for s in self.rubric.facts
                    )
                    schema = cls(raw, allow_unknown=False).schema
                    self._schemas[partial] = schema
        made = self._validator_class
        assert made is not None  # built before the first schema was kept
        return made(schema=schema, allow_unknown=False)

    def _flatten(self, partial: bool) -> Flatten | None:
        """The fused walk of one mode (strict or partial), generated on first need; ``None``
        for a rubric with tables."""
        try:
            return self._flatteners[partial]
        except KeyError:
            pass
        with self._lock:
            if partial not in self._flatteners:
                self._flatteners[partial] = (
                    None
                    if self.tables
                    else compile_flatten(self.specs, self._values, self.series, partial=partial)
                )
        return self._flatteners[partial]

    @property
    def _strict(self) -> DecimalValidator:
        return self._validator(partial=False)

    @property
    def _partial(self) -> DecimalValidator:
        return self._validator(partial=True)

    def value_type(self, path: str) -> FactType:
        """The type of each value of a declared fact (its items' type for a series)."""
        spec = self.specs[path]
        if path in self.series:
            assert spec.items is not None
            return self.types[spec.items]
        return self.types[spec.type]

    def column_types(self, spec: FactSpec) -> dict[str, FactType]:
        """The type of each column of a table fact, by column name."""
        assert spec.table is not None
        return {c.path: self.types[c.type] for c in spec.table.columns}

    def _make_validator_class(self) -> type[DecimalValidator]:
        # Fact types are predicates, not Python classes; cerberus tests types with isinstance,
        # so each predicate becomes a class whose isinstance check calls it. (Type-testing
        # methods, the older way, are deprecated in cerberus and warn on every class built.)
        from evalrules._facts._cerberus import _IMPLAUSIBLE, DecimalValidator, _predicate_type

        mapping = dict(DecimalValidator.types_mapping)
        for name, ftype in self.types.items():
            mapping[f"fact_{name}"] = _predicate_type(f"fact_{name}", ftype.accepts)
        mapping["fact_year_key"] = _predicate_type("fact_year_key", _is_year_key)

        def _validate_plausible_max(self: Any, constraint: Any, field: str, value: Any) -> None:
            """{'nullable': False}"""
            if _is_number(value) and to_decimal(value) > to_decimal(constraint):
                self._error(field, _IMPLAUSIBLE)

        namespace = {"types_mapping": mapping, "_validate_plausible_max": _validate_plausible_max}
        return type("EvalrulesFactsValidator", (DecimalValidator,), namespace)

    def _value_rules(self, ftype: FactType, spec: FactSpec) -> dict[str, Any]:
        rules: dict[str, Any] = {"type": f"fact_{ftype.name}", **thaw(ftype.rules)}
        if ftype.numeric:
            if spec.minimum is not None:
                rules["min"] = spec.minimum
            if spec.maximum is not None:
                rules["max"] = spec.maximum
            if spec.plausible_max is not None:
                rules["plausible_max"] = spec.plausible_max
        if spec.values is not None:
            rules["allowed"] = list(spec.values)
        return rules

    def _table_rules(self, spec: FactSpec) -> dict[str, Any]:
        table = spec.table
        assert table is not None
        columns: dict[str, Any] = {}
        for column in table.columns:
            rules = self._value_rules(self.types[column.type], column)
            if column.path == table.stage and column.values is None:
                rules["allowed"] = list(table.stages)
            rules["required"] = column.required
            columns[column.path] = rules
        rules = {
            "type": "list",
            "maxlength": min(table.max_rows or MAX_ITEMS, MAX_ITEMS),
            "schema": {"type": "dict", "schema": columns},
        }
        if table.min_rows is not None:
            rules["minlength"] = table.min_rows
        return rules

    def _rules(self, spec: FactSpec, *, partial: bool) -> dict[str, Any]:
        if spec.table is not None:
            rules: dict[str, Any] = self._table_rules(spec)
        elif spec.path in self.series:
            rules = {
                "type": "dict",
                "keysrules": {"type": "fact_year_key"},
                "valuesrules": self._value_rules(self.value_type(spec.path), spec),
            }
        else:
            rules = self._value_rules(self.types[spec.type], spec)
        rules["required"] = bool(spec.required and spec.required_if is None and not partial)
        return rules

    # -- public --------------------------------------------------------------------------

    def check(
        self, facts: Mapping[str, Any], *, partial: bool = False
    ) -> tuple[dict[str, Any], list[FactsProblem]]:
        """Validate a document's facts without raising.

        Every check runs on what it can: conditional requirements and cross checks run on
        the facts that validated, whatever the others' problems.

        Returns:
            The facts that validated, flat (path → converted value), and every problem found
            (in no particular order).
        """
        flatten = self._flatteners.get(partial)
        if flatten is None and partial not in self._flatteners:
            # The first document of a mode takes the general path; the walk is generated
            # for the next. Both give the same flat facts and problems (held on generated
            # documents by tests/property/test_fastcheck.py).
            if partial in self._seen:
                flatten = self._flatten(partial)
            else:
                self._seen.add(partial)
        if flatten is not None:
            # The valid path: the compiled check, the conversion and the limits in one walk.
            accepted = flatten(facts)
            if accepted is not None:
                problems = [] if partial else list(self._conditional_flat(accepted))
                if not self._cross_clear(accepted):
                    problems.extend(self._cross(accepted))
                return accepted, problems
        problems = []
        # A blank (null) value is a value not given: the template's placeholders stay null
        # until someone fills them in.
        facts = _without_nulls(facts)
        # The compiled check accepts what cerberus would accept, much faster; anything it
        # does not accept goes to cerberus, which names every problem.
        fast = self._fast_partial if partial else self._fast_strict
        flat: dict[str, Any] | None = None
        read: Mapping[str, Any] = facts  # the document the flat facts were read from
        if fast is not None and fast(facts):
            flat = self._collect(facts, frozenset())
            if any(_beyond_limits(v) for v in flat.values()):
                flat = None  # a number beyond the limits: the full check names it
        if flat is None:
            # The limits first: a document beyond one is refused with those problems alone,
            # before anything else reads it.
            limited = [FactsProblem(*found) for found in value_problems(facts)]
            if limited:
                return {}, limited
            # Unknown keys and bad year keys are found here rather than by cerberus, which
            # sorts its whole error list again on every error (thousands of unknown keys
            # took minutes) and cannot sort keys of different types at all.
            doc, problems = self._keys(facts)
            nonfinite = list(_find_nonfinite(doc))
            for path, value in nonfinite:
                problems.append(
                    FactsProblem(
                        path,
                        "not-finite",
                        f"值 {value} 不是有限数字(NaN 或无穷大)",
                        f"{value} is not a finite number (NaN or infinity)",
                        str(value),
                    )
                )
            if nonfinite:
                doc = _without_paths(doc, {p for p, _ in nonfinite})
            validator = self._validator(partial=partial)
            raw_doc = doc
            # normalize=False: the facts schema has no normalization rules, and cerberus
            # would otherwise copy and rebuild its schema for every document.
            if not validator.validate(doc, normalize=False):
                removed = {p for p, _ in nonfinite}
                # a non-finite value is reported as such, not again as a missing fact
                problems.extend(
                    p
                    for p in self._translate(validator._errors)
                    if not (p.code == "missing" and p.path in removed)
                )
            if self.tables:
                problems = [self._row_named(p, raw_doc) for p in problems]
            flat = self._collect(doc, frozenset(p.path for p in problems))
            read = doc
        if self.tables:
            problems.extend(self._build_tables(flat, read))
            # A table with a problem in any row is absent to the rules and aggregations, as
            # a scalar fact with a problem is: its values would be counted wrongly.
            at = frozenset(p.path for p in problems)
            for path in self.tables:
                if path in flat and touches(path, at):
                    del flat[path]
        if not partial:
            problems.extend(self._conditional(facts, flat))
        problems.extend(self._cross(flat))
        return flat, problems

    def _keys(self, facts: Mapping[str, Any]) -> tuple[dict[str, Any], list[FactsProblem]]:
        """``facts`` without its unknown keys and bad year keys, and a problem for each.

        Walks the declared tree: a key the rubric does not declare (or one that is not
        text) is unknown; a key of a series that is not a year is a bad year.
        """
        problems: list[FactsProblem] = []
        tree = self._tree

        def walk(node: Mapping[str, Any], doc: Mapping[Any, Any], prefix: str) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key, value in doc.items():
                target = node.get(key) if isinstance(key, str) else None
                path = f"{prefix}{key}"
                if target is None:
                    problems.append(self._unknown(path, value))
                elif isinstance(target, str):
                    if target in self.tables and isinstance(value, list | tuple):
                        out[key] = [
                            self._known_columns(target, i, row, problems)
                            for i, row in enumerate(value)
                        ]
                    elif target in self.series and isinstance(value, Mapping):
                        good = {}
                        for year, item in value.items():
                            if _is_year_key(year):
                                good[year] = item
                            else:
                                problems.append(_bad_year(f"{path}.{year}", item))
                        out[key] = good
                    else:
                        out[key] = value
                elif isinstance(value, Mapping):
                    out[key] = walk(target, value, path + ".")
                else:
                    out[key] = value
            return out

        return walk(tree, facts, ""), problems

    def _known_columns(self, path: str, index: int, row: Any, problems: list[FactsProblem]) -> Any:
        """A row without its unknown columns, and a problem for each."""
        if not isinstance(row, Mapping):
            return row
        table = self.tables[path].table
        assert table is not None
        names = [c.path for c in table.columns]
        kept = {}
        for key, value in row.items():
            if isinstance(key, str) and key in names:
                kept[key] = value
                continue
            import difflib

            near = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint_zh = f"是否应为 {near[0]}?" if near else "请检查拼写,或删除该列。"
            hint_en = f"did you mean {near[0]}?" if near else "check the spelling, or remove it."
            problems.append(
                FactsProblem(
                    f"{path}[{index}].{key}",
                    "unknown",
                    f"评价方案未定义此列;{hint_zh}",
                    f"the rubric declares no such column; {hint_en}",
                    value,
                )
            )
        return kept

    def _row_named(self, problem: FactsProblem, doc: Mapping[str, Any]) -> FactsProblem:
        """A problem in a table's row, its message opened by the row's name."""
        found = _ROW_PATH.match(problem.path)
        if found is None or found.group(1) not in self.tables:
            return problem
        path, index = found.group(1), int(found.group(2))
        table = self.tables[path].table
        assert table is not None
        rows: Any = doc
        for part in path.split("."):
            rows = rows.get(part) if isinstance(rows, Mapping) else None
        row = rows[index] if isinstance(rows, list | tuple) and index < len(rows) else None
        name = row_name(raw_label(table, row), path, index)
        return attrs.evolve(
            problem,
            message_zh=f"{name.zh}:{problem.message_zh}",
            message_en=f"{name.en}: {problem.message_en}",
        )

    def _build_tables(self, flat: dict[str, Any], doc: Mapping[str, Any]) -> list[FactsProblem]:
        """Each table's validated rows as a :class:`TableValue` (in place), and the
        problems of its rows (duplicate keys, divisors of 0, relations within a row, totals
        over a key's rows). ``doc`` is the document the rows were read from: the keys of the
        rows refused for problems of their own are read there."""
        problems: list[FactsProblem] = []
        for path, spec in self.tables.items():
            rows = flat.get(path)
            if rows is None:
                continue
            assert spec.table is not None
            value, found = build_table(spec.table, path, rows)
            flat[path] = value
            problems.extend(found)
            problems.extend(row_cross_problems(spec.table, value, self.cross_checks))
            if spec.table.totals:
                # a row refused for a problem of its own would leave its key's sum short
                raw: Any = doc
                for part in path.split("."):
                    raw = raw.get(part) if isinstance(raw, Mapping) else None
                refused = {
                    _hashable(raw[i].get(spec.table.key))
                    for i, row in enumerate(rows)
                    if row is None
                    and isinstance(raw, list | tuple)
                    and i < len(raw)
                    and isinstance(raw[i], Mapping)
                }
                problems.extend(total_problems(spec.table, value, skip=refused))
        return problems

    def _unknown(self, path: str, value: Any) -> FactsProblem:
        # "Did you mean" among the key's siblings: a misspelt key is near one beside it, and
        # thousands of unknown keys cost thousands of short comparisons, not millions.
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        import difflib

        near = difflib.get_close_matches(path, self._siblings.get(parent, ()), n=1, cutoff=0.6)
        hint_zh = f"是否应为 {near[0]}?" if near else "请检查拼写,或删除该项。"
        hint_en = f"did you mean {near[0]}?" if near else "check the spelling, or remove it."
        return FactsProblem(
            path,
            "unknown",
            f"评价方案未定义此数据;{hint_zh}",
            f"the rubric declares no such fact; {hint_en}",
            value,
        )

    def validate(
        self, facts: Mapping[str, Any], *, partial: bool = False, source: str | None = None
    ) -> dict[str, Any]:
        """Validate a document's facts; return them flat (path → converted value).

        Raises:
            FactsError: listing every problem, sorted by path.
        """
        flat, problems = self.check(facts, partial=partial)
        if problems:
            raise FactsError(ordered(problems), source=source)
        return flat

    def _collect(self, doc: Mapping[str, Any], blocked: frozenset[str]) -> dict[str, Any]:
        """The declared facts present in ``doc`` and free of problems, converted."""
        flat: dict[str, Any] = {}
        for path, spec in self.specs.items():
            # A table with problems in some rows still gives the others, so that a key they
            # repeat is reported with those problems; the table is then dropped.
            if (
                blocked
                and touches(path, blocked)
                and (spec.table is None or _table_blocked(path, blocked))
            ):
                continue
            value: Any = doc
            for part in path.split("."):
                if not isinstance(value, Mapping) or part not in value:
                    break
                value = value[part]
            else:
                if spec.table is not None:
                    flat[path] = self._rows(path, spec, value, blocked)
                elif path in self.series:
                    conv = self.value_type(path).convert
                    flat[path] = {int(k): conv(v) for k, v in value.items()}
                else:
                    flat[path] = self.types[spec.type].convert(value)
        return flat

    def _rows(
        self, path: str, spec: FactSpec, rows: Any, blocked: frozenset[str]
    ) -> list[dict[str, Any] | None]:
        """A table's rows free of problems, each column converted like a fact (``None`` in
        the place of a row with a problem)."""
        converts = {name: t.convert for name, t in self.column_types(spec).items()}
        # A row is left out for a problem in itself or a declared column; an unknown column
        # was taken out of it, and the rest of the row still counts (for duplicate keys).
        bad = {
            int(m.group(2))
            for p in blocked
            if (m := _ROW_PATH.match(p)) is not None
            and m.group(1) == path
            and (m.group(3) is None or m.group(3) in converts)
        }
        # A row left out keeps its place (``None``), so that every row keeps its index.
        return [
            None if i in bad else {k: converts[k](v) for k, v in row.items() if k in converts}
            for i, row in enumerate(rows)
        ]

    def _conditional_flat(self, flat: Mapping[str, Any]) -> Iterable[FactsProblem]:
        """:meth:`_conditional` for a document the fused walk accepted: every fact present
        in it is in ``flat``."""
        for spec in self._required_if:
            if spec.path not in flat and flat.get(spec.required_if or "") is True:
                yield self._required_if_problem(spec)

    def _conditional(
        self, facts: Mapping[str, Any], flat: Mapping[str, Any]
    ) -> Iterable[FactsProblem]:
        for spec in self.specs.values():
            if spec.required_if is None or flat.get(spec.required_if) is not True:
                continue
            if _present(facts, spec.path):
                continue  # present: its value was checked with the others
            yield self._required_if_problem(spec)

    def _required_if_problem(self, spec: FactSpec) -> FactsProblem:
        assert spec.required_if is not None
        cond = self.specs[spec.required_if].description
        return FactsProblem(
            spec.path,
            "missing",
            f"缺少必填数据“{spec.description.zh}”(因为“{cond.zh}”为是)",
            f"required fact “{spec.description.en or spec.description.zh}” is missing "
            f"(because {spec.required_if} is true)",
        )

    def _cross_clear(self, flat: Mapping[str, Any]) -> bool:
        """Whether the cross checks surely find nothing in ``flat`` (facts the fused walk
        converted: an int or a ``Decimal`` for a number), without wording anything; when
        not sure, :meth:`_cross` decides."""
        pairs = self._part_pairs
        if pairs is None:
            return False
        for a, b in pairs:
            part = flat.get(a)
            if part is None:
                continue  # a fact it relates is absent: nothing to check
            whole = flat.get(b)
            if whole is None:
                continue
            if type(part) not in _EXACT or type(whole) not in _EXACT or part > whole:
                return False
        return True

    def _cross(self, flat: Mapping[str, Any]) -> Iterable[FactsProblem]:
        for check, kind in self._cross_checks:
            try:
                values = tuple([flat[p] for p in check.facts])
            except KeyError:
                continue  # a fact it relates is absent: nothing to check
            found = kind.check(values)
            if found is not None:
                zh, en = found
                yield FactsProblem(
                    check.facts[0],
                    check.kind.replace("_", "-"),
                    f"{zh}:{' / '.join(check.facts)}",
                    f"{en}: {' / '.join(check.facts)}",
                    tuple(flat[p] for p in check.facts),
                )

    def _field_problem(self, path: str, holder: FactSpec, error: Any) -> FactsProblem:
        """A problem inside a structured value (a judgement's ``deduct`` or ``reason``)."""
        field = path.rsplit(".", 1)[1]
        code = _field_code(error)
        zh, en = (text.format(field=field) for text in _FIELD_TEXTS[code])
        expected = self.types[holder.type].expected
        return FactsProblem(
            path, code, f"{zh}(应为{expected.zh})", f"{en} (expected {expected.en})", error.value
        )

    def _spec_at(self, path: str) -> tuple[FactSpec | None, bool]:
        """The spec for a path (or its series parent) and whether it is a series value."""
        if path in self.specs:
            return self.specs[path], False
        parent = path.rsplit(".", 1)[0]
        if parent in self.series:
            return self.specs[parent], True
        return None, False

    def _translate(self, errors: Iterable[Any]) -> Iterable[FactsProblem]:
        for error in _leaf_errors(errors):
            parts = tuple(error.document_path)
            if any(isinstance(p, int) for p in parts):
                yield self._table_problem(parts, error)
                continue
            path = ".".join(str(p) for p in parts)
            if path in self.tables and error.rule in ("type", "maxlength", "minlength"):
                yield self._table_problem(parts, error)
                continue
            if error.code == _REQUIRED_FIELD and path not in self.specs:
                # A whole group is absent: name each required fact in it, as the user
                # would look them up, rather than the group.
                inside = [
                    spec
                    for spec in self.specs.values()
                    if spec.path.startswith(path + ".") and spec.required and not spec.required_if
                ]
                if inside:
                    for spec in inside:
                        yield self._problem(spec.path, error)
                    continue
            yield self._problem(path, error)

    def _table_problem(self, parts: tuple[Any, ...], error: Any) -> FactsProblem:
        """A problem of a table fact: the table as a whole, a row, or a row's column
        (``schools[12].pupils``; the row's name is added after)."""
        at = next((i for i, p in enumerate(parts) if isinstance(p, int)), len(parts))
        path = ".".join(str(p) for p in parts[:at])
        spec = self.tables.get(path)
        if spec is None or spec.table is None:
            return self._problem(".".join(str(p) for p in parts), error)
        if at == len(parts):
            if error.rule == "maxlength":
                limit = error.constraint
                return FactsProblem(
                    path,
                    "too-many-rows",
                    f"行数超过上限{limit}行",
                    f"more than {limit} rows",
                    len(error.value),
                )
            if error.rule == "minlength":
                return _too_few_rows(spec, len(error.value))
            return FactsProblem(
                path,
                "wrong-type",
                "应为行的列表,每行是列名到值的映射",
                "must be a list of rows, each mapping column names to values",
                error.value,
            )
        row_path = f"{path}[{parts[at]}]"
        rest = parts[at + 1 :]
        if not rest:
            return FactsProblem(
                row_path,
                "wrong-type",
                "每行应为列名到值的映射",
                "each row must map column names to values",
                error.value,
            )
        column = spec.table.column(str(rest[0]))
        cell = f"{row_path}.{rest[0]}"
        if not isinstance(column, FactSpec):
            return self._unknown(cell, error.value)
        if column.path == spec.table.stage and not column.labels:
            # a stage column's values are written by the stages' labels
            column = attrs.evolve(column, labels=spec.table.stages)
        return self._problem(cell, error, column)

    def _problem(self, path: str, error: Any, column: FactSpec | None = None) -> FactsProblem:
        if column is not None:
            spec: FactSpec | None
            spec, in_series, holder = column, False, None
        else:
            spec, in_series = self._spec_at(path)
            holder = self.specs.get(path.rsplit(".", 1)[0]) if "." in path else None
        value = error.value
        rule = error.rule
        if spec is None and holder is not None and holder.path not in self.series:
            return self._field_problem(path, holder, error)
        if error.code == _UNKNOWN_FIELD:
            spec_parent, _ = self._spec_at(path.rsplit(".", 1)[0]) if "." in path else (None, False)
            if spec_parent is not None and spec_parent.path in self.series:
                return FactsProblem(
                    path,
                    "bad-year",
                    "年份应为1949到2200之间的整数",
                    "a year must be a whole number from 1949 to 2200",
                    value,
                )
            return self._unknown(path, value)
        if error.code == _REQUIRED_FIELD or rule == "nullable":
            # A blank (null) value is taken out before cerberus reads the document; one it
            # still sees (deeper than the walk goes) is a value not given all the same.
            desc = spec.description if spec else Text(path, path)
            return FactsProblem(
                path,
                "missing",
                f"缺少必填数据“{desc.zh}”",
                f"required fact “{desc.en or desc.zh}” is missing",
            )
        if rule == "type" and error.constraint == "fact_year_key":
            return FactsProblem(
                path,
                "bad-year",
                "年份应为1949到2200之间的整数",
                "a year must be a whole number from 1949 to 2200",
                value,
            )
        if rule == "type" and spec is None:
            return FactsProblem(
                path,
                "wrong-type",
                "此处应为映射(分组)",
                "this must be a mapping (a group of facts)",
                value,
            )
        if spec is None:
            said = f"{rule} {error.constraint!r}" if rule else "?"
            return FactsProblem(
                path, rule or "invalid", f"数据不符合要求({said})", f"invalid value ({said})", value
            )
        is_series = column is None and spec.path in self.series
        if is_series and not in_series and rule == "type":
            return FactsProblem(
                path,
                "wrong-type",
                "应为按年份的映射,如 {2021: 28.67, 2022: 39.78}",
                "must map years to values, e.g. {2021: 28.67, 2022: 39.78}",
                value,
            )
        ftype = self.value_type(spec.path) if is_series else self.types[spec.type]
        unit = spec.unit or ""
        if rule == "type":
            return _type_problem(path, value, ftype)
        if rule == "min":
            if _is_number(value) and to_decimal(value) < 0 and to_decimal(error.constraint) == 0:
                return FactsProblem(
                    path,
                    "negative",
                    f"不能为负数(应为{ftype.expected.zh})",
                    f"cannot be negative (expected {ftype.expected.en})",
                    value,
                )
            return FactsProblem(
                path,
                "too-small",
                f"应不小于{plain(to_decimal(error.constraint))}{unit}",
                f"must be at least {plain(to_decimal(error.constraint))}{unit}",
                value,
            )
        if rule == "max":
            limit = plain(to_decimal(error.constraint))
            own = ftype.rules.get("max")
            if spec.maximum is None and own is not None and ftype.explain is not None:
                # the type's own limit: the type may say it better (a percentage over 100)
                explained = ftype.explain(value)
                if explained is not None:
                    code, text = explained
                    return FactsProblem(path, code, text.zh, text.en, value)
            return FactsProblem(
                path, "too-large", f"应不大于{limit}{unit}", f"must be at most {limit}{unit}", value
            )
        if rule == "allowed":
            # a value by its label, with the code the data is written in: 小学(primary)
            shown = [
                (spec.value_label(v) if spec is not None else None, v) for v in error.constraint
            ]
            zh = "、".join(f"{t.zh}({v})" if t is not None else str(v) for t, v in shown)
            en = ", ".join(f"{t.en or t.zh} ({v})" if t is not None else str(v) for t, v in shown)
            return FactsProblem(
                path, "not-allowed", f"应为以下之一:{zh}", f"must be one of {en}", value
            )
        if rule == "plausible_max":
            limit = plain(to_decimal(spec.plausible_max or 0))
            return FactsProblem(
                path,
                "implausible",
                f"数值{plain(to_decimal(value))}{unit}大得不合常理(上限{limit}{unit}),"
                "请核对单位和位数",
                f"{plain(to_decimal(value))}{unit} is implausibly large (limit {limit}{unit}); "
                "check the unit and the digits",
                value,
            )
        # A rule of a plugin's fact type this module has no words for: name the rule and its
        # constraint, never the error object (its repr is a memory address).
        said = f"{rule} {error.constraint!r}" if rule else "?"
        return FactsProblem(
            path, rule or "invalid", f"数据不符合要求({said})", f"invalid value ({said})", value
        )


def _too_few_rows(spec: FactSpec, given: int) -> FactsProblem:
    """A table with fewer rows than its ``min_rows``, named by the table's description
    (“县域义务教育学校”至少应填报1行,现为0行)."""
    assert spec.table is not None
    assert spec.table.min_rows is not None
    least = spec.table.min_rows
    what = spec.description
    en = what.en or what.zh
    rows = "row" if least == 1 else "rows"
    return FactsProblem(
        spec.path,
        "too-few-rows",
        f"“{what.zh}”至少应填报{least}行,现为{given}行",
        f"“{en}” must have at least {least} {rows}; it has {given}",
        given,
    )


_FIELD_TEXTS = {
    "missing": ("缺少“{field}”", "“{field}” is missing"),
    "wrong-type": ("“{field}”的类型错误", "“{field}” has the wrong type"),
    "negative": ("“{field}”不能为负数", "“{field}” cannot be negative"),
    "empty": ("“{field}”不能为空", "“{field}” cannot be empty"),
    "unknown": ("不应有“{field}”", "“{field}” is not expected here"),
    "invalid": ("“{field}”不符合要求", "“{field}” is invalid"),
}


def _field_code(error: Any) -> str:
    if error.code == _UNKNOWN_FIELD:
        return "unknown"
    return {"required": "missing", "type": "wrong-type", "min": "negative", "empty": "empty"}.get(
        error.rule or "", "invalid"
    )


def _type_problem(path: str, value: Any, ftype: FactType) -> FactsProblem:
    exp = ftype.expected
    explained = ftype.explain(value) if ftype.explain is not None else None
    if explained is not None:
        code, text = explained
        return FactsProblem(path, code, text.zh, text.en, value)
    if isinstance(value, str) and ftype.numeric:
        cleaned = value.replace(",", "").replace(",", "").replace("%", "").replace("元", "").strip()
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite() and len(plain(number)) > 24:
            return FactsProblem(
                path,
                "wrong-type",
                f"应为数字而不是文字,且数值大得不合常理:“{value[:40]}”",
                f"expected a number, not text, and the value is implausibly large: “{value[:40]}”",
                value,
            )
        if number is not None and number.is_finite():
            return FactsProblem(
                path,
                "wrong-type",
                f"应为数字而不是文字“{value}”;请写作 {plain(number)}(不带引号、逗号、单位)",
                f"expected a number, not the text “{value}”; write {plain(number)} "
                "(no quotes, commas or unit)",
                value,
            )
    if isinstance(value, bool) and ftype.numeric:
        return FactsProblem(
            path,
            "wrong-type",
            f"应为{exp.zh},而不是布尔值",
            f"expected {exp.en}, not a boolean",
            value,
        )
    return FactsProblem(
        path, "wrong-type", f"类型错误:应为{exp.zh}", f"wrong type: expected {exp.en}", value
    )


def _leaf_errors(errors: Iterable[Any]) -> Iterable[Any]:
    for error in errors:
        if error.is_group_error and error.child_errors:
            yield from _leaf_errors(error.child_errors)
        else:
            yield error


def _find_nonfinite(data: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _find_nonfinite(value, f"{prefix}{key}.")
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from _find_nonfinite(value, f"{prefix.rstrip('.')}[{i}].")
    elif isinstance(data, Decimal | float) and not _is_number(data):
        yield prefix.rstrip("."), data


def _without_nulls(data: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        return dict(data)  # deeper than the limit: the limit's check reports it
    return {
        key: _without_nulls(value, depth + 1)
        if isinstance(value, Mapping)
        else _rows_without_nulls(value, depth + 1)
        if isinstance(value, list | tuple)
        else value
        for key, value in data.items()
        if value is not None
    }


def _rows_without_nulls(rows: Sequence[Any], depth: int) -> list[Any]:
    """A table's rows without their blank (null) cells (a document read from a file holds
    its rows as a tuple, one handed in as a list)."""
    if depth > MAX_DEPTH:
        return list(rows)  # deeper than the limit: the limit's check reports it
    return [_without_nulls(r, depth + 1) if isinstance(r, Mapping) else r for r in rows]


def _hashable(value: Any) -> Any:
    """``value`` if it can be a set's member, else its text (a key cell of any type)."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _bad_year(path: str, value: Any) -> FactsProblem:
    return FactsProblem(
        path,
        "bad-year",
        "年份应为1949到2200之间的整数",
        "a year must be a whole number from 1949 to 2200",
        value,
    )


def _beyond_limits(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_beyond_limits(v) for v in value.values())
    if isinstance(value, list):
        return any(_beyond_limits(v) for v in value)
    if isinstance(value, TableValue):
        return any(_beyond_limits(v) for v in table_cells(value))
    return isinstance(value, Decimal | int) and number_problem(value) is not None


def _without_paths(data: Mapping[str, Any], paths: set[str], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if path in paths:
            continue
        if isinstance(value, Mapping):
            out[key] = _without_paths(value, paths, path + ".")
        elif isinstance(value, list) and any(p.startswith(f"{path}[") for p in paths):
            out[key] = [
                _without_paths(row, paths, f"{path}[{i}].") if isinstance(row, Mapping) else row
                for i, row in enumerate(value)
            ]
        else:
            out[key] = value
    return out


#: A path inside a table's row: ``schools[12]`` or ``schools[12].pupils``.
_ROW_PATH = re.compile(r"(.+?)\[([0-9]+)\](?:\.(.*))?\Z")


def _present(facts: Mapping[str, Any], path: str) -> bool:
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return True


def touches(path: str, problems: frozenset[str]) -> bool:
    """Whether a problem lies at ``path``, inside it, or at a group that holds it."""
    if path in problems:
        return True
    parts = path.split(".")
    if any(".".join(parts[:i]) in problems for i in range(1, len(parts))):
        return True
    inside, row = path + ".", path + "["
    return any(p.startswith(inside) or p.startswith(row) for p in problems)


def _table_blocked(path: str, problems: frozenset[str]) -> bool:
    """Whether a problem lies at a table itself or a group that holds it (not in a row)."""
    parts = path.split(".")
    return path in problems or any(".".join(parts[:i]) in problems for i in range(1, len(parts)))


def ordered(problems: Iterable[FactsProblem]) -> list[FactsProblem]:
    """Problems without repeats, sorted by path, then code (the order a refusal lists).

    A path's numbers sort as numbers: ``schools[3]`` comes before ``schools[10]``.
    """
    unique = {(p.path, p.code, p.message_en): p for p in problems}
    return sorted(unique.values(), key=lambda p: (natural_order(p.path), p.code))
