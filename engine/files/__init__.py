"""Files and data: network files read with a check of every field and written atomically
(`netfile`, `atomic`), the presets shipped in resources/ (`presets`), samples from CSV files
(`csvdata`) and generated data sets (`datasets`), and a new network's design built through the
file's own checks (`design`).

May import: engine.concepts, engine.network."""
