"""A network and its maths: names of units and parameters (`naming`), the limits checked before
any work (`limits`), typed numbers read exactly (`numbers`), the configuration and samples
(`network.Setup`, `network.Network`), one iteration's forward pass, backward pass and update
(`maths`), the targets taken from outside data (`targets`) and a unit over a grid of its inputs
(`outputmap`).

May import: engine.concepts."""
