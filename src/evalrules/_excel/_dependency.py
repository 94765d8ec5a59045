"""openpyxl, the ``evalrules[excel]`` extra: imported when a workbook is written or read."""

from __future__ import annotations

from evalrules.errors import EvalrulesError, FactsError, FactsProblem

__all__ = ["EXTRA_HINT", "missing_message", "require_openpyxl"]

EXTRA_HINT = "pip install 'evalrules[excel]'"


def missing_message() -> tuple[str, str]:
    """What to do when openpyxl is not installed, in Chinese and English."""
    return (
        f"读写 Excel 工作簿需要安装 evalrules[excel]({EXTRA_HINT})",
        f"reading and writing Excel workbooks needs the evalrules[excel] extra ({EXTRA_HINT})",
    )


def require_openpyxl(*, reading: bool) -> None:
    """Import openpyxl, or fail with how to install it.

    Raises:
        FactsError: when reading a workbook and openpyxl is missing.
        EvalrulesError: when writing one.
    """
    try:
        import openpyxl  # noqa: F401  (imported to see that it is there)
    except ImportError:
        zh, en = missing_message()
        if reading:
            raise FactsError([FactsProblem("<document>", "needs-extra", zh, en)]) from None
        raise EvalrulesError(f"{zh} / {en}") from None
