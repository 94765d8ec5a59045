"""Reading claimed (self-assessed) scores out of self-assessment report text (自评报告).

Reviewers receive each district's self-assessment as a document. Its claimed scores sit in
the prose: ``(一)党的领导与依法治教(63分,自评得分61.6分)``, ``(1)…(1分,自评分1分)``,
``自评总分为98.6分``. This package reads them:

1. :func:`normalise_report` folds away what document-sharing sites and conversions add
   (traditional characters, inline pinyin, full-width forms);
2. :mod:`._parse` finds headings, their score annotations and the stated total;
3. :func:`read_claims` maps headings onto a rubric's codes by numbering and by title, and
   checks what was read (sums, maxes, missing codes), returning a :class:`ClaimsReport`;
4. :meth:`ClaimsReport.to_yaml` renders the claims as a facts-file fragment.

Nothing here does I/O; callers read the report file and pass its text.
"""

from __future__ import annotations

from evalrules._claims._normalise import normalise_report
from evalrules._claims._read import read_claims
from evalrules._claims._report import (
    CLAIM_PROBLEM_KINDS,
    Claim,
    ClaimProblem,
    ClaimsReport,
    UnmappedHeading,
)

__all__ = [
    "CLAIM_PROBLEM_KINDS",
    "Claim",
    "ClaimProblem",
    "ClaimsReport",
    "UnmappedHeading",
    "normalise_report",
    "read_claims",
]
