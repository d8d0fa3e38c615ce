project = "Wren"
extensions = ["myst_parser", "sphinx_jointassessment"]
