"""The rubric as frozen values: indicators, rules, facts declarations, grade bands."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from evalrules._frozen import frozen_mapping
from evalrules._points import ZERO
from evalrules._text import Text

NOT_APPLICABLE_POLICIES: tuple[str, ...] = ("full", "exclude", "zero")


def _optional_text(value: Text | str | None) -> Text | None:
    """A text given as ``Text`` or, for one wording in both languages, as ``str``."""
    if value is None or isinstance(value, Text):
        return value
    return Text(value, value)


#: Metadata of a field added after rubrics were first digested: left out of the digest while
#: it holds its default, so the digest of a rubric that does not use it stays the same.
_LATER = {"digest": "when-set"}


def _optional_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    return None if value is None else frozen_mapping(value)


@attrs.frozen
class Alternative:
    """A documented alternative to an inferred rule: other parameters the rule could have.

    Sensitivity analysis scores the facts again with the rule's parameters replaced by
    these, so a reader sees which conclusions rest on the inference.

    Attributes:
        params: The parameters that change (merged over the rule's own).
        why: Where the alternative comes from, in Chinese and English.
        document: The document that supports it, if any.
    """

    params: Mapping[str, Any] = attrs.field(converter=frozen_mapping, factory=dict)
    why: Text = Text("")
    document: str | None = None


@attrs.frozen
class Source:
    """Where a rule comes from: an official text, or an inference with its reasoning.

    Attributes:
        document: The official document (number and title), if the rule is documented.
        clause: The clause or section within that document.
        url: Where the document can be read.
        inferred: True when no official text was found and the rule was reconstructed.
        why: The reasoning (for inferred rules: which evidence the rule was inferred from),
            in Chinese and English.
        note: A caveat on the source itself, e.g. that a cited standard is not verified
            (待核).
        alternatives: Documented alternatives to an inferred rule's parameters.
    """

    document: str | None = None
    clause: str | None = None
    url: str | None = None
    inferred: bool = False
    why: Text | None = attrs.field(default=None, converter=_optional_text)
    note: Text | None = attrs.field(default=None, converter=_optional_text)
    alternatives: tuple[Alternative, ...] = ()

    def describe(self, lang: str = "en") -> str:
        """One line: ``document, clause`` or ``inferred: why``."""
        why = self.why.get(lang) if self.why is not None else ""
        if self.inferred:
            return f"inferred: {why}" if why else "inferred"
        return self.cited() or "unspecified"

    def cited(self) -> str:
        """The document and its clause as one citation: an article follows the document's
        name or number directly (``《办法》(教督〔2017〕6号)第六条``), anything else after a
        comma (``document, clause``)."""
        if (
            self.document
            and self.clause
            and self.document.endswith(_CLOSING)
            and self.clause.startswith(_ARTICLE)
        ):
            return f"{self.document}{self.clause}"
        return ", ".join(p for p in (self.document, self.clause) if p)


#: Marks a document's name may end in, after which its clause follows without a comma.
_CLOSING = (")", "）", "》", "〕", "]")
#: How an article, a part or an annex of an official document is cited (第六条, 附件1).
_ARTICLE = ("第", "附件")


@attrs.frozen
class SourceDocument:
    """The official document a rubric implements (e.g. 盘政教督室〔2023〕31号)."""

    number: str | None = None
    title: str | None = None
    url: str | None = None


@attrs.frozen
class GradeBand:
    """A grade over the total: a half-open interval ``[lower, next band's lower)``.

    Attributes:
        code: Stable code, e.g. ``"excellent"``.
        label: Display label, e.g. 优秀 / excellent.
        lower: Inclusive lower edge; ``None`` for the lowest band (open below).
    """

    code: str
    label: Text
    lower: Decimal | None


@attrs.frozen
class FactSpec:
    """A fact a rubric needs, declared with its type, unit and limits.

    Attributes:
        path: Dotted path in the facts document, e.g. ``"funding.primary.public_funds"``.
        type: Fact type name (``count``, ``money``, ``percent``, ``ratio``, ``boolean``,
            ``text``, ``series``, ``judgement``, or a plugin's).
        description: What the fact is, in Chinese and English.
        unit: Unit as officials write it (元, 人, %, 所, 次), or ``None``.
        required: Whether the fact must be present.
        required_if: A boolean fact path; when that fact is true this one is required.
        minimum: Inclusive lower limit, beyond the type's own.
        maximum: Inclusive upper limit, beyond the type's own.
        plausible_max: A value above this is reported as implausible.
        items: For ``series``: the element type of each year's value.
        source: Where the value usually comes from (a form, a report, an outside rating).
        values: The values a fact may take (a ``choice``, or a table's stage column), or
            ``None`` for any value of its type.
        labels: Value → its label in Chinese and English (``nine_year`` → 九年一贯制), for
            some or all of ``values``; messages and descriptions write a value by its label.
        table: For a fact whose type holds a table: its rows' declaration.
    """

    path: str
    type: str
    description: Text
    unit: str | None = None
    required: bool = True
    required_if: str | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    plausible_max: Decimal | None = None
    items: str | None = None
    source: str | None = None
    values: tuple[Any, ...] | None = attrs.field(default=None, metadata=_LATER)
    table: TableSpec | None = attrs.field(default=None, metadata=_LATER)
    # an immutable default (not a factory), so that the digest sees the default as such
    labels: Mapping[Any, Text] = attrs.field(
        converter=frozen_mapping, default=frozen_mapping({}), metadata=_LATER
    )

    def value_label(self, value: Any) -> Text | None:
        """The declared label of one of the fact's ``values`` (``nine_year`` → 九年一贯制),
        or ``None`` when it has none."""
        try:
            return self.labels.get(value)
        except TypeError:  # an unhashable value has no label
            return None


@attrs.frozen
class RowExclusion:
    """Rows a table declaration leaves out of every aggregation and row rule, and why.

    Attributes:
        when: The row condition (``{column, op, value}``, ``{all: [...]}``, ``{any: [...]}``).
        why: Why such rows are not counted, in Chinese and English.
        source: The clause that says so, if any.
        columns: When given, only these columns and row-derived values of such rows are left
            out (with the row-derived values computed from them); the row stays counted for
            every other column. Empty (the default): the whole row is left out.
    """

    when: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    why: Text
    source: str | None = None
    columns: tuple[str, ...] = ()


@attrs.frozen
class TableSpec:
    """The rows of a table fact: one row per unit (a school, a kindergarten).

    Attributes:
        key: The column that identifies a row (unique per stage).
        label: The column that names a row in messages (the key's when not given).
        stage: The column holding a row's stage (学段), or ``None``.
        stages: Stage code → its label, in declaration order.
        columns: The columns, each declared like a fact (``path`` is the column's name).
        exclude: Rows left out of aggregations and row rules.
        row_derived: Values computed per row from its columns (``path`` is the name,
            ``inputs`` are column names).
        max_rows: The most rows a document may give, or ``None`` for the core's own limit.
        min_rows: The fewest rows a document may give, excluded rows included (a county
            reports at least one school; a table whose every row is excluded is accepted,
            what reads its counted rows not applicable), or ``None`` when an empty list of
            rows is valid.
        cross_checks: Relations between the columns of each row, checked like the
            rubric's cross checks between facts (``compliant_classes`` part of ``classes``);
            each check's ``facts`` are column names.
        totals: Total column → the column it totals over a key's rows: on every row of a
            key, the total (``school_pupils``, repeated on each stage row of a 九年一贯制
            school) must equal the sum of the other column (``pupils``) over that key's rows.
        row_noun: What one row is, in Chinese and English (幼儿园 / kindergartens), as a
            card counts the rows (幼儿园数n = 17) and names those not counted; ``None``
            for the core's 学校 / rows.
    """

    key: str
    label: str
    columns: tuple[FactSpec, ...]
    stage: str | None = None
    stages: Mapping[str, Text] = attrs.field(converter=frozen_mapping, factory=dict)
    exclude: tuple[RowExclusion, ...] = ()
    row_derived: tuple[DerivedFact, ...] = ()
    max_rows: int | None = None
    min_rows: int | None = attrs.field(default=None, metadata=_LATER)
    cross_checks: tuple[CrossCheck, ...] = attrs.field(default=(), metadata=_LATER)
    # an immutable default (not a factory), so that the digest sees the default as such
    totals: Mapping[str, str] = attrs.field(
        converter=frozen_mapping, default=frozen_mapping({}), metadata=_LATER
    )
    row_noun: Text | None = attrs.field(default=None, metadata=_LATER)

    def column(self, name: str) -> FactSpec | DerivedFact | None:
        """A column's or a row-derived value's declaration, ``None`` if there is none."""
        for spec in self.columns:
            if spec.path == name:
                return spec
        for derived in self.row_derived:
            if derived.path == name:
                return derived
        return None


#: The closed set of formulas a derived fact may use, with their input counts (least, most).
FORMULA_ARITY: Mapping[str, tuple[int, int | None]] = {
    "ratio": (2, 2),
    "share": (2, 2),
    "per_capita": (2, 2),
    "difference": (2, 2),
    "growth": (1, 1),
    "sum": (2, None),
    "per_hundred": (2, 2),
}


@attrs.frozen
class Aggregate:
    """A derived fact computed over a table's rows by a registered aggregation.

    Attributes:
        name: The aggregation's registered name (``cv``, ``share_where``, ...).
        table: The table fact's path.
        column: The column or row-derived value aggregated (``None`` for ``count``).
        stage: Only rows of this stage, or ``None`` for every stage.
        weight: The column weighting each row (pupils), or ``None``.
        where: A row condition: the rows counted (``count``, ``share_where``) or kept.
    """

    name: str
    table: str
    column: str | None = None
    stage: str | None = None
    weight: str | None = None
    where: Mapping[str, Any] | None = attrs.field(default=None, converter=_optional_mapping)


@attrs.frozen
class DerivedFact:
    """A fact computed from others by one of a closed set of formulas.

    Attributes:
        path: Where the value appears, e.g. ``"derived.per_pupil.primary"``.
        formula: ``ratio``, ``share``, ``per_capita``, ``per_hundred``, ``difference``,
            ``growth`` or ``sum``; for an aggregate, the aggregation's name.
        inputs: The fact paths the formula reads, in order.
        description: What the value means.
        unit: Display unit.
        year: For ``growth``: the year compared with the year before.
        aggregate: For a value over a table's rows: the aggregation (``formula`` is then
            its name and ``inputs`` the table's path).
    """

    path: str
    formula: str
    inputs: tuple[str, ...]
    description: Text
    unit: str | None = None
    year: int | None = None
    aggregate: Aggregate | None = attrs.field(default=None, metadata=_LATER)


@attrs.frozen
class CrossCheck:
    """A relation between facts that must hold, e.g. a part never exceeds its whole.

    Attributes:
        kind: The check's name, e.g. ``"part_of"``; provided by a plugin hook.
        facts: The fact paths involved, in the check's own order.
        description: Why it must hold.
    """

    kind: str
    facts: tuple[str, ...]
    description: Text = Text("")


@attrs.frozen
class Monotonic:
    """A declaration that a fact only helps or only hurts a rule's score.

    Attributes:
        fact: The fact path.
        direction: ``"helps"`` (more never lowers the score) or ``"hurts"``.
    """

    fact: str
    direction: Literal["helps", "hurts"]


@attrs.frozen
class Rule:
    """How an indicator loses (or, for bonus items, earns) points.

    Attributes:
        code: Stable identifier, never reused, e.g. ``"PJ-8.2-a"``.
        kind: Rule kind name, e.g. ``"threshold"``.
        params: The kind's validated parameters (read-only).
        name: Readable name of what is deducted for.
        message: Optional per-rule message templates (override the kind's defaults).
        source: Official source, or inferred with reasoning.
        aliases: Former codes of this rule.
        monotonic: Declared monotonic relations to facts.
        description: The rule in words as the rubric writes it, replacing the words its
            kind makes of the parameters (``evalrules show``, ``explain``, the 评分细则
            pages), or ``None`` for the kind's.
    """

    code: str
    kind: str
    params: Mapping[str, Any] = attrs.field(converter=frozen_mapping, factory=dict)
    name: Text = Text("")
    message: Text | None = None
    source: Source = Source()
    aliases: tuple[str, ...] = ()
    monotonic: tuple[Monotonic, ...] = ()
    description: Text | None = attrs.field(default=None, metadata=_LATER)


@attrs.frozen
class Indicator:
    """A node of the indicator tree: a first-level indicator, an indicator or an item.

    Attributes:
        code: Code, e.g. ``"A"``, ``"8"``, ``"8.2"``.
        title: Title in Chinese and English.
        max: Max points. A parent's max is the sum of its children's.
        children: Child indicators (empty for a scored item).
        rules: Rules of a scored item (empty for a parent).
        methods: Verification methods (查阅资料, 实地查看, ...).
        evidence: Evidence the assessor looks at.
        not_applicable: This node's not-applicable policy, overriding the rubric's.
        note: Free remarks for readers.
        title_aliases: Other Chinese wordings of the title met in documents (a report that
            transposes words); reading a report maps a heading written so to this node.
    """

    code: str
    title: Text
    max: Decimal
    children: tuple[Indicator, ...] = ()
    rules: tuple[Rule, ...] = ()
    methods: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    not_applicable: str | None = None
    note: str | None = None
    title_aliases: tuple[str, ...] = ()

    @property
    def is_leaf(self) -> bool:
        """True for a scored item (a node without children)."""
        return not self.children

    def walk(self) -> Iterator[Indicator]:
        """Yield this node and its descendants, depth first, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class VerdictSpec:
    """The verdict of a certification rubric (达标 / 未达标), decided by gates.

    A certification rubric still scores points; its verdict is ``passed`` when every gate
    lost no points (not-applicable items pass over) and no veto fired, ``failed`` when a
    gate lost points or a veto fired, and ``undecided`` when neither holds and the card is
    incomplete (partial mode: an item could not be assessed).

    Attributes:
        gates: Codes of the indicators or items that must all pass, in the rubric's order
            of listing.
        pass_label: What a passed verdict reads as (达标 / Meets the standard).
        fail_label: What a failed verdict reads as (未达标 / Does not meet the standard).
        undecided_label: What an undecided verdict reads as.
        source: Where the gates come from.
    """

    gates: tuple[str, ...]
    pass_label: Text
    fail_label: Text
    undecided_label: Text = Text("暂无法认定(数据不全)", "Undecided (facts incomplete)")
    source: Source = Source()


@attrs.frozen
class Rubric:
    """A year's evaluation scheme.

    Attributes:
        family: Rubric family, e.g. ``"panjin-county"``.
        year: Evaluation year, e.g. 2023.
        title: Title in Chinese and English.
        version: Version of this rubric data (changes when the data is corrected).
        source: The official document.
        precision: Points are quantized to multiples of this at each item (e.g. 0.1).
        rounding: Decimal rounding name (``ROUND_HALF_UP``).
        grades: Grade bands, highest first.
        not_applicable: Default not-applicable policy.
        bonus_cap: Most bonus points in total, or ``None`` for no cap.
        facts: The facts the rubric reads.
        derived: Derived facts.
        cross_checks: Relations between facts.
        indicators: First-level indicators.
        bonus: Bonus items (加分), outside the base total.
        data_year: The year whose facts are evaluated (the 2023 Panjin scheme scores 2022 data).
        file: The file this rubric was loaded from, if any.
        plugin: The plugin that registered it, if any.
        extends: The reference of the rubric this one extends, if any.
        verdict: For a certification rubric, how its verdict is decided; ``None`` for a
            points rubric.
    """

    family: str
    year: int
    title: Text
    version: str
    source: SourceDocument
    precision: Decimal
    rounding: str
    grades: tuple[GradeBand, ...]
    not_applicable: str
    bonus_cap: Decimal | None
    facts: tuple[FactSpec, ...]
    derived: tuple[DerivedFact, ...]
    cross_checks: tuple[CrossCheck, ...]
    indicators: tuple[Indicator, ...]
    bonus: tuple[Indicator, ...] = ()
    data_year: int | None = None
    file: str | None = attrs.field(default=None, eq=False)
    plugin: str | None = attrs.field(default=None, eq=False)
    extends: str | None = None
    # Left out of the digest when absent, so a points rubric keeps the digest it had.
    verdict: VerdictSpec | None = attrs.field(default=None, metadata=_LATER)

    @property
    def ref(self) -> str:
        """The rubric reference, ``family/year``."""
        return f"{self.family}/{self.year}"

    @property
    def max(self) -> Decimal:
        """The base max: the sum of the first-level indicators' max."""
        return sum((i.max for i in self.indicators), ZERO)

    def walk(self) -> Iterator[Indicator]:
        """Yield every indicator and bonus item, depth first, in document order."""
        for top in self.indicators:
            yield from top.walk()
        for item in self.bonus:
            yield from item.walk()

    def indicator(self, code: str) -> Indicator:
        """Return the indicator with ``code``.

        Raises:
            KeyError: if no indicator has that code.
        """
        for node in self.walk():
            if node.code == code:
                return node
        raise KeyError(code)

    def rules(self) -> Iterator[tuple[Indicator, Rule]]:
        """Yield ``(item, rule)`` for every rule, in document order."""
        for node in self.walk():
            for rule in node.rules:
                yield node, rule
