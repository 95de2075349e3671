"""The session the window and the headless command drive: `session.Session`, its set-up, computing
and reading, with each job in a module of its own (`stepper`: the cursor and the moves along the
timeline; `edits`; `timeline`: bookmarks, undo and Reset; `training`), the progress long work
yields (`progress`), every parameter's trajectory (`trajectory`), the gradient check (`gradcheck`)
and the trace and loss-history files (`export`).

May import: engine.concepts, engine.network, engine.files, engine.record."""
