"""The terminal table fits the width it is given: every line, in both languages."""

from __future__ import annotations

import re

import pytest

from evalrules import RenderOptions
from evalrules._renderers._texttable import display_width

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def card(compiled, example):
    """The example's card with item 11 missed (a finding, a discrepancy) and the
    sensitivity section, so every part of the table is there."""
    doc = example.with_facts({"kindergarten.inclusive_children": 4100})
    return compiled.sensitivity(doc, compiled.evaluate(doc))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("color", [False, True])
def test_every_line_of_the_table_fits_the_width(engine, card, lang, width, color):
    text = engine.render(card, "table", lang=lang, color=color, width=width)
    lines = ANSI.sub("", text).splitlines()
    too_wide = [(display_width(line), line) for line in lines if display_width(line) > width]
    assert not too_wide
    # The width is used, not just respected: some line reaches near it.
    assert max(display_width(line) for line in lines) > width - 10


def test_the_default_width_is_80_and_fixed(engine, card, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert RenderOptions().width == 80
    assert engine.render(card, "table") == engine.render(card, "table", width=80)
    assert engine.render(card, "table") != engine.render(card, "table", width=120)


@pytest.mark.parametrize("width", [59, 0, -1, True, 80.0, "80"])
def test_a_width_below_the_minimum_or_not_a_whole_number_is_refused(width):
    with pytest.raises(ValueError, match="width"):
        RenderOptions(width=width)


def test_a_title_wraps_by_display_width_and_keeps_every_character(engine, card):
    text = engine.render(card, "table", width=60)
    tree = text.split("\n\n")[1]
    # 1.1's title wraps over several lines of the indicator column; joined, it is whole.
    lines = tree.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("    1.1 "))
    column = lines[0].index("指标")
    pieces = [lines[start][column:].split()[0]]
    for line in lines[start + 1 :]:
        if line[:column].strip():
            break
        pieces.append(line[column:].split()[0])
    assert len(pieces) > 1
    assert "".join(pieces) == "公办学校落实国家和省关于建立中小学校党组织领导的校长负责制工作成效"


def test_display_width_of_ascii_text_is_the_sum_of_its_characters_widths():
    from evalrules._renderers._texttable import char_width, display_width

    every_ascii = "".join(chr(i) for i in range(128))
    assert display_width(every_ascii) == sum(char_width(c) for c in every_ascii) == 128
    mixed = "优秀 A\u0301\u200b x"
    assert display_width(mixed) == 2 + 2 + 1 + 1 + 0 + 0 + 1 + 1
