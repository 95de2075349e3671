"""The concepts a network is made of, each in a module of its own that owns all of its facts:
the activations (`activations/`: sigmoid.py, tanh.py, ...), the losses (`losses/`: half_sse.py,
mse.py, ...), the optimizers (`optimizers/`: sgd.py) and the schemes of start values (`inits/`:
pytorch.py, xavier.py, he.py, zeros.py), each package the registry of its modules
(its name in a file, its titles, the maths and its derivative or update with their formula texts,
the rules it brings to a network, what the mistake catalogue needs of it, its source for the
script export); and the formulas themselves (`tokens`: a formula as a tree, built once;
`formula`: one expression written from symbols or from numbers; `render`: a tree written as plain
text, LaTeX, HTML or Markdown).

May import: numpy, the standard library and engine.text."""
