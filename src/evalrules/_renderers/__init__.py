"""Renderers: a scorecard is data; these turn it into text (or bytes) for people and programs.

The builtin renderers (``table``, ``json``, ``markdown``, ``html``) register through
``evalrules_register_renderers`` like any plugin's. Every word around the data comes from
one label table in Chinese and English (:mod:`._labels`); every piece of text that comes
from a rubric or a facts document is escaped for the output format; and the output depends
on nothing but the scorecard and the options (no clock, no locale), so the same input always
gives the same bytes. A plugin's renderer may produce bytes instead of text (a spreadsheet, a
PDF) by declaring ``binary=True``.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from evalrules._rubric._model import Rubric
from evalrules._scorecard._model import Scorecard
from evalrules._text import Text
from evalrules.hookspecs import hookimpl

__all__ = ["RenderOptions", "Renderer", "builtin_renderers_plugin", "renderer"]


@attrs.frozen
class RenderOptions:
    """How to render.

    Attributes:
        lang: ``"zh"`` (default) or ``"en"``.
        color: Use ANSI colours (terminal renderers only).
        rubric: The rubric, when available (renderers may show rule wording and sources).
    """

    lang: str = "zh"
    color: bool = False
    rubric: Rubric | None = None


@attrs.frozen
class Renderer:
    """An output format. Build with :func:`renderer`.

    Attributes:
        name: The format name (``--format NAME``).
        description: What it produces.
        media_type: MIME type of the output.
        suffix: File suffix for the output (``.html``).
        render: ``render(scorecard, options)``: ``str``, or ``bytes`` when ``binary``.
        binary: The output is bytes, not text: the command line writes it into a file or
            a pipe, never onto a terminal.
    """

    name: str
    description: Text
    media_type: str
    suffix: str
    render: Callable[[Scorecard, RenderOptions], str | bytes]
    binary: bool = False


def renderer(
    name: str,
    *,
    description: Text,
    media_type: str,
    suffix: str,
    render: Callable[[Scorecard, RenderOptions], str | bytes],
    binary: bool = False,
) -> Renderer:
    """Build a :class:`Renderer` for a plugin's ``evalrules_register_renderers`` hook.

    Args:
        name: The format name.
        description: What it produces.
        media_type: MIME type of the output (``text/csv``).
        suffix: File suffix for the output (``.csv``).
        render: ``render(scorecard, options)`` returning ``str``, or ``bytes`` when
            ``binary``.
        binary: Declare that ``render`` returns ``bytes``.
    """
    return Renderer(name, description, media_type, suffix, render, binary)


def _render_json(card: Scorecard, options: RenderOptions) -> str:
    return card.to_json()


JSON = renderer(
    "json",
    description=Text(
        "评分结果 JSON(evalrules.scorecard/1)", "Scorecard JSON (evalrules.scorecard/1)"
    ),
    media_type="application/json",
    suffix=".json",
    render=_render_json,
)


def _render_table(card: Scorecard, options: RenderOptions) -> str:
    from evalrules._renderers._table import render_table

    return render_table(card, options)


def _render_markdown(card: Scorecard, options: RenderOptions) -> str:
    from evalrules._renderers._markdown import render_markdown

    return render_markdown(card, options)


def _render_html(card: Scorecard, options: RenderOptions) -> str:
    from evalrules._renderers._html import render_html

    return render_html(card, options)


TABLE = renderer(
    "table",
    description=Text(
        "终端表格:指标树(满分、得分、自评)、总分与等次、扣分明细及佐证、自评差异",
        "Terminal table: the indicator tree (max, score, claimed), total and grade, findings "
        "with evidence, claimed-vs-computed differences",
    ),
    media_type="text/plain",
    suffix=".txt",
    render=_render_table,
)

MARKDOWN = renderer(
    "markdown",
    description=Text(
        "Markdown 报告(适用于报告和知识库)", "Markdown report (for reports and wikis)"
    ),
    media_type="text/markdown",
    suffix=".md",
    render=_render_markdown,
)

HTML = renderer(
    "html",
    description=Text(
        "独立的 HTML 页面(可打印,含得分条形图)",
        "Self-contained HTML page (printable, with a bar chart of the scores)",
    ),
    media_type="text/html",
    suffix=".html",
    render=_render_html,
)


class _BuiltinRenderers:
    @staticmethod
    @hookimpl
    def evalrules_register_renderers() -> list[Renderer]:
        """Register the builtin renderers."""
        return [TABLE, JSON, MARKDOWN, HTML]


builtin_renderers_plugin = _BuiltinRenderers()
