"""The plots (pyqtgraph): the loss curve (`loss`), the output map (`outputmap`), the trajectories
(`trajectories`), how they draw their axes (`style`) and the one-line read-out over each
(`readout`).

May import: engine, guiapp.model, guiapp.colours."""
