"""A network as a Python script that trains it without the application (`pyexport`: PyTorch
or plain NumPy). Text from the network file reaches a script only as data.

May import: engine.concepts, engine.network, engine.files."""
