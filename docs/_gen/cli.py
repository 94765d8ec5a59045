"""Generate ``reference/cli.md`` from the ``evalrules`` click command itself.

Every command's help text is printed exactly as ``evalrules COMMAND --help`` prints it, at a
fixed width, so the page is what a user sees in a terminal and cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

PAGE = "reference/cli.md"


def main_command() -> click.Command:
    """The ``evalrules`` command (imported here, so that building the docs tests the import)."""
    from evalrules._cli import main

    return main


def walk(
    command: click.Command, name: str, parent: click.Context | None = None
) -> Iterator[tuple[str, click.Command, click.Context]]:
    """Yield ``(full name, command, context)`` for a command and its subcommands, in order."""
    # make_context applies the command's own context settings (its help option names and
    # width); a fixed terminal width keeps the page the same on every machine.
    ctx = command.make_context(name, [], parent=parent, resilient_parsing=True, terminal_width=100)
    yield (ctx.command_path, command, ctx)
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            child = command.get_command(ctx, sub)
            if child is not None and not child.hidden:
                yield from walk(child, sub, ctx)


def render() -> str:
    """The whole page."""
    root = main_command()
    entries = list(walk(root, "evalrules"))
    index_rows = [
        f"| [`{path}`](#{path.replace(' ', '-')}) | {_cell(cmd.get_short_help_str(limit=120))} |"
        for path, cmd, _ in entries[1:]
    ]
    parts = [
        "# Command line",
        "",
        "!!! note",
        "    This page is generated from the `evalrules` command (`src/evalrules/_cli.py`):",
        "    each section is the command's own `--help`.",
        "",
        "| command | what it does |",
        "|---|---|",
        *index_rows,
    ]
    for path, cmd, ctx in entries:
        anchor = path.replace(" ", "-")
        parts += [
            "",
            f"## `{path}` {{ #{anchor} }}",
            "",
            "```text",
            cmd.get_help(ctx).rstrip(),
            "```",
        ]
    parts.append("")
    return "\n".join(parts)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def main() -> None:
    """Write the page into the site being built."""
    import mkdocs_gen_files

    with mkdocs_gen_files.open(PAGE, "w") as fh:
        fh.write(render())
    mkdocs_gen_files.set_edit_path(PAGE, "src/evalrules/_cli.py")


if __name__ in ("__main__", "<run_path>"):
    main()
