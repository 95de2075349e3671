"""The flows behind the menus: opening, saving and exporting (`file`), the Network menu
(`network`) and pictures of the views (`pictures`).

May import: engine, guiapp.model, guiapp.colours, guiapp.dialogs, guiapp.plots, guiapp.pdfdoc."""
