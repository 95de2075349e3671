"""The headless command, python -m engine: the dispatcher (`main`), what the commands share
(`loader`: the network read, the output paths checked before any work, a progress line;
`terminal`: what it prints and its exit statuses), and one module per command (`train`,
`evaluate`, `new`, `explain`, `export`, `practice`).

May import: every engine package (the top layer). Never Qt, pyqtgraph or guiapp."""
