project = "Bad"
extensions = ["myst_parser", "sphinx_jointassessment"]
