"""The ``xlsx`` facts reader and score-sheet renderer, registered through the public hooks.

Registering imports nothing of openpyxl: the reader and the renderer import it when they
run, and say how to install it when it is missing. The reader's look at a file's content
(``_archive``) is imported when a file is sniffed.
"""

from __future__ import annotations

from evalrules._facts._document import FactsDocument
from evalrules._facts._readers import FactsReader, facts_reader
from evalrules._renderers import Renderer, RenderOptions, renderer
from evalrules._scorecard._model import Scorecard
from evalrules._text import Text
from evalrules.hookspecs import hookimpl

__all__ = ["XLSX_READER", "XLSX_RENDERER", "builtin_excel_plugin"]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sniff(data: bytes) -> bool:
    from evalrules._excel._archive import looks_like_workbook

    return looks_like_workbook(data)


def _read(data: bytes, source: str) -> FactsDocument:
    from evalrules._excel._read import read_workbook

    return read_workbook(data, source)


def _render(card: Scorecard, options: RenderOptions) -> bytes:
    from evalrules._excel._scoresheet import render_scoresheet

    return render_scoresheet(card, options)


XLSX_READER = facts_reader(
    "xlsx",
    # .xlsm and .xls are claimed to be refused with a message that says what to do.
    suffixes=[".xlsx", ".xlsm", ".xls"],
    sniff=_sniff,
    read=_read,
    description=Text(
        "evalrules 生成的事实数据填报表(Excel .xlsx,需 evalrules[excel])",
        "A fact-collection workbook made by evalrules (Excel .xlsx; needs evalrules[excel])",
    ),
)

XLSX_RENDERER = renderer(
    "xlsx",
    description=Text(
        "Excel 打分表:指标层级、分值、自评、核定、扣分说明、依据、总分与等次(可打印,需 "
        "evalrules[excel])",
        "Excel score sheet: the indicator hierarchy, max, claimed and computed scores, "
        "deductions explained, sources, total and grade (print-ready; needs evalrules[excel])",
    ),
    media_type=MEDIA_TYPE,
    suffix=".xlsx",
    render=_render,
    binary=True,
)


class _BuiltinExcel:
    """The core's Excel reader and renderer."""

    @staticmethod
    @hookimpl
    def evalrules_register_facts_readers() -> list[FactsReader]:
        """Register the fact-collection workbook reader."""
        return [XLSX_READER]

    @staticmethod
    @hookimpl
    def evalrules_register_renderers() -> list[Renderer]:
        """Register the score-sheet renderer."""
        return [XLSX_RENDERER]


builtin_excel_plugin = _BuiltinExcel()
