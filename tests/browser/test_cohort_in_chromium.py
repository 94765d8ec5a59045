"""The HTML cohort report in a real browser: headless Chromium lays out the example cohort's
report (zh and en) without horizontal overflow at 1280 and 800 px, and prints it as A4 with
the ranking first and each district's card starting a page of its own.

Chromium is Debian's ``chromium`` (``.ci/run`` installs it with ``fonts-noto-cjk``). Without
it the tests are skipped, saying so; CI always has it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import evalrules
from evalrules._cohort._html import render_html
from evalrules._renderers._html import heading

REPO = Path(__file__).resolve().parents[2]
COHORT = REPO / "rubrics" / "panjin-county" / "examples" / "cohort"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium is not installed (apt-get install chromium fonts-noto-cjk; "
        ".ci/run installs it)",
    ),
]

#: Measures the page once laid out and writes the result where --dump-dom shows it.
_PROBE = """<script>
addEventListener("load", () => {
  const d = document.documentElement;
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > d.clientWidth + 1).length;
  document.title = "probe:" + d.scrollWidth + ":" + d.clientWidth + ":" + wide;
});
</script>"""


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def cohort(compiled):
    files = sorted(COHORT.glob("*.facts.yaml"))
    documents = [evalrules.load_facts(path) for path in files]
    return compiled.evaluate_cohort(documents, sources=[path.name for path in files])


@pytest.fixture(scope="module", params=["zh", "en"])
def report(request, cohort, panjin, tmp_path_factory) -> tuple[str, Path]:
    lang = request.param
    out = tmp_path_factory.mktemp(lang) / f"cohort.{lang}.html"
    out.write_text(render_html(cohort, lang=lang, rubric=panjin), "utf-8")
    return lang, out


@pytest.mark.parametrize("width", [1280, 800])
def test_the_report_does_not_overflow_horizontally(report, width, tmp_path):
    _, page = report
    probed = tmp_path / page.name
    probed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), "utf-8"
    )
    dom = _chromium(f"--window-size={width},1000", "--dump-dom", probed.as_uri())
    found = re.search(r"<title>probe:(\d+):(\d+):(\d+)</title>", dom.stdout)
    assert found, dom.stderr[-2000:]
    scroll, client, wide = map(int, found.groups())
    assert scroll <= client, f"the page is {scroll} px wide in a {client} px window"
    assert wide == 0, f"{wide} element(s) reach past the right edge"
    shot = tmp_path / "shot.png"
    _chromium(f"--window-size={width},1000", f"--screenshot={shot}", page.as_uri())
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == width  # the screenshot is the window


def _plain(text: str) -> str:
    """Text as extracted from a PDF, comparable with the page's: compatibility forms (the
    Kangxi radicals some CJK fonts map to, full-width colons) folded, spacing dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_each_card_starts_a_page_of_the_printed_report(report, cohort, tmp_path):
    from pypdf import PdfReader

    lang, page = report
    pdf = tmp_path / "cohort.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    reader = PdfReader(pdf)
    count = len(reader.pages)
    members = len(cohort.members)
    assert 1 + members <= count <= 8 * (1 + members), count
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595) < 3  # A4 in points
    assert abs(height - 842) < 3
    texts = [_plain(p.extract_text()) for p in reader.pages]
    # each page's text starts with its number ("3/23", the @page footer), then the page
    tops = [re.sub(r"^\d+/\d+", "", text) for text in texts]
    assert texts[-1].startswith(f"{count}/{count}")
    assert "Rank" in tops[0] or "名次" in tops[0]  # the ranking comes first
    starts = []
    for member in cohort.members:
        title = _plain(heading(member.card, lang))
        (start,) = [i for i, top in enumerate(tops) if top.startswith(title)]
        starts.append(start)
    assert starts[0] >= 1  # after the ranking and the charts
    assert starts == sorted(starts)  # in ranking order, each on pages of its own
    assert len(set(starts)) == members
