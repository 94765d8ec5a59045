"""Renderers: a scorecard is data; these turn it into text (or bytes) for people and programs.

This package holds what a renderer is (:class:`Renderer`, :func:`renderer`,
:class:`RenderOptions`). The builtin renderers (``table``, ``json``, ``markdown``, ``html``,
in :mod:`._builtin`) register through ``evalrules_register_renderers`` like any plugin's.
Every word around the data comes from one label table in Chinese and English
(:mod:`._labels`); every piece of text that comes from a rubric or a facts document is
escaped for the output format; and the output depends on nothing but the scorecard and the
options (no clock, no locale), so the same input always gives the same bytes. A plugin's
renderer may produce bytes instead of text (a spreadsheet, a PDF) by declaring
``binary=True``.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from evalrules._renderers._labels import Lang, check_lang
from evalrules._rubric._model import Rubric
from evalrules._scorecard._model import Scorecard
from evalrules._text import Text

__all__ = ["RenderOptions", "Renderer", "renderer"]


@attrs.frozen
class RenderOptions:
    """How to render.

    Attributes:
        lang: ``"zh"`` (default) or ``"en"``; anything else raises ``ValueError``.
        color: Use ANSI colours (terminal renderers only).
        rubric: The rubric, when available (renderers may show rule wording and sources).
        width: Terminal columns the text renderers fit their lines to (a Chinese character
            takes two); at least :data:`MIN_WIDTH`, else ``ValueError``. The default, 80, is
            fixed: the library never reads the terminal or ``COLUMNS`` (the command line
            does), so the same call gives the same bytes anywhere.
    """

    lang: Lang = attrs.field(default="zh", converter=check_lang)
    color: bool = False
    rubric: Rubric | None = None
    width: int = attrs.field(default=80, validator=lambda _s, _a, v: check_width(v))


#: The narrowest width :class:`RenderOptions` accepts.
MIN_WIDTH = 60


def check_width(width: object) -> int:
    """``width`` if it is a whole number of at least :data:`MIN_WIDTH` columns."""
    if isinstance(width, bool) or not isinstance(width, int) or width < MIN_WIDTH:
        raise ValueError(f"width must be a whole number of at least {MIN_WIDTH}, not {width!r}")
    return width


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
