"""Panjin (盘锦) county-government education-duty rubrics for evalrules.

Registered through the ``evalrules`` entry point; the rubric files are read only when a
rubric is asked for.
"""

from __future__ import annotations

from pathlib import Path

from evalrules import RubricSource, Text, hookimpl, rubric_source

__all__ = ["RUBRICS", "data_dir", "evalrules_register_rubrics"]

#: Reference → file name under the data folder, with a title for listings.
RUBRICS = {
    "panjin-county/2023": (
        "2023.yaml",
        Text(
            "2023年对县区人民政府履行教育职责评价",
            "2023 evaluation of county and district governments' education duties",
        ),
    ),
}


def data_dir() -> Path:
    """The folder holding the rubric files.

    In a wheel, the files are packaged beside this module; in an editable install from the
    repository they are read from the repository's ``rubrics/panjin-county`` folder, so
    there is only ever one copy to review.
    """
    packaged = Path(__file__).parent / "rubrics" / "panjin-county"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "rubrics" / "panjin-county"


@hookimpl
def evalrules_register_rubrics() -> list[RubricSource]:
    """Register the Panjin rubrics."""
    folder = data_dir()
    return [
        rubric_source(ref, folder / name, title=title) for ref, (name, title) in RUBRICS.items()
    ]
