"""Without the excel extra the core runs, and the Excel formats say how to install it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from _environ import clean_env

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"

SCRIPT = textwrap.dedent(
    f"""
    import sys
    sys.modules["openpyxl"] = None  # as if the extra were not installed
    from click.testing import CliRunner
    from evalrules._cli import main
    runner = CliRunner()
    ok = runner.invoke(main, ["evaluate", {str(EXAMPLE)!r}])
    print("table", ok.exit_code)
    bad = runner.invoke(main, ["evaluate", {str(EXAMPLE)!r}, "--format", "xlsx", "-o", "/dev/null"])
    print("xlsx", bad.exit_code, "evalrules[excel]" in bad.stderr)
    form = runner.invoke(main, ["template", "panjin-county/2023", "--format", "xlsx", "-o",
                                "/dev/null"])
    print("template", form.exit_code, "evalrules[excel]" in form.stderr)
    """
)


def test_the_core_runs_without_openpyxl_and_the_excel_formats_say_what_to_install():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=clean_env(), capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:3] == ["table 0", "xlsx 2 True", "template 2 True"]
