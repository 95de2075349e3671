"""Teaching: the chain rule of any parameter as data (`chainrule`), a value computed again with
a classic mistake made in it (`recompute`, `mistakes`), practice mode and its report
(`practice`, `practice_report`), and the worked example of an iteration as a document
(`document` fills `blocks`; `article` sets the published figures beside it; `svgfigure`,
`doc_markdown`, `doc_html` write it; `explain` makes the file).

May import: every engine package below it (concepts, network, files, record, session)."""
