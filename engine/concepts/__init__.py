"""The concepts a network is made of, each owning its facts: activations and losses (their
names, maths, derivatives and formula texts), and the formula text itself (`formula`: one
expression written from symbols or from numbers; `mathtext`: that text as LaTeX or HTML).

May import: numpy, the standard library and engine.text."""
