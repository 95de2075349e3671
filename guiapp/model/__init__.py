"""The window's model, the single truth the views follow: the session behind a QObject with one
signal per kind of change (`session.SessionModel`), the undo commands (`commands`), long work
pumped from the event loop (`jobs`) and what the window remembers between runs (`settings`).

May import: engine, Qt. Never a view (diagram, plots, panels, dialogs, menus, window)."""
