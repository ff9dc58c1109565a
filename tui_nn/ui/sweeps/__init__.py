"""A sweep's results (tui-nn --sweep DIR, or the palette): the trials as a table and a plot."""
