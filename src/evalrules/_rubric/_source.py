"""Rubric references (``family/year``) and the sources plugins offer."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from evalrules._text import Text

RUBRIC_FORMAT = "rubric/1"
_FAMILY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+_-]*$")
_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


@attrs.frozen
class RubricSource:
    """A rubric a plugin offers: its reference and where to load it from.

    Attributes:
        ref: ``family/year``.
        path: The YAML file.
        title: A title for listings, when known without reading the file.
    """

    ref: str
    path: Path
    title: Text | None = None


def rubric_source(ref: str, path: str | Path, *, title: Text | None = None) -> RubricSource:
    """Build a :class:`RubricSource` for a plugin's ``evalrules_register_rubrics`` hook."""
    family, _, year = ref.partition("/")
    if not _FAMILY.match(family) or not year.isdigit():
        raise ValueError(f"rubric reference {ref!r} must look like 'family-name/2023'")
    return RubricSource(ref=ref, path=Path(path), title=title)


def parse_ref(ref: str) -> tuple[str, int | None]:
    """Split ``family/year`` (or ``family``) into its parts."""
    family, _, year = ref.partition("/")
    return family, (int(year) if year.isdigit() else None)
