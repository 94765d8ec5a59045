"""The HTML card in a real browser: headless Chromium lays out the zh and en cards without
horizontal overflow at 1280 and 800 px, and prints them as an A4 PDF with page numbers.

Chromium is Debian's ``chromium`` (``.ci/run`` installs it with ``fonts-noto-cjk``). Without
it the tests are skipped, saying so; CI always has it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
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
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module", params=["zh", "en"])
def card(request, tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from evalrules._cli import main

    lang = request.param
    out = tmp_path_factory.mktemp(lang) / f"card.{lang}.html"
    args = ["evaluate", str(EXAMPLE), "--format", "html", "--lang", lang, "--sensitivity"]
    result = CliRunner().invoke(main, [*args, "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("width", [1280, 800])
def test_the_card_does_not_overflow_horizontally(card, width, tmp_path):
    probed = tmp_path / card.name
    probed.write_text(
        card.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), "utf-8"
    )
    dom = _chromium(f"--window-size={width},1000", "--dump-dom", probed.as_uri())
    found = re.search(r"<title>probe:(\d+):(\d+):(\d+)</title>", dom.stdout)
    assert found, dom.stderr[-2000:]
    scroll, client, wide = map(int, found.groups())
    assert scroll <= client, f"the page is {scroll} px wide in a {client} px window"
    assert wide == 0, f"{wide} element(s) reach past the right edge"
    shot = tmp_path / "shot.png"
    _chromium(f"--window-size={width},1000", f"--screenshot={shot}", card.as_uri())
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == width  # the screenshot is the window


def test_the_card_prints_on_a_few_numbered_a4_pages(card, tmp_path):
    from pypdf import PdfReader

    pdf = tmp_path / "card.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", card.as_uri())
    reader = PdfReader(pdf)
    assert 2 <= len(reader.pages) <= 8, len(reader.pages)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595) < 3  # A4 in points
    assert abs(height - 842) < 3
    last = reader.pages[-1].extract_text()
    assert f"{len(reader.pages)} / {len(reader.pages)}" in last  # the page numbers
