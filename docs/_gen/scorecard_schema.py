"""Generate ``reference/scorecard-schema.md`` from the published scorecard JSON Schema.

The schema (``src/evalrules/scorecard.schema.json``, returned by
``evalrules.scorecard_schema()``) is the contract a platform codes against. The page lays out
its fields as tables, one per object definition, and then shows the schema itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import evalrules

PAGE = "reference/scorecard-schema.md"


def _anchor(name: str) -> str:
    return "def-" + name.lower().replace("_", "-")


def describe_type(node: Mapping[str, Any]) -> str:
    """A schema node's type in words, with links to the definitions it refers to."""
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    if "const" in node:
        return f"`{json.dumps(node['const'], ensure_ascii=False)}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{json.dumps(v, ensure_ascii=False)}`" for v in node["enum"])
    for key in ("oneOf", "anyOf"):
        if key in node:
            return " or ".join(describe_type(n) for n in node[key])
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(describe_type({**node, "type": k}) for k in kind)
    if kind == "array":
        items = node.get("items")
        return f"array of {describe_type(items)}" if isinstance(items, Mapping) else "array"
    if kind == "object" and "properties" not in node:
        values = node.get("additionalProperties")
        if isinstance(values, Mapping):
            return f"object of {describe_type(values)}"
        return "object"
    return str(kind or "any")


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def field_rows(node: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str, str, str]]:
    """``(field, type, required, description)``; inline objects are listed with dotted names."""
    required = set(node.get("required", ()))
    for name, sub in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield (
            path,
            describe_type(sub),
            "yes" if name in required else "no",
            _cell(sub.get("description", "")),
        )
        if sub.get("type") == "object" and "properties" in sub:
            yield from field_rows(sub, f"{path}.")
        items = sub.get("items")
        if sub.get("type") == "array" and isinstance(items, Mapping) and "properties" in items:
            yield from field_rows(items, f"{path}[].")


def _table(node: Mapping[str, Any]) -> str:
    rows = [f"| `{f}` | {t} | {r} | {d} |" for f, t, r, d in field_rows(node)]
    return "\n".join(["| field | type | required | description |", "|---|---|---|---|", *rows])


def render(schema: Mapping[str, Any]) -> str:
    """The whole page."""
    definitions = schema.get("$defs", {})
    parts = [
        "# Scorecard JSON schema",
        "",
        "!!! note",
        "    This page is generated from `src/evalrules/scorecard.schema.json`, the schema",
        "    `evalrules.scorecard_schema()` returns.",
        "",
        _cell(schema.get("description", "")),
        "",
        f"Schema id: `{schema.get('$id', '')}`; JSON Schema dialect: `{schema.get('$schema', '')}`."
        " A scorecard says which contract it follows in its `schema` field. The contract only",
        "gains fields: see [compatibility](../explanation/compatibility.md).",
        "",
        "## Top level",
        "",
        _table(schema),
    ]
    for name, node in definitions.items():
        parts += ["", f"## `{name}` {{ #{_anchor(name)} }}", ""]
        if node.get("description"):
            parts += [_cell(node["description"]), ""]
        if "properties" in node:
            parts.append(_table(node))
        else:
            parts.append(f"Type: {describe_type(node)}.")
    parts += [
        "",
        "## The schema",
        "",
        "```json",
        json.dumps(schema, ensure_ascii=False, indent=2),
        "```",
        "",
    ]
    return "\n".join(parts)


def main() -> None:
    """Write the page into the site being built."""
    import mkdocs_gen_files

    with mkdocs_gen_files.open(PAGE, "w") as fh:
        fh.write(render(evalrules.scorecard_schema()))
    mkdocs_gen_files.set_edit_path(PAGE, "src/evalrules/scorecard.schema.json")


if __name__ in ("__main__", "<run_path>"):
    main()
