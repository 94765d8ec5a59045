"""The 2024 Panjin (盘锦) education-duty rubric for evalrules, written as changes to 2023."""

from __future__ import annotations

from pathlib import Path

from evalrules import RubricSource, Text, hookimpl, rubric_source

__all__ = ["evalrules_register_rubrics"]


@hookimpl
def evalrules_register_rubrics() -> list[RubricSource]:
    """Register ``panjin-county/2024``; its file is read only when the rubric is asked for."""
    return [
        rubric_source(
            "panjin-county/2024",
            Path(__file__).parent / "2024.yaml",
            title=Text(
                "2024年对县区人民政府履行教育职责评价",
                "2024 evaluation of county and district governments' education duties",
            ),
        )
    ]
