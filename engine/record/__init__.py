"""What one iteration records and how it is read: every traced quantity declared once
(`quantities`), the flat row an iteration is stored in (`layout`), the ordered computations a
stepper walks (`steps`), the timeline's checkpoints and loss history (`trace`), the trace CSV's
rows (`tracecsv`), labels and formulas made on reading (`describe`), the change since a reference
iteration (`compare`) and what went wrong when a number is not finite (`diverged`).

May import: engine.concepts, engine.network."""
