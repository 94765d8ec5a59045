"""Excel in and out: fact-collection workbooks, reading them back, and score sheets.

* :mod:`._archive`: the workbook's zip package, checked before openpyxl sees it (not a
  workbook, encrypted, macro-enabled, a zip bomb) and saved with fixed timestamps;
* :mod:`._cells`: how a fact's value is written into a cell and read back, by its type;
* :mod:`._layout`: the form's sheets and columns, shared by the writer and the reader;
* :mod:`._form`: the fact-collection workbook (``evalrules template --format xlsx``);
* :mod:`._read`: the ``xlsx`` facts reader;
* :mod:`._scoresheet`: the ``xlsx`` score-sheet renderer;
* :mod:`._plugin`: the reader and the renderer, registered through the public hooks.

openpyxl (the ``evalrules[excel]`` extra) is imported only when a workbook is written or
read, so the core runs without it.
"""
