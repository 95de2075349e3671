"""The flows behind the menus: opening, saving and exporting (`file`, with `Files.write`, the one
helper every file the window writes goes through), the Network menu (`network`), the kept runs
(`runs`), Export picture and the copies to the clipboard (`copies`) and pictures of the views
(`pictures`).

May import: engine, guiapp.model, guiapp.colours, guiapp.dialogs, guiapp.plots, guiapp.pdfdoc."""
