"""Reading the documentation's Markdown the way the site build does, for the docs tests.

Only what the tests need: the snippet includes (``--8<-- "path"``, relative to the repository
root, as ``mkdocs.yml`` configures pymdownx.snippets), fenced code blocks, and console
blocks split into commands and the output shown for each.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"

_INCLUDE = re.compile(r'^[ \t]*--8<--[ \t]+"([^"]+)"[ \t]*$', re.M)
_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)


def includes(text: str) -> list[str]:
    """The paths a page includes, in order."""
    return _INCLUDE.findall(text)


def expand(text: str) -> str:
    """The page with every include replaced by the file's text (as the build does)."""

    def read(match: re.Match[str]) -> str:
        return (REPO / match.group(1)).read_text(encoding="utf-8").rstrip("\n")

    return _INCLUDE.sub(read, text)


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, body)`` of every fenced code block, in order."""
    return [(lang, body) for lang, body in _FENCE.findall(text)]


def console_sessions(text: str) -> list[tuple[str, list[str]]]:
    """``(command, lines shown after it)`` for every ``$ ...`` line of the console blocks.

    A line ``...`` in the shown output stands for lines left out.
    """
    sessions: list[tuple[str, list[str]]] = []
    for lang, body in fenced_blocks(text):
        if lang != "console":
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                sessions.append((line[2:].strip(), []))
            elif sessions:
                sessions[-1][1].append(line)
    return sessions


def shown_in_order(shown: list[str], actual: str) -> list[str]:
    """The shown lines (``...`` skipped) that are not found, in order, among the actual ones.

    Lines are compared without trailing spaces; an empty list means the page tells the truth.
    """
    lines = [line.rstrip() for line in actual.splitlines()]
    missing = []
    position = 0
    for want in (s.rstrip() for s in shown if s.strip() != "..."):
        try:
            position = lines.index(want, position) + 1
        except ValueError:
            missing.append(want)
    return missing
