"""Message templates and their rendering in Chinese (first) and English.

A finding keeps its ``message_id`` and ``params``; the text is rendered from a template with
named fields, so the same finding reads in zh-CN or en, and a host application can render it
in its own words from the JSON.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping
from decimal import Context, Decimal, getcontext
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
    "not_applicable.not_computed": Text(
        "{reason},“{fact_label}”不适用,{consequence}。",
        "{reason}, so “{fact_label}” does not apply; {consequence}.",
    ),
    "claim.agrees": Text("自评分与核定分一致。", "The claimed score agrees with the computed one."),
    "claim.differs": Text(
        "自评{claimed}分,核定{computed}分,核减{difference}分。{explanation}",
        "Claimed {claimed}, computed {computed}: {difference} fewer than claimed. {explanation}",
    ),
    "claim.below": Text(
        "自评{claimed}分,核定{computed}分,核增{difference}分。{explanation}",
        "Claimed {claimed}, computed {computed}: {difference} more than claimed. {explanation}",
    ),
    "claim.cohort": Text(
        "本项得分取决于全市各县区排序,单独评价时无法核定,自评分待各县区一并评价后核对。",
        "This score depends on the ranking among the city's districts: it cannot be "
        "computed alone, and the claim can be checked only when the districts are "
        "evaluated together.",
    ),
    "claim.unexplained": Text(
        "本项无扣分记录,差异来自下级指标的自评分。",
        "No finding on this node; the difference comes from the claims of its parts.",
    ),
}


#: The field the scorer fills in every finding's message: the effective points, unsigned.
SCORER_FIELDS: frozenset[str] = frozenset({"points"})

#: Fields the scorer derives from a fact path a kind passes: ``fact_label`` is the
#: description of the fact named by the field ``fact``, ``other_label`` that of ``other``.
LABEL_FIELDS: Mapping[str, str] = {"fact_label": "fact", "other_label": "other"}

#: How much of a template a problem message quotes.
_QUOTED = 60


def counted_in(message_id: str, messages: Mapping[str, Text]) -> str | None:
    """The message a deduction takes when it adds no points of its own (the points it asks
    for were already taken by an earlier finding of its item: its share is 0), if its kind
    words one: ``{id}_also`` (``k_of_n.too_few_also``) or ``{kind}.also_{rest}``
    (``each_row.also_missed``), which say "(已计入本项扣分)" instead of "扣0分"."""
    kind, _, rest = message_id.partition(".")
    for candidate in (f"{message_id}_also", f"{kind}.also_{rest}"):
        if candidate in messages:
            return candidate
    return None


def available_fields(declared: Iterable[str]) -> frozenset[str]:
    """The fields a template may name for a message whose effects carry ``declared``.

    These are the declared fields themselves, ``points`` (always), and the label of every
    fact path among them (``fact_label`` when ``fact`` is declared, ``other_label`` when
    ``other`` is).
    """
    names = frozenset(declared)
    labels = {label for label, path in LABEL_FIELDS.items() if path in names}
    return names | SCORER_FIELDS | labels


def quote(template: str) -> str:
    """A template as a problem message shows it: escaped, and cut when it is long."""
    shown = template if len(template) <= _QUOTED else template[:_QUOTED] + "…"
    return repr(shown)


def parse_template(template: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Read a message template: the fields it names, and what is wrong with it.

    A template is text with fields named in braces, ``{points}``; ``{{`` and ``}}`` write a
    brace. Nothing else is allowed in the braces: no conversion (``{points!r}``), no format
    spec (``{points:d}``, ``{points:>3000000}``), no attribute or index (``{a.b}``,
    ``{a[0]}``), no positional field (``{}``, ``{0}``). Fields are shown the way
    :func:`show` writes them; a template only says where.

    Returns:
        The field names, and one message per problem (empty when the template is sound).
    """
    names: set[str] = set()
    problems: list[str] = []
    parts = iter(_FORMATTER.parse(template))
    while True:
        try:
            _, name, spec, conversion = next(parts)
        except StopIteration:
            break
        except ValueError as exc:
            problems.append(
                f"unbalanced braces ({exc}); write {{{{ or }}}} for a brace in the text"
            )
            break
        if name is None:
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "")
        written += (f":{spec}" if spec else "") + "}"
        if not name.isidentifier():
            if not name or name.isdigit():
                problems.append(f"{quote(written)} is a positional field; name the field")
            elif "." in name or "[" in name:
                problems.append(
                    f"{quote(written)} reaches into a field; name the field itself, as "
                    f"{{{name.split('.')[0].split('[')[0]}}}"
                )
            else:
                problems.append(f"{quote(written)} is not a field name")
            continue
        names.add(name)
        if conversion is not None:
            problems.append(f"{quote(written)} has a conversion (!{conversion}); write {{{name}}}")
        if spec:
            problems.append(
                f"{quote(written)} has a format spec (:{spec}); write {{{name}}}: fields "
                "are written for people already"
            )
    return frozenset(names), tuple(problems)


def template_fields(template: str) -> frozenset[str]:
    """The field names a template uses (whatever else is wrong with it)."""
    return parse_template(template)[0]


def template_problems(
    template: Text, available: frozenset[str], lacks: Callable[[str], str]
) -> list[tuple[str, str]]:
    """Check a template in both languages against the fields its message has.

    Args:
        template: The template.
        available: The fields it may name (see :func:`available_fields`).
        lacks: For a field it may not name, why (``"a field message x.y does not have"``).

    Returns:
        ``(language, problem)`` pairs; each problem quotes the template text.
    """
    out: list[tuple[str, str]] = []
    for lang, text in (("zh", template.zh), ("en", template.en)):
        names, problems = parse_template(text)
        out.extend((lang, f"{quote(text)}: {problem}") for problem in problems)
        out.extend(
            (lang, f"{quote(text)} names {{{name}}}, {lacks(name)}")
            for name in sorted(names - available)
        )
    return out


#: The decimal places a message shows a number to, unless it needs more (see :func:`figure`).
MESSAGE_PLACES = 2


def figure(value: Decimal, places: int) -> str:
    """``value`` written with ``places`` decimals (its own when it has fewer).

    Rounding never makes a value look rounder than it is: when the last decimal kept would
    be a 0 (which is not written), the value takes two more places, as often as it needs.
    So a coefficient of variation of 0.5049 reads 0.5049, not 0.50 = "0.5" next to a limit
    of 0.5; 0.5977 reads 0.5977, not "0.6"; 84.99995 reads 84.99995, not 85 next to a
    standard of 85. A value that rounds to a figure ending in another digit keeps
    ``places`` (84.9197 reads 84.92).
    """
    if value == value.to_integral_value():
        return plain(value)
    # the current context's rounding, with digits enough for a huge value's decimals
    ctx = getcontext().copy()
    ctx.prec = max(ctx.prec, value.adjusted() + 24)
    exponent = value.normalize(ctx).as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -places:
        return plain(value)
    shown = value.quantize(Decimal(1).scaleb(-places), context=ctx)
    while shown != value and _rounder(shown, places, ctx) and places < 20:
        places += 2
        shown = value.quantize(Decimal(1).scaleb(-places), context=ctx)
    return plain(shown)


def percent_figure(value: Decimal) -> str:
    """A computed percentage for people, without its ``%``: two decimals (4.2002 reads
    4.20, 18.4782 reads 18.48), or its own digits when it has fewer (80, 12.5).

    When two decimals would make it look whole (84.99995 would read 85.00 next to a standard
    of 85; 0.001 would read 0.00), it is written as :func:`figure` writes it instead, with
    the places it needs (84.99995).
    """
    if value == value.to_integral_value():
        return plain(value)
    ctx = getcontext().copy()
    ctx.prec = max(ctx.prec, value.adjusted() + 24)
    shown = value.quantize(Decimal("0.01"), context=ctx)
    if shown == value:
        return plain(value)
    if shown == shown.to_integral_value():
        return figure(value, MESSAGE_PLACES)
    return format(shown, "f")


def _rounder(shown: Decimal, places: int, ctx: Context) -> bool:
    """Whether ``shown`` (rounded to ``places``) ends in a 0 that its writing drops."""
    exponent = shown.normalize(ctx).as_tuple().exponent
    return shown.is_zero() or (isinstance(exponent, int) and exponent > -places)


def show(value: Any, lang: str) -> str:
    """Format one template field for people."""
    if type(value) is str:  # most fields are text; skip the isinstance chain
        return value
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Decimal):
        return figure(value, MESSAGE_PLACES)
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
    """Render a template in both languages.

    Templates are checked before they get here (a kind's when the engine registers it, a
    rubric's when it loads) and a kind must pass every field it declares, so each field a
    template names is filled; one that was not would show as ``{name}``.
    """
    zh = template.zh.format_map(_Fields({k: show(v, "zh") for k, v in params.items()}))
    en_template = template.en or template.zh
    en = en_template.format_map(_Fields({k: show(v, "en") for k, v in params.items()}))
    return Text(zh, en)


def _fill(template: str, params: Mapping[str, Any], lang: str) -> str:
    # Only the fields the template names are shown: a message's fields are plain data,
    # and showing one costs more than looking it up (a kind passes fields for every
    # template of its message, and its evidence).
    try:
        names = _NAMED[template]
    except KeyError:
        names = _named(template)
        if len(_NAMED) < _MAX_NAMED:
            _NAMED[template] = names
    if names is None:
        return template.format_map(_Fields({k: show(v, lang) for k, v in params.items()}))
    return template.format_map(_Fields({k: show(params[k], lang) for k in names if k in params}))


#: A template → the names of the fields it looks up (see :func:`_named`), for :func:`_fill`.
_NAMED: dict[str, tuple[str, ...] | None] = {}
_MAX_NAMED = 4096


def _named(template: str) -> tuple[str, ...] | None:
    """The fields ``str.format_map`` looks up for ``template``: each field's name up to a
    ``.`` or ``[`` (a sound template names fields only; see :func:`parse_template`), in
    the order they first come; ``None`` (every field) when a format spec names fields too,
    or when ``format_map`` cannot read the template (it then raises what it raised)."""
    names: dict[str, None] = {}
    try:
        for _, name, spec, _ in _FORMATTER.parse(template):
            if spec and "{" in spec:
                return None
            if name is not None:
                names[name.split(".", 1)[0].split("[", 1)[0]] = None
    except ValueError:
        return None
    return tuple(names)


class Rendered(Text):
    """A message rendered from its template when it is first read, in each language apart.

    It is a :class:`Text` in every way a reader sees: ``zh``, ``en`` and :meth:`get` give
    what :func:`render` gives, and it equals and hashes like the ``Text`` of the same words.
    A finding holds one, so that an evaluation formats no field that nobody reads; it
    pickles as its template and fields, so a kept scorecard carries no rendered text.
    """

    __slots__ = ("_en", "_params", "_template", "_zh")

    _template: Text
    _params: Mapping[str, Any]
    _zh: str | None
    _en: str | None

    def __init__(self, template: Text, params: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_template", template)
        object.__setattr__(self, "_params", params)
        object.__setattr__(self, "_zh", None)
        object.__setattr__(self, "_en", None)

    @property
    def zh(self) -> str:
        """Simplified Chinese, rendered when first read."""
        text: str | None = self._zh
        if text is None:
            text = _fill(self._template.zh, self._params, "zh")
            object.__setattr__(self, "_zh", text)
        return text

    @property
    def en(self) -> str:
        """English, rendered when first read (from the Chinese template when it has none)."""
        text: str | None = self._en
        if text is None:
            text = _fill(self._template.en or self._template.zh, self._params, "en")
            object.__setattr__(self, "_en", text)
        return text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return (self.zh, self.en) == (other.zh, other.en)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(Text(self.zh, self.en))

    def __repr__(self) -> str:
        return f"Text(zh={self.zh!r}, en={self.en!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Rendered, (self._template, self._params))

    def __copy__(self) -> Rendered:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Rendered:
        return self
