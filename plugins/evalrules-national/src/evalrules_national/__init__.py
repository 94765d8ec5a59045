"""National county-level supervision rubrics for evalrules.

Two certification rubrics of the 国务院教育督导委员会办公室 / 教育部 standards by which every
county is assessed: 县域义务教育优质均衡发展督导评估 (教督〔2017〕6号) and 县域学前教育普及
普惠督导评估 (教督〔2020〕1号). Registered through the ``evalrules`` entry point; the rubric
files are read only when a rubric is asked for.
"""

from __future__ import annotations

from pathlib import Path

from evalrules import RubricSource, Text, hookimpl, rubric_source

__all__ = ["RUBRICS", "data_dir", "evalrules_register_rubrics"]

#: Reference → (family folder, file name), with a title for listings.
RUBRICS = {
    "national-balance/2017": (
        "national-balance",
        "2017.yaml",
        Text(
            "县域义务教育优质均衡发展督导评估",
            "County-level supervision of high-quality balanced compulsory education",
        ),
    ),
    "national-preschool/2020": (
        "national-preschool",
        "2020.yaml",
        Text(
            "县域学前教育普及普惠督导评估",
            "County-level supervision of universal and affordable preschool education",
        ),
    ),
}


def data_dir(family: str) -> Path:
    """The folder holding a family's rubric files (``national-balance``, ``national-preschool``).

    In a wheel, the files are packaged beside this module; in an editable install from the
    repository they are read from the repository's ``rubrics/<family>`` folder, so there is
    only ever one copy to review.
    """
    packaged = Path(__file__).parent / "rubrics" / family
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "rubrics" / family


@hookimpl
def evalrules_register_rubrics() -> list[RubricSource]:
    """Register the national rubrics."""
    return [
        rubric_source(ref, data_dir(family) / name, title=title)
        for ref, (family, name, title) in RUBRICS.items()
    ]
