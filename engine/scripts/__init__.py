"""A network as a Python script that trains it without the application (`pyexport.script`:
`pytorch` or plain NumPy, `numpy_script`, on the `common` part). Text from the network file
reaches a script only as data.

May import: engine.concepts, engine.network, engine.files."""
