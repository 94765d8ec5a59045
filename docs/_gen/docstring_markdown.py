"""Turn the reST touches in evalrules docstrings into Markdown for the documentation site.

The library's docstrings are Google style, with two reST habits that read well in a
terminal (``help()``) but not on a web page: cross-reference roles such as
``:class:`~evalrules.Finding``` and literal blocks introduced by a paragraph ending in ``::``.
This module rewrites both: a role becomes an autorefs link when its target is a documented
object (or plain code when it is not), and a ``::`` block becomes a fenced code block.

It is used by the page generators in this folder and, through ``griffe_rest_roles.py``, by
mkdocstrings on the API page.
"""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
from functools import cache

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|attr|mod|exc|obj):`(~?)([^`]+)`")

#: Modules rendered on the API page: their public names (``__all__``) are link targets.
_API_MODULES = ("evalrules", "evalrules.errors", "evalrules.testing")


@cache
def documented_identifiers() -> frozenset[str]:
    """Every identifier the site renders, so that a link to anything else is not made.

    The API page's modules and their public classes and functions, with the public members
    of the classes among them (``evalrules.Engine.evaluate``); and the hooks, which the
    hooks page gives anchors named ``evalrules.hookspecs.<hook>``.
    """
    found: set[str] = set()
    for name in _API_MODULES:
        module = importlib.import_module(name)
        found.add(name)
        for attr in getattr(module, "__all__", ()):
            try:
                obj = getattr(module, attr, None)
            except ImportError:
                # evalrules.testing imports hypothesis on first use; without it, the name
                # is still documented (mkdocstrings reads the source, it does not import).
                found.add(f"{name}.{attr}")
                continue
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                # Module-level data (``__version__``, ``hookimpl``) has no docstring that
                # mkdocstrings can read, so the API page does not show it.
                continue
            found.add(f"{name}.{attr}")
            if isinstance(obj, type):
                for member in vars(obj):
                    if not member.startswith("_"):
                        found.add(f"{name}.{attr}.{member}")
    hookspecs = importlib.import_module("evalrules.hookspecs")
    found.update(
        f"evalrules.hookspecs.{name}"
        for name in vars(hookspecs)
        if name.startswith("evalrules_") and hasattr(getattr(hookspecs, name), "evalrules_spec")
    )
    return frozenset(found)


def _qualify(target: str, module: str) -> str | None:
    """The documented identifier a role's target means, seen from ``module``."""
    known = documented_identifiers()
    # A name re-exported by ``evalrules`` is linked where the API page shows it.
    for candidate in (target, f"evalrules.{target}", f"{module}.{target}"):
        if candidate in known:
            return candidate
    return None


def convert_roles(text: str, module: str = "evalrules") -> str:
    """Rewrite ``:role:`target``` as a Markdown link (documented targets) or inline code."""

    def replace(match: re.Match[str]) -> str:
        short, target = match.group(1), match.group(2).strip()
        shown = target.rsplit(".", 1)[-1] if short else target
        identifier = _qualify(target, module)
        if identifier is None:
            return f"`{shown}`"
        return f"[`{shown}`][{identifier}]"

    return _ROLE.sub(replace, text)


def convert_literal_blocks(text: str, language: str = "python") -> str:
    """Rewrite reST literal blocks (a paragraph ending in ``::`` plus an indented block)."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.rstrip()
        if stripped.endswith("::") and not stripped.lstrip().startswith((">>>", "#")):
            indent = len(line) - len(line.lstrip())
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            block_start = j
            while j < len(lines) and (
                not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent
            ):
                j += 1
            block = lines[block_start:j]
            while block and not block[-1].strip():
                block.pop()
            if block:
                head = stripped[:-1] if not stripped[:-2].endswith(" ") else stripped[:-3]
                lang = "text" if _looks_like_text(block) else language
                body = textwrap.dedent("\n".join(block))
                prefix = " " * indent
                out.append(head)
                out.append("")
                out.append(f"{prefix}```{lang}")
                out.extend(f"{prefix}{b}" if b else "" for b in body.splitlines())
                out.append(f"{prefix}```")
                out.append("")
                i = j
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def _looks_like_text(block: list[str]) -> bool:
    """Tree drawings and TOML are not Python; show them as text."""
    joined = "\n".join(block)
    return any(mark in joined for mark in ("├", "└", "[project", ' = "'))


def to_markdown(text: str, module: str = "evalrules") -> str:
    """Both conversions, literal blocks first (a role inside code stays as written)."""
    parts = re.split(r"(```.*?```)", convert_literal_blocks(text), flags=re.S)
    return "".join(p if p.startswith("```") else convert_roles(p, module) for p in parts)
