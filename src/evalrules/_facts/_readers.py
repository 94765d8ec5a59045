"""Reading facts files."""

from __future__ import annotations

from pathlib import Path

from evalrules._documents import DocumentError, read_document
from evalrules._facts._document import FactsDocument
from evalrules.errors import FactsError, FactsProblem


def load_facts(path: str | Path) -> FactsDocument:
    """Read a facts document (YAML, or JSON by suffix).

    Raises:
        FactsError: if the file cannot be read or its envelope is invalid.
    """
    p = Path(path)
    try:
        data = read_document(p)
    except DocumentError as exc:
        where = f"line {exc.line}" if exc.line else "<document>"
        raise FactsError(
            [FactsProblem(where, "unreadable", exc.message_zh, exc.message)],
            source=str(p),
        ) from None
    return FactsDocument.from_mapping(data, source=str(p))
