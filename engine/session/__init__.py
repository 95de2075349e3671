"""The session the window and the headless command drive: the stepper and its timeline
(`session`), the progress long work yields (`progress`), every parameter's trajectory
(`trajectory`), the gradient check (`gradcheck`) and the trace and loss-history files (`export`).

May import: engine.concepts, engine.network, engine.files, engine.record."""
