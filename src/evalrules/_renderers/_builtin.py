"""The builtin renderers (``table``, ``json``, ``markdown``, ``html``), a plugin registered
through ``evalrules_register_renderers`` like any other's."""

from __future__ import annotations

from evalrules._renderers import Renderer, RenderOptions, renderer
from evalrules._scorecard._model import Scorecard
from evalrules._text import Text
from evalrules.hookspecs import hookimpl


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
