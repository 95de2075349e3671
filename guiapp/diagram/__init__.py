"""The network diagram: the view with its events and zoom (`view`), its graphics items (`items`),
where units and tags go (`layout`, plain geometry without Qt) and which units of a large layer are
shown (`fold`, plain data).

May import: engine, guiapp.model, guiapp.colours."""
