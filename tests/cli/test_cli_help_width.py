"""Help text wraps by display width: its Chinese half stays within the terminal too."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from evalrules._cli import main
from evalrules._renderers._texttable import display_width


def _help(command: tuple[str, ...], width: int) -> str:
    # click's test runner forces 80 columns unless the context is given a width.
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=width)
    assert result.exit_code == 0, result.output
    return result.output


def _commands() -> list[tuple[str, ...]]:
    ctx = click.Context(main)
    return [(), *((name,) for name in main.list_commands(ctx))]


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "evalrules")
def test_every_help_line_fits_the_terminal(command, columns):
    lines = _help(command, columns).splitlines()
    assert [line for line in lines if display_width(line) > columns] == []
    # Nothing lost: the first line of the command's help text is all there.
    assert any("/" in line for line in lines)


def test_a_help_paragraph_keeps_its_chinese_whole():
    # Rewrapped lines join without a space between Chinese characters.
    flat = "".join(line.strip() for line in _help(("evaluate",), 60).splitlines())
    assert "明确指定时,错误信息也只用该语言" in flat
