"""``evalrules new-year``: the plugin it writes extends the base year, changes nothing, and
(slow) installs into a fresh virtual environment where its own tests pass."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import evalrules
import evalrules_panjin
from evalrules._cli import main
from evalrules._diff import diff_rubrics
from evalrules._newyear import plan_new_year

REPO = Path(__file__).resolve().parents[2]


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(autouse=True)
def _autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVALRULES_DISABLE_PLUGIN_AUTOLOAD", raising=False)


@pytest.fixture
def written(tmp_path: Path) -> Path:
    folder = tmp_path / "evalrules-panjin-county-2024"
    result = run("new-year", "panjin-county/2023", "--year", "2024", "-o", folder)
    assert result.exit_code == 0, result.output
    return folder


def test_the_distribution_has_its_files(written: Path) -> None:
    files = sorted(str(p.relative_to(written)) for p in written.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "pyproject.toml",
        "src/evalrules_panjin_county_2024/2024.yaml",
        "src/evalrules_panjin_county_2024/__init__.py",
        "src/evalrules_panjin_county_2024/py.typed",
        "tests/cases/shuangtaizi-2023.yaml",
        "tests/facts/shuangtaizi-2023.facts.yaml",
        "tests/test_panjin_county_2024.py",
    ]
    pyproject = (written / "pyproject.toml").read_text(encoding="utf-8")
    assert (
        '[project.entry-points.evalrules]\npanjin-county-2024 = "evalrules_panjin_county_2024"'
        in (pyproject)
    )
    assert '"evalrules-panjin>=' in pyproject
    # The test kit's needs (hypothesis, jsonschema) come with evalrules[test].
    assert '\ntest = ["evalrules[test]' in pyproject
    assert 'filterwarnings = ["error"]' in pyproject
    facts = (written / "tests/facts/shuangtaizi-2023.facts.yaml").read_text(encoding="utf-8")
    assert "rubric: panjin-county/2024" in facts
    assert "\nclaimed:" not in facts


def test_the_new_rubric_changes_nothing_that_scores(written: Path) -> None:
    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    new = engine.load_rubric(written / "src/evalrules_panjin_county_2024/2024.yaml")
    old = engine.load_rubric("panjin-county/2023")
    assert new.extends == "panjin-county/2023"
    diff = diff_rubrics(old, new)
    assert {c.kind for c in diff.changes} == {"rubric-changed"}
    assert {c.subject for c in diff.changes} == {"year", "data_year", "title", "version", "source"}
    assert all(c.comparable for c in diff.comparability)


def test_the_recorded_case_is_the_base_years_score(written: Path) -> None:
    case = (written / "tests/cases/shuangtaizi-2023.yaml").read_text(encoding="utf-8")
    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    facts = REPO / "rubrics/panjin-county/examples/shuangtaizi-2023.facts.yaml"
    card = engine.evaluate("panjin-county/2023", evalrules.load_facts(facts))
    assert f"total: {card.total}\n" in case
    assert '"8.2": 3' in case


def test_refusals_exit_2_and_write_nothing(tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x", encoding="utf-8")
    for args, folder in (
        (("panjin-county/2023", "--year", "2024", "-o", busy), busy),
        (("panjin-county/2023", "--year", "2023", "-o", tmp_path / "a"), tmp_path / "a"),
        (("no-such/2023", "--year", "2024", "-o", tmp_path / "b"), tmp_path / "b"),
    ):
        result = run("new-year", *args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert folder == busy or not folder.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]


def test_an_in_process_plugin_is_not_a_distribution() -> None:
    from evalrules._newyear import NewYearError

    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    with pytest.raises(NewYearError, match="installed distribution"):
        plan_new_year(engine, "panjin-county/2023", 2024)


@pytest.mark.slow
def test_it_installs_into_a_fresh_venv_and_its_tests_pass(written: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVALRULES_", "PYTHON"))}

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(python), *args], cwd=written, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    # As a user would: evalrules and the 2023 plugin (from this checkout, by path), then the
    # new distribution with its test extra, every dependency resolved by pip (nothing shared
    # with this checkout's environment).
    call("-m", "pip", "install", "-q", str(REPO), str(REPO / "plugins" / "evalrules-panjin"))
    call("-m", "pip", "install", "-q", ".[test]")
    listed = call(
        "-c",
        "import evalrules; e = evalrules.Engine(); "
        "ref = 'panjin-county/2024'; "
        "print(e.rubric_sources.origin(ref), e.load_rubric(ref).file)",
    ).stdout
    assert listed.startswith("evalrules-panjin-county-2024[panjin-county-2024] ")
    assert str(venv) in listed  # the rubric file is read from the installed wheel
    tests = call("-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert re.search(r"^3 passed", tests.stdout, re.M), tests.stdout
    # The fixture cases record their outcomes for the scoped coverage report.
    covered = call("-m", "pytest", "-q", "-p", "no:cacheprovider", "--evalrules-coverage")
    assert "no fixture cases ran" not in covered.stdout, covered.stdout
    assert "taken unchanged from panjin-county/2023" in covered.stdout, covered.stdout


def test_the_readme_is_in_chinese_then_english(written: Path) -> None:
    readme = (written / "README.md").read_text(encoding="utf-8")
    assert readme.index("编写本年度变化") < readme.index("## Writing the year's changes")
    assert "评价方案 `panjin-county/2024`:在 `panjin-county/2023`" in readme
