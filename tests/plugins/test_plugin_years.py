"""Year selection: ``family/year`` exactly, ``family`` for the latest year installed, and a
clear error listing what is installed."""

from __future__ import annotations

import pytest

import evalrules
import evalrules_panjin
from evalrules import hookimpl
from evalrules.errors import RubricError, RubricNotFoundError


class TwoYears:
    """A tiny plugin adding 2022 and 2024 to the Panjin family (files written per test)."""

    def __init__(self, folder) -> None:
        self.folder = folder
        for year in (2022, 2024):
            (folder / f"{year}.yaml").write_text(
                "evalrules: rubric/1\n"
                "extends: panjin-county/2023\n"
                f"year: {year}\n"
                f"data_year: {year - 1}\n"
                'version: "1.0.0"\n',
                encoding="utf-8",
            )

    @hookimpl
    def evalrules_register_rubrics(self) -> list[evalrules.RubricSource]:
        return [
            evalrules.rubric_source(f"panjin-county/{year}", self.folder / f"{year}.yaml")
            for year in (2024, 2022)
        ]


@pytest.fixture
def two_years(tmp_path) -> TwoYears:
    return TwoYears(tmp_path)


@pytest.fixture(params=["panjin first", "two years first"])
def years_engine(request, two_years, sample) -> evalrules.Engine:
    plugins = [evalrules_panjin, two_years, sample]
    if request.param == "two years first":
        plugins = [two_years, sample, evalrules_panjin]
    return evalrules.Engine(plugins=plugins, autoload=False)


def test_exact_year_is_that_year(years_engine):
    for year in (2022, 2023, 2024):
        source = years_engine.resolve(f"panjin-county/{year}")
        assert source.ref == f"panjin-county/{year}"
        assert years_engine.load_rubric(f"panjin-county/{year}").year == year


def test_family_alone_is_the_latest_year_installed(years_engine):
    assert years_engine.resolve("panjin-county").ref == "panjin-county/2024"
    rubric = years_engine.load_rubric("panjin-county")
    assert (rubric.family, rubric.year, rubric.data_year) == ("panjin-county", 2024, 2023)
    assert years_engine.resolve("sample-county").ref == "sample-county/2024"


def test_family_alone_with_one_year_is_that_year(engine):
    assert engine.resolve("panjin-county").ref == "panjin-county/2023"


@pytest.mark.parametrize(
    "ref", ["panjin-county/2021", "panjin-county/2025", "shenyang-county", "panjin-county/latest"]
)
def test_a_year_without_a_rubric_lists_what_is_installed(years_engine, ref):
    with pytest.raises(RubricNotFoundError) as caught:
        years_engine.load_rubric(ref)

    error = caught.value
    installed = (
        "panjin-county/2022",
        "panjin-county/2023",
        "panjin-county/2024",
        "sample-county/2024",
    )
    assert error.requested == ref
    assert error.available == installed
    assert all(ref_ in str(error) for ref_ in installed)
    assert isinstance(error, LookupError)


def test_registered_reference_must_match_the_file(tmp_path):
    class Mislabelled:
        @staticmethod
        @hookimpl
        def evalrules_register_rubrics() -> list[evalrules.RubricSource]:
            return [
                evalrules.rubric_source(
                    "panjin-county/2024", evalrules_panjin.data_dir() / "2023.yaml"
                )
            ]

    engine = evalrules.Engine(plugins=[Mislabelled], autoload=False)
    with pytest.raises(RubricError) as caught:
        engine.load_rubric("panjin-county/2024")
    (problem,) = caught.value.problems
    assert problem.code == "ref-mismatch"
    assert "panjin-county/2023" in problem.message
    assert "Mislabelled" in problem.message


def test_reference_mismatch_is_found_even_after_the_file_was_loaded():
    class Alias:
        @staticmethod
        @hookimpl
        def evalrules_register_rubrics() -> list[evalrules.RubricSource]:
            path = evalrules_panjin.data_dir() / "2023.yaml"
            return [evalrules.rubric_source("panjin-county/2099", path)]

    engine = evalrules.Engine(plugins=[evalrules_panjin, Alias], autoload=False)
    assert engine.load_rubric("panjin-county/2023").ref == "panjin-county/2023"
    for _ in range(2):
        with pytest.raises(RubricError, match="ref-mismatch"):
            engine.load_rubric("panjin-county/2099")
