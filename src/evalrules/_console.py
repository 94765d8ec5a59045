"""The ``evalrules`` console script: the command line, imported with the collector held off.

The script's process imports the command line (click, PyYAML, attrs, the model's classes,
pluggy, ``importlib.metadata``) and then runs one command. Importing makes tens of
thousands of objects (modules, classes, functions, constants) and next to no garbage (a
few thousand objects in cycles, kept with the rest), so every collection the cyclic garbage
collector runs meanwhile walks them all and frees next to nothing;
and they live until the process exits, so the collections the command sets off afterwards
would walk them again. The collector is therefore held off while :mod:`evalrules._cli` is
imported, what the import made is frozen (``gc.freeze()``: moved where collections do not
look), and the collector turned back on — if it was on — before the command runs, so the
command's own values are collected as anywhere else.

This lives in a module of its own because the console script's entry point is imported
before it is called: held off inside :func:`evalrules._cli.run`, the collector would have run
through the whole import already; held off in :mod:`evalrules._cli` itself, it would be held
off (and the import frozen) in every process that imports the command line, tests and hosts
among them. ``import evalrules`` changes nothing of the collector.
"""

from __future__ import annotations

import gc

__all__ = ["run"]


def run() -> None:
    """The ``evalrules`` command: :func:`evalrules._cli.run`, imported with the collector
    held off. For the console script's own process only: the freeze is process-wide, so a
    host that runs the command in its own process calls :func:`evalrules._cli.main`."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        from evalrules._cli import run as run_command
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    run_command()
