"""Bringing a year in (nhập số liệu một năm): a workbook of a province's, district's or union's paper record,
checked whole against the tree, the members and the rules, then recorded through each service's commands.

- :mod:`.cells`: what a cell may hold (a date, a number, a choice among Vietnamese labels …) and how it is read;
- :mod:`.workbook`: the template, sheet by sheet and column by column, and its rows read as typed values;
- :mod:`.mapping`: mapping files, by which a sheet of another format (the central member system's export)
  is read as a sheet of the template; chudong's own template is one of them;
- :mod:`.steps`: one request to a service, with the sheet, row and columns it came from;
- :mod:`.planner`: the whole workbook checked and turned into steps, in the order they are sent.
"""
