"""Reading claimed (self-assessed) scores out of self-assessment reports (自评报告).

Reviewers receive each district's self-assessment as a document: plain text in any of its
encodings, a Word ``.docx``, a PDF, an HTML page. Its claimed scores sit in the prose
(``(一)党的领导与依法治教(63分,自评得分61.6分)``, ``自评总分为98.6分``) or in a score sheet
(``观测点 | 分值 | 评分细则 | 自评得分 | 得失分说明``). This package reads them:

1. :func:`read_report_file` (or :func:`read_report_bytes`) turns a file into a
   :class:`ReportDocument`: lines and tables, bounded in size and time;
2. :func:`normalise_report` folds away what document-sharing sites and conversions add
   (traditional characters, inline pinyin, full-width forms, page markers);
3. :func:`read_report` reads the report on its own: its tree of scored headings with their
   numbering, titles, maxima, claims and explanations, its stated total, and the problems of
   its own arithmetic (a :class:`ReportReading`);
4. :func:`read_claims` maps the headings onto a rubric's codes by numbering and by title, and
   checks the claims against the rubric, returning a :class:`ClaimsReport`;
5. :mod:`._render` writes either as JSON, YAML or a table, and
   :meth:`ClaimsReport.to_yaml` as a facts-file fragment.

Reading ``.docx`` and PDF needs the ``evalrules[reports]`` extra (python-docx, pypdf),
imported only when such a file is read; everything else is in the core.
"""

from __future__ import annotations

from evalrules._claims._document import ReportDocument, ReportReadError, Table
from evalrules._claims._load import read_report_bytes, read_report_file
from evalrules._claims._normalise import normalise_report
from evalrules._claims._read import map_report, read_claims
from evalrules._claims._report import (
    CLAIM_PROBLEM_KINDS,
    Claim,
    ClaimProblem,
    ClaimsReport,
    ReportHeading,
    ReportReading,
    ReportTotal,
    UnmappedHeading,
)
from evalrules._claims._tree import read_report

__all__ = [
    "CLAIM_PROBLEM_KINDS",
    "Claim",
    "ClaimProblem",
    "ClaimsReport",
    "ReportDocument",
    "ReportHeading",
    "ReportReadError",
    "ReportReading",
    "ReportTotal",
    "Table",
    "UnmappedHeading",
    "map_report",
    "normalise_report",
    "read_claims",
    "read_report",
    "read_report_bytes",
    "read_report_file",
]
