"""Generate ``reference/rule-kinds.md``: the catalogue of the builtin rule kinds.

The kinds are read the way a rubric sees them: from an engine's rule-kind registry, filled by
the ``evalrules_register_rule_kinds`` hook (the builtins register through it like any
plugin). Each kind documents itself — summary, description, a cerberus parameter schema,
outcomes, message templates and an example — so this page is only a layout of those values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import evalrules

PAGE = "reference/rule-kinds.md"

_PHASES = {
    "applicability": "runs before the item's other rules and may make the item not applicable",
    "score": "deducts from the item it belongs to",
    "bonus": "only on bonus items; awards points",
}


def builtin_kinds() -> list[evalrules.RuleKind]:
    """The rule kinds an engine with no plugins has: the builtins, sorted by name."""
    engine = evalrules.Engine(autoload=False)
    return [entry.item for entry in engine.rule_kinds]


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _type(rules: Mapping[str, Any]) -> str:
    declared = rules.get("type", "any")
    if isinstance(declared, list | tuple):
        return " or ".join(declared)
    if declared == "list" and isinstance(rules.get("schema"), Mapping):
        return f"list of {rules['schema'].get('type', 'any')}"
    return str(declared)


def _constraints(rules: Mapping[str, Any]) -> str:
    notes = []
    if "allowed" in rules:
        notes.append("one of " + ", ".join(f"`{a}`" for a in rules["allowed"]))
    for key, word in (("min", "≥"), ("max", "≤")):
        if key in rules:
            notes.append(f"{word} {rules[key]}")
    if "forbidden" in rules:
        notes.append("not " + ", ".join(str(f) for f in rules["forbidden"]))
    if rules.get("empty") is False:
        notes.append("not empty")
    if rules.get("minlength") == 1:
        notes.append("not empty")
    elif "minlength" in rules:
        notes.append(f"at least {rules['minlength']} entries")
    if rules.get("nullable"):
        notes.append("may be null")
    return "; ".join(notes)


def parameter_rows(schema: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, ...]]:
    """``(name, type, required, constraints)`` for every parameter, nested ones dotted."""
    for name, rules in schema.items():
        path = f"{prefix}{name}"
        if name == "points" and not prefix and rules.get("nullable"):
            # The share every kind accepts (added by rule_kind); a kind that declares its
            # own ``points`` (bonus) gives it its own meaning.
            yield (
                path,
                _type(rules),
                "no",
                "the share of the item this rule governs (default: the item's max); ≥ 0",
            )
            continue
        required = "yes" if rules.get("required") else "no"
        if name == "when" and rules.get("type") == "dict" and "schema" not in rules:
            yield (path, "condition", required, "see [conditions](rubric-format.md#conditions)")
            continue
        if name == "where" and rules.get("type") == "dict" and "schema" not in rules:
            yield (
                path,
                "row condition",
                required,
                "`{column, op, value}`, `all`, `any`: the rows held to the standard; see "
                "[tables](rubric-format.md#tables-school-level-records)",
            )
            continue
        yield (path, _type(rules), required, _constraints(rules))
        sub = rules.get("schema")
        if rules.get("type") == "dict" and isinstance(sub, Mapping):
            yield from parameter_rows(sub, f"{path}.")
        elif rules.get("type") == "list" and isinstance(sub, Mapping):
            inner = sub.get("schema")
            if isinstance(inner, Mapping):
                yield from parameter_rows(inner, f"{path}[].")


def _fields(kind: evalrules.RuleKind, message_id: str) -> str:
    """The fields a template for one message may name, as code."""
    return ", ".join(f"`{name}`" for name in sorted(kind.message_fields(message_id)))


def render_kind(kind: evalrules.RuleKind) -> str:
    """The catalogue entry of one kind."""
    rows = "\n".join(
        f"| `{n}` | {t} | {r} | {_cell(c)} |" for n, t, r, c in parameter_rows(kind.params)
    )
    outcomes = ", ".join(f"`{o}`" for o in kind.outcomes) or "computed from the parameters"
    if kind.reachable is not None:
        # What the kind says of reachability, from its function's docstring.
        note = " ".join((kind.reachable.__doc__ or "").split()).replace("``", "`")
        outcomes += f". {note.rstrip('.')}" if note else ", as far as the parameters allow"
    messages = "\n".join(
        f"| `{mid}` | {_fields(kind, mid)} | {_cell(text.zh)} | {_cell(text.en)} |"
        for mid, text in kind.messages.items()
    )
    parts = [
        f"## `{kind.name}` — {kind.summary.zh} {{ #{kind.name} }}",
        "",
        f"*{kind.summary.en}.* Phase: `{kind.phase}` ({_PHASES.get(kind.phase, kind.phase)}).",
        "",
        kind.description,
        "",
        *(
            [
                "**Cohort-relative:** scored against the other districts evaluated with it "
                "(see [evaluate a cohort](../how-to/evaluate-a-cohort.md)); evaluated alone, "
                "its item is not assessable.",
                "",
            ]
            if kind.ranks is not None
            else []
        ),
        "**Parameters**",
        "",
        "| parameter | type | required | constraints |",
        "|---|---|---|---|",
        rows,
        "",
        f"**Outcomes:** {outcomes}.",
        "",
        "**Messages** (fields in braces are filled from the finding; a rule's `message:` may",
        "name the fields every message of its kind has)",
        "",
        "| id | fields | zh | en |",
        "|---|---|---|---|",
        messages,
    ]
    if kind.example:
        parts += ["", "**Example**", "", "```yaml", kind.example.rstrip(), "```"]
    return "\n".join(parts)


def render() -> str:
    """The whole page."""
    kinds = builtin_kinds()
    index = "\n".join(
        f"| [`{k.name}`](#{k.name}) | {_cell(k.summary.zh)} | {_cell(k.summary.en)} |"
        for k in kinds
    )
    return "\n".join(
        [
            "# Rule kinds",
            "",
            "!!! note",
            "    This page is generated from the builtin rule kinds"
            " (`src/evalrules/_rules/_builtin.py`),",
            "    read through the `evalrules_register_rule_kinds` hook.",
            "",
            "A rule's `kind` says how it turns facts into effects on its item; its `params` are",
            "checked against the kind's schema when the rubric loads, so a misspelt parameter",
            "is reported with the rule's code before anything is evaluated. Every kind also",
            "accepts `points`, the share of the item the rule governs. Plugins add kinds",
            "through the same hook: see [add a rule kind](../how-to/add-a-rule-kind.md).",
            "",
            "| kind | 中文 | summary |",
            "|---|---|---|",
            index,
            "",
            "\n\n".join(render_kind(k) for k in kinds),
            "",
        ]
    )


def main() -> None:
    """Write the page into the site being built."""
    import mkdocs_gen_files

    with mkdocs_gen_files.open(PAGE, "w") as fh:
        fh.write(render())
    mkdocs_gen_files.set_edit_path(PAGE, "src/evalrules/_rules/_builtin.py")


if __name__ in ("__main__", "<run_path>"):
    main()
