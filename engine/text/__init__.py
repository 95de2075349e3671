"""Text from a file or a user (a network's name and description, which also carry a CSV's column
and class names; file names; typed answers) written into each output format as text, never as
instructions: one module of escapers per format, used by every writer of that format.

`plain`: the rules every format starts from (every line break a file can carry, control and
other unprintable characters); `pysource`: Python scripts (two fixed first lines, comments);
`markdown`; `markup`: HTML and XML (SVG); `latex`; `csvcell`: text cells of CSV files.

May import: the standard library only (the bottom layer of the engine)."""
