"""Backprop Stepper's window (Qt): presentation and interaction; every number comes from the engine.

The model (`guiapp.model`) holds every piece of state the views show and emits one signal per
change; the views (`diagram`, `plots`, `panels`, `dialogs`) follow it and write user choices back
to it; `menus` holds the flows behind the menus; `window` lays the views out and binds the actions
(`actions`), `presentation` its layout in presentation mode; `app` starts it. tests/project/test_layers.py checks who may import whom."""
