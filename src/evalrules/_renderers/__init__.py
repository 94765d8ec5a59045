"""Renderers: a scorecard is data; these turn it into text for people and programs.

The builtin renderers register through ``evalrules_register_renderers`` like any plugin's.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from evalrules._model import Rubric, Scorecard, Text
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
        render: ``render(scorecard, options) -> str``.
    """

    name: str
    description: Text
    media_type: str
    suffix: str
    render: Callable[[Scorecard, RenderOptions], str]


def renderer(
    name: str,
    *,
    description: Text,
    media_type: str,
    suffix: str,
    render: Callable[[Scorecard, RenderOptions], str],
) -> Renderer:
    """Build a :class:`Renderer` for a plugin's ``evalrules_register_renderers`` hook."""
    return Renderer(name, description, media_type, suffix, render)


def _render_json(card: Scorecard, options: RenderOptions) -> str:
    return card.to_json()


JSON = renderer(
    "json",
    description=Text("评分结果 JSON(evalrules.scorecard/1)", "Scorecard JSON (evalrules.scorecard/1)"),
    media_type="application/json",
    suffix=".json",
    render=_render_json,
)


class _BuiltinRenderers:
    @staticmethod
    @hookimpl
    def evalrules_register_renderers() -> list[Renderer]:
        """Register the builtin renderers."""
        return [JSON]


builtin_renderers_plugin = _BuiltinRenderers()
