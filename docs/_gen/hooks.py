"""Generate ``reference/hooks.md`` from the hook specifications in ``evalrules.hookspecs``.

Each hookspec's docstring is the reference: its summary, arguments, return value, calling
order and the version it appeared in. Nothing is written by hand, so the page cannot drift
from the code.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docstring_markdown import to_markdown

import evalrules.hookspecs as hookspecs

PAGE = "reference/hooks.md"
_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Order|Since|Example|Examples):\s*(.*)$")


def hook_names() -> list[str]:
    """The hook specifications, in source order."""
    return [
        name
        for name, obj in vars(hookspecs).items()
        if name.startswith("evalrules_") and callable(obj) and hasattr(obj, "evalrules_spec")
    ]


def split_sections(doc: str) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into its free text and its named sections."""
    body: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = body
    for line in doc.splitlines():
        match = _SECTION.match(line)
        if match:
            current = sections.setdefault(match.group(1), [])
            if match.group(2):
                current.append(match.group(2))
            continue
        current.append(line[4:] if current is not body and line.startswith("    ") else line)
    return "\n".join(body).strip(), {k: "\n".join(v).strip() for k, v in sections.items()}


def _args_table(text: str) -> str:
    rows = []
    for name, description in re.findall(r"^(\w+):\s*(.*(?:\n(?!\w+:).*)*)", text, flags=re.M):
        rows.append(f"| `{name}` | {' '.join(description.split())} |")
    return "| argument | meaning |\n|---|---|\n" + "\n".join(rows)


def _signature(func: object) -> str:
    """The signature as written in the source (annotations are strings there)."""
    sig = inspect.signature(func)  # type: ignore[arg-type]
    params = ", ".join(
        f"{p.name}: {p.annotation}" if p.annotation is not inspect.Parameter.empty else p.name
        for p in sig.parameters.values()
    )
    returns = (
        "" if sig.return_annotation is inspect.Signature.empty else f" -> {sig.return_annotation}"
    )
    return f"({params}){returns}"


def render_hook(name: str) -> str:
    """The section of the page for one hook."""
    func = getattr(hookspecs, name)
    opts = func.evalrules_spec
    doc = inspect.getdoc(func) or ""
    body, sections = split_sections(doc)
    summary, _, rest = body.partition("\n\n")
    marker = "@hookimpl(wrapper=True)" if opts.get("firstresult") else "@hookimpl"
    signature = _signature(func)
    style = (
        "first result: the first non-`None` answer wins; wrappers see it"
        if opts.get("firstresult")
        else "collect all: every implementation is called and the results are merged"
    )
    parts = [
        f"## `{name}` {{ #evalrules.hookspecs.{name} }}",
        "",
        to_markdown(summary, "evalrules.hookspecs"),
        "",
        "```python",
        "from evalrules import hookimpl",
        "",
        marker,
        f"def {name}{signature}: ...",
        "```",
        "",
        f"**Calling style:** {style}.",
    ]
    if opts.get("historic"):
        parts.append("It is *historic*: plugins registered later are called too.")
    if rest:
        parts += ["", to_markdown(rest, "evalrules.hookspecs")]
    if "Args" in sections:
        parts += ["", "**Arguments**", "", _args_table(sections["Args"])]
    for title in ("Returns", "Raises", "Order", "Example", "Examples"):
        if title in sections:
            parts += ["", f"**{title}**", "", to_markdown(sections[title], "evalrules.hookspecs")]
    if "Since" in sections:
        parts += ["", f"*Since evalrules {sections['Since']}.*"]
    return "\n".join(parts)


def render() -> str:
    """The whole page."""
    intro = to_markdown(inspect.getdoc(hookspecs) or "", "evalrules.hookspecs")
    title, _, rest = intro.partition("\n\n")
    names = hook_names()
    index = "\n".join(f"* [`{n}`](#evalrules.hookspecs.{n})" for n in names)
    return "\n".join(
        [
            "# Hooks",
            "",
            "!!! note",
            "    This page is generated from the docstrings in `src/evalrules/hookspecs.py`.",
            "",
            title,
            "",
            rest,
            "",
            "## Hooks at a glance",
            "",
            index,
            "",
            "\n\n".join(render_hook(n) for n in names),
            "",
        ]
    )


def main() -> None:
    """Write the page into the site being built."""
    import mkdocs_gen_files

    with mkdocs_gen_files.open(PAGE, "w") as fh:
        fh.write(render())
    mkdocs_gen_files.set_edit_path(PAGE, "src/evalrules/hookspecs.py")


if __name__ in ("__main__", "<run_path>"):
    main()
