"""The network diagram, by job: the view that builds and lays out the scene (`view`); what it
writes, as plain text lines without Qt (`content`); fitting, zooming and the mouse and keys
(`events`); the callouts over tags that leave something out (`callouts`); the colour legend and
the zoom hint in the view's corners (`legend`); its graphics items (`items`); where units and tags
go (`layout`, plain geometry without Qt); which units of a large layer are shown (`fold`, plain
data); the unit maps (`unitmaps`).

May import: engine, guiapp.model, guiapp.colours."""
