"""A griffe extension: docstrings' reST roles and literal blocks become Markdown.

mkdocstrings loads it for the API page (``extensions`` in ``mkdocs.yml``), so that
``:class:`~evalrules.Finding``` in a docstring renders as a link, as it does on the
generated pages (see ``docstring_markdown.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import griffe

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docstring_markdown import to_markdown


class ReSTRoles(griffe.Extension):
    """Rewrite every loaded docstring with :func:`docstring_markdown.to_markdown`."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        """Convert the object's docstring before mkdocstrings parses it."""
        if obj.is_alias or obj.docstring is None:
            return
        obj.docstring.value = to_markdown(obj.docstring.value, obj.module.path)
