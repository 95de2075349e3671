"""The panels around the diagram: the settings header (`header`), the side panel (`side`), the
practice box (`practice`), the status bar (`status`) and the timeline bar (`timeline`).

May import: engine, guiapp.model, guiapp.colours."""
