"""Hypothesis strategies the test kit does not offer: rubrics and garbled documents.

``evalrules.testing`` draws facts from a rubric (``valid_facts``, ``invalid_facts``); the
property tests also need rubrics themselves (:func:`scripted_rubrics`) and documents of any
kind broken in ways nobody predicted (:func:`mutated`: any value of any type anywhere, a key
removed, an unknown key added), whose problems are therefore not known in advance.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from _rubrics import _scaled_grades, item, node, rule, text
from hypothesis import strategies as st

from evalrules._points import ROUNDINGS

PRECISIONS = (Decimal("0.1"), Decimal("0.5"), Decimal("1"), Decimal("0.01"))
POLICIES = ("full", "exclude", "zero")
VETOES = ("force_fail", "lower_one", "cap_below_top")


def amounts(limit: Decimal) -> st.SearchStrategy[Decimal]:
    """Nominal points from 0 to ``limit`` × 1.5, with up to three decimal places."""
    top = int(limit * 1500) + 1
    return st.integers(0, top).map(lambda n: Decimal(n) / 1000)


@st.composite
def scripted_rubrics(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A rubric document using the scripted rule kinds, and facts for it.

    Items get random deductions, manual deductions, zero-outs, vetoes and not-applicable
    rules; bonus items get random awards. Every max is a multiple of the precision.
    """
    precision = draw(st.sampled_from(PRECISIONS))
    counter = iter(range(10_000))
    facts_decl: dict[str, Any] = {}
    facts: dict[str, Any] = {}

    def new_item() -> dict[str, Any]:
        n = next(counter)
        code = f"i{n}"
        max_points = precision * draw(st.integers(0, 40))
        rules = []
        if draw(st.booleans()):
            path = f"na.i{n}"
            facts_decl[path] = {"type": "boolean", "description": text(path)}
            facts[path] = draw(st.booleans())
            params: dict[str, Any] = {"when": {"fact": path}}
            if draw(st.booleans()):
                params["policy"] = draw(st.sampled_from(POLICIES))
            rules.append(rule(f"NA-{n}", "not_applicable_when", params))
        for r in range(draw(st.integers(1, 3))):
            params = {
                "deductions": draw(st.lists(amounts(max_points), max_size=3)),
                "manual": draw(st.lists(amounts(max_points), max_size=1)),
                "vetoes": draw(st.lists(st.sampled_from(VETOES), max_size=1)),
                "zero_out": draw(st.booleans()) and draw(st.booleans()),
            }
            rules.append(rule(f"S-{n}-{r}", "scripted", params))
        extra: dict[str, Any] = {}
        if draw(st.booleans()):
            extra["not_applicable"] = draw(st.sampled_from(POLICIES))
        return item(code, max_points, rules, **extra)

    def new_parent(depth: int) -> dict[str, Any]:
        n = next(counter)
        children = []
        for _ in range(draw(st.integers(1, 3))):
            children.append(
                new_parent(depth + 1) if depth < 2 and draw(st.booleans()) else new_item()
            )
        return node(f"p{n}", sum((c["max"] for c in children), Decimal(0)), children)

    tops = [new_parent(1) for _ in range(draw(st.integers(1, 3)))]
    bonus = []
    for b in range(draw(st.integers(0, 2))):
        max_points = precision * draw(st.integers(0, 20))
        awards = draw(st.lists(amounts(max_points), max_size=3))
        bonus.append(
            item(f"b{b}", max_points, [rule(f"B-{b}", "scripted_bonus", {"awards": awards})])
        )
    doc: dict[str, Any] = {
        "evalrules": "rubric/1",
        "family": "generated",
        "year": 2024,
        "version": "1",
        "title": text("生成的评价方案", "Generated rubric"),
        "total": sum((t["max"] for t in tops), Decimal(0)),
        "precision": str(precision),
        "rounding": draw(st.sampled_from(sorted(ROUNDINGS))),
        "not_applicable": draw(st.sampled_from(POLICIES)),
        "grades": _scaled_grades(sum((t["max"] for t in tops), Decimal(0))),
        "facts": facts_decl,
        "indicators": tops,
        "bonus": bonus,
        "bonus_cap": draw(st.none() | st.integers(0, 30).map(lambda k: precision * k)),
    }
    return doc, facts


# ------------------------------------------------------------------------- any values

#: Any value a YAML or JSON document (or a careless caller) can hold, odd numbers included.
ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.text(max_size=8)
    | st.decimals(allow_nan=True, allow_infinity=True, places=3)
    | st.floats(allow_nan=True, allow_infinity=True),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


# -------------------------------------------------------------------- rubric mutations


def kitchen_sink() -> dict[str, Any]:
    """A valid rubric document that uses every builtin rule kind."""
    from _rubrics import fact, minimal

    doc = minimal()
    doc["facts"] = {
        "x.value": fact("percent", unit="%"),
        "x.count": fact("count", plausible_max=100),
        "x.flag": fact("boolean"),
        "x.other": fact("boolean", required_if="x.flag"),
        "x.money": fact("money"),
        "x.series": fact("series", items="money"),
        "x.base": fact("series", items="money", required=False),
        "x.judgement": fact("judgement"),
        "x.part": fact("count"),
    }
    doc["derived"] = {
        "derived.x.share": {
            "formula": "share",
            "inputs": ["x.part", "x.count"],
            "description": text("占比", "share"),
        },
        "derived.x.growth": {
            "formula": "growth",
            "inputs": ["x.series"],
            "description": text("增长", "growth"),
        },
    }
    doc["cross_checks"] = [{"kind": "part_of", "facts": ["x.part", "x.count"]}]
    elements = [{"id": "e1", "fact": "x.flag", "points": 1, "text": text("要素")}]
    conditions = [{"id": "c1", "fact": "x.flag", "deduct": 1, "text": text("要求")}]
    bands = [{"id": "low", "max": 50, "deduct": 1}, {"id": "high", "min": 50, "deduct": 0}]
    items = [
        item(
            "1",
            2,
            [
                rule(
                    "R-1",
                    "threshold",
                    {"fact": "derived.x.share", "op": ">=", "value": 50, "deduct": 1},
                ),
                rule("R-1v", "veto", {"when": {"fact": "x.flag"}, "effect": "lower_one"}),
            ],
        ),
        item(
            "2",
            2,
            [
                rule(
                    "R-2",
                    "per_incident",
                    {"fact": "x.count", "deduct_each": 1, "allow": 1, "cap": 2},
                )
            ],
        ),
        item("3", 2, [rule("R-3", "checklist", {"conditions": conditions})]),
        item("4", 2, [rule("R-4", "elements", {"elements": elements})]),
        item("5", 2, [rule("R-5", "bands", {"fact": "x.value", "bands": bands})]),
        item(
            "6",
            2,
            [
                rule(
                    "R-6",
                    "linear",
                    {
                        "fact": "x.value",
                        "from": {"value": 0, "points": 0},
                        "to": {"value": 100, "points": 2},
                    },
                )
            ],
        ),
        item(
            "7",
            2,
            [
                rule(
                    "R-7n",
                    "not_applicable_when",
                    {"when": {"any": [{"fact": "x.flag", "value": False}]}, "policy": "exclude"},
                ),
                rule("R-7", "zero_out", {"when": {"fact": "x.other"}}),
            ],
        ),
        item(
            "8",
            2,
            [
                rule(
                    "R-8",
                    "non_decrease",
                    {"fact": "x.series", "faster_than": "x.base", "deduct": 1},
                )
            ],
        ),
        item(
            "9",
            2,
            [
                rule(
                    "R-9",
                    "external_rating",
                    {"fact": "x.value", "scale": 100, "rater": text("评分")},
                )
            ],
        ),
        item("10", 2, [rule("R-10", "manual", {"fact": "x.judgement"})]),
        item(
            "11",
            2,
            [
                rule(
                    "R-11",
                    "shortfall",
                    {"fact": "x.count", "minimum": 40, "per": 3, "deduct_each": 0.5, "cap": 1.5},
                ),
                rule(
                    "R-11b",
                    "shortfall",
                    {"fact": "x.value", "minimum": 85, "deduct_each": 0.1, "points": 0.5},
                ),
            ],
        ),
    ]
    doc["indicators"] = [node("A", 22, items)]
    doc["total"] = 22
    # A certification rubric's verdict too: scores only must decide it as explained.
    doc["verdict"] = {
        "gates": ["1", "2", "5", "11"],
        "pass_label": text("达标", "Meets the standard"),
        "fail_label": text("未达标", "Does not meet the standard"),
        "source": {"inferred": True, "why": "test rubric"},
    }
    doc["bonus"] = [
        item("B1", 1, [rule("R-B", "bonus", {"when": {"fact": "x.flag"}, "points": 1})])
    ]
    doc["bonus_cap"] = 1
    return doc


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) inside a document, depth first."""
    out: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key in list(value):
            out.append((value, key))
            out.extend(_slots(value[key]))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out.append((value, i))
            out.extend(_slots(sub))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` (a rubric or a facts document) with one to four random mutations: a value
    replaced by any value (of a wrong type, or an odd one of the right type), a key removed,
    an unknown key added (an item appended to a list)."""
    import copy

    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        slots = _slots(doc)
        container, key = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(("replace", "replace", "delete", "add")))
        if action == "replace":
            container[key] = draw(ANY_VALUE)
        elif action == "delete":
            del container[key]
        elif isinstance(container, dict):
            container[draw(st.text(min_size=1, max_size=8))] = draw(ANY_VALUE)
        else:
            container.append(draw(ANY_VALUE))
    return doc
