"""Compiling a rubric: checking it against the installed plugins, binding it once."""
